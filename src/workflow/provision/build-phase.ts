import {
  buildCanRetry,
  buildMappingOf,
  planBuild,
  type BuildMapping,
  type BuildPlan,
} from '../../domain/build-plan.ts';
import type { Clock } from '../../domain/clock.ts';
import { BadInputError } from '../../domain/errors.ts';
import {
  BUILD_JOB_KIND,
  type CompensationStep,
  type JobRecord,
  type JobRepository,
} from '../../domain/job.ts';
import type { MigrationRecord, MigrationRepository } from '../../domain/migration.ts';
import type { MigrationState } from '../../domain/migration-state.ts';
import type { IoHost } from '../io-host.ts';
import type { JobHandler } from '../jobs/index.ts';
import { createBuildHandler } from './build-workflow.ts';
import type { IEfsWriter } from './ports.ts';

/**
 * The build phase as the Slack listeners and the CLI call it: the dry run, queueing build jobs
 * (idempotently: a double click, a Slack retry or a second replica gets the same job), retry,
 * status, and the recorded undo actions. Admin checks are the caller's (DESIGN.md rule 5).
 * The jobs themselves run on a job runner with `handler` registered for kind `build`.
 */

export { BUILD_JOB_KIND };

export interface BuildPhaseDeps {
  migrations: MigrationRepository;
  jobs: JobRepository;
  writerFor(accountId: string, region: string): Promise<IEfsWriter>;
  clock: Clock;
  /** Progress of every build (codes `build.*`, data.migrationId says which). */
  io: IoHost;
  pollMs?: number;
  maxWaitMs?: number;
}

export interface QueuedBuild {
  jobId: string;
  migrationId: string;
  /** False when the job already existed (double request): nothing new was queued. */
  created: boolean;
}

export interface BuildStatus {
  migrationId: string;
  fileSystemId: string;
  state: MigrationState;
  /** The latest build job, if any. */
  job?: JobRecord;
  mapping: BuildMapping;
  lastError?: MigrationRecord['lastError'];
  /** True when a Retry button makes sense: the build failed. */
  canRetry: boolean;
}

export interface BuildPhase {
  /** The dry run: the exact calls per file system, with what differs and why. Changes nothing. */
  planBuild(migrationIds: string[]): Promise<BuildPlan[]>;
  /** Queues one build job per migration (all or nothing on validation). */
  requestBuild(migrationIds: string[], actor: string): Promise<QueuedBuild[]>;
  /** Queues the next generation of a failed build; returns the latest job otherwise. */
  retry(migrationId: string, actor: string): Promise<QueuedBuild>;
  status(migrationId: string): Promise<BuildStatus>;
  /** What a rollback would delete, in order (access points, mount targets, file system); a dry run only. */
  compensation(migrationId: string): Promise<CompensationStep[]>;
  /** The `build` job handler, for createJobRunner({ handlers: { build: phase.handler } }). */
  handler: JobHandler;
}

/** An excluded file system is not built: why it was excluded, by whom, and how to change that. */
function whyExcluded(record: MigrationRecord): string {
  const reason = record.facts.exclusionReason ?? 'no reason recorded';
  // Excluded is a resting state: its last change is the exclusion (or its reason's update).
  return ` from the migration: ${reason} (excluded by ${record.updatedBy} at ${record.updatedAt}). To build it, bring it into scope with a decision first.`;
}

/**
 * Why Retry does not apply to this build, saying what to do instead; undefined when it does (the
 * build failed at a step, `buildCanRetry`) or a build is already queued or running. Retry resumes a
 * failed build only: it never starts a first build, nor redoes one that succeeded.
 */
export function buildRetryRefusal(status: BuildStatus): string | undefined {
  const fs = status.fileSystemId;
  const job = status.job;
  if (status.canRetry || job?.status === 'queued' || job?.status === 'running') return undefined;
  if (!job)
    return `${fs} has never been built, so there is nothing to retry (it is ${status.state}). To build it, use its Build button or \`/efs-encrypt build ${fs}\`.`;
  return `${fs} is ${status.state} and its last build ${job.status === 'succeeded' ? 'succeeded' : 'did not fail at a build step'}, so there is nothing to retry. \`/efs-encrypt status ${fs}\` shows what comes next.`;
}

/** States from which a build may be queued. */
const BUILDABLE: MigrationState[] = ['decided'];

