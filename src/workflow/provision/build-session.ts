import type { IEfsWriter } from './ports.ts';
import {
  BUILD_STEPS,
  BuildResourceKeys as Keys,
  type BuildPlan,
  type BuildStep,
} from '../../domain/build-plan.ts';
import type { Clock } from '../../domain/clock.ts';
import type { CompensationStep } from '../../domain/job.ts';
import type { MigrationRecord, MigrationRepository, TransitionRequest } from '../../domain/migration.ts';
import type { IoHost } from '../io-host.ts';
import type { JobContext } from '../jobs/index.ts';
import { BuildBlockedError, BuildStepError } from './build-errors.ts';

/**
 * What one build job hands each of its steps (steps/): the plan, the record as last written,
 * persist-then-checkpoint-then-announce, AWS calls wrapped with the running step, and waits on
 * the runner's scheduler with the build's give-up bound. The steps never read the store or
 * Slack themselves; every resource they make goes through `persist` before it is announced.
 */

/** What the build steps call: the migration's EFS and KMS writer, resolved once for its account and region. */
export interface BuildStepDeps {
  writer: IEfsWriter;
}

export type BuildNotifyLevel = 'info' | 'progress' | 'warn' | 'error';

/** What `persist` records beside the resources: AWS's request IDs and the undo actions of what was made. */
export interface PersistExtra {
  awsRequestIds?: string[];
  compensations?: CompensationStep[];
}

export interface BuildSession {
  readonly migrationId: string;
  readonly plan: BuildPlan;
  readonly ctx: JobContext;
  readonly clock: Clock;
  /** The record as this job last wrote or read it. */
  record(): MigrationRecord;
  /** Replaces the record after a write the session did not make (the failure transition). */
  setRecord(r: MigrationRecord): void;
  /** The step running now: named in AWS failures, timeouts and the failure message. */
  currentStep(): BuildStep;
  /** Marks `name` as the running step, then runs it. */
  step<T>(name: BuildStep, run: () => Promise<T>): Promise<T>;
  /** Records resources (and the audit event), checkpoints the job at `name`, then announces `detail`. */
  persist(
    name: BuildStep,
    resources: Record<string, string>,
    detail: string,
    extra?: PersistExtra,
  ): Promise<void>;
  /** Records what could not be copied to the twin and why, checkpoints, then warns. */
  notCopied(name: BuildStep, what: string, why: string): Promise<void>;
  /** Moves the migration through the state machine as this job (actor, correlation ID, version). */
  transition(
    request: Omit<TransitionRequest, 'expectedVersion' | 'actor' | 'correlationId'>,
  ): Promise<MigrationRecord>;
  /** Runs an AWS call as part of the running step; a failure becomes a BuildStepError. */
  call<T>(operation: string, run: () => Promise<T>): Promise<T>;
  /** The undo action of a resource made in the migration's account and region. */
  undo(operation: string, resourceId: string, description: string): CompensationStep;
  /** Sleeps one poll interval, or gives up (`WaitTimedOut`) once `started` is the bound ago. */
  waitOrGiveUp(started: number, what: string): Promise<void>;
  notify(
    level: BuildNotifyLevel,
    code: string,
    message: string,
    name: BuildStep | undefined,
    extra?: Record<string, unknown>,
  ): Promise<void>;
}

export interface BuildSessionDeps {
  migrations: MigrationRepository;
  clock: Clock;
  io: IoHost;
  /** Delay between lifecycle polls. */
  pollMs: number;
  /** Upper bound on waiting for a resource to become available. */
  maxWaitMs: number;
}

export function createBuildSession(
  deps: BuildSessionDeps,
  init: { ctx: JobContext; record: MigrationRecord; plan: BuildPlan },
): BuildSession {
  const { ctx, plan } = init;
  const migrationId = ctx.job.migrationId;
  const actor = ctx.job.requestedBy;
  const correlationId = ctx.job.jobId;
  let record = init.record;
  let current: BuildStep = 'check-key';

  const session: BuildSession = {
    migrationId,
    plan,
    ctx,
    clock: deps.clock,
    record: () => record,
    setRecord(r) {
      record = r;
    },
    currentStep: () => current,
    async step(name, run) {
      current = name;
      return run();
    },
    /** Persist first, then checkpoint the job, then announce (DESIGN.md: persisted before announced). */
    async persist(name, resources, detail, extra = {}) {
      record = await deps.migrations.updateMigration(migrationId, {
        expectedVersion: record.version,
        resources: { ...resources, [Keys.buildStep]: name },
        actor,
        correlationId,
        detail,
        ...(extra.awsRequestIds?.length ? { awsRequestIds: extra.awsRequestIds } : {}),
      });
      await ctx.checkpoint(name, extra.compensations ? { compensations: extra.compensations } : undefined);
      await session.notify('progress', 'build.step.done', detail, name);
    },
    async notCopied(name, what, why) {
      record = await deps.migrations.updateMigration(migrationId, {
        expectedVersion: record.version,
        resources: { [Keys.notCopied(what)]: why, [Keys.buildStep]: name },
        actor,
        correlationId,
        detail: `Not copied: ${what}: ${why}`,
      });
      await ctx.checkpoint(name);
      await session.notify('warn', 'build.not_copied', `Not copied to the twin: ${what}: ${why}`, name, {
        what,
        why,
      });
    },
    async transition(request) {
      record = await deps.migrations.transitionMigration(migrationId, {
        ...request,
        expectedVersion: record.version,
        actor,
        correlationId,
      });
      return record;
    },
    async call(operation, run) {
      try {
        return await run();
      } catch (e) {
        throw new BuildStepError(current, operation, e);
      }
    },
    undo(operation, resourceId, description) {
      return { operation, resourceId, accountId: record.accountId, region: record.region, description };
    },
    async waitOrGiveUp(started, what) {
      if (deps.clock.now().getTime() - started >= deps.maxWaitMs)
        throw new BuildBlockedError(
          current,
          `Gave up waiting for ${what} after ${Math.round(deps.maxWaitMs / 1000)} s; retry later.`,
          'WaitTimedOut',
        );
      await ctx.sleep(deps.pollMs);
    },
    notify(level, code, message, name, extra = {}) {
      return deps.io.notify({
        level,
        code,
        message,
        time: deps.clock.now(),
        data: {
          migrationId,
          jobId: ctx.job.jobId,
          step: name,
          steps: BUILD_STEPS,
          resources: { ...record.resources },
          ...extra,
        },
      });
    },
  };
  return session;
}

/** AWS's request ID of a call's output, for the audit event. */
export function requestIds(out: { $metadata?: { requestId?: string } }): string[] {
  return out.$metadata?.requestId ? [out.$metadata.requestId] : [];
}
