import { summariseAwsError } from '../../aws/aws-errors.ts';
import type { Clock } from '../../domain/clock.ts';
import {
  COPY_KIND_LABELS,
  COPY_STATES,
  CopyResourceKeys as Keys,
  isCopyKind,
  type CopyKind,
} from '../../domain/copy.ts';
import { BadInputError } from '../../domain/errors.ts';
import { LeaseLostError, type JobError } from '../../domain/job.ts';
import type { MigrationRecord, MigrationRepository } from '../../domain/migration.ts';
import type { IoHost } from '../io-host.ts';
import type { JobContext, JobHandler } from '../jobs/index.ts';
import { CopyBlockedError, CopyStepError } from './copy-errors.ts';
import { createCopySession } from './copy-session.ts';
import { runDataSyncCopy, type DataSyncCopyDeps, type MethodOutcome } from './datasync-copy.ts';
import { runReplicationCopy, type ReplicationCopyDeps } from './replication-copy.ts';

/**
 * The `copy` job's handler: one job per requested copy (initial, incremental or final), its kind
 * recorded on the migration under the job's generation before the job was queued. The handler
 * moves the migration into the copy's running state (or resumes it there), runs the method, and
 * moves it on only through the state machine: `verified` needs the clean verification the method
 * proved. Failures go to `failed` with AWS's error; Retry queues the next generation.
 */

export interface CopyJobDeps {
  migrations: MigrationRepository;
  clock: Clock;
  io: IoHost;
  dataSync: Omit<DataSyncCopyDeps, 'pollMs'>;
  replication: Omit<ReplicationCopyDeps, 'pollMs'>;
  /** Delay between polls of DataSync executions and replication status (default 15 s). */
  pollMs?: number;
  /** At most one write of the latest progress (for `status`) per this many ms (default 30 s). */
  progressEveryMs?: number;
}

export interface CopyResult extends Record<string, unknown> {
  migrationId: string;
  kind: CopyKind;
  state: string;
  summary: string;
  notCarried?: string[];
}

export function createCopyHandler(deps: CopyJobDeps): JobHandler {
  const pollMs = deps.pollMs ?? 15_000;

  return async (ctx: JobContext): Promise<CopyResult> => {
    const { migrationId, generation, jobId, requestedBy: actor } = ctx.job;
    let record = await mustGet(deps.migrations, migrationId);
    const requested = record.resources[Keys.request(generation)];
    if (!isCopyKind(requested))
      throw new BadInputError(
        `Job ${jobId} has no copy request recorded on ${migrationId}; request the copy again.`,
      );
    const kind: CopyKind = requested;
    const rule = COPY_STATES[kind];
    if (record.resources[Keys.done(generation)])
      return { migrationId, kind, state: record.state, summary: record.resources[Keys.done(generation)]! };
    const decision = (await deps.migrations.getDecision(migrationId))?.decision;
    if (!decision) throw new BadInputError(`${migrationId} has no decision; decide its method first.`);

    // Enter the running state: a fresh copy, a retry of a failed one, or a resumed job.
    if (record.state !== rule.running) {
      const retrying = record.state === 'failed' && record.failedFrom === rule.running;
      if (!retrying && !rule.from.includes(record.state))
        throw new BadInputError(
          `${record.fileSystemId} is ${record.state}; the ${COPY_KIND_LABELS[kind].toLowerCase()} cannot run from there.`,
        );
      record = await deps.migrations.transitionMigration(migrationId, {
        expectedVersion: record.version,
        to: rule.running,
        actor,
        correlationId: jobId,
        detail: `${COPY_KIND_LABELS[kind]} by ${decision.method} ${retrying ? 'retried' : 'started'} (${jobId})`,
      });
    }
    const session = createCopySession({ ...deps, pollMs }, { ctx, record, kind, decision });
    await session.notify(
      'info',
      'copy.started',
      `${COPY_KIND_LABELS[kind]} of ${record.fileSystemId} by ${decision.method} started`,
    );

    let outcome: MethodOutcome;
    try {
      if (decision.method === 'datasync')
        outcome = await runDataSyncCopy({ ...deps.dataSync, pollMs }, session);
      else if (decision.method === 'replication')
        outcome = await runReplicationCopy({ ...deps.replication, pollMs }, session);
      else
        throw new CopyBlockedError(
          'check',
          `${record.fileSystemId} is copied with EC2 + rsync from its runbook; record its passes instead of queueing a copy.`,
          'WrongMethod',
        );
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      await recordFailure(session.record(), e);
      throw e;
    }

    const current = session.record();
    const done = await deps.migrations.transitionMigration(migrationId, {
      expectedVersion: current.version,
      to: rule.done,
      ...(kind === 'final' ? { facts: { verificationClean: outcome.verificationClean === true } } : {}),
      resources: { ...outcome.resources, [Keys.done(generation)]: outcome.summary },
      actor,
      correlationId: jobId,
      detail: `${COPY_KIND_LABELS[kind]} of ${record.fileSystemId} done: ${outcome.summary}`,
    });
    session.setRecord(done);
    await session.notify(
      'info',
      'copy.done',
      `${COPY_KIND_LABELS[kind]} of ${record.fileSystemId} done (${done.state}): ${outcome.summary}`,
      {
        state: done.state,
        summary: outcome.summary,
        ...(outcome.notCarried ? { notCarried: outcome.notCarried } : {}),
      },
    );
    if (outcome.notCarried?.length)
      await session.notify(
        'warn',
        'copy.not_carried',
        `Not carried by EFS replication:\n${outcome.notCarried.map((n) => `- ${n}`).join('\n')}`,
        { notCarried: outcome.notCarried },
      );
    return {
      migrationId,
      kind,
      state: done.state,
      summary: outcome.summary,
      ...(outcome.notCarried ? { notCarried: outcome.notCarried } : {}),
    };

    async function recordFailure(latestKnown: MigrationRecord, e: unknown): Promise<void> {
      const jobError: JobError =
        e instanceof CopyStepError || e instanceof CopyBlockedError
          ? e.toJobError()
          : { code: summariseAwsError(e).code, message: summariseAwsError(e).message };
      let latest = latestKnown;
      try {
        latest = await mustGet(deps.migrations, migrationId);
        if (latest.state === rule.running)
          latest = await deps.migrations.transitionMigration(migrationId, {
            expectedVersion: latest.version,
            to: 'failed',
            ...(jobError.code === 'VerificationFailed' ? { facts: { verificationClean: false } } : {}),
            actor,
            correlationId: jobId,
            detail: `${COPY_KIND_LABELS[kind]} failed at step ${jobError.step ?? 'unknown'}`,
            error: { code: jobError.code, message: jobError.message },
            ...(jobError.awsRequestId ? { awsRequestIds: [jobError.awsRequestId] } : {}),
          });
      } finally {
        await session.notify(
          'error',
          'copy.failed',
          `${COPY_KIND_LABELS[kind]} of ${latest.fileSystemId} failed: ${jobError.message}`,
          { error: jobError, canRetry: true, state: latest.state },
        );
      }
    }
  };
}

async function mustGet(migrations: MigrationRepository, id: string): Promise<MigrationRecord> {
  const record = await migrations.getMigration(id);
  if (!record) throw new BadInputError(`${id} was not found; scan, decide and build it first.`);
  return record;
}
