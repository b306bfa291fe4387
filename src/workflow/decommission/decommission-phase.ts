import { BuildResourceKeys } from '../../domain/build-plan.ts';
import { CopyResourceKeys } from '../../domain/copy.ts';
import {
  allGuardsPass,
  backupIdempotencyToken,
  DECOMMISSION_JOB_KIND,
  DECOMMISSIONABLE,
  DecommissionRefusedError,
  DecommissionResourceKeys as Keys,
  evaluateGuards,
  type DecommissionLogEntry,
  type DeletionCall,
  type GuardResult,
} from '../../domain/decommission.ts';
import { BadInputError } from '../../domain/errors.ts';
import type { JobRecord, JobRepository } from '../../domain/job.ts';
import type { MigrationEventLog, MigrationRecord } from '../../domain/migration.ts';
import type { JobHandler } from '../jobs/index.ts';
import { createDecommissionHandler, type DecommissionJobDeps } from './decommission-job.ts';
import { readDecommissionFacts } from './read-facts.ts';

/**
 * The decommission phase as the CLI and Slack call it: the guards (read only), the dry run,
 * the confirmed request (idempotent: a double confirm or a Slack retry finds the same job), Retry,
 * and the decommissioning log. Admin checks are the caller's (DESIGN.md rule 5).
 */

export interface DecommissionPhaseDeps extends Omit<DecommissionJobDeps, 'pollMs' | 'maxWaitMs'> {
  jobs: JobRepository;
  pollMs?: number;
  maxWaitMs?: number;
}

export interface DecommissionCheck {
  migration: MigrationRecord;
  guards: GuardResult[];
  /** Every guard but the typed confirmation passes: the confirmation is what is left. */
  ready: boolean;
}

export interface QueuedDecommission {
  jobId: string;
  migrationId: string;
  created: boolean;
}

export interface DecommissionPhase {
  /** Resolves a file system ID or migration ID to its stored migration. */
  resolve(ref: string): Promise<MigrationRecord>;
  check(migrationId: string, typedFileSystemId?: string): Promise<DecommissionCheck>;
  /** The dry run: the exact calls, in order. Changes nothing. */
  plan(migrationId: string): Promise<DeletionCall[]>;
  /** Checks every guard now (the typed ID included), records who confirmed, queues the job. */
  request(migrationId: string, actor: string, typedFileSystemId: string): Promise<QueuedDecommission>;
  /** Queues the next generation after a failed job; the open or finished one otherwise. */
  retry(migrationId: string, actor: string): Promise<QueuedDecommission>;
  latestJob(migrationId: string): Promise<JobRecord | undefined>;
  log(fileSystemId?: string): Promise<DecommissionLogEntry[]>;
  handler: JobHandler;
}

