import { createHash } from 'node:crypto';
import type { BuildMapping, Difference } from './build-plan.ts';
import type { ConsumerKind } from './consumers.ts';
import { EfsEncryptError, ErrorCode } from './errors.ts';

/**
 * What every cutover planner shares: the call as the dry run shows it and the apply job makes it,
 * the placeholders for values known only once an earlier call answered, and the plan error.
 * Inputs use AWS's member names so the apply job hands them to the SDK unchanged once filled.
 */

export type CutoverService = 'ecs' | 'lambda' | 'ec2' | 'autoscaling';

export interface CutoverCall {
  service: CutoverService;
  /** The API operation, e.g. `RegisterTaskDefinition`. */
  operation: string;
  /** AWS's input members; strings like `<name>` are placeholders (see `placeholder`). */
  input: Record<string, unknown>;
  /** The placeholder this call's answer fills (e.g. the registered revision's ARN). */
  produces?: string;
  /** For a person reading the dry run. */
  purpose: string;
}

/** The change to one consumer: the calls in order, and how to undo them, read before the change. */
export interface ConsumerChangePlan {
  /** The consumer's stable ID (ARN or launch template ID). */
  consumerId: string;
  kind: ConsumerKind;
  name: string;
  calls: CutoverCall[];
  /**
   * The saga compensation, in the order it runs: computed from the consumer as described before
   * the change, and stored with the change record before the first call is made.
   */
  inverse: CutoverCall[];
  /** What changes, and why (the same shape the build's dry run uses). */
  differs: Difference[];
  /** What the owner must do themselves (CodeDeploy deployment, task set, pinned group version). */
  instructions: string[];
  /** What the bot cannot see or will not do, said rather than silent. */
  notes: string[];
}

/** A value known only once an earlier call answered: `<name>`. The apply job fills it. */
export function placeholder(name: string): string {
  return `<${name}>`;
}

export function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && /^<[^<>]+>$/.test(value);
}

/**
 * The placeholders inside a sentence for a person (an instruction, a note) replaced by what the
 * calls produced: once the revision is registered the owner is told its ARN, not `<new revision
 * of …>`. A placeholder nothing produced yet stays as it is (the text is read, never executed).
 */
export function fillPlaceholdersInText(text: string, values: Record<string, string>): string {
  return text.replace(/<([^<>]+)>/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * Replaces every placeholder string in an input (deeply) with its value; an unknown placeholder
 * is an error, so no call is ever made with `<…>` in it.
 */
export function fillPlaceholders<T>(value: T, values: Record<string, string>): T {
  const fill = (v: unknown): unknown => {
    if (isPlaceholder(v)) {
      const name = v.slice(1, -1);
      const filled = values[name];
      if (filled === undefined)
        throw new CutoverPlanError(
          `The cutover call needs ${v}, which no earlier call produced. This is a bug in efs-encrypt; report it with the correlation ID.`,
        );
      return filled;
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(value) as T;
}

/** A consumer cannot be planned as described: names what is wrong and what to do. */
export class CutoverPlanError extends EfsEncryptError {
  constructor(message: string) {
    super(ErrorCode.CutoverPlanInvalid, message);
  }
}

/** The twin's file system ID, or an error: there is nothing to cut over to before the build ends. */
export function twinFileSystemId(mapping: BuildMapping): string {
  if (!mapping.targetFileSystemId)
    throw new CutoverPlanError(
      `The encrypted twin of ${mapping.sourceFileSystemId} is not recorded (the build has not finished). Build and verify the twin before planning a cutover.`,
    );
  return mapping.targetFileSystemId;
}

/** The twin of a source access point, or an error naming it and where it is used. */
export function twinAccessPointId(mapping: BuildMapping, sourceAccessPointId: string, where: string): string {
  const twin = mapping.accessPoints[sourceAccessPointId];
  if (twin) return twin;
  const why = mapping.notCopied[sourceAccessPointId];
  throw new CutoverPlanError(
    `${where} uses access point ${sourceAccessPointId} of ${mapping.sourceFileSystemId}, which the build did not copy to the twin${why ? ` (${why})` : ''}. ` +
      'Create its twin (re-run the build) or change the consumer to another access point, then review the cutover again.',
  );
}

/** `arn:…:access-point/fsap-…` → its ID, or undefined when the ARN is not an EFS access point. */
export function accessPointIdOfArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:elasticfilesystem:[^:]*:[^:]*:access-point\/(fsap-[0-9a-f]+)$/.exec(arn)?.[1];
}

/** JSON with object keys sorted at every depth: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, x]) => [k, sort(x)]),
      );
    return v;
  };
  return JSON.stringify(sort(value));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
