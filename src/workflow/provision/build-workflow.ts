import type { IEfsWriter } from './ports.ts';
import { summariseAwsError } from '../../aws/aws-errors.ts';
import {
  BUILD_STEPS,
  BuildResourceKeys as Keys,
  buildMappingOf,
  planBuild,
  type BuildMapping,
  type BuildPlan,
  type BuildStep,
} from '../../domain/build-plan.ts';
import type { Clock } from '../../domain/clock.ts';
import { BadInputError } from '../../domain/errors.ts';
import { LeaseLostError } from '../../domain/job.ts';
import type { MigrationRecord, MigrationRepository } from '../../domain/migration.ts';
import type { IoHost } from '../io-host.ts';
import type { JobContext, JobHandler } from '../jobs/index.ts';
import { BuildBlockedError, BuildStepError } from './build-errors.ts';
import { createBuildSession, type BuildSession, type BuildStepDeps } from './build-session.ts';
import { putBackupPolicy } from './steps/backup-policy.ts';
import { checkKey } from './steps/check-key.ts';
import { putFileSystemPolicy } from './steps/file-system-policy.ts';
import { createFileSystem, waitFileSystem } from './steps/file-system.ts';
import { putLifecycleConfiguration } from './steps/lifecycle-configuration.ts';
import { createMountTargets, waitMountTargets } from './steps/mount-targets.ts';
import { createAccessPoints } from './steps/access-points.ts';
import { validateTwin } from './steps/validate-twin.ts';

/**
 * The build of one encrypted twin, as the `build` job's handler. Every step first looks at what
 * the migration record says exists (and, for what AWS makes idempotent only by token, at what
 * AWS says exists), makes what is missing, and persists each resource ID the moment it exists,
 * before announcing it. A crash, a retry or a second replica therefore resumes where the record
 * stands and never makes a second file system, mount target or access point.
 *
 * The handler only composes: it enters `target_creating`, runs the steps (steps/, one module per
 * step, each given the writer and the job's BuildSession), and records a failure. Order:
 * lifecycle and backup policy right after the file system is available; the file system policy
 * last, once, because it must name the twin's access points (new IDs) and they exist only then.
 */

export interface BuildWorkflowDeps {
  migrations: MigrationRepository;
  writerFor(accountId: string, region: string): Promise<IEfsWriter>;
  clock: Clock;
  io: IoHost;
  /** Delay between lifecycle polls (default 5 s; AWS makes a file system in seconds). */
  pollMs?: number;
  /** Upper bound on waiting for `available` (default 10 min). */
  maxWaitMs?: number;
}

/** What the build job returns: the mapping, and what could not be copied. */
export interface BuildResult extends Record<string, unknown> {
  migrationId: string;
  mapping: BuildMapping;
}

export function createBuildHandler(deps: BuildWorkflowDeps): JobHandler {
  const sessionDeps = { ...deps, pollMs: deps.pollMs ?? 5_000, maxWaitMs: deps.maxWaitMs ?? 10 * 60_000 };

  return async (ctx: JobContext): Promise<BuildResult> => {
    const migrationId = ctx.job.migrationId;
    const record = await mustGet(deps.migrations, migrationId);
    if (record.state === 'target_ready') return { migrationId, mapping: buildMappingOf(record) };
    const plan = await loadPlan(deps.migrations, migrationId);
    const s = createBuildSession(sessionDeps, { ctx, record, plan });
    await enterTargetCreating(s);
    const writer = await deps.writerFor(s.record().accountId, s.record().region);
    await s.notify(
      'info',
      'build.started',
      `Building the encrypted twin of ${record.fileSystemId}`,
      undefined,
    );
    try {
      const twinId = await runBuildSteps({ writer }, s);
      const mapping = buildMappingOf(s.record());
      await s.notify(
        'info',
        'build.succeeded',
        `Encrypted twin ${twinId} of ${record.fileSystemId} is ready`,
        'validate',
        { mapping },
      );
      return { migrationId, mapping };
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      await recordFailure(deps.migrations, s, e);
      throw e;
    }
  };
}