export function createBuildPhase(deps: BuildPhaseDeps): BuildPhase {
  const handler = createBuildHandler(deps);

  async function load(migrationId: string) {
    const record = await deps.migrations.getMigration(migrationId);
    if (!record)
      return { migrationId, problem: `${migrationId} was not found; scan and decide it first.` } as const;
    const [decision, snapshot] = await Promise.all([
      deps.migrations.getDecision(migrationId),
      deps.migrations.getSnapshot(migrationId),
    ]);
    if (record.state === 'excluded')
      return {
        migrationId,
        record,
        problem: `${record.fileSystemId} is excluded${whyExcluded(record)}`,
      } as const;
    if (!decision)
      return {
        migrationId,
        record,
        problem: `${record.fileSystemId} has no decision yet; choose its key and method first.`,
      } as const;
    if (!snapshot)
      return {
        migrationId,
        record,
        problem: `${record.fileSystemId} has no inventory snapshot; scan and decide it again.`,
      } as const;
    return { migrationId, record, decision: decision.decision, snapshot: snapshot.fileSystem } as const;
  }

  async function latestJob(migrationId: string): Promise<JobRecord | undefined> {
    const jobs = await deps.jobs.listJobsForMigration(migrationId, BUILD_JOB_KIND);
    return jobs.at(-1);
  }

  function throwProblems(problems: string[]): void {
    if (problems.length)
      throw new BadInputError(`Nothing was queued:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  const phase: BuildPhase = {
    handler,

    async planBuild(migrationIds) {
      const loaded = await Promise.all(migrationIds.map(load));
      throwProblems(loaded.flatMap((l) => (l.problem ? [l.problem] : [])));
      return loaded.map((l) =>
        planBuild({ migrationId: l.migrationId, fileSystem: l.snapshot!, decision: l.decision! }),
      );
    },

    async requestBuild(migrationIds, actor) {
      const checked = await Promise.all(
        [...new Set(migrationIds)].map(
          async (migrationId): Promise<{ migrationId: string; existing?: JobRecord; problem?: string }> => {
            // A build already asked for (double click, Slack retry, other replica): the same job.
            const existing = await latestJob(migrationId);
            if (existing) return { migrationId, existing };
            const l = await load(migrationId);
            if (l.problem) return { migrationId, problem: l.problem };
            if (!BUILDABLE.includes(l.record.state))
              return {
                migrationId,
                problem: `${l.record.fileSystemId} is ${l.record.state}; only a decided file system can be built.`,
              };
            return { migrationId };
          },
        ),
      );
      throwProblems(checked.flatMap((c) => (c.problem ? [c.problem] : [])));
      const queued: QueuedBuild[] = [];
      for (const c of checked) {
        if (c.existing) {
          queued.push({ jobId: c.existing.jobId, migrationId: c.migrationId, created: false });
          continue;
        }
        const { job, created } = await deps.jobs.createJob({
          kind: BUILD_JOB_KIND,
          migrationId: c.migrationId,
          generation: 1,
          requestedBy: actor,
        });
        queued.push({ jobId: job.jobId, migrationId: c.migrationId, created });
      }
      return queued;
    },

    async retry(migrationId, actor) {
      const status = await phase.status(migrationId);
      const latest = status.job;
      // A job queued or running (a double click, a Slack retry) is the same build: nothing new.
      if (latest && (latest.status === 'queued' || latest.status === 'running'))
        return { jobId: latest.jobId, migrationId, created: false };
      const refusal = buildRetryRefusal(status);
      if (refusal || !latest) throw new BadInputError(refusal ?? `${migrationId} has no build to retry.`);
      const { job, created } = await deps.jobs.createJob({
        kind: BUILD_JOB_KIND,
        migrationId,
        generation: latest.generation + 1,
        requestedBy: actor,
      });
      return { jobId: job.jobId, migrationId, created };
    },

    async status(migrationId) {
      const record = await deps.migrations.getMigration(migrationId);
      if (!record) throw new BadInputError(`${migrationId} was not found.`);
      const job = await latestJob(migrationId);
      return {
        migrationId,
        fileSystemId: record.fileSystemId,
        state: record.state,
        ...(job ? { job } : {}),
        mapping: buildMappingOf(record),
        ...(record.lastError ? { lastError: record.lastError } : {}),
        canRetry: buildCanRetry(record, job),
      };
    },

    async compensation(migrationId) {
      const jobs = await deps.jobs.listJobsForMigration(migrationId, BUILD_JOB_KIND);
      const all = jobs.flatMap((j) => j.compensations);
      const seen = new Set<string>();
      const unique = all.filter((c) => !seen.has(c.resourceId) && seen.add(c.resourceId));
      // DESIGN.md rule 1: deletion order is access points, mount targets, file system.
      const order = ['DeleteAccessPoint', 'DeleteMountTarget', 'DeleteFileSystem'];
      return unique.sort((a, b) => order.indexOf(a.operation) - order.indexOf(b.operation));
    },
  };
  return phase;
}
