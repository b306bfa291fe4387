import { BuildResourceKeys } from '../../domain/build-plan.ts';
import type { ClientCheck, FileSystemActivityReader } from '../../domain/client-activity.ts';
import type { Clock } from '../../domain/clock.ts';
import {
  COPY_KIND_LABELS,
  copyActionsFor,
  copyCanRetry,
  copyProgressOf,
  copyStartProblem,
  CopyResourceKeys as Keys,
  dataSyncExtrasFor,
  type DataSyncSettings,
  isCopyKind,
  planCopyCalls,
  type CopyAction,
  type CopyKind,
  type CopyProgress,
  type PlannedCopyCall,
} from '../../domain/copy.ts';
import { BadInputError } from '../../domain/errors.ts';
import { COPY_JOB_KIND, isOpen, type JobRecord, type JobRepository } from '../../domain/job.ts';
import {
  VersionConflictError,
  type MigrationMethod,
  type MigrationRecord,
  type MigrationRepository,
} from '../../domain/migration.ts';
import type { MigrationState } from '../../domain/migration-state.ts';
import type { IoHost } from '../io-host.ts';
import type { JobHandler } from '../jobs/index.ts';
import { checkClients, clientCheckNote, gateOnClients } from './client-check.ts';
import { createCopyHandler } from './copy-job.ts';
import type { IDataSyncClient, IEfsReplicationClient, SourceNetwork } from './ports.ts';
import { bandwidthOf } from './datasync-copy.ts';
import {
  checkRsyncSummary,
  recordRsyncPass,
  type RsyncPass,
  type RsyncStatusResult,
} from './rsync-status.ts';
import type { VerificationSummary } from './rsync/index.ts';

/**
 * The copy phase as the Slack buttons and the CLI call it (admin checks are the caller's,
 * DESIGN.md rule 5). Buttons map one to one:
 *   Start copy → startCopy(id, actor, { kind: 'initial' })
 *   Sync again → startCopy(id, actor, { kind: 'incremental' })
 *   Final sync → startCopy(id, actor, { kind: 'final' })               (DataSync)
 *              → confirmWritesStopped(id, actor, t0)                    (replication: after the person confirms T0)
 *   Initial copy done / Final sync done (rsync) → recordRsyncStatus(id, actor, { pass, summaryText })
 *   Retry → retry(id, actor)
 * Every final sync first reads who is still connected to the source (CloudWatch ClientConnections,
 * last 15 min: checkClients): with clients seen it is refused (ClientsStillConnectedError, nothing
 * queued) unless the person confirms again with `clientsAcknowledged`; the figures and that the
 * person went on are written with the request, in the audit log. CloudWatch unreadable (no
 * permission) is a warning in the request, not a block.
 * `status(id).actions` says which buttons apply now. Requests are idempotent: a double click, a
 * Slack retry or a second replica gets the same job (`created: false`). Jobs run on a job runner
 * with `handler` registered for kind `copy`; progress goes to `io` as `copy.progress`, then
 * `copy.done` or `copy.failed` (data.migrationId says which file system). The latest progress is
 * also stored, at most once per `progressEveryMs`, for `status` (progress-recorder.ts).
 */

export { COPY_JOB_KIND };

export interface CopyPhaseDeps {
  migrations: MigrationRepository;
  jobs: JobRepository;
  clock: Clock;
  io: IoHost;
  dataSyncFor(accountId: string, region: string): Promise<IDataSyncClient>;
  replicationFor(accountId: string, region: string): Promise<IEfsReplicationClient>;
  network: SourceNetwork;
  /** CloudWatch, for who is still connected to a source before its final sync. */
  activityFor(accountId: string, region: string): Promise<FileSystemActivityReader>;
  /** DataSync's log group and task report (config); unset: neither. */
  dataSyncSettings?: DataSyncSettings;
  pollMs?: number;
  /** At most one write of a running copy's latest progress (for `status`) per this many ms (default 30 s). */
  progressEveryMs?: number;
  /** Replication: upper bound on waiting for a sync (default 24 h). */
  maxWaitMs?: number;
}

export interface QueuedCopy {
  jobId: string;
  migrationId: string;
  kind: CopyKind;
  /** False when the job already existed (double request): nothing new was queued. */
  created: boolean;
  /** Final sync: who CloudWatch saw connected to the source when it was requested. */
  clientCheck?: ClientCheck;
}

/** A final sync's confirmation: true when the person goes on although clients were seen connected. */
export interface FinalSyncConfirmation {
  clientsAcknowledged?: boolean;
}

/** Defined with its rule in src/domain/copy.ts (copyActionsFor); re-exported for the phase's callers. */
export type { CopyAction } from '../../domain/copy.ts';

