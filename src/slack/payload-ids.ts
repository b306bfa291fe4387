import { z } from 'zod';
import { BadInputError } from '../domain/errors.ts';

/**
 * What a button value, an option query or a modal's private_metadata names, parsed before it is
 * used as a store key. Slack sends back what the bot put there, but anyone holding the signing
 * secret (or a future bug in a builder) can send anything: `ARBITRARY#x`, another partition's key,
 * an empty string that DynamoDB rejects. Parsing first turns those into a private refusal that says
 * what to do, and nothing is read or written under them.
 */

/** `FS#<12-digit account>#<region>#fs-<hex>`, as src/domain/inventory.ts migrationId() makes it. */
export const MigrationIdSchema = z
  .string()
  .regex(/^FS#\d{12}#[a-z]{2}(-[a-z]+)+-\d{1,2}#fs-[0-9a-f]{8,40}$/)
  .brand<'MigrationId'>();
export type MigrationId = z.infer<typeof MigrationIdSchema>;

/** A scan ID (`20260101T000000123Z-3f9a1c2b`, or a test's `scan-1`): never a key separator. */
export const ScanIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
  .brand<'ScanId'>();
export type ScanId = z.infer<typeof ScanIdSchema>;

const RECOVER =
  'Press the button on a current message in the thread, or run `/efs-encrypt status` to see the file systems the bot tracks.';

/** Shows at most 60 characters of what came in: a refusal never echoes a megabyte back. */
function shown(value: string): string {
  const clipped = value.length > 60 ? `${value.slice(0, 59)}…` : value;
  return clipped ? `\`${clipped.replace(/`/g, "'")}\`` : 'nothing';
}

/** The migration a button or modal names, or a BadInputError saying what to do. */
export function parseMigrationId(value: unknown, where = 'This button'): MigrationId {
  const parsed = MigrationIdSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BadInputError(
    `${where} names ${shown(typeof value === 'string' ? value : '')}, not a file system migration (FS#<account>#<region>#fs-…). ${RECOVER}`,
  );
}

/** An optional scan ID (empty: none), or a BadInputError saying what to do. */
export function parseOptionalScanId(value: unknown, where = 'This button'): ScanId | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = ScanIdSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BadInputError(
    `${where} names ${shown(typeof value === 'string' ? value : '')}, not a scan ID. Run \`/efs-encrypt scan\` and use the buttons on its summary.`,
  );
}

/**
 * Refuses a well-formed migration ID the store has no migration for, before anything is written
 * under it. `find` reads the store (the build or copy phase's status).
 */
export async function requireKnownMigration(
  id: MigrationId,
  exists: (id: MigrationId) => Promise<boolean>,
): Promise<MigrationId> {
  if (await exists(id)) return id;
  const fs = id.split('#').at(-1);
  throw new BadInputError(
    `${fs} (${id}) is not a file system the bot tracks. Scan and plan it first (\`/efs-encrypt scan\`, then Plan), or ${RECOVER.charAt(0).toLowerCase()}${RECOVER.slice(1)}`,
  );
}

/** A validation report ID (`val-20260101-101500-1a2b3c`), as the validate workflow makes it. */
export const ReportIdSchema = z
  .string()
  .regex(/^val-[A-Za-z0-9-]{1,60}$/)
  .brand<'ReportId'>();

/** The report an Export button names, or a BadInputError saying what to do. */
export function parseReportId(value: unknown): string {
  const parsed = ReportIdSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new BadInputError(
    `This button names ${shown(typeof value === 'string' ? value : '')}, not a validation report. Run \`/efs-encrypt validate\` for a fresh one.`,
  );
}
