import { buildMappingOf } from '../../domain/build-plan.ts';
import { COPY_RUNNING_STATES, CopyResourceKeys } from '../../domain/copy.ts';
import { BadInputError } from '../../domain/errors.ts';
import {
  BUILD_JOB_KIND,
  COPY_JOB_KIND,
  jobActivityOf,
  type JobRecord,
  type JobRepository,
} from '../../domain/job.ts';
import { localLeaseHolders, type LeaseHolderProbe } from '../jobs/index.ts';
import { MigrationStates } from '../../domain/migration-state.ts';
import type { MigrationEventLog, MigrationRecord, MigrationRepository } from '../../domain/migration.ts';
import {
  compareLines,
  copyKindOf,
  DEFAULT_DETAIL_EVENTS,
  copyProgressViewOf,
  jobSummaryOf,
  migrationLineOf,
  nextStepOf,
  type MigrationDetail,
  type PlaceCount,
  type StateCount,
  type JobView,
  type StatusOverview,
  type Surface,
} from './status-model.ts';

/**
 * `status`: where each migration stands, read from the store alone. It makes no AWS call (the copy
 * phase's own status() asks DataSync for live progress; this does not, so it stays fast for a
 * whole estate and never needs credentials): a running copy's progress is the sample its job last
 * stored, shown with its time (and its age once stale).
 */

export interface StatusQueryDeps {
  migrations: Pick<
    MigrationRepository,
    'listMigrations' | 'getMigration' | 'getDecision' | 'getSnapshot' | 'getCopyProgress'
  >;
  events: Pick<MigrationEventLog, 'listEvents'>;
  jobs: Pick<JobRepository, 'listJobsForMigration'>;
  clock: { now(): Date };
  /**
   * Whether a running job's holder process still runs (default: this host's processes), so that a
   * job whose process was killed reads `interrupted`, not `running`.
   */
  holders?: Pick<LeaseHolderProbe, 'liveness'>;
  /** Where the next step is read (names Slack buttons, or CLI commands); default slack. */
  surface?: Surface;
  /** Store reads in flight at once for the overview (default 8). */
  concurrency?: number;
}

export interface StatusQuery {
  overview(): Promise<StatusOverview>;
  /**
   * Everything about one migration, by file system ID or migration ID (`FS#account#region#fs-id`).
   * Throws StatusNotFoundError naming what exists when nothing matches, BadInputError when a file
   * system ID matches in several accounts or regions.
   */
  detail(ref: string, options?: { events?: number }): Promise<MigrationDetail>;
}

/** The file system (or migration) asked for is not tracked; the message lists what is. */
export class StatusNotFoundError extends BadInputError {
  constructor(
    readonly ref: string,
    readonly known: string[],
  ) {
    super(notFoundMessage(ref, known));
  }
}

const MAX_KNOWN_LISTED = 20;

function notFoundMessage(ref: string, known: string[]): string {
  if (known.length === 0)
    return `${ref} is not tracked, and no migration is yet: run a scan first, then decide with plan.`;
  const shown = known.slice(0, MAX_KNOWN_LISTED).join(', ');
  const more = known.length > MAX_KNOWN_LISTED ? ` and ${known.length - MAX_KNOWN_LISTED} more` : '';
  return `${ref} is not tracked. Tracked file systems (${known.length}): ${shown}${more}. Check the ID, or run a scan if it is new.`;
}

export { DEFAULT_DETAIL_EVENTS };