export interface CopyStatus {
  migrationId: string;
  fileSystemId: string;
  method?: MigrationMethod;
  state: MigrationState;
  /** The latest copy job and the kind it ran. */
  job?: JobRecord;
  kind?: CopyKind;
  /** Live DataSync progress of the latest execution, when there is one. */
  progress?: CopyProgress & { executionArn: string };
  /** The latest verification, as one line. */
  verification?: string;
  lastReplicatedTimestamp?: string;
  writesStoppedAt?: string;
  lastError?: MigrationRecord['lastError'];
  canRetry: boolean;
  /** The buttons that make sense now. */
  actions: CopyAction[];
}

export interface CopyPhase {
  /** DataSync or replication; queues one `copy` job. Replication's final sync goes through confirmWritesStopped. */
  startCopy(
    migrationId: string,
    actor: string,
    options: { kind: CopyKind } & FinalSyncConfirmation,
  ): Promise<QueuedCopy>;
  /** Replication's final sync: writes stopped at `t0`; the job waits for a sync after it, then ends the replication. */
  confirmWritesStopped(
    migrationId: string,
    actor: string,
    t0: Date,
    confirmation?: FinalSyncConfirmation,
  ): Promise<QueuedCopy>;
  /** EC2 + rsync: records a pass reported from the thread, with verify.sh's summary (required for the final pass). */
  recordRsyncStatus(
    migrationId: string,
    actor: string,
    input: { pass: RsyncPass; summaryText?: string } & FinalSyncConfirmation,
  ): Promise<RsyncStatusResult>;
  /** Who CloudWatch saw connected to the source in the last 15 min (reads only; never throws for CloudWatch). */
  checkClients(migrationId: string): Promise<ClientCheck>;
  /**
   * EC2 + rsync: parses verify.sh's summary and checks it belongs to this migration (its file
   * systems, its latest runbook's unused nonce, counts that fit the metered size); records nothing.
   */
  checkRsyncSummary(migrationId: string, summaryText: string): Promise<VerificationSummary>;
  /** Queues the next generation of a failed copy job (same kind); returns the latest job otherwise. */
  retry(migrationId: string, actor: string): Promise<QueuedCopy>;
  status(migrationId: string): Promise<CopyStatus>;
  /** The dry run: the exact calls the copy would make. Changes nothing. */
  plan(migrationId: string, kind: CopyKind): Promise<PlannedCopyCall[]>;
  /** The `copy` job handler, for createJobRunner({ handlers: { copy: phase.handler } }). */
  handler: JobHandler;
}

