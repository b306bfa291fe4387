/**
 * The shape of an SDK answer, for comparing two emulators without comparing IDs or times: the set of
 * member paths present (`services[].deployments[].rolloutState`, list items folded into `[]`) and,
 * for members AWS's model types as enums, the values seen (`services[].launchType=FARGATE`).
 * The SDK's parsed output uses the model's member names in every protocol, so one walker serves all.
 */
import type { ServiceModel } from '../harness/aws-model-check.ts';

interface ShapeRef {
  shape: string;
}
interface ModelShape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
}

export interface AnswerShape {
  paths: Set<string>;
  /** `path=value` for every enum member present. */
  enums: Set<string>;
}

export function answerShape(model: ServiceModel, operation: string, output: object): AnswerShape {
  const shapes = model.shapes as unknown as Record<string, ModelShape>;
  const op = model.operations[operation];
  if (!op?.output) throw new Error(`${model.service} has no operation ${operation} with an output`);
  const found: AnswerShape = { paths: new Set(), enums: new Set() };
  const walk = (value: unknown, shapeName: string, path: string): void => {
    if (value === undefined || value === null) return;
    const shape = shapes[shapeName]!;
    if (path) found.paths.add(path);
    if (shape.type === 'structure' && typeof value === 'object') {
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const ref = shape.members?.[key];
        // `$metadata` and anything the model does not know (the SDK keeps none of the latter).
        if (ref) walk(v, ref.shape, path ? `${path}.${key}` : key);
      }
    } else if (shape.type === 'list' && Array.isArray(value)) {
      for (const item of value) walk(item, shape.member!.shape, `${path}[]`);
    } else if (shape.type === 'map' && typeof value === 'object') {
      // Map keys are data (tag keys), not shape: every value folds into `{}`.
      for (const v of Object.values(value as Record<string, unknown>))
        walk(v, shape.value!.shape, `${path}{}`);
    } else if (shape.enum && typeof value === 'string') {
      found.enums.add(`${path}=${value}`);
    }
  };
  walk(output, op.output.shape, '');
  return found;
}

/** What one side has that the other lacks, as readable lines (`estate only: services[].events[].id`). */
export function shapeDifferences(operation: string, moto: AnswerShape, estate: AnswerShape): string[] {
  const lines: string[] = [];
  // A member one side lacks is named once, not with every member below it.
  const topmost = (paths: string[]) =>
    paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q) && '.[{'.includes(p[q.length]!)));
  for (const p of topmost([...moto.paths].filter((p) => !estate.paths.has(p))))
    lines.push(`${operation} moto only: ${p}`);
  for (const p of topmost([...estate.paths].filter((p) => !moto.paths.has(p))))
    lines.push(`${operation} estate only: ${p}`);
  // Enum values are compared where both sides have the member.
  const byPath = (enums: Set<string>) => {
    const m = new Map<string, Set<string>>();
    for (const e of enums) {
      const at = e.indexOf('=');
      const path = e.slice(0, at);
      (m.get(path) ?? m.set(path, new Set()).get(path)!).add(e.slice(at + 1));
    }
    return m;
  };
  const [m, e] = [byPath(moto.enums), byPath(estate.enums)];
  for (const [path, values] of m) {
    const other = e.get(path);
    if (!other) continue;
    const a = [...values].sort().join('|');
    const b = [...other].sort().join('|');
    if (a !== b) lines.push(`${operation} enum ${path}: moto ${a}, estate ${b}`);
  }
  return lines.sort();
}
