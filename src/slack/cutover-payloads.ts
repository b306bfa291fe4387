import { z } from 'zod';
import { BadInputError } from '../domain/errors.ts';
import { MigrationIdSchema, type MigrationId } from './payload-ids.ts';

/**
 * The cutover buttons' values and modals' metadata, parsed before anything is read or written
 * under them (as payload-ids.ts does for migration IDs): Slack sends back what the bot put there,
 * but a forged or stale payload must become a private refusal that says what to do.
 */

/** An `app` tag value: AWS allows up to 256 characters; never empty. */
const AppSchema = z.string().min(1).max(256);
const DigestSchema = z.string().regex(/^[0-9a-f]{64}$/);
/** An ARN or a launch template ID. */
const ConsumerIdSchema = z
  .string()
  .min(1)
  .max(1600)
  .regex(/^(arn:aws[a-z-]*:[a-z0-9-]+:|lt-[0-9a-f]+$)/);

const DecisionSchema = z.object({ m: MigrationIdSchema, a: AppSchema, d: DigestSchema });
const AppValueSchema = z.object({ m: MigrationIdSchema, a: AppSchema });
const ConsumerValueSchema = z.object({ m: MigrationIdSchema, a: AppSchema, c: ConsumerIdSchema });
const ThreadSchema = z.object({
  channel: z.string().regex(/^[CDG][A-Z0-9]+$/),
  threadTs: z.string().regex(/^\d+\.\d+$/),
  messageTs: z
    .string()
    .regex(/^\d+\.\d+$/)
    .optional(),
});
const ReplanValueSchema = AppValueSchema.extend({ r: z.union([z.literal(0), z.literal(1)]) });
const OrderMetadataSchema = ThreadSchema.omit({ messageTs: true }).extend({ m: MigrationIdSchema });
const RejectMetadataSchema = DecisionSchema.extend(ThreadSchema.shape);
const WaiveMetadataSchema = ConsumerValueSchema.extend(ThreadSchema.shape);

export interface CutoverDecision {
  migrationId: MigrationId;
  app: string;
  planDigest: string;
}
export interface CutoverApp {
  migrationId: MigrationId;
  app: string;
}
export interface CutoverConsumer extends CutoverApp {
  consumerId: string;
}
export interface CutoverThread {
  channel: string;
  threadTs: string;
  messageTs?: string;
}

const STALE =
  'Press the button on a current cutover message in the thread, or press Review cutover again for a fresh plan.';

function parseJson<T>(schema: z.ZodType<T>, value: unknown, where: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : '');
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new BadInputError(`${where} does not name ${what} the bot made. ${STALE}`);
}

export function parseDecisionValue(value: unknown, where = 'This button'): CutoverDecision {
  const v = parseJson(DecisionSchema, value, where, 'a migration, application and plan digest');
  return { migrationId: v.m, app: v.a, planDigest: v.d };
}

export function parseAppValue(value: unknown, where = 'This button'): CutoverApp {
  const v = parseJson(AppValueSchema, value, where, 'a migration and application');
  return { migrationId: v.m, app: v.a };
}

/** Re-plan with (or without) an instance refresh: the application and which way. */
export function parseReplanValue(
  value: unknown,
  where = 'This button',
): CutoverApp & { instanceRefresh: boolean } {
  const v = parseJson(ReplanValueSchema, value, where, 'a migration and application to re-plan');
  return { migrationId: v.m, app: v.a, instanceRefresh: v.r === 1 };
}

export function parseConsumerValue(value: unknown, where = 'This button'): CutoverConsumer {
  const v = parseJson(ConsumerValueSchema, value, where, 'a migration, application and consumer');
  return { migrationId: v.m, app: v.a, consumerId: v.c };
}

export function parseRejectMetadata(value: unknown): CutoverDecision & CutoverThread {
  const v = parseJson(RejectMetadataSchema, value, 'This form', 'a cutover plan');
  return {
    migrationId: v.m,
    app: v.a,
    planDigest: v.d,
    channel: v.channel,
    threadTs: v.threadTs,
    ...(v.messageTs ? { messageTs: v.messageTs } : {}),
  };
}

export function parseWaiveMetadata(value: unknown): CutoverConsumer & CutoverThread {
  const v = parseJson(WaiveMetadataSchema, value, 'This form', 'a consumer of a cutover');
  return {
    migrationId: v.m,
    app: v.a,
    consumerId: v.c,
    channel: v.channel,
    threadTs: v.threadTs,
    ...(v.messageTs ? { messageTs: v.messageTs } : {}),
  };
}

export function parseOrderMetadata(value: unknown): { migrationId: MigrationId } & CutoverThread {
  const v = parseJson(OrderMetadataSchema, value, 'This form', 'a migration');
  return { migrationId: v.m, channel: v.channel, threadTs: v.threadTs };
}

/**
 * The Choose order… field: application names one per line (blank lines and surrounding spaces
 * ignored), each a possible `app` tag value. Whether they are this migration's applications, each
 * once, is the phase's check (checkCutoverOrder), against the stored plans.
 */
export function parseOrderLines(text: string | null | undefined): string[] {
  const lines = (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) throw new BadInputError('Name the applications, one per line, first to last.');
  const bad = lines.find((l) => !AppSchema.safeParse(l).success);
  if (bad !== undefined)
    throw new BadInputError(
      `"${bad.slice(0, 40)}…" is longer than an application name can be (256 characters); one application per line.`,
    );
  return lines;
}