export function createCopyPhase(deps: CopyPhaseDeps): CopyPhase {
  const handler = createCopyHandler({
    migrations: deps.migrations,
    clock: deps.clock,
    io: deps.io,
    dataSync: {
      dataSyncFor: deps.dataSyncFor,
      network: deps.network,
      ...(deps.dataSyncSettings ? { settings: deps.dataSyncSettings } : {}),
    },
    replication: {
      replicationFor: deps.replicationFor,
      ...(deps.maxWaitMs !== undefined ? { maxWaitMs: deps.maxWaitMs } : {}),
    },
    ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    ...(deps.progressEveryMs !== undefined ? { progressEveryMs: deps.progressEveryMs } : {}),
  });

  async function load(migrationId: string) {
    const record = await deps.migrations.getMigration(migrationId);
    if (!record) throw new BadInputError(`${migrationId} was not found; scan, decide and build it first.`);
    const decision = (await deps.migrations.getDecision(migrationId))?.decision;
    if (!decision)
      throw new BadInputError(`${record.fileSystemId} has no decision; choose its key and method first.`);
    return { record, decision };
  }

  async function latestJob(migrationId: string): Promise<JobRecord | undefined> {
    return (await deps.jobs.listJobsForMigration(migrationId, COPY_JOB_KIND)).at(-1);
  }

  const kindOf = (record: MigrationRecord, job: JobRecord | undefined): CopyKind | undefined => {
    const k = job ? record.resources[Keys.request(job.generation)] : undefined;
    return isCopyKind(k) ? k : undefined;
  };

  /**
   * Records the request for generation N on the migration (conditional write), then creates job N
   * (conditional create). Two racing requests compute the same N: one write wins, the other reads
   * it back and either joins the same job (same kind) or is refused (another kind).
   */
  async function enqueue(
    migrationId: string,
    actor: string,
    kind: CopyKind,
    generation: number,
    extra: Record<string, string>,
    note = '',
  ): Promise<QueuedCopy> {
    for (let attempt = 0; ; attempt++) {
      const record = (await deps.migrations.getMigration(migrationId))!;
      const recorded = record.resources[Keys.request(generation)];
      if (recorded && recorded !== kind)
        throw new BadInputError(
          `${record.fileSystemId}: a ${recorded} copy was just requested by someone else; wait for it to finish.`,
        );
      if (recorded) break;
      try {
        await deps.migrations.updateMigration(migrationId, {
          expectedVersion: record.version,
          resources: { [Keys.request(generation)]: kind, ...extra },
          actor,
          detail: `${COPY_KIND_LABELS[kind]} requested (job generation ${generation})${note}`,
        });
        break;
      } catch (e) {
        if (!(e instanceof VersionConflictError) || attempt >= 3) throw e;
      }
    }
    const { job, created } = await deps.jobs.createJob({
      kind: COPY_JOB_KIND,
      migrationId,
      generation,
      requestedBy: actor,
    });
    return { jobId: job.jobId, migrationId, kind, created };
  }

  async function request(
    migrationId: string,
    actor: string,
    kind: CopyKind,
    extra: (generation: number) => Record<string, string> = () => ({}),
    confirmation?: FinalSyncConfirmation,
  ): Promise<QueuedCopy> {
    const { record, decision } = await load(migrationId);
    const latest = await latestJob(migrationId);
    const latestKind = kindOf(record, latest);
    if (latest && isOpen(latest)) {
      // The same button again (double click, Slack retry): the job already queued or running.
      if (latestKind === kind) return { jobId: latest.jobId, migrationId, kind, created: false };
      throw new BadInputError(
        `${record.fileSystemId}: the ${latestKind ?? 'previous'} copy is still running; wait for it to finish.`,
      );
    }
    if (kind === 'final' && record.state === 'verified' && latest && latestKind === 'final')
      return { jobId: latest.jobId, migrationId, kind, created: false };
    if (decision.method === 'rsync')
      throw new BadInputError(
        `${record.fileSystemId} is copied with EC2 + rsync: run the runbook, then record each pass with verify.sh's summary (in Slack: Initial copy done, Final sync done; on the command line: efs-encrypt copy record ${record.fileSystemId} --pass initial|final --summary FILE).`,
      );
    const problem =
      record.state === 'failed'
        ? `${record.fileSystemId} failed (${record.lastError?.message ?? 'see its status'}); retry it (Retry in Slack, or efs-encrypt copy retry ${record.fileSystemId}).`
        : copyStartProblem(kind, record.state, record.fileSystemId);
    if (problem) throw new BadInputError(problem);
    if (!record.resources[BuildResourceKeys.targetFileSystemId])
      throw new BadInputError(`${record.fileSystemId} has no encrypted twin recorded; build it first.`);
    const generation = (latest?.generation ?? 0) + 1;
    if (kind !== 'final') return enqueue(migrationId, actor, kind, generation, extra(generation));
    // Checked after the double-click answers above: a repeat of a queued request reads nothing.
    const check = await gateOnClients(
      clientDeps,
      record,
      confirmation?.clientsAcknowledged === true,
      'Stop the clients, or confirm again saying you go on anyway.',
    );
    const queued = await enqueue(
      migrationId,
      actor,
      kind,
      generation,
      extra(generation),
      clientCheckNote(check, confirmation?.clientsAcknowledged === true),
    );
    return { ...queued, clientCheck: check };
  }

  const clientDeps = { clock: deps.clock, activityFor: deps.activityFor };

  const phase: CopyPhase = {
    handler,

    async checkClients(migrationId) {
      const { record } = await load(migrationId);
      return checkClients(clientDeps, record);
    },

    async startCopy(migrationId, actor, { kind, ...confirmation }) {
      if (!isCopyKind(kind))
        throw new BadInputError(`"${String(kind)}" is not a copy kind (initial, incremental, final).`);
      const { decision, record } = await load(migrationId);
      if (kind === 'final' && decision.method === 'replication') {
        const latest = await latestJob(migrationId);
        if (latest && kindOf(record, latest) === 'final' && (isOpen(latest) || record.state === 'verified'))
          return { jobId: latest.jobId, migrationId, kind, created: false };
        throw new BadInputError(
          `${record.fileSystemId} is replicated: its final sync starts when you confirm the time writes to the source stopped.`,
        );
      }
      // An incremental sync by replication waits for a sync after its request (recorded per generation).
      return request(
        migrationId,
        actor,
        kind,
        (generation) =>
          kind === 'incremental'
            ? { [Keys.syncRequestedAt(generation)]: deps.clock.now().toISOString() }
            : {},
        confirmation,
      );
    },

    async confirmWritesStopped(migrationId, actor, t0, confirmation) {
      if (Number.isNaN(t0.getTime())) throw new BadInputError('The time writes stopped is not a valid time.');
      if (t0.getTime() > deps.clock.now().getTime() + 60_000)
        throw new BadInputError(
          `Writes cannot have stopped in the future (${t0.toISOString()}); confirm once they have.`,
        );
      const { decision, record } = await load(migrationId);
      if (decision.method !== 'replication')
        throw new BadInputError(
          `${record.fileSystemId} is copied with ${decision.method}; stop writes, then use Final sync.`,
        );
      return request(
        migrationId,
        actor,
        'final',
        () => ({ [Keys.writesStoppedAt]: t0.toISOString() }),
        confirmation,
      );
    },

    async recordRsyncStatus(migrationId, actor, { clientsAcknowledged, ...input }) {
      if (input.pass !== 'final') return recordRsyncPass(deps, migrationId, actor, input);
      const { record } = await load(migrationId);
      // Already verified: the answer is what was recorded, nothing is read.
      if (record.state === 'verified') return recordRsyncPass(deps, migrationId, actor, input);
      const check = await gateOnClients(
        clientDeps,
        record,
        clientsAcknowledged === true,
        'Stop the clients and run the final pass again, or record it again saying you go on anyway.',
      );
      const result = await recordRsyncPass(deps, migrationId, actor, {
        ...input,
        note: clientCheckNote(check, clientsAcknowledged === true),
      });
      return { ...result, clientCheck: check };
    },
    checkRsyncSummary: (migrationId, summaryText) => checkRsyncSummary(deps, migrationId, summaryText),

    async retry(migrationId, actor) {
      const { record } = await load(migrationId);
      const latest = await latestJob(migrationId);
      const kind = kindOf(record, latest);
      if (!latest || !kind)
        throw new BadInputError(`${record.fileSystemId} has no copy to retry; start one.`);
      // The same Retry again (double click, Slack retry): the job it queued.
      if (isOpen(latest)) return { jobId: latest.jobId, migrationId, kind, created: false };
      if (latest.status !== 'failed')
        throw new BadInputError(
          `${record.fileSystemId} has nothing to retry: its last copy (${COPY_KIND_LABELS[kind].toLowerCase()}) ${latest.status}` +
            (record.state === 'verified'
              ? ' and it is verified. Next: the cutover.'
              : `; it is ${record.state}.`),
        );
      const extra: Record<string, string> =
        kind === 'incremental'
          ? { [Keys.syncRequestedAt(latest.generation + 1)]: deps.clock.now().toISOString() }
          : {};
      return enqueue(migrationId, actor, kind, latest.generation + 1, extra);
    },

    async status(migrationId) {
      const { record, decision } = await load(migrationId);
      const job = await latestJob(migrationId);
      const kind = kindOf(record, job);
      const r = record.resources;
      let progress: CopyStatus['progress'];
      const executionArn = r[Keys.latestExecution];
      if (decision.method === 'datasync' && executionArn) {
        const client = await deps.dataSyncFor(record.accountId, record.region);
        progress = {
          ...copyProgressOf(await client.describeTaskExecution(executionArn), deps.clock.now()),
          executionArn,
        };
      }
      const canRetry = copyCanRetry(record, job);
      return {
        migrationId,
        fileSystemId: record.fileSystemId,
        method: decision.method,
        state: record.state,
        ...(job ? { job } : {}),
        ...(kind ? { kind } : {}),
        ...(progress ? { progress } : {}),
        ...(r[Keys.verification] ? { verification: r[Keys.verification] } : {}),
        ...(r[Keys.lastReplicatedTimestamp]
          ? { lastReplicatedTimestamp: r[Keys.lastReplicatedTimestamp] }
          : {}),
        ...(r[Keys.writesStoppedAt] ? { writesStoppedAt: r[Keys.writesStoppedAt] } : {}),
        ...(record.lastError ? { lastError: record.lastError } : {}),
        canRetry,
        actions: copyActionsFor(decision.method, record.state, {
          canRetry,
          jobRunning: job !== undefined && isOpen(job),
        }),
      };
    },

    async plan(migrationId, kind) {
      const { record, decision } = await load(migrationId);
      const r = record.resources;
      const path = decision.networkPath;
      return planCopyCalls({
        migration: record,
        method: decision.method,
        kind,
        twinFileSystemId: r[BuildResourceKeys.targetFileSystemId] ?? '<twin>',
        ...(path
          ? {
              network: {
                accountId: record.accountId,
                region: record.region,
                subnetId: path.subnetId,
                securityGroupIds: path.securityGroupIds,
              },
            }
          : {}),
        recorded: {
          sourceLocationArn: r[Keys.sourceLocationArn],
          destinationLocationArn: r[Keys.destinationLocationArn],
          taskArn: r[Keys.taskArn],
        },
        extras: dataSyncExtrasFor(deps.dataSyncSettings, record, bandwidthOf(decision)),
      });
    },
  };

  return phase;
}