/** Every step in order, each marked as the running one before it starts; returns the twin's ID. */
async function runBuildSteps(deps: BuildStepDeps, s: BuildSession): Promise<string> {
  const keyArn = await s.step('check-key', () => checkKey(deps, s));
  const twinId = await s.step('create-file-system', () => createFileSystem(deps, s));
  const unlessDone = (name: BuildStep, run: () => Promise<void>) =>
    finishedEarlier(s, name) ? Promise.resolve() : s.step(name, run);
  await unlessDone('wait-file-system', () => waitFileSystem(deps, s, twinId));
  await unlessDone('lifecycle-configuration', () => putLifecycleConfiguration(deps, s, twinId));
  await unlessDone('backup-policy', () => putBackupPolicy(deps, s, twinId));
  await unlessDone('mount-targets', () => createMountTargets(deps, s, twinId));
  await unlessDone('wait-mount-targets', () => waitMountTargets(deps, s, twinId));
  await unlessDone('access-points', () => createAccessPoints(deps, s, twinId));
  await unlessDone('file-system-policy', () => putFileSystemPolicy(deps, s, twinId));
  await s.step('validate', () => validateTwin(deps, s, twinId, keyArn));
  return twinId;
}

/** Steps that persist once per resource they make; the others persist once, when they are done. */
const PER_RESOURCE_STEPS: ReadonlySet<BuildStep> = new Set(['mount-targets', 'access-points']);

/**
 * Whether an earlier attempt (killed, or failed at a later step) finished this step: the record's
 * last persisted step is a later one, or this one when it persists only once. Without this a
 * resumed build ran the waits and the configuration steps again, recording each twice (found by the
 * crash-point sweep). Per-resource steps rerun on their own last step and skip what they made.
 * check-key, create-file-system and validate always run: the first two answer what the later steps
 * need (the key, from a read; the twin, from the record), the last ends the build.
 */
function finishedEarlier(s: BuildSession, name: BuildStep): boolean {
  const last = s.record().resources[Keys.buildStep];
  const at = BUILD_STEPS.indexOf(last as BuildStep);
  const own = BUILD_STEPS.indexOf(name);
  if (at < 0) return false;
  return PER_RESOURCE_STEPS.has(name) ? at > own : at >= own;
}

/** The plan from the recorded decision and inventory snapshot; a build needs both. */
async function loadPlan(migrations: MigrationRepository, migrationId: string): Promise<BuildPlan> {
  const decision = (await migrations.getDecision(migrationId))?.decision;
  const snapshot = (await migrations.getSnapshot(migrationId))?.fileSystem;
  if (!decision || !snapshot)
    throw new BadInputError(
      `${migrationId} has no ${decision ? 'inventory snapshot' : 'decision'}; decide it (efs-encrypt plan) before building.`,
    );
  return planBuild({ migrationId, fileSystem: snapshot, decision });
}

/** Enters target_creating: from decided (first build), from failed (retry), or already there (resume). */
async function enterTargetCreating(s: BuildSession): Promise<void> {
  const record = s.record();
  if (record.state === 'decided' || (record.state === 'failed' && record.failedFrom === 'target_creating')) {
    const jobId = s.ctx.job.jobId;
    await s.transition({
      to: 'target_creating',
      facts: { hasDecision: true },
      detail: record.state === 'failed' ? `build retried (${jobId})` : `build started (${jobId})`,
    });
  } else if (record.state !== 'target_creating') {
    throw new BadInputError(
      `${s.migrationId} is ${record.state}; only a decided migration (or a failed build) can be built.`,
    );
  }
}

/** Moves a still-building migration to failed with the step's error, then announces the failure. */
async function recordFailure(migrations: MigrationRepository, s: BuildSession, e: unknown): Promise<void> {
  const jobError =
    e instanceof BuildStepError || e instanceof BuildBlockedError
      ? e.toJobError()
      : { code: summariseAwsError(e).code, message: summariseAwsError(e).message };
  const step = s.currentStep();
  try {
    const latest = await mustGet(migrations, s.migrationId);
    if (latest.state === 'target_creating')
      s.setRecord(
        await migrations.transitionMigration(s.migrationId, {
          expectedVersion: latest.version,
          to: 'failed',
          actor: s.ctx.job.requestedBy,
          correlationId: s.ctx.job.jobId,
          detail: `Build failed at step ${step}`,
          error: { code: jobError.code, message: jobError.message },
          ...(jobError.awsRequestId ? { awsRequestIds: [jobError.awsRequestId] } : {}),
        }),
      );
  } finally {
    await s.notify(
      'error',
      'build.failed',
      `Build of ${s.record().fileSystemId}'s twin failed at ${step}: ${jobError.message}`,
      step,
      { error: jobError },
    );
  }
}

async function mustGet(migrations: MigrationRepository, id: string): Promise<MigrationRecord> {
  const record = await migrations.getMigration(id);
  if (!record) throw new BadInputError(`${id} was not found; scan and decide it first.`);
  return record;
}

export type { BuildPlan };
