import type { ManualClock } from '../../src/domain/clock.ts';
import type { JobRecord, JobRepository } from '../../src/domain/job.ts';
import { createJobRunner, type JobHandler, type JobRunner } from '../../src/workflow/jobs/index.ts';
import { skipAheadScheduler } from './schedulers.ts';

export interface SkipAheadRunnerOptions {
  jobs: JobRepository;
  clock: ManualClock;
  /** The job kind the handler runs ('build', 'copy'). */
  kind: string;
  handler: JobHandler;
  /** The runner's name, as a replica's host name would be. */
  owner: string;
  leaseMs: number;
}

/**
 * A job runner for one kind of job whose waits are skipped ahead on the test's ManualClock: the
 * handler sees exactly the intervals it asked for while no real time passes.
 */
export function skipAheadRunner(o: SkipAheadRunnerOptions): JobRunner {
  return createJobRunner({
    jobs: o.jobs,
    handlers: { [o.kind]: o.handler },
    clock: o.clock,
    scheduler: skipAheadScheduler(o.clock),
    owner: o.owner,
    leaseMs: o.leaseMs,
  });
}

export interface BackgroundJobs {
  /** Hands jobs to the runner at once, as a bot replica's Slack services do after a click. */
  runNow(jobIds: string[]): void;
  /** Resolves when every job started through runNow so far has ended. */
  idle(): Promise<void>;
}

/** The `runNow` a test bot replica gives its Slack services, keeping each run to await. */
export function backgroundJobs(runner: JobRunner): BackgroundJobs {
  const running: Promise<JobRecord | undefined>[] = [];
  return {
    runNow(jobIds) {
      for (const id of jobIds) {
        const run = runner.runJob(id);
        // A replica that "dies" is never awaited (idle() is not called on it), and its store is
        // closed under it at the end of the test: keep that expected failure from surfacing as an
        // unhandled rejection. Awaited runs still see every error through idle().
        run.catch(() => undefined);
        running.push(run);
      }
    },
    async idle() {
      while (running.length) await Promise.all(running.splice(0));
    },
  };
}
