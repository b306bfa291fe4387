import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { EfsEncryptError, ErrorCode } from '../../../src/domain/errors.ts';
import type { JobRecord, LeaseHolder } from '../../../src/domain/job.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { RecordingIoHost } from '../../../src/workflow/io-host.ts';
import {
  createJobRunner,
  createLeaseHolderProbe,
  type JobHandler,
  type JobRunnerOptions,
  type ProcessFacts,
} from '../../../src/workflow/jobs/index.ts';
import { ManualScheduler } from '../../harness/schedulers.ts';
import { waitFor } from '../../harness/wait-for.ts';

let counter = 0;
const nextMigration = () => `FS#111111111111#eu-west-1#fs-0${String(++counter).padStart(16, '0')}`;

describe('job runner (embedded store)', () => {
  let store: Store;
  let clock: ManualClock;
  let scheduler: ManualScheduler;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-01T08:00:00Z'));
    store = await openStore({ clock });
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(() => {
    scheduler = new ManualScheduler(clock);
  });

  const runner = (
    owner: string,
    handlers: Record<string, JobHandler>,
    extra: Partial<JobRunnerOptions> = {},
  ) => createJobRunner({ jobs: store.jobs, handlers, clock, scheduler, owner, leaseMs: 60_000, ...extra });

  /** A new build job for a migration no other test uses. */
  async function queueBuild(): Promise<JobRecord> {
    const { job } = await store.jobs.createJob({
      kind: 'build',
      migrationId: nextMigration(),
      generation: 1,
      requestedBy: 'U1',
    });
    return job;
  }

  /** A new build job, the only open one in the shared store. */
  async function onlyOpenJob(): Promise<JobRecord> {
    const job = await queueBuild();
    await finishOthers(job.jobId);
    return job;
  }

  /** The job as a runner named `owner` leaves it mid-first-attempt: running, its lease live for another minute. */
  async function leaseFirstAttempt(
    job: JobRecord,
    owner: string,
    extra: { step?: string; leaseHolder?: LeaseHolder } = {},
  ): Promise<void> {
    await store.jobs.updateJob(job.jobId, 1, {
      status: 'running',
      leaseOwner: owner,
      leaseExpiresAt: new Date(clock.now().getTime() + 60_000).toISOString(),
      attempts: 1,
      ...extra,
    });
  }

  /** Leaves only this test's job open, so passes over the shared store see nothing else. */
  async function finishOthers(keep: string): Promise<void> {
    for (const j of await store.jobs.listOpenJobs())
      if (j.jobId !== keep)
        await store.jobs.updateJob(j.jobId, j.version, {
          status: 'failed',
          leaseOwner: null,
          leaseExpiresAt: null,
        });
  }

  it('gives a job to exactly one of ten racing runners', async () => {
    const job = await onlyOpenJob();
    const ranBy: string[] = [];
    const runners = Array.from({ length: 10 }, (_, i) =>
      runner(`replica-${i}`, {
        build: async (ctx) => {
          ranBy.push(ctx.owner);
          await ctx.checkpoint('only-step');
          return { by: ctx.owner };
        },
      }),
    );
    const reports = await Promise.all(runners.map((r) => r.tick()));
    expect(ranBy).toHaveLength(1);
    expect(reports.flatMap((r) => r.succeeded)).toEqual([job.jobId]);
    const done = await store.jobs.getJob(job.jobId);
    expect(done).toMatchObject({
      status: 'succeeded',
      step: 'only-step',
      attempts: 1,
      result: { by: ranBy[0] },
    });
    expect(done).not.toHaveProperty('leaseOwner');
    expect((await store.jobs.listOpenJobs()).map((j) => j.jobId)).not.toContain(job.jobId);
  });

  it('records the failure with its code, and an error that knows its step and AWS request ID', async () => {
    const job = await onlyOpenJob();
    const io = new RecordingIoHost();
    const failing = Object.assign(new EfsEncryptError(ErrorCode.AwsCallFailed, 'CreateMountTarget failed'), {
      toJobError: () => ({
        code: 'SubnetNotFound',
        message: 'no such subnet',
        awsRequestId: 'req-1',
        step: 'mount-targets',
      }),
    });
    const report = await runner('r1', { build: async () => Promise.reject(failing) }, { io }).tick();
    expect(report.failed).toEqual([job.jobId]);
    expect(await store.jobs.getJob(job.jobId)).toMatchObject({
      status: 'failed',
      lastError: {
        code: 'SubnetNotFound',
        message: 'no such subnet',
        awsRequestId: 'req-1',
        step: 'mount-targets',
      },
    });
    expect(io.messages.map((m) => m.code)).toEqual(['job.started', 'job.failed']);
    // A failed job is finished: a later pass does not pick it up again.
    expect((await runner('r2', { build: async () => ({}) }).tick()).ran).toEqual([]);
  });

  it('leaves a job under a live lease alone, and takes it over once the lease expires', async () => {
    const job = await onlyOpenJob();
    // A runner that took the job and then died: its lease runs until 08:01 on the manual clock.
    await leaseFirstAttempt(job, 'dead', { step: 'create-file-system' });
    const seenStep: (string | undefined)[] = [];
    const other = runner('survivor', { build: async (ctx) => void seenStep.push(ctx.job.step) });
    expect((await other.tick()).ran).toEqual([]);
    clock.advance(60_000);
    expect((await other.tick()).succeeded).toEqual([job.jobId]);
    // The handler sees the last completed step, so it can skip what is done.
    expect(seenStep).toEqual(['create-file-system']);
    expect((await store.jobs.getJob(job.jobId))?.attempts).toBe(2);
  });

  it('takes back its own unexpired leases only on resume (a restart under the same name)', async () => {
    const job = await onlyOpenJob();
    await leaseFirstAttempt(job, 'replica-a');
    const restarted = runner('replica-a', { build: async () => ({ resumed: true }) });
    expect((await restarted.tick()).ran).toEqual([]);
    expect((await runner('replica-b', { build: async () => ({}) }).resume()).ran).toEqual([]);
    expect((await restarted.resume()).succeeded).toEqual([job.jobId]);
  });

  it('stops a runner whose lease was taken over, without overwriting the new owner', async () => {
    const job = await onlyOpenJob();
    const steps: string[] = [];
    const slow = runner('slow', {
      build: async (ctx) => {
        await ctx.checkpoint('one');
        steps.push('one');
        // Stalls past its lease; another replica takes the job meanwhile.
        clock.advance(61_000);
        const current = (await store.jobs.getJob(ctx.job.jobId)) as JobRecord;
        await store.jobs.updateJob(current.jobId, current.version, {
          leaseOwner: 'fast',
          leaseExpiresAt: new Date(clock.now().getTime() + 60_000).toISOString(),
        });
        await ctx.checkpoint('two');
        steps.push('two');
      },
    });
    const report = await slow.tick();
    expect(report.lost).toEqual([job.jobId]);
    expect(steps).toEqual(['one']);
    expect(await store.jobs.getJob(job.jobId)).toMatchObject({
      status: 'running',
      leaseOwner: 'fast',
      step: 'one',
    });
  });

  it('records undo actions once each, in the order they were added', async () => {
    const job = await onlyOpenJob();
    const undo = (operation: string, resourceId: string) => ({
      operation,
      resourceId,
      accountId: '111111111111',
      region: 'eu-west-1',
      description: resourceId,
    });
    await runner('r1', {
      build: async (ctx) => {
        await ctx.checkpoint('fs', { compensations: [undo('DeleteFileSystem', 'fs-1')] });
        await ctx.checkpoint('fs-again', {
          compensations: [undo('DeleteFileSystem', 'fs-1'), undo('DeleteMountTarget', 'fsmt-1')],
        });
      },
    }).tick();
    expect((await store.jobs.getJob(job.jobId))?.compensations.map((c) => c.resourceId)).toEqual([
      'fs-1',
      'fsmt-1',
    ]);
  });

  it('sleeps on the injected scheduler, renewing the lease, and polls after start until stopped', async () => {
    const job = await onlyOpenJob();
    let woke = false;
    const r = runner(
      'poller',
      {
        build: async (ctx) => {
          if (ctx.job.jobId !== job.jobId) return;
          await ctx.sleep(30_000);
          woke = true;
        },
      },
      { pollMs: 1_000 },
    );
    const started = r.start();
    // The handler waits for the scheduler: nothing real elapses.
    await waitFor(() => scheduler.pending === 1);
    expect(woke).toBe(false);
    scheduler.advance(30_000);
    const report = await started;
    expect(woke).toBe(true);
    expect(report.succeeded).toEqual([job.jobId]);
    // Polling: a job queued later is run on the next poll.
    const later = await queueBuild();
    expect(scheduler.pending).toBe(1);
    scheduler.advance(1_000);
    await waitFor(async () => (await store.jobs.getJob(later.jobId))?.status === 'succeeded');
    await r.stop();
    expect(scheduler.pending).toBe(0);
  });

  it('runs one job on request when it is claimable, and reports it as it is otherwise', async () => {
    const job = await queueBuild();
    const r = runner('request', { build: async () => ({ n: 1 }) });
    expect(await r.runJob(job.jobId)).toMatchObject({ status: 'succeeded', result: { n: 1 } });
    expect(await r.runJob(job.jobId)).toMatchObject({ status: 'succeeded', version: 3 });
  });

  it('stop() waits for a job handed to runJob just before, whose claim was not written yet', async () => {
    const job = await queueBuild();
    const r = runner('worker', { build: async () => ({ n: 1 }) });
    // As the Lambda worker does: the click's runNow starts runJob, then the worker settles at once.
    void r.runJob(job.jobId);
    await r.stop();
    expect(await store.jobs.getJob(job.jobId)).toMatchObject({ status: 'succeeded', result: { n: 1 } });
  });

  describe('a lease whose holder process is gone', () => {
    /** The host `build-1` as a probe sees it: PID 100 is us, `live` PIDs run with the given start. */
    const facts = (live: Record<number, string>, host = 'build-1'): ProcessFacts => ({
      host,
      pid: 100,
      instance: 'this-process',
      exists: (pid) => pid === 100 || pid in live,
      startedOf: (pid) => (pid === 100 ? 'boot-1:500' : live[pid]),
    });
    const killed: LeaseHolder = { host: 'build-1', pid: 200, instance: 'killed-cli', started: 'boot-1:300' };
    const runnerOn = (f: ProcessFacts, owner = 'cli:build-1:100') =>
      runner(
        owner,
        { build: async (ctx) => ({ step: ctx.job.step }) },
        { holders: createLeaseHolderProbe(f) },
      );

    it('is taken over at once on the same host, and the new lease names this process', async () => {
      const job = await onlyOpenJob();
      await leaseFirstAttempt(job, 'cli:build-1:200', { step: 'mount-targets', leaseHolder: killed });
      const io = new RecordingIoHost();
      const took = runner(
        'cli:build-1:100',
        {
          build: async (ctx) => {
            expect(ctx.job.leaseHolder).toEqual({
              host: 'build-1',
              pid: 100,
              instance: 'this-process',
              started: 'boot-1:500',
            });
            return { resumedFrom: ctx.job.step };
          },
        },
        { holders: createLeaseHolderProbe(facts({})), io },
      );
      // The lease still runs for a minute on the clock: no waiting for it.
      expect((await took.tick()).succeeded).toEqual([job.jobId]);
      const done = await store.jobs.getJob(job.jobId);
      expect(done).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        result: { resumedFrom: 'mount-targets' },
      });
      expect(done).not.toHaveProperty('leaseHolder');
      expect(io.messages.map((m) => m.code)).toEqual(['job.taken_over', 'job.started', 'job.succeeded']);
      expect(io.messages[0]?.message).toContain('process 200 on host build-1');
    });

    it('is taken over when the PID lives but started at another time (a reused PID)', async () => {
      const job = await onlyOpenJob();
      await leaseFirstAttempt(job, 'cli:build-1:200', { leaseHolder: killed });
      expect((await runnerOn(facts({ 200: 'boot-1:9999' })).tick()).succeeded).toEqual([job.jobId]);
    });

    it('is taken over when it names our PID but an earlier process (a restart that got the same PID)', async () => {
      const job = await onlyOpenJob();
      await leaseFirstAttempt(job, 'cli:build-1:100', {
        leaseHolder: { host: 'build-1', pid: 100, instance: 'before-restart', started: 'boot-1:42' },
      });
      expect((await runnerOn(facts({})).tick()).succeeded).toEqual([job.jobId]);
    });

    it('stays with a live holder on this host, and one on another host, until the lease expires', async () => {
      const job = await onlyOpenJob();
      await leaseFirstAttempt(job, 'cli:build-1:200', { leaseHolder: killed });
      expect((await runnerOn(facts({ 200: 'boot-1:300' })).tick()).ran).toEqual([]);
      // Another host cannot look at build-1's processes: it waits for the lease.
      expect((await runnerOn(facts({}, 'build-2'), 'cli:build-2:100').tick()).ran).toEqual([]);
      clock.advance(60_000);
      expect((await runnerOn(facts({}, 'build-2'), 'cli:build-2:100').tick()).succeeded).toEqual([job.jobId]);
    });

    it('runs one job on request when its holder is gone (the CLI path)', async () => {
      const job = await queueBuild();
      await leaseFirstAttempt(job, 'cli:build-1:200', { leaseHolder: killed });
      expect(await runnerOn(facts({})).runJob(job.jobId)).toMatchObject({ status: 'succeeded' });
    });
  });
});
