import type { FileSystemRecord } from './inventory.ts';
import { migrationId, ownership } from './inventory.ts';
import { MigrationStates, type MigrationState } from './migration-state.ts';
import type { MigrationEvent, MigrationRecord } from './migration.ts';

/**
 * The digest (issue 16 §3): what the security team and auditors read in a channel on a schedule.
 * Pure: the digest workflow gathers a fresh scan, the migrations with their audit log, the cutover
 * plans waiting for a verdict and the validation verdict; Slack renders the value; the store keeps it.
 *
 * "Since the last digest" is the previous *scheduled* digest's slot: an on-demand digest in between
 * does not move it, so the channel's weekly reader never misses a change.
 */

export const DEFAULT_STUCK_HOURS = 48;

/** States in which a migration is expected to move on; a failed one is listed under failures. */
const ACTIVE_STATES: ReadonlySet<MigrationState> = new Set(
  MigrationStates.filter((st) => !['discovered', 'excluded', 'decommissioned', 'failed'].includes(st)),
);

/** States in which a decision covers the file system (or it is excluded): not "new unencrypted". */
const COVERED_STATES: ReadonlySet<MigrationState> = new Set(
  MigrationStates.filter((s) => s !== 'discovered' && s !== 'in_scope'),
);

/** Tags that name who created a file system, most specific first (case-insensitive). */
export const CREATOR_TAG_KEYS = ['created-by', 'createdby', 'created_by', 'creator', 'owner'] as const;

/** Key states in which EFS can no longer use the key: the file systems on it stop working. */
const KEY_AT_RISK_STATES = new Set([
  'Disabled',
  'PendingDeletion',
  'PendingReplicaDeletion',
  'Unavailable',
  'NotFound',
]);

export interface DigestMigration {
  record: MigrationRecord;
  /** Its audit log (any order); only transitions after `since` are read. */
  events: Pick<MigrationEvent, 'kind' | 'from' | 'to' | 'at' | 'actor'>[];
}

/** A cutover plan of one application that has no verdict yet. */
export interface ApprovalWaiting {
  migrationId: string;
  fileSystemId: string;
  app: string;
  /** The `owner` tag as written; who approves when it resolves to a Slack user. */
  ownerTag?: string;
  ownerUserId?: string;
  planRevision: number;
  plannedAt: string;
}

export interface DigestInput {
  digestId: string;
  /** The scheduled slot (ISO); absent for an on-demand digest. */
  slot?: string;
  generatedAt: string;
  /** `schedule` or the Slack user who asked. */
  requestedBy: string;
  /** The previous scheduled digest's slot; absent for the first digest (then everything is "new"). */
  since?: string;
  stuckHours: number;
  migrations: DigestMigration[];
  approvalsWaiting: ApprovalWaiting[];
  /** The fresh scan's file systems (twins included). */
  fileSystems: FileSystemRecord[];
  /** The validation report built from the same scan. */
  validation: { reportId: string; goalMet: boolean; line: string };
}

export interface DigestMove {
  migrationId: string;
  fileSystemId: string;
  from?: MigrationState;
  to: MigrationState;
  at: string;
  by: string;
}

export interface DigestStuck {
  migrationId: string;
  fileSystemId: string;
  state: MigrationState;
  since: string;
  hours: number;
}

export interface DigestFailure {
  migrationId: string;
  fileSystemId: string;
  failedFrom?: MigrationState;
  error?: { code: string; message: string; at: string };
}

export interface NewUnencrypted {
  accountId: string;
  region: string;
  fileSystemId: string;
  name?: string;
  creationTime?: string;
  /** From the first creator tag found (`created-by`, …, `owner`); absent when no tag says. */
  createdBy?: string;
  app?: string;
}

export interface KeyAtRisk {
  kmsKeyArn: string;
  alias?: string;
  keyState: string;
  /** When KMS deletes the key (pending deletion only). */
  deletionDate?: string;
  /** Every file system encrypted with it (twins included): they stop working. */
  fileSystems: { accountId: string; region: string; fileSystemId: string; name?: string }[];
}

export interface Digest {
  digestId: string;
  slot?: string;
  generatedAt: string;
  requestedBy: string;
  since?: string;
  stuckHours: number;
  /** Every state with at least one migration, in the state machine's order. */
  byState: { state: MigrationState; count: number }[];
  moved: DigestMove[];
  stuck: DigestStuck[];
  failures: DigestFailure[];
  approvalsWaiting: ApprovalWaiting[];
  newUnencrypted: NewUnencrypted[];
  keysAtRisk: KeyAtRisk[];
  validation: { reportId: string; goalMet: boolean; line: string };
}

const HOUR_MS = 3_600_000;
const byTime = <T extends { at: string }>(a: T, b: T) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

export function creatorOf(tags: Record<string, string>): string | undefined {
  const lower = new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));
  return CREATOR_TAG_KEYS.map((k) => lower.get(k)).find((v) => v !== undefined && v !== '');
}