/** Runs `fn` over `items` with at most `limit` calls in flight; keeps the order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function countByState(records: Pick<MigrationRecord, 'state'>[]): StateCount[] {
  return MigrationStates.map((state) => ({
    state,
    count: records.filter((r) => r.state === state).length,
  })).filter((c) => c.count > 0);
}

function countByPlace(records: MigrationRecord[]): PlaceCount[] {
  const places = new Map<string, MigrationRecord[]>();
  for (const r of records) {
    const key = `${r.accountId} ${r.region}`;
    places.set(key, [...(places.get(key) ?? []), r]);
  }
  return [...places.values()]
    .map((rs) => ({
      accountId: rs[0]!.accountId,
      region: rs[0]!.region,
      total: rs.length,
      byState: countByState(rs),
    }))
    .sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
}

export function createStatusQuery(deps: StatusQueryDeps): StatusQuery {
  const holders = deps.holders ?? localLeaseHolders();
  /** The latest job of a kind, with what it is doing now (running only under a live holder). */
  const latestJob = async (id: string, kind: string): Promise<JobView | undefined> => {
    const job: JobRecord | undefined = (await deps.jobs.listJobsForMigration(id, kind)).at(-1);
    if (!job) return undefined;
    const liveness = job.status === 'running' ? holders.liveness(job.leaseHolder) : 'unknown';
    return { ...job, activity: jobActivityOf(job, deps.clock.now(), liveness) };
  };

  /** The running copy's stored progress; read only for migrations a copy runs in. */
  async function progressOf(record: MigrationRecord, copyJob: JobRecord | undefined, now: Date) {
    if (!copyJob || !COPY_RUNNING_STATES.includes(record.state)) return undefined;
    return copyProgressViewOf(record, copyJob, await deps.migrations.getCopyProgress(record.id), now);
  }

  async function resolve(ref: string): Promise<MigrationRecord> {
    const wanted = ref.trim();
    if (wanted.startsWith('FS#')) {
      const record = await deps.migrations.getMigration(wanted);
      if (record) return record;
    }
    const all = await deps.migrations.listMigrations();
    const matches = all.filter(
      (m) => m.fileSystemId.toLowerCase() === wanted.toLowerCase() || m.id === wanted,
    );
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1)
      throw new BadInputError(
        `${wanted} is tracked in ${matches.length} places; ask for one by migration ID: ${matches.map((m) => m.id).join(', ')}.`,
      );
    throw new StatusNotFoundError(wanted, [...new Set(all.map((m) => m.fileSystemId))].sort());
  }

  return {
    async overview() {
      const now = deps.clock.now();
      const records = await deps.migrations.listMigrations();
      const migrations = await mapLimited(records, deps.concurrency ?? 8, async (record) => {
        const [decision, snapshot, copyJob] = await Promise.all([
          deps.migrations.getDecision(record.id),
          deps.migrations.getSnapshot(record.id),
          latestJob(record.id, COPY_JOB_KIND),
        ]);
        const name = snapshot?.fileSystem.name;
        const progress = await progressOf(record, copyJob, now);
        return migrationLineOf({
          record,
          ...(decision ? { decision } : {}),
          ...(name ? { name } : {}),
          ...(copyJob ? { copyJob } : {}),
          ...(progress ? { progress } : {}),
        });
      });
      return {
        generatedAt: now.toISOString(),
        total: records.length,
        byState: countByState(records),
        byPlace: countByPlace(records),
        migrations: migrations.sort(compareLines),
      };
    },

    async detail(ref, options = {}) {
      const record = await resolve(ref);
      const [decision, snapshot, buildJob, copyJob, events] = await Promise.all([
        deps.migrations.getDecision(record.id),
        deps.migrations.getSnapshot(record.id),
        latestJob(record.id, BUILD_JOB_KIND),
        latestJob(record.id, COPY_JOB_KIND),
        deps.events.listEvents(record.id),
      ]);
      const name = snapshot?.fileSystem.name;
      const limit = Math.max(0, options.events ?? DEFAULT_DETAIL_EVENTS);
      const r = record.resources;
      const kind = copyKindOf(record, copyJob);
      const method = decision?.decision.method;
      const progress = await progressOf(record, copyJob, deps.clock.now());
      return {
        line: migrationLineOf({
          record,
          ...(decision ? { decision } : {}),
          ...(name ? { name } : {}),
          ...(copyJob ? { copyJob } : {}),
          ...(progress ? { progress } : {}),
        }),
        record,
        ...(decision ? { decision } : {}),
        build: { mapping: buildMappingOf(record), ...(buildJob ? { job: jobSummaryOf(buildJob) } : {}) },
        copy: {
          ...(copyJob ? { job: jobSummaryOf(copyJob) } : {}),
          ...(kind ? { kind } : {}),
          ...(r[CopyResourceKeys.verification] ? { verification: r[CopyResourceKeys.verification] } : {}),
          ...(r[CopyResourceKeys.lastReplicatedTimestamp]
            ? { lastReplicatedTimestamp: r[CopyResourceKeys.lastReplicatedTimestamp] }
            : {}),
          ...(r[CopyResourceKeys.writesStoppedAt]
            ? { writesStoppedAt: r[CopyResourceKeys.writesStoppedAt] }
            : {}),
          ...(r[CopyResourceKeys.taskArn] ? { dataSyncTaskArn: r[CopyResourceKeys.taskArn] } : {}),
          ...(r[CopyResourceKeys.latestExecution]
            ? { dataSyncExecutionArn: r[CopyResourceKeys.latestExecution] }
            : {}),
          ...(progress ? { progress } : {}),
        },
        events: limit === 0 ? [] : events.slice(-limit),
        totalEvents: events.length,
        next: nextStepOf({
          record,
          ...(deps.surface ? { surface: deps.surface } : {}),
          ...(method ? { method } : {}),
          ...(buildJob ? { buildJob } : {}),
          ...(copyJob ? { copyJob } : {}),
        }),
      };
    },
  };
}
