import { BuildResourceKeys } from '../../domain/build-plan.ts';
import type { Clock } from '../../domain/clock.ts';
import type { CopyKind, CopyProgressReading } from '../../domain/copy.ts';
import type { MigrationDecision, MigrationRecord, MigrationRepository } from '../../domain/migration.ts';
import type { IoHost, IoLevel } from '../io-host.ts';
import type { JobContext } from '../jobs/index.ts';
import { CopyBlockedError, CopyStepError } from './copy-errors.ts';
import { createProgressRecorder, DEFAULT_PROGRESS_EVERY_MS } from './progress-recorder.ts';

/**
 * What one copy job hands the method it runs (DataSync or replication): the record as last
 * written, persist-then-checkpoint-then-announce, AWS calls wrapped with their step, waits on the
 * runner's scheduler. The methods never write the migration's state; the job does.
 */
export interface CopySession {
  readonly migrationId: string;
  readonly kind: CopyKind;
  readonly decision: MigrationDecision;
  readonly ctx: JobContext;
  readonly clock: Clock;
  /** The record as this job last wrote or read it. */
  record(): MigrationRecord;
  /** Records resources (and the audit event), checkpoints the job at `step`, then announces `detail`. */
  persist(
    step: string,
    resources: Record<string, string>,
    detail: string,
    awsRequestIds?: string[],
  ): Promise<void>;
  /** Runs an AWS call as part of `step`; a failure becomes a CopyStepError with AWS's code and request ID. */
  call<T>(step: string, operation: string, run: () => Promise<T>): Promise<T>;
  notify(level: IoLevel, code: string, message: string, data?: Record<string, unknown>): Promise<void>;
  /**
   * Keeps this poll's progress for `status` (at most one store write per the progress interval;
   * advisory: never throws, a failed write is announced at debug level).
   */
  recordProgress(reading: CopyProgressReading): Promise<void>;
  /** Waits on the runner's scheduler (keeping the lease). */
  sleep(ms: number): Promise<void>;
}

export interface CopySessionDeps {
  migrations: MigrationRepository;
  clock: Clock;
  io: IoHost;
  /** The job's poll interval (for the progress samples' staleness bound). */
  pollMs: number;
  /** At most one progress write per this many ms (default 30 s). */
  progressEveryMs?: number;
}

export function createCopySession(
  deps: CopySessionDeps,
  init: { ctx: JobContext; record: MigrationRecord; kind: CopyKind; decision: MigrationDecision },
): CopySession & { setRecord(r: MigrationRecord): void } {
  let record = init.record;
  const migrationId = record.id;
  const progress = createProgressRecorder(
    {
      store: deps.migrations,
      clock: deps.clock,
      everyMs: deps.progressEveryMs ?? DEFAULT_PROGRESS_EVERY_MS,
      pollMs: deps.pollMs,
      onError: (e) =>
        session.notify(
          'debug',
          'copy.progress.unsaved',
          `Progress of ${record.fileSystemId} not saved for status (the copy goes on): ${e instanceof Error ? e.message : String(e)}`,
        ),
    },
    { migrationId, jobId: init.ctx.job.jobId, kind: init.kind },
  );
  const session = {
    migrationId,
    kind: init.kind,
    decision: init.decision,
    ctx: init.ctx,
    clock: deps.clock,
    record: () => record,
    setRecord(r: MigrationRecord) {
      record = r;
    },
    async persist(
      step: string,
      resources: Record<string, string>,
      detail: string,
      awsRequestIds: string[] = [],
    ) {
      record = await deps.migrations.updateMigration(migrationId, {
        expectedVersion: record.version,
        resources,
        actor: init.ctx.job.requestedBy,
        correlationId: init.ctx.job.jobId,
        detail,
        ...(awsRequestIds.length ? { awsRequestIds } : {}),
      });
      await init.ctx.checkpoint(step);
      await session.notify('progress', 'copy.step.done', detail, { step });
    },
    async call<T>(step: string, operation: string, run: () => Promise<T>): Promise<T> {
      try {
        return await run();
      } catch (e) {
        throw new CopyStepError(step, operation, e);
      }
    },
    notify(level: IoLevel, code: string, message: string, data: Record<string, unknown> = {}) {
      return deps.io.notify({
        level,
        code,
        message,
        time: deps.clock.now(),
        data: {
          migrationId,
          jobId: init.ctx.job.jobId,
          kind: init.kind,
          method: init.decision.method,
          fileSystemId: record.fileSystemId,
          ...data,
        },
      });
    },
    async recordProgress(reading: CopyProgressReading) {
      await progress.record(reading);
    },
    sleep: (ms: number) => init.ctx.sleep(ms),
  };
  return session;
}

export function requestIds(out: { $metadata?: { requestId?: string } }): string[] {
  return out.$metadata?.requestId ? [out.$metadata.requestId] : [];
}

/** The built encrypted twin every copy method writes into; without one the copy is blocked (`NoTwin`). */
export function builtTwinIdOf(m: MigrationRecord): string {
  const twinId = m.resources[BuildResourceKeys.targetFileSystemId];
  if (!twinId)
    throw new CopyBlockedError(
      'check',
      `${m.fileSystemId} has no encrypted twin recorded; build it first.`,
      'NoTwin',
    );
  return twinId;
}
