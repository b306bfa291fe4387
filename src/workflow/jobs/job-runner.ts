import pLimit from 'p-limit';
import { summariseAwsError } from '../../aws/aws-errors.ts';
import type { Clock } from '../../domain/clock.ts';
import { InternalError, isEfsEncryptError } from '../../domain/errors.ts';
import {
  describeLeaseHolder,
  isClaimable,
  LeaseLostError,
  type CompensationStep,
  type JobError,
  type JobRecord,
  type JobRepository,
  type JobUpdate,
} from '../../domain/job.ts';
import { VersionConflictError } from '../../domain/migration.ts';
import { silentIoHost, type IoHost } from '../io-host.ts';
import { localLeaseHolders, type LeaseHolderProbe } from './lease-holders.ts';

/**
 * The durable job runner (DESIGN.md, workflow): jobs live in the store; a runner takes one by a
 * conditional write of its lease, runs the handler registered for its kind, and records each
 * completed step. Several replicas may run side by side: of N runners racing for a job exactly one
 * lease write wins, and a runner that dies leaves a lease that expires, after which any runner
 * resumes the job. Each lease names its holder process (host, PID, start): a runner on the same
 * host that finds that process gone takes the job at once, through the same conditional write. Handlers are injected per kind with their activities already bound (as
 * temporalio/samples-typescript `createActivities(deps)` does), so the runner knows nothing of AWS.
 */

/** Deferred calls on an injected timeline (the same shape as the Slack reporter's scheduler). */
export interface Scheduler {
  /** Runs `fn` after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, fn: () => void): () => void;
}

export interface JobContext {
  /** The job as this runner last wrote it. */
  readonly job: JobRecord;
  readonly owner: string;
  /**
   * Records a completed step and the undo actions of what it made, and extends the lease; one
   * conditional write. Throws LeaseLostError when another runner has taken the job.
   */
  checkpoint(step: string, options?: { compensations?: CompensationStep[] }): Promise<void>;
  /** Extends the lease without recording a step (long waits call it). */
  heartbeat(): Promise<void>;
  /** Waits on the injected scheduler, keeping the lease alive. */
  sleep(ms: number): Promise<void>;
}

/** Runs one job; returns its result, or throws to fail it. Must checkpoint or heartbeat well within the lease. */
export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown> | void>;

/** An error that knows how it should be recorded on the job (step, AWS request ID). */
export interface ReportsJobError {
  toJobError(): JobError;
}

export interface JobRunnerOptions {
  jobs: JobRepository;
  handlers: Record<string, JobHandler>;
  clock: Clock;
  scheduler: Scheduler;
  /** This runner's name, stable across restarts of the same replica (host name, task ID). */
  owner: string;
  /** How long a lease lasts without a checkpoint or heartbeat. */
  leaseMs: number;
  /** Delay between polls once started (default 5 s). */
  pollMs?: number;
  /** Jobs run at once by this runner (default 4). */
  concurrency?: number;
  /** Who this process is on its leases, and whether another lease's holder still runs (default: the real OS). */
  holders?: LeaseHolderProbe;
  io?: IoHost;
  /** Called right after each checkpoint is written (the crash-point sweep kills the process here). */
  afterCheckpoint?: (step: string, job: JobRecord) => void;
}

export interface TickReport {
  /** Jobs this runner took and ran in this pass. */
  ran: string[];
  succeeded: string[];
  failed: string[];
  /** Jobs whose lease another runner took while this one ran them (it stopped at once). */
  lost: string[];
  /** Open jobs of a kind no handler is registered for (left for a runner that knows it). */
  unhandled: string[];
}

