import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { MIGRATION_METHODS, TEXT_LIMITS, type DecisionChoice } from '../../domain/decision.ts';
import { BadInputError } from '../../domain/errors.ts';

/**
 * Decision files, for teams that keep decisions in git: JSON or YAML, either a list of choices or
 * `{ scanId?, decisions: [...] }`. Validated with zod; every problem names its path.
 *
 * ```yaml
 * decisions:
 *   - fileSystemId: fs-0a1b2c3d4e5f60711
 *     scope: in_scope
 *     targetKey: alias/payments-efs
 *     method: datasync
 *     constraints: { maintenanceWindow: "Sat 02:00-06:00 UTC", expectedChangeRate: "5 GiB/day" }
 *   - fileSystemId: fs-0c3d4e5f607182931
 *     accountId: "345678901234"   # only needed when the ID is in several accounts or regions
 *     region: ap-southeast-2
 *     scope: excluded
 *     reason: staging copy, deleted after the cutover
 * ```
 */

/**
 * YAML (and JSON) read an unquoted 345678901234 as a number, and 012345678901 as 12345678901,
 * losing the leading zero: say so, and show the quoted form.
 */
function accountIdTypeProblem(input: unknown): string {
  if (typeof input !== 'number') return 'expected a 12-digit account ID in quotes, e.g. "345678901234"';
  const digits = Number.isInteger(input) && input >= 0 ? String(input) : undefined;
  if (!digits || digits.length > 12)
    return `expected a 12-digit account ID in quotes; got the number ${input}`;
  const lost = 12 - digits.length;
  const dropped = lost === 0 ? '' : ` (its leading zero${lost > 1 ? 's' : ''} dropped)`;
  return (
    `the account ID was read as the number ${digits}${dropped}: ` +
    `quote it, accountId: "${digits.padStart(12, '0')}"`
  );
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `keep it under ${max} characters` });

const ChoiceSchema = z
  .strictObject({
    fileSystemId: z
      .string()
      .regex(/^fs-[0-9a-f]{8,40}$/, { message: 'expected a file system ID such as fs-0123456789abcdef0' }),
    accountId: z
      .string({ error: (issue) => accountIdTypeProblem(issue.input) })
      .regex(/^\d{12}$/, { message: 'expected a 12-digit account ID (quote it in YAML)' })
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'expected a region such as eu-west-1' })
      .optional(),
    scope: z.enum(['in_scope', 'excluded'], { message: 'expected in_scope or excluded' }),
    reason: text(TEXT_LIMITS.exclusionReason).optional(),
    targetKey: z.string().trim().min(1).optional(),
    method: z
      .enum(MIGRATION_METHODS, { message: `expected one of ${MIGRATION_METHODS.join(', ')}` })
      .optional(),
    constraints: z
      .strictObject({
        maintenanceWindow: text(TEXT_LIMITS.maintenanceWindow).optional(),
        expectedChangeRate: text(TEXT_LIMITS.expectedChangeRate).optional(),
        bandwidthLimit: text(TEXT_LIMITS.bandwidthLimit).optional(),
        notes: text(TEXT_LIMITS.notes).optional(),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.scope === 'excluded' && !c.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'an exclusion needs a reason' });
    if (c.scope === 'in_scope') {
      if (!c.targetKey)
        ctx.addIssue({
          code: 'custom',
          path: ['targetKey'],
          message: 'in scope needs a targetKey (key ID, key ARN, alias or alias ARN)',
        });
      if (!c.method)
        ctx.addIssue({
          code: 'custom',
          path: ['method'],
          message: `in scope needs a method (${MIGRATION_METHODS.join(', ')})`,
        });
    }
  });

const FileSchema = z.union([
  z.array(ChoiceSchema),
  z.strictObject({ scanId: z.string().min(1).optional(), decisions: z.array(ChoiceSchema) }),
]);

export type DecisionFileFormat = 'json' | 'yaml';

export interface DecisionFile {
  scanId?: string;
  choices: DecisionChoice[];
}

/** Thrown with one `path: message` line per problem. */
export class DecisionFileError extends BadInputError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid decision file ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function pathOf(path: PropertyKey[]): string {
  return (
    path.reduce<string>(
      (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
      '',
    ) || '(file)'
  );
}

/** JSON.parse says where by character position (Node 20); people look for a line and column. */
function withLineAndColumn(message: string, content: string): string {
  if (/line \d+/.test(message)) return message;
  const lines = content.split('\n');
  if (/end of JSON input/.test(message))
    return `${message} at line ${lines.length}, the end of the file (something is not closed)`;
  const at = /at position (\d+)/.exec(message);
  if (!at) return message;
  const before = content.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}

/**
 * The YAML parser, loaded by the first YAML file read: `plan --show` and the Slack app load this
 * module without parsing a file, and loading yaml costs about 35 ms of CPU at every start.
 */
const parseYaml = (content: string): unknown =>
  (createRequire(import.meta.url)('yaml') as typeof Yaml).parse(content);

export function formatOf(fileName: string): DecisionFileFormat {
  return /\.ya?ml$/i.test(fileName) ? 'yaml' : 'json';
}

export function parseDecisionFile(
  content: string,
  format: DecisionFileFormat,
  source = 'decisions',
): DecisionFile {
  let raw: unknown;
  try {
    raw = format === 'yaml' ? parseYaml(content) : JSON.parse(content);
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new DecisionFileError(source, [
      `not valid ${format.toUpperCase()}: ${format === 'json' ? withLineAndColumn(message, content) : message}`,
    ]);
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    // A union reports the branch that got furthest; show the object form's problems when it is an object.
    const issues = Array.isArray(raw)
      ? z.array(ChoiceSchema).safeParse(raw).error?.issues
      : z
          .strictObject({ scanId: z.string().min(1).optional(), decisions: z.array(ChoiceSchema) })
          .safeParse(raw).error?.issues;
    throw new DecisionFileError(
      source,
      (issues ?? parsed.error.issues).map((i) => `${pathOf(i.path)}: ${i.message}`),
    );
  }
  const data = parsed.data;
  const list = Array.isArray(data) ? data : data.decisions;
  return {
    scanId: Array.isArray(data) ? undefined : data.scanId,
    choices: list.map(({ reason, ...c }) => ({
      ...c,
      ...(reason !== undefined ? { exclusionReason: reason } : {}),
    })),
  };
}
