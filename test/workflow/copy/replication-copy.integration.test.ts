import {
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  ReplicationNotFound,
} from '@aws-sdk/client-efs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopyResourceKeys } from '../../../src/domain/copy.ts';
import { DEFAULT_TIMING } from '../../../src/estate/timing.ts';
import {
  dyingAfter,
  LEASE_MS,
  REGION,
  SOURCE,
  TWIN,
  startCopyHarness,
  waitFor,
  type CopyHarness,
} from './copy-fixture.ts';

describe('EFS replication into the encrypted twin', () => {
  let h: CopyHarness;
  let efs: EFSClient;

  beforeEach(async () => {
    h = await startCopyHarness();
    efs = new EFSClient({ region: REGION, maxAttempts: 1 });
  });
  afterEach(async () => {
    efs.destroy();
    await h.close();
  });

  const protection = () =>
    h.server.control.fileSystem(h.ref(TWIN))!.FileSystemProtection?.ReplicationOverwriteProtection;

  it('replicates, waits past T0 on the final sync, deletes the replication, restores protection, and says what was not carried', async () => {
    const id = await h.seed('replication');
    const initial = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    expect((await h.runner('r1').tick()).succeeded).toEqual([initial.jobId]);
    expect(await h.phase.status(id)).toMatchObject({
      state: 'synced',
      actions: ['sync', 'confirm_writes_stopped'],
      lastReplicatedTimestamp: expect.any(String),
    });
    // The twin is a read-only destination while replicating.
    expect(protection()).toBe('REPLICATING');
    expect(h.server.control.fileSystem(h.ref(TWIN))!.content).toEqual(
      h.server.control.fileSystem(h.ref(SOURCE))!.content,
    );
    const statuses = h.io.messages
      .filter((m) => m.code === 'copy.progress')
      .map((m) => (m.data as { replicationStatus: string }).replicationStatus);
    expect(statuses[0]).toBe('ENABLING');
    expect(statuses.at(-1)).toBe('ENABLED');

    // Final sync without T0 is refused with what to do.
    await expect(h.phase.startCopy(id, 'U0ADMIN', { kind: 'final' })).rejects.toThrow(
      /confirm the time writes to the source stopped/,
    );

    // The last writes, then writes stop at T0.
    h.server.control.writeFiles(h.ref(SOURCE), { files: 5, bytes: 5_000 });
    const t0 = h.clock.now();
    const [a, b] = await Promise.all([
      h.phase.confirmWritesStopped(id, 'U0ADMIN', t0),
      h.phase.confirmWritesStopped(id, 'U0ADMIN', t0),
    ]);
    expect(a.jobId).toBe(b.jobId);
    expect((await h.runner('r2').tick()).succeeded).toEqual([a.jobId]);

    const status = await h.phase.status(id);
    expect(status.state).toBe('verified');
    expect(new Date(status.lastReplicatedTimestamp!).getTime()).toBeGreaterThan(t0.getTime());
    expect((await h.store.migrations.getMigration(id))!.facts.verificationClean).toBe(true);
    await expect(
      efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SOURCE })),
    ).rejects.toBeInstanceOf(ReplicationNotFound);
    expect(protection()).toBe('ENABLED');
    expect(h.server.control.fileSystem(h.ref(TWIN))!.content).toEqual(
      h.server.control.fileSystem(h.ref(SOURCE))!.content,
    );
    // The twin is writable again.
    expect(h.server.control.writeFiles(h.ref(TWIN), { files: 1, bytes: 1 }).files).toBeGreaterThan(0);
    const notCarried = h.io.messages.find((m) => m.code === 'copy.not_carried');
    expect(notCarried?.message).toMatch(/FIFOs/);
    expect(notCarried?.message).toContain(`efs-replication-lost+found-${SOURCE}-`);
    const calls = h.server.stats().byOperation;
    expect(calls['efs:CreateReplicationConfiguration']).toBe(1);
    expect(calls['efs:DeleteReplicationConfiguration']).toBe(1);
  });

  it('a refused CreateReplicationConfiguration fails with AWS error; Retry creates it once', async () => {
    const id = await h.seed('replication');
    h.server.control.failNext('CreateReplicationConfiguration', {
      code: 'InternalServerError',
      message: 'replication service unavailable',
    });
    await h.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    expect((await h.runner('r1').tick()).failed).toHaveLength(1);
    const failed = await h.phase.status(id);
    expect(failed).toMatchObject({
      state: 'failed',
      canRetry: true,
      lastError: { code: 'InternalServerError' },
    });
    expect(failed.job?.lastError).toMatchObject({ step: 'replication', awsRequestId: expect.any(String) });
    // Protection was disabled before the failure; the retry goes straight to the configuration.
    expect(protection()).toBe('DISABLED');

    await h.phase.retry(id, 'U0ADMIN');
    expect((await h.runner('r2').tick()).succeeded).toHaveLength(1);
    expect((await h.phase.status(id)).state).toBe('synced');
    expect(h.server.stats().byOperation['efs:UpdateFileSystemProtection']).toBe(1);
  });

  it('a restart while waiting for T0 resumes and deletes the replication once', async () => {
    const id = await h.seed('replication');
    await h.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    await h.runner('r1').tick();
    const queued = await h.phase.confirmWritesStopped(id, 'U0ADMIN', h.clock.now());
    void h.runner('dying', dyingAfter(h.phase.handler, 'synced-past-t0'), { dies: true }).tick();
    // Dies after recording the sync past T0, before deleting the configuration.
    await waitFor(async () => (await h.store.jobs.getJob(queued.jobId))?.step === 'synced-past-t0');
    const survivor = h.runner('survivor');
    h.clock.advance(LEASE_MS + 1);
    expect((await survivor.tick()).succeeded).toEqual([queued.jobId]);
    expect((await h.phase.status(id)).state).toBe('verified');
    expect(h.server.stats().byOperation['efs:DeleteReplicationConfiguration']).toBe(1);
    expect(protection()).toBe('ENABLED');
  });

  it('an incremental sync waits for a sync after the request', async () => {
    const id = await h.seed('replication');
    await h.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    await h.runner('r1').tick();
    h.clock.advance(DEFAULT_TIMING.replicationSyncMs / 2);
    const requestedAt = h.clock.now();
    const q = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'incremental' });
    expect((await h.store.migrations.getMigration(id))!.resources[CopyResourceKeys.syncRequestedAt(2)]).toBe(
      requestedAt.toISOString(),
    );
    expect((await h.runner('r2').tick()).succeeded).toEqual([q.jobId]);
    const status = await h.phase.status(id);
    expect(status.state).toBe('synced');
    expect(new Date(status.lastReplicatedTimestamp!).getTime()).toBeGreaterThan(requestedAt.getTime());
  });
});