export interface JobRunner {
  /** One pass: takes and runs every claimable job (queued, or running under an expired lease). */
  tick(): Promise<TickReport>;
  /**
   * The start-up pass: as tick, and also takes back running jobs still leased to this owner,
   * which a previous life of this replica held when it crashed.
   */
  resume(): Promise<TickReport>;
  /** Resumes, then polls every pollMs on the scheduler until stop(). */
  start(): Promise<TickReport>;
  /** Stops polling and waits for the jobs in flight. */
  stop(): Promise<void>;
  /** Takes and runs one job now if it is claimable (the request path; replicas may race). */
  runJob(jobId: string): Promise<JobRecord | undefined>;
}

const DEFAULT_POLL_MS = 5_000;

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { jobs, handlers, clock, scheduler, owner, leaseMs } = options;
  const io = options.io ?? silentIoHost;
  const holders = options.holders ?? localLeaseHolders();
  const limit = pLimit(options.concurrency ?? 4);
  const inFlight = new Set<Promise<unknown>>();
  let cancelPoll: (() => void) | undefined;
  let stopped = true;

  const leaseUntil = () => new Date(clock.now().getTime() + leaseMs).toISOString();
  const notify = (level: 'info' | 'warn' | 'error', code: string, message: string, job: JobRecord) =>
    io.notify({
      level,
      code,
      message,
      time: clock.now(),
      data: {
        jobId: job.jobId,
        migrationId: job.migrationId,
        kind: job.kind,
        status: job.status,
        step: job.step,
      },
    });

  /** The lease write; undefined when another runner got there first. */
  async function claim(job: JobRecord, ownLeases: boolean): Promise<JobRecord | undefined> {
    const holder = job.status === 'running' ? holders.liveness(job.leaseHolder) : 'unknown';
    if (!isClaimable(job, clock.now(), owner, ownLeases, holder)) return undefined;
    try {
      const claimed = await jobs.updateJob(job.jobId, job.version, {
        status: 'running',
        leaseOwner: owner,
        leaseExpiresAt: leaseUntil(),
        leaseHolder: holders.self,
        attempts: job.attempts + 1,
      });
      if (holder === 'gone')
        await notify(
          'info',
          'job.taken_over',
          `${job.kind} job ${job.jobId} was held by ${describeLeaseHolder(job)}, which is gone; resuming it now`,
          claimed,
        );
      return claimed;
    } catch (e) {
      if (e instanceof VersionConflictError) return undefined;
      throw e;
    }
  }

  async function run(claimed: JobRecord): Promise<'succeeded' | 'failed' | 'lost'> {
    let current = claimed;
    const write = async (patch: JobUpdate): Promise<JobRecord> => {
      try {
        current = await jobs.updateJob(current.jobId, current.version, patch);
        return current;
      } catch (e) {
        if (e instanceof VersionConflictError) throw new LeaseLostError(current.jobId, owner);
        throw e;
      }
    };
    const ctx: JobContext = {
      get job() {
        return current;
      },
      owner,
      async checkpoint(step, opts = {}) {
        await write({
          step,
          leaseExpiresAt: leaseUntil(),
          ...(opts.compensations?.length
            ? { compensations: mergeCompensations(current.compensations, opts.compensations) }
            : {}),
        });
        options.afterCheckpoint?.(step, current);
      },
      async heartbeat() {
        await write({ leaseExpiresAt: leaseUntil() });
      },
      async sleep(ms) {
        await new Promise<void>((resolve) => scheduler.schedule(ms, resolve));
        await write({ leaseExpiresAt: leaseUntil() });
      },
    };
    const handler = handlers[claimed.kind];
    // Both callers check for a handler before claiming, so this is an invariant, not a user error.
    if (!handler)
      throw new InternalError(
        `job ${claimed.jobId} was claimed with no handler for its kind ${claimed.kind}`,
      );
    await notify(
      'info',
      'job.started',
      `${claimed.kind} job ${claimed.jobId} started (attempt ${claimed.attempts})`,
      claimed,
    );
    try {
      const result = await handler(ctx);
      await write({
        status: 'succeeded',
        result: result ?? {},
        leaseOwner: null,
        leaseExpiresAt: null,
        leaseHolder: null,
        lastError: null,
        finishedAt: clock.now().toISOString(),
      });
      await notify('info', 'job.succeeded', `${current.kind} job ${current.jobId} succeeded`, current);
      return 'succeeded';
    } catch (e) {
      if (e instanceof LeaseLostError) {
        await notify('warn', 'job.lease_lost', e.userMessage, current);
        return 'lost';
      }
      const lastError = jobErrorOf(e);
      try {
        await write({
          status: 'failed',
          lastError,
          leaseOwner: null,
          leaseExpiresAt: null,
          leaseHolder: null,
          finishedAt: clock.now().toISOString(),
        });
      } catch (writeError) {
        if (writeError instanceof LeaseLostError) return 'lost';
        throw writeError;
      }
      await notify(
        'error',
        'job.failed',
        `${current.kind} job ${current.jobId} failed: ${lastError.code}: ${lastError.message}`,
        current,
      );
      return 'failed';
    }
  }

  async function pass(ownLeases: boolean): Promise<TickReport> {
    const report: TickReport = { ran: [], succeeded: [], failed: [], lost: [], unhandled: [] };
    const open = await jobs.listOpenJobs();
    await Promise.all(
      open.map((listed) =>
        limit(async () => {
          if (!handlers[listed.kind]) {
            report.unhandled.push(listed.jobId);
            return;
          }
          // The index is eventually consistent: decide on the strongly consistent item.
          const fresh = await jobs.getJob(listed.jobId);
          const claimed = fresh && (await claim(fresh, ownLeases));
          if (!claimed) return;
          report.ran.push(claimed.jobId);
          report[await run(claimed)].push(claimed.jobId);
        }),
      ),
    );
    return report;
  }

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    // Only the bookkeeping chain is silenced: `p` itself is returned and its caller handles it.
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    return p;
  }

  function poll(): void {
    if (stopped) return;
    cancelPoll = scheduler.schedule(options.pollMs ?? DEFAULT_POLL_MS, () => {
      void track(pass(false))
        .catch((e: unknown) =>
          io.notify({
            level: 'error',
            code: 'job.poll_failed',
            message: `Job poll failed: ${summariseAwsError(e).message}`,
            time: clock.now(),
          }),
        )
        .finally(poll);
    });
  }

  return {
    tick: () => track(pass(false)),
    resume: () => track(pass(true)),
    async start() {
      stopped = false;
      const report = await track(pass(true));
      poll();
      return report;
    },
    async stop() {
      stopped = true;
      cancelPoll?.();
      await Promise.allSettled([...inFlight]);
    },
    runJob(jobId) {
      // Tracked from the first read, not from the claim: stop() (the Lambda worker's settle, called
      // right after the click queued the job) must wait for a job whose claim is still being
      // written, or the worker returns with the job queued and the frozen sandbox holds its run.
      return track(
        (async () => {
          const job = await jobs.getJob(jobId);
          if (!job || !handlers[job.kind]) return job;
          const claimed = await claim(job, false);
          if (!claimed) return job;
          await limit(() => run(claimed));
          return jobs.getJob(jobId);
        })(),
      );
    },
  };
}

/** Adds undo actions once each (a resumed step may record the same resource again). */
function mergeCompensations(existing: CompensationStep[], added: CompensationStep[]): CompensationStep[] {
  const key = (c: CompensationStep) => `${c.operation}:${c.resourceId}`;
  const seen = new Set(existing.map(key));
  return [...existing, ...added.filter((c) => !seen.has(key(c)))];
}

function jobErrorOf(e: unknown): JobError {
  if (e && typeof (e as Partial<ReportsJobError>).toJobError === 'function')
    return (e as ReportsJobError).toJobError();
  if (isEfsEncryptError(e)) return { code: e.code, message: e.userMessage };
  const s = summariseAwsError(e);
  return { code: s.code, message: s.message, ...(s.requestId ? { awsRequestId: s.requestId } : {}) };
}