/** The digest from what the workflow gathered; the same input always gives the same digest. */
export function buildDigest(input: DigestInput): Digest {
  const now = new Date(input.generatedAt).getTime();
  const stuckMs = input.stuckHours * HOUR_MS;

  const counts = new Map<MigrationState, number>();
  const moved: DigestMove[] = [];
  const stuck: DigestStuck[] = [];
  const failures: DigestFailure[] = [];
  for (const { record: r, events } of input.migrations) {
    counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
    if (input.since !== undefined)
      for (const e of events)
        if (e.kind === 'transition' && e.to && e.at > input.since)
          moved.push({
            migrationId: r.id,
            fileSystemId: r.fileSystemId,
            ...(e.from ? { from: e.from } : {}),
            to: e.to,
            at: e.at,
            by: e.actor,
          });
    if (r.state === 'failed')
      failures.push({
        migrationId: r.id,
        fileSystemId: r.fileSystemId,
        ...(r.failedFrom ? { failedFrom: r.failedFrom } : {}),
        ...(r.lastError ? { error: r.lastError } : {}),
      });
    else if (ACTIVE_STATES.has(r.state)) {
      const idle = now - new Date(r.updatedAt).getTime();
      if (idle >= stuckMs)
        stuck.push({
          migrationId: r.id,
          fileSystemId: r.fileSystemId,
          state: r.state,
          since: r.updatedAt,
          hours: Math.floor(idle / HOUR_MS),
        });
    }
  }

  const states = new Map(input.migrations.map((m) => [m.record.id, m.record.state]));
  const twins = new Set(
    input.migrations.flatMap((m) =>
      m.record.resources.targetFileSystemId
        ? [`${m.record.accountId} ${m.record.region} ${m.record.resources.targetFileSystemId}`]
        : [],
    ),
  );
  const newUnencrypted: NewUnencrypted[] = [];
  for (const fs of input.fileSystems) {
    if (fs.encrypted || twins.has(`${fs.accountId} ${fs.region} ${fs.fileSystemId}`)) continue;
    const state = states.get(migrationId(fs.accountId, fs.region, fs.fileSystemId));
    if (state && COVERED_STATES.has(state)) continue;
    // Created after the last digest; a file system without a creation time cannot be placed, so it is shown.
    if (input.since !== undefined && fs.creationTime && fs.creationTime <= input.since) continue;
    const createdBy = creatorOf(fs.tags);
    const { app } = ownership(fs);
    newUnencrypted.push({
      accountId: fs.accountId,
      region: fs.region,
      fileSystemId: fs.fileSystemId,
      ...(fs.name ? { name: fs.name } : {}),
      ...(fs.creationTime ? { creationTime: fs.creationTime } : {}),
      ...(createdBy ? { createdBy } : {}),
      ...(app ? { app } : {}),
    });
  }

  const keys = new Map<string, KeyAtRisk>();
  for (const fs of input.fileSystems) {
    if (!fs.encrypted || fs.keyManager !== 'CUSTOMER' || !fs.kmsKeyArn) continue;
    const state = fs.keyState ? String(fs.keyState) : undefined;
    if (!state || !KEY_AT_RISK_STATES.has(state)) continue;
    let key = keys.get(fs.kmsKeyArn);
    if (!key) {
      const alias = [...fs.keyAliases].sort()[0];
      key = {
        kmsKeyArn: fs.kmsKeyArn,
        ...(alias ? { alias } : {}),
        keyState: state,
        ...(fs.keyDeletionDate ? { deletionDate: fs.keyDeletionDate } : {}),
        fileSystems: [],
      };
      keys.set(fs.kmsKeyArn, key);
    }
    key.fileSystems.push({
      accountId: fs.accountId,
      region: fs.region,
      fileSystemId: fs.fileSystemId,
      ...(fs.name ? { name: fs.name } : {}),
    });
  }

  const place = <T extends { accountId: string; region: string; fileSystemId: string }>(a: T, b: T) =>
    a.accountId.localeCompare(b.accountId) ||
    a.region.localeCompare(b.region) ||
    a.fileSystemId.localeCompare(b.fileSystemId);
  const keysAtRisk = [...keys.values()]
    .map((k) => ({ ...k, fileSystems: k.fileSystems.sort(place) }))
    // The soonest deletion first: that is the deadline someone must act before.
    .sort(
      (a, b) =>
        (a.deletionDate ?? '9999').localeCompare(b.deletionDate ?? '9999') ||
        a.kmsKeyArn.localeCompare(b.kmsKeyArn),
    );

  return {
    digestId: input.digestId,
    ...(input.slot ? { slot: input.slot } : {}),
    generatedAt: input.generatedAt,
    requestedBy: input.requestedBy,
    ...(input.since ? { since: input.since } : {}),
    stuckHours: input.stuckHours,
    byState: MigrationStates.flatMap((state) => {
      const count = counts.get(state) ?? 0;
      return count ? [{ state, count }] : [];
    }),
    moved: moved.sort(byTime),
    stuck: stuck.sort((a, b) => b.hours - a.hours || a.migrationId.localeCompare(b.migrationId)),
    failures: failures.sort((a, b) => a.migrationId.localeCompare(b.migrationId)),
    approvalsWaiting: [...input.approvalsWaiting].sort(
      (a, b) => a.plannedAt.localeCompare(b.plannedAt) || a.app.localeCompare(b.app),
    ),
    newUnencrypted: newUnencrypted.sort(
      (a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? '') || place(a, b),
    ),
    keysAtRisk,
    validation: input.validation,
  };
}

/**
 * A digest as stored (its own partition, `DIGEST#<slot>` for a scheduled one, `DIGEST#<id>` on
 * demand). A scheduled slot is claimed before anything is built: the claim is the conditional write
 * that makes two replicas post one digest per slot.
 */
export interface DigestRecord {
  digestId: string;
  kind: 'scheduled' | 'on_demand';
  /** Scheduled: the slot (ISO), which is also its key. */
  slot?: string;
  claimedBy: string;
  claimedAt: string;
  /** claimed → posted, or failed (with the error); a stale claim (its holder gone) may be taken over. */
  status: 'claimed' | 'posted' | 'failed';
  digest?: Digest;
  channel?: string;
  messageTs?: string;
  postedAt?: string;
  error?: { code: string; message: string };
}