export function createDecommissionPhase(deps: DecommissionPhaseDeps): DecommissionPhase {
  const jobDeps: DecommissionJobDeps = {
    ...deps,
    pollMs: deps.pollMs ?? 5_000,
    maxWaitMs: deps.maxWaitMs ?? 30 * 60_000,
  };
  const handler = createDecommissionHandler(jobDeps);

  async function get(migrationId: string): Promise<MigrationRecord> {
    const record = await deps.migrations.getMigration(migrationId);
    if (!record) throw new BadInputError(`${migrationId} was not found.`);
    return record;
  }

  async function latestJob(migrationId: string) {
    return (await deps.jobs.listJobsForMigration(migrationId, DECOMMISSION_JOB_KIND)).at(-1);
  }

  async function check(migrationId: string, typed?: string): Promise<DecommissionCheck> {
    const migration = await get(migrationId);
    const readers = await deps.readersFor(migration.accountId, migration.region);
    const facts = await readDecommissionFacts(
      { ...readers, events: deps.events, clock: deps.clock, idleHours: deps.idleHours },
      migration,
      typed,
    );
    const guards = evaluateGuards(facts);
    return { migration, guards, ready: guards.filter((g) => g.id !== 'confirmation').every((g) => g.pass) };
  }

  const phase: DecommissionPhase = {
    handler,
    latestJob,

    async resolve(ref) {
      const all = await deps.migrations.listMigrations();
      const matches = all.filter((m) => m.id === ref || m.fileSystemId === ref);
      if (matches.length === 1) return matches[0]!;
      throw new BadInputError(
        matches.length === 0
          ? `${ref}: no migration for this file system; only the source of one of the bot's own migrations can be decommissioned.`
          : `${ref}: in several accounts or regions; give the migration ID (${matches.map((m) => m.id).join(', ')}).`,
      );
    },

    check,

    async plan(migrationId) {
      const m = await get(migrationId);
      const { efs } = await deps.readersFor(m.accountId, m.region);
      const calls: DeletionCall[] = [];
      if (deps.backup)
        calls.push({
          service: 'backup',
          operation: 'StartBackupJob',
          input: {
            BackupVaultName: deps.backup.vaultName,
            IamRoleArn: deps.backup.roleArn.replaceAll('{account}', m.accountId),
            ResourceArn: `arn:aws:elasticfilesystem:${m.region}:${m.accountId}:file-system/${m.fileSystemId}`,
            IdempotencyToken: backupIdempotencyToken(m.id),
            Lifecycle: { DeleteAfterDays: deps.backup.retentionDays },
          },
        });
      for (const ap of await efs.describeAccessPoints(m.fileSystemId))
        calls.push({
          service: 'elasticfilesystem',
          operation: 'DeleteAccessPoint',
          input: { AccessPointId: ap.AccessPointId },
        });
      for (const mt of await efs.describeMountTargets(m.fileSystemId))
        calls.push({
          service: 'elasticfilesystem',
          operation: 'DeleteMountTarget',
          input: { MountTargetId: mt.MountTargetId },
        });
      calls.push({
        service: 'elasticfilesystem',
        operation: 'DeleteFileSystem',
        input: { FileSystemId: m.fileSystemId },
      });
      const task = m.resources[CopyResourceKeys.taskArn];
      if (task) calls.push({ service: 'datasync', operation: 'DeleteTask', input: { TaskArn: task } });
      for (const k of [CopyResourceKeys.sourceLocationArn, CopyResourceKeys.destinationLocationArn]) {
        const arn = m.resources[k];
        if (arn)
          calls.push({ service: 'datasync', operation: 'DeleteLocation', input: { LocationArn: arn } });
      }
      return calls;
    },

    async request(migrationId, actor, typed) {
      // A confirm already accepted (double click, Slack retry, other replica): the same job.
      const existing = await latestJob(migrationId);
      if (existing && existing.status !== 'failed')
        return { jobId: existing.jobId, migrationId, created: false };
      const { migration, guards } = await check(migrationId, typed);
      if (!allGuardsPass(guards)) throw new DecommissionRefusedError(migration.fileSystemId, guards);
      if (!DECOMMISSIONABLE.includes(migration.state))
        throw new BadInputError(
          `${migration.fileSystemId} is ${migration.state}; only a cut over migration is decommissioned.`,
        );
      const now = deps.clock.now().toISOString();
      await deps.events.appendEvent(migrationId, {
        actor,
        kind: 'decommission_guards',
        detail: `confirmed by ${actor}`,
        data: { guards },
      });
      const resources = { [Keys.confirmedBy]: actor, [Keys.confirmedAt]: now };
      const facts = { confirmedFileSystemId: typed.trim(), fileSystemId: migration.fileSystemId };
      if (migration.state === 'cut_over')
        await deps.migrations.transitionMigration(migrationId, {
          expectedVersion: migration.version,
          to: 'decommission_pending',
          facts,
          resources,
          actor,
          detail: `decommission confirmed by ${actor} (typed ${typed.trim()})`,
        });
      else
        await deps.migrations.updateMigration(migrationId, {
          expectedVersion: migration.version,
          facts,
          resources,
          actor,
          detail: `decommission confirmed again by ${actor}`,
        });
      const { job, created } = await deps.jobs.createJob({
        kind: DECOMMISSION_JOB_KIND,
        migrationId,
        generation: (existing?.generation ?? 0) + 1,
        requestedBy: actor,
      });
      return { jobId: job.jobId, migrationId, created };
    },

    async retry(migrationId, actor) {
      const existing = await latestJob(migrationId);
      if (!existing)
        throw new BadInputError(`${migrationId} has no decommission to retry; confirm one first.`);
      if (existing.status !== 'failed') return { jobId: existing.jobId, migrationId, created: false };
      const { job, created } = await deps.jobs.createJob({
        kind: DECOMMISSION_JOB_KIND,
        migrationId,
        generation: existing.generation + 1,
        requestedBy: actor,
      });
      return { jobId: job.jobId, migrationId, created };
    },

    log: (fileSystemId) => readDecommissionLog(deps, fileSystemId),
  };
  return phase;
}

/** The decommissioning log from the store alone (no AWS call): every confirmed decommission. */
export async function readDecommissionLog(
  store: { migrations: { listMigrations(): Promise<MigrationRecord[]> }; events: MigrationEventLog },
  fileSystemId?: string,
): Promise<DecommissionLogEntry[]> {
  const all = await store.migrations.listMigrations();
  const picked = all.filter(
    (m) =>
      (m.state === 'decommission_pending' || m.state === 'decommissioned' || m.resources[Keys.confirmedBy]) &&
      (!fileSystemId || m.fileSystemId === fileSystemId || m.id === fileSystemId),
  );
  return Promise.all(picked.map((m) => logEntryOf(m, store.events)));
}

async function logEntryOf(m: MigrationRecord, events: MigrationEventLog): Promise<DecommissionLogEntry> {
  const r = m.resources;
  const guards = ((await events.listEvents(m.id)).filter((e) => e.kind === 'decommission_guards').at(-1)?.data
    ?.guards ?? []) as GuardResult[];
  const steps = Object.entries(r)
    .filter(([k, v]) => k.startsWith('decommissionDelete:') && v.startsWith('done'))
    .map(([k, v]) => {
      const [, operation, ...rest] = k.split(':');
      const [, requestId, at] = v.split('|');
      return {
        operation: operation!,
        resourceId: rest.join(':'),
        at: at ?? '',
        ...(requestId ? { awsRequestId: requestId } : {}),
      };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
  return {
    migrationId: m.id,
    accountId: m.accountId,
    region: m.region,
    fileSystemId: m.fileSystemId,
    state: m.state,
    ...(r[BuildResourceKeys.targetFileSystemId]
      ? { twinFileSystemId: r[BuildResourceKeys.targetFileSystemId] }
      : {}),
    ...(r[BuildResourceKeys.targetKmsKeyArn] ? { twinKmsKeyArn: r[BuildResourceKeys.targetKmsKeyArn] } : {}),
    ...(r[Keys.confirmedBy] ? { confirmedBy: r[Keys.confirmedBy] } : {}),
    ...(r[Keys.confirmedAt] ? { confirmedAt: r[Keys.confirmedAt] } : {}),
    ...(r[Keys.recoveryPointArn] ? { recoveryPointArn: r[Keys.recoveryPointArn] } : {}),
    guards,
    steps,
  };
}
