/**
 * From what the SDK answered to what the estate file holds: the estate schema itself says which
 * members each shape keeps, so a member the SDK knows and the format does not (a newer SDK, a
 * newer AWS feature) is left out and named, instead of making the file fail its own strict check.
 * Dates become ISO 8601 strings, which the schema reads back into the same instants.
 */
import { z } from 'zod';

export interface Conformed<T> {
  value: T;
  /** Paths of members the format does not hold, e.g. `FileSystemDescription.SomeNewMember`. */
  dropped: string[];
}

export function conformTo<S extends z.ZodType>(
  schema: S,
  value: unknown,
  label: string,
): Conformed<z.input<S>> {
  const dropped = new Set<string>();
  const out = walk(schema, value, label, dropped) as z.input<S>;
  return { value: out, dropped: [...dropped].sort() };
}

function walk(schema: z.ZodType, value: unknown, path: string, dropped: Set<string>): unknown {
  if (value === undefined || value === null) return undefined;
  if (schema instanceof z.ZodOptional) return walk(schema.unwrap() as z.ZodType, value, path, dropped);
  if (schema instanceof z.ZodObject && isPlainObject(value)) {
    const shape = schema.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const [member, v] of Object.entries(value)) {
      const memberSchema = shape[member];
      if (!memberSchema) {
        if (v !== undefined) dropped.add(`${path}.${member}`);
        continue;
      }
      const conformed = walk(memberSchema, v, `${path}.${member}`, dropped);
      if (conformed !== undefined) out[member] = conformed;
    }
    return out;
  }
  if (schema instanceof z.ZodArray && Array.isArray(value))
    return value.map((item) => walk(schema.element as z.ZodType, item, `${path}[]`, dropped));
  if (schema instanceof z.ZodRecord && isPlainObject(value)) {
    const valueSchema = schema.valueType as z.ZodType;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, walk(valueSchema, v, `${path}.${k}`, dropped)]),
    );
  }
  return plainJson(value);
}

/** Pass-through members (EC2 rules, multi-Region key configuration): dates as ISO strings, nothing else changed. */
function plainJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainJson);
  if (isPlainObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plainJson(v)]),
    );
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
