import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { jobIdOf, type JobRecord } from '../../src/domain/job.ts';
import { VersionConflictError } from '../../src/domain/migration.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const MIGRATION = 'FS#111111111111#eu-west-1#fs-0123456789abcdef0';
const OTHER = 'FS#111111111111#eu-west-1#fs-0fedcba9876543210';

describe('DynamoJobRepository (embedded store)', () => {
  let store: Store;
  const clock = new ManualClock(new Date('2026-02-01T10:00:00Z'));

  beforeAll(async () => {
    store = await openStore({ clock });
  });
  afterAll(async () => {
    await store.close();
  });

  it('creates a job once: a second create of the same kind and generation returns the first', async () => {
    const first = await store.jobs.createJob({
      kind: 'build',
      migrationId: MIGRATION,
      generation: 1,
      requestedBy: 'U1',
    });
    clock.advance(1000);
    const second = await store.jobs.createJob({
      kind: 'build',
      migrationId: MIGRATION,
      generation: 1,
      requestedBy: 'U2',
    });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.job).toEqual(first.job);
    expect(first.job).toMatchObject({
      jobId: jobIdOf('build', 1, MIGRATION),
      status: 'queued',
      version: 1,
      attempts: 0,
      compensations: [],
      requestedBy: 'U1',
    });
    expect(await store.jobs.getJob(first.job.jobId)).toEqual(first.job);
  });

  it('lists open jobs through the sparse index, and drops a job from it when it finishes', async () => {
    const { job } = await store.jobs.createJob({
      kind: 'build',
      migrationId: OTHER,
      generation: 1,
      requestedBy: 'U1',
    });
    expect((await store.jobs.listOpenJobs()).map((j) => j.jobId)).toContain(job.jobId);
    const running = await store.jobs.updateJob(job.jobId, 1, {
      status: 'running',
      leaseOwner: 'r1',
      leaseExpiresAt: '2026-02-01T10:01:00.000Z',
      attempts: 1,
    });
    expect((await store.jobs.listOpenJobs()).map((j) => j.jobId)).toContain(job.jobId);
    const done = await store.jobs.updateJob(job.jobId, running.version, {
      status: 'succeeded',
      leaseOwner: null,
      leaseExpiresAt: null,
      result: { ok: 1 },
    });
    expect(done).not.toHaveProperty('leaseOwner');
    expect(done.version).toBe(3);
    expect((await store.jobs.listOpenJobs()).map((j) => j.jobId)).not.toContain(job.jobId);
    expect(await store.jobs.getJob(job.jobId)).toEqual(done);
  });

  it('lists the jobs of one migration, oldest generation first, optionally of one kind', async () => {
    await store.jobs.createJob({ kind: 'build', migrationId: MIGRATION, generation: 2, requestedBy: 'U1' });
    await store.jobs.createJob({ kind: 'copy', migrationId: MIGRATION, generation: 1, requestedBy: 'U1' });
    const builds = await store.jobs.listJobsForMigration(MIGRATION, 'build');
    expect(builds.map((j) => j.generation)).toEqual([1, 2]);
    expect((await store.jobs.listJobsForMigration(MIGRATION)).map((j) => j.kind).sort()).toEqual([
      'build',
      'build',
      'copy',
    ]);
  });

  it('lets exactly one of ten writers holding the same version win', async () => {
    const { job } = await store.jobs.createJob({
      kind: 'cutover',
      migrationId: MIGRATION,
      generation: 1,
      requestedBy: 'U1',
    });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.jobs.updateJob(job.jobId, job.version, { status: 'running', leaseOwner: `runner-${i}` }),
      ),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<JobRecord> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(lost).toHaveLength(9);
    for (const e of lost) expect(e).toBeInstanceOf(VersionConflictError);
    const stored = await store.jobs.getJob(job.jobId);
    expect(stored?.leaseOwner).toBe(won[0]!.value.leaseOwner);
    expect(stored?.version).toBe(2);
  });

  it('refuses a stale version with the job as it now is', async () => {
    const { job } = await store.jobs.createJob({
      kind: 'copy',
      migrationId: OTHER,
      generation: 1,
      requestedBy: 'U1',
    });
    await store.jobs.updateJob(job.jobId, 1, { step: 'one' });
    const error = await store.jobs.updateJob(job.jobId, 1, { step: 'two' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect((error as VersionConflictError<JobRecord>).current?.step).toBe('one');
  });
});
