import { afterEach, describe, expect, it, vi } from 'vitest';
import { CopyResourceKeys, type CopyProgress } from '../../../src/domain/copy.ts';
import { VersionConflictError } from '../../../src/domain/migration.ts';
import type { IoMessage } from '../../../src/workflow/io-host.ts';
import {
  createStatusQuery,
  formatDetail,
  formatOverview,
  type MigrationDetail,
  type StatusOverview,
} from '../../../src/workflow/status/index.ts';
import { POLL_MS, SOURCE, startCopyHarness, TWIN, type CopyHarness } from './copy-fixture.ts';

/**
 * A copy's progress as `status` sees it: the copy job stores its latest sample at a bounded rate,
 * and `status` (which reads only the store) shows it while the copy runs. The status query runs
 * inside the copy's own progress announcements, so it reads the store mid-copy, between polls.
 */

/** Progress writes at most every 10 s; polls every second (POLL_MS), so ten polls per write. */
const EVERY_MS = 10_000;

interface MidCopy {
  detail: MigrationDetail;
  overview: StatusOverview;
  /** The poll that announced this, as the thread saw it. */
  announced: CopyProgress;
  at: Date;
}

describe('copy progress in status', () => {
  let h: CopyHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** A migration by `method` in a harness whose tap reads status at the first announcement `when` accepts. */
  async function harnessReadingStatus(method: 'datasync' | 'replication', when: (msg: IoMessage) => boolean) {
    const seen: MidCopy[] = [];
    let id = '';
    const harness = await startCopyHarness({
      progressEveryMs: EVERY_MS,
      async tap(msg) {
        if (seen.length || msg.code !== 'copy.progress' || !when(msg)) return;
        const query = createStatusQuery({
          migrations: harness.store.migrations,
          events: harness.store.events,
          jobs: harness.store.jobs,
          clock: harness.clock,
        });
        seen.push({
          detail: await query.detail(id),
          overview: await query.overview(),
          announced: (msg.data as { progress: CopyProgress }).progress,
          at: harness.clock.now(),
        });
      },
    });
    h = harness;
    id = await harness.seed(method);
    return { harness, id, seen };
  }

  it('DataSync: status read mid-copy shows the stored percentage, bytes, files, ETA and time; at most one write per interval', async () => {
    const { harness, id, seen } = await harnessReadingStatus(
      'datasync',
      (m) => (m.data as { progress: CopyProgress }).progress.percent >= 40,
    );
    const writes = vi.spyOn(harness.store.migrations, 'putCopyProgress');
    const queued = await harness.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    expect((await harness.runner('r1').tick()).succeeded).toEqual([queued.jobId]);

    expect(seen).toHaveLength(1);
    const [{ detail, overview, announced, at }] = seen as [MidCopy];
    expect(detail.record.state).toBe('copying');
    const view = detail.copy.progress!;
    expect(view).toBeDefined();
    expect(view.stale).toBe(false);
    const sample = view.sample;
    if (sample.method !== 'datasync') throw new Error('expected a DataSync sample');
    const record = (await harness.store.migrations.getMigration(id))!;
    expect(sample).toMatchObject({
      jobId: queued.jobId,
      kind: 'initial',
      executionArn: record.resources[CopyResourceKeys.execution(queued.jobId)],
      progress: { phase: 'TRANSFERRING', bytesEstimated: expect.any(Number) },
    });
    // The stored sample is the latest written, at most one interval (plus a poll) behind the poll
    // that announced ≥ 40%: a real part of the copy, not its start or end.
    const age = at.getTime() - new Date(sample.sampledAt).getTime();
    expect(age).toBeLessThanOrEqual(EVERY_MS + POLL_MS);
    expect(sample.progress.percent).toBeGreaterThan(0);
    expect(sample.progress.percent).toBeLessThanOrEqual(announced.percent);
    expect(sample.progress.percent).toBeLessThan(100);
    expect(sample.progress.etaMs).toBeGreaterThan(0);

    const p = sample.progress;
    const line = `DataSync TRANSFERRING: ${p.percent}% (`;
    expect(view.text).toContain(line);
    expect(view.text).toMatch(
      / of 10\.0 GiB, [\d,]+ of [\d,]+ files\), ETA (\d+m )?\d+s \(about \d\d:\d\d UTC\), as of 09:\d\d UTC$/,
    );
    expect(view.text).not.toContain('ago');
    expect(detail.line.progress).toBe(view.text);
    expect(formatDetail(detail)).toContain(`    progress: ${view.text}`);
    expect(overview.migrations.find((m) => m.migrationId === id)?.progress).toBe(view.text);
    expect(formatOverview(overview)).toContain(line);
    expect(detail.next).toMatchObject({
      who: 'nobody',
      text: expect.stringContaining('the initial copy is running'),
    });

    // Rate bound: polls every second for about a minute, a write at most every 10 s.
    const polls = harness.io.messages.filter((m) => m.code === 'copy.progress').length;
    expect(polls).toBeGreaterThan(30);
    const times = writes.mock.calls.map(([, s]) => new Date(s.sampledAt).getTime());
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times.length).toBeLessThanOrEqual(Math.ceil(polls / 10));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(EVERY_MS);

    // Progress stays out of the record's version and audit log; once synced, status stops showing it.
    const events = await harness.store.events.listEvents(id);
    expect(events.some((e) => JSON.stringify(e).includes('TRANSFERRING'))).toBe(false);
    const after = await createStatusQuery({
      migrations: harness.store.migrations,
      events: harness.store.events,
      jobs: harness.store.jobs,
      clock: harness.clock,
    }).detail(id);
    expect(after.record.state).toBe('synced');
    expect(after.copy.progress).toBeUndefined();
    expect(after.line.progress).toBeUndefined();
  });

  it('a progress write that fails never fails the copy: announced at debug level, the copy goes on', async () => {
    const { harness, id } = await harnessReadingStatus('datasync', () => false);
    // A write that loses a race, then a store that refuses every write.
    vi.spyOn(harness.store.migrations, 'putCopyProgress')
      .mockRejectedValueOnce(new VersionConflictError(id, 3, undefined, 4))
      .mockRejectedValue(new Error('ProvisionedThroughputExceededException'));
    const queued = await harness.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    expect((await harness.runner('r1').tick()).succeeded).toEqual([queued.jobId]);
    expect((await harness.store.migrations.getMigration(id))!.state).toBe('synced');
    const unsaved = harness.io.messages.filter((m) => m.code === 'copy.progress.unsaved');
    expect(unsaved.length).toBeGreaterThan(0);
    expect(unsaved.length).toBeGreaterThan(1);
    expect(unsaved[0]).toMatchObject({
      level: 'debug',
      message: expect.stringContaining('was changed by someone else'),
    });
    expect(unsaved[1]).toMatchObject({
      level: 'debug',
      message: expect.stringContaining('ProvisionedThroughputExceededException'),
    });
  });

  it('replication: status read while waiting for the first sync shows the destination status', async () => {
    const { harness, id, seen } = await harnessReadingStatus(
      'replication',
      (m) => (m.data as { replicationStatus?: string }).replicationStatus === 'ENABLING',
    );
    const queued = await harness.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    expect((await harness.runner('r1').tick()).succeeded).toEqual([queued.jobId]);
    const [{ detail }] = seen as [MidCopy];
    expect(detail.copy.progress?.sample).toMatchObject({
      method: 'replication',
      jobId: queued.jobId,
      destinationFileSystemId: TWIN,
      status: 'ENABLING',
      waitingFor: 'the first sync',
    });
    expect(detail.line.progress).toMatch(
      /^Replication ENABLING: not synced yet, waiting for the first sync, as of 09:\d\d UTC$/,
    );
    expect(detail.line.fileSystemId).toBe(SOURCE);
  });
});
