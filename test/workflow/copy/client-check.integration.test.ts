import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientsStillConnectedError } from '../../../src/workflow/copy/index.ts';
import { SOURCE, startCopyHarness, verifySummary, type CopyHarness } from './copy-fixture.ts';

/**
 * "Writes stopped" checked against CloudWatch before each final sync: the estate reports the
 * source's ClientConnections; the final sync is refused while clients were seen (nothing queued),
 * goes on when the admin says so, and the audit log keeps the figures and who went on.
 */
describe('final sync: who is still connected to the source', () => {
  let h: CopyHarness;
  beforeEach(async () => {
    h = await startCopyHarness();
  });
  afterEach(() => h.close());

  const MIN = 60_000;

  /** A migration by `method` as a finished initial copy leaves it (synced). */
  async function synced(method: 'datasync' | 'replication' | 'rsync'): Promise<string> {
    const id = await h.seed(method);
    for (const to of ['copying', 'synced'] as const) {
      const r = (await h.store.migrations.getMigration(id))!;
      await h.store.migrations.transitionMigration(id, { expectedVersion: r.version, to, actor: 'U0ADMIN' });
    }
    return id;
  }

  const connected = (minutesAgoStopped?: number) =>
    h.server.control.setActivity(h.ref(SOURCE), {
      ClientConnections: 3,
      TotalIOBytes: 1_000,
      since: new Date(h.clock.now().getTime() - 60 * MIN),
      ...(minutesAgoStopped !== undefined
        ? { until: new Date(h.clock.now().getTime() - minutesAgoStopped * MIN) }
        : {}),
    });

  it('DataSync: clients seen → refused with the figures, nothing queued; confirmed anyway → queued, audited', async () => {
    const id = await synced('datasync');
    connected(3);
    const check = await h.phase.checkClients(id);
    expect(check).toMatchObject({ status: 'active', peakConnections: 3, windowMinutes: 15 });
    // The window is the injected clock's 08:45–09:00; the clients left at 08:57.
    expect(check.status === 'active' && check.lastConnectionAt).toBe('2026-06-01T08:56:00.000Z');

    const refused = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'final' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClientsStillConnectedError);
    expect((refused as Error).message).toContain('3 connections seen in the last 15 min, last at 08:56 UTC');
    expect((refused as Error).message).toContain('08:45–08:56 UTC');
    expect(await h.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(0);

    const queued = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'final', clientsAcknowledged: true });
    expect(queued).toMatchObject({ created: true, kind: 'final', clientCheck: { status: 'active' } });
    const events = await h.store.events.listEvents(id);
    const request = events.find((e) => e.detail?.startsWith('Final sync requested'))!;
    expect(request.actor).toBe('U0ADMIN');
    expect(request.detail).toContain('3 connection(s) in 12 of the last 15 min');
    expect(request.detail).toContain('the admin went on anyway');
  });

  it('DataSync: no client in the window → queued at once, the quiet check recorded', async () => {
    const id = await synced('datasync');
    connected(20);
    const queued = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'final' });
    expect(queued.clientCheck).toMatchObject({ status: 'quiet', peakConnections: 0 });
    const events = await h.store.events.listEvents(id);
    expect(events.find((e) => e.detail?.startsWith('Final sync requested'))!.detail).toContain(
      `No client connected to ${SOURCE} in the last 15 min`,
    );
  });

  it('CloudWatch unreadable (AccessDenied) is a warning carried with the request, not a block', async () => {
    const id = await synced('datasync');
    connected();
    h.server.control.failNext('GetMetricData', {
      code: 'AccessDenied',
      httpStatus: 403,
      message: 'User is not authorized to perform: cloudwatch:GetMetricData',
    });
    const queued = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'final' });
    expect(queued.created).toBe(true);
    expect(queued.clientCheck).toMatchObject({ status: 'unknown', error: { code: 'AccessDenied' } });
    const detail = (await h.store.events.listEvents(id)).find((e) =>
      e.detail?.startsWith('Final sync requested'),
    )!.detail!;
    expect(detail).toContain('CloudWatch not read (AccessDenied)');
    expect(detail).toContain('cloudwatch:GetMetricData');
  });

  it('replication: the writes-stopped confirmation is refused while clients are connected, unless acknowledged', async () => {
    const id = await synced('replication');
    connected();
    const t0 = h.clock.now();
    await expect(h.phase.confirmWritesStopped(id, 'U0ADMIN', t0)).rejects.toBeInstanceOf(
      ClientsStillConnectedError,
    );
    expect(await h.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(0);
    const queued = await h.phase.confirmWritesStopped(id, 'U0ADMIN', t0, { clientsAcknowledged: true });
    expect(queued.created).toBe(true);
    // A double submission answers with the queued job and reads nothing more.
    const calls = h.server.stats().byOperation['cloudwatch:GetMetricData'];
    expect(await h.phase.confirmWritesStopped(id, 'U0ADMIN', t0)).toMatchObject({ created: false });
    expect(h.server.stats().byOperation['cloudwatch:GetMetricData']).toBe(calls);
  });

  it('rsync: the final pass is recorded only with the admin going on when clients were seen; the figures are audited', async () => {
    const id = await synced('rsync');
    connected();
    const { verifyNonce } = await h.runbook(id);
    const summaryText = verifySummary([], { migrationId: id, nonce: verifyNonce });
    await expect(
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText }),
    ).rejects.toBeInstanceOf(ClientsStillConnectedError);
    expect((await h.store.migrations.getMigration(id))!.state).toBe('synced');
    const result = await h.phase.recordRsyncStatus(id, 'U0ADMIN', {
      pass: 'final',
      summaryText,
      clientsAcknowledged: true,
    });
    expect(result).toMatchObject({ verified: true, clientCheck: { status: 'active', peakConnections: 3 } });
    const verified = (await h.store.events.listEvents(id)).find((e) => e.to === 'verified')!;
    expect(verified.detail).toContain('the admin went on anyway');
  });
});
