import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { createLeaseHolderProbe } from '../../../src/workflow/jobs/index.ts';
import {
  createStatusQuery,
  formatDetail,
  formatOverview,
  StatusNotFoundError,
  type StatusQuery,
} from '../../../src/workflow/status/index.ts';
import {
  ACCOUNT,
  ADMIN,
  BUILD_REQUEST_ID,
  COPYING,
  FAILURE,
  FS,
  IDS,
  KEY_ARN,
  OTHER_ACCOUNT,
  OTHER_REGION,
  REGION,
  seedCopyingMigration,
  COPYING_HOLDER,
  seedStatusStore,
  TWIN,
  VERIFICATION,
} from './status-fixture.ts';

let store: Store;
let query: StatusQuery;
const clock = new ManualClock(new Date('2026-05-02T10:00:00Z'));

beforeAll(async () => {
  store = await openStore({ clock });
  await seedStatusStore(store);
  query = createStatusQuery({ migrations: store.migrations, events: store.events, jobs: store.jobs, clock });
});
afterAll(async () => {
  await store.close();
});

describe('status overview', () => {
  it('counts migrations by state and by account and region', async () => {
    const o = await query.overview();
    expect(o.total).toBe(5);
    expect(o.generatedAt).toBe('2026-05-02T10:00:00.000Z');
    expect(o.byState).toEqual([
      { state: 'discovered', count: 1 },
      { state: 'excluded', count: 1 },
      { state: 'decided', count: 1 },
      { state: 'synced', count: 1 },
      { state: 'failed', count: 1 },
    ]);
    expect(o.byPlace).toEqual([
      {
        accountId: ACCOUNT,
        region: REGION,
        total: 4,
        byState: [
          { state: 'discovered', count: 1 },
          { state: 'decided', count: 1 },
          { state: 'synced', count: 1 },
          { state: 'failed', count: 1 },
        ],
      },
      {
        accountId: OTHER_ACCOUNT,
        region: OTHER_REGION,
        total: 1,
        byState: [{ state: 'excluded', count: 1 }],
      },
    ]);
  });

  it('lists the failed first and the excluded last, one line each with what is known', async () => {
    const o = await query.overview();
    expect(o.migrations.map((m) => m.fileSystemId)).toEqual([
      FS.broken,
      FS.synced,
      FS.decided,
      FS.fresh,
      FS.excluded,
    ]);
    const [broken, synced, decided, fresh] = o.migrations;
    expect(broken).toMatchObject({
      name: 'media',
      state: 'failed',
      failedFrom: 'target_creating',
      method: 'datasync',
      targetKey: 'alias/efs-twins',
      twinFileSystemId: TWIN.broken,
      lastError: { ...FAILURE },
      lastChange: { actor: 'bot:runner', kind: 'transition', detail: 'build failed' },
    });
    expect(synced).toMatchObject({
      name: 'uploads',
      state: 'synced',
      twinFileSystemId: TWIN.synced,
      copy: VERIFICATION,
    });
    expect(synced?.lastError).toBeUndefined();
    expect(decided).toMatchObject({
      name: 'payroll',
      method: 'rsync',
      lastChange: { actor: ADMIN, detail: 'decided: rsync' },
    });
    expect(decided?.twinFileSystemId).toBeUndefined();
    expect(fresh).toMatchObject({
      name: 'scratch',
      state: 'discovered',
      lastChange: { actor: 'scan', kind: 'created' },
    });
    expect(fresh?.method).toBeUndefined();
  });

  it('prints one line per migration for the terminal', async () => {
    const text = formatOverview(await query.overview());
    expect(text).toContain('5 migration(s): discovered 1, excluded 1, decided 1, synced 1, failed 1');
    expect(text).toContain(`  ${OTHER_ACCOUNT} ${OTHER_REGION}: 1 (excluded 1)`);
    expect(text).toContain(
      `${FS.broken} (media) ${ACCOUNT} ${REGION}: failed (from target_creating); datasync; key alias/efs-twins; twin ${TWIN.broken}; error ${FAILURE.code}: ${FAILURE.message}`,
    );
  });

  it('says there is nothing yet on an empty store', async () => {
    const empty = await openStore({ clock });
    try {
      const q = createStatusQuery({
        migrations: empty.migrations,
        events: empty.events,
        jobs: empty.jobs,
        clock,
      });
      const o = await q.overview();
      expect(o).toMatchObject({ total: 0, byState: [], byPlace: [], migrations: [] });
      expect(formatOverview(o)).toContain('No migrations yet');
      await expect(q.detail(FS.fresh)).rejects.toThrow('no migration is yet: run a scan first');
    } finally {
      await empty.close();
    }
  });
});

describe('status detail', () => {
  it('shows a failed build: the twin made so far, the build job, the error, the events with AWS request IDs, and Retry for admins', async () => {
    const d = await query.detail(FS.broken, { events: 100 });
    expect(d.record.id).toBe(IDS.broken);
    expect(d.decision?.decision).toMatchObject({ method: 'datasync', targetKmsKeyId: KEY_ARN });
    expect(d.build.mapping).toMatchObject({
      sourceFileSystemId: FS.broken,
      targetFileSystemId: TWIN.broken,
      lastStep: 'create-file-system',
    });
    expect(d.build.job).toMatchObject({
      jobId: `build:1:${IDS.broken}`,
      status: 'failed',
      lastError: { code: FAILURE.code, step: 'mount-targets' },
    });
    expect(d.next).toEqual({
      text: `${FAILURE.message} Fix the cause, then Retry the build: it resumes from what it made.`,
      who: 'admins',
      command: `efs-encrypt build ${FS.broken}`,
    });
    expect(d.events.find((e) => e.kind === 'created')).toMatchObject({ to: 'in_scope', actor: ADMIN });
    expect(d.events.filter((e) => e.kind === 'transition').map((e) => `${e.from}→${e.to}`)).toEqual([
      'in_scope→decided',
      'decided→target_creating',
      'target_creating→failed',
    ]);
    expect(d.events.at(-1)).toMatchObject({ from: 'target_creating', to: 'failed', actor: 'bot:runner' });
    expect(d.events.find((e) => e.to === 'target_creating')?.awsRequestIds).toEqual([BUILD_REQUEST_ID]);
    expect(d.totalEvents).toBe(d.events.length);
    const text = formatDetail(d);
    expect(text).toContain(`${FS.broken} → ${TWIN.broken}`);
    expect(text).toContain(`[AWS request ${BUILD_REQUEST_ID}]`);
    expect(text).toContain('Who: admins.');
  });

  it('finds a migration by its migration ID too, and keeps only the newest N events', async () => {
    const all = await query.detail(IDS.synced, { events: 100 });
    const last2 = await query.detail(IDS.synced, { events: 2 });
    expect(all.totalEvents).toBeGreaterThan(2);
    expect(last2.events).toEqual(all.events.slice(-2));
    expect(last2.totalEvents).toBe(all.totalEvents);
    expect(last2.copy).toMatchObject({
      kind: 'initial',
      verification: VERIFICATION,
      job: { status: 'succeeded' },
    });
    expect(last2.next).toMatchObject({ who: 'admins', command: `efs-encrypt copy final ${FS.synced}` });
    expect(last2.next.text).toContain('Sync again');
  });

  it('names the next step per state: decide, build, rsync runbook', async () => {
    expect((await query.detail(FS.fresh)).next).toMatchObject({
      who: 'admins',
      command: '/efs-encrypt plan',
    });
    expect((await query.detail(FS.decided)).next).toMatchObject({
      who: 'admins',
      command: `/efs-encrypt build ${FS.decided}`,
    });
    expect((await query.detail(FS.excluded)).next.text).toContain('excluded');
  });

  it('refuses an unknown file system, naming the tracked ones', async () => {
    const err = await query.detail('fs-ffffffffffffffff').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusNotFoundError);
    expect((err as StatusNotFoundError).userMessage).toBe(
      `fs-ffffffffffffffff is not tracked. Tracked file systems (5): ${[FS.fresh, FS.decided, FS.broken, FS.synced, FS.excluded].join(', ')}. Check the ID, or run a scan if it is new.`,
    );
  });
});

describe('status of a running copy', () => {
  const at = new ManualClock(new Date('2026-06-01T10:42:30Z'));
  let copying: Store;
  let q: StatusQuery;
  beforeAll(async () => {
    copying = await openStore({ clock: at });
    await seedCopyingMigration(copying, new Date('2026-06-01T10:42:10Z'));
    q = createStatusQuery({
      migrations: copying.migrations,
      events: copying.events,
      jobs: copying.jobs,
      clock: at,
    });
  });
  afterAll(async () => {
    await copying.close();
  });

  const LINE =
    'DataSync TRANSFERRING: 42% (4.2 GiB of 10.0 GiB, 1,234 of 3,000 files), ETA 12m 0s (about 10:54 UTC), as of 10:42 UTC';

  it('shows the stored progress in the overview, the detail and their text, with the next step to wait', async () => {
    const o = await q.overview();
    expect(o.migrations[0]).toMatchObject({
      state: 'copying',
      copy: 'Initial copy running (start-execution)',
      progress: LINE,
    });
    expect(formatOverview(o)).toContain(`Initial copy running (start-execution); ${LINE}`);
    const d = await q.detail(COPYING.fileSystemId);
    expect(d.copy.progress).toMatchObject({
      ageMs: 20_000,
      stale: false,
      text: LINE,
      sample: { executionArn: COPYING.executionArn },
    });
    const text = formatDetail(d);
    expect(text).toContain(`  copy: initial job copy:1:${COPYING.id} running\n    progress: ${LINE}\n`);
    // Once, under the copy: not repeated in the head line.
    expect(text.split(LINE)).toHaveLength(2);
    expect(d.next).toMatchObject({
      who: 'nobody',
      text: expect.stringContaining('Wait: the initial copy is running.'),
    });
  });

  it('a sample the job stopped renewing says how old it is', async () => {
    at.set(new Date('2026-06-01T10:54:10Z'));
    try {
      const d = await q.detail(COPYING.fileSystemId);
      expect(d.copy.progress).toMatchObject({ stale: true, ageMs: 720_000 });
      expect(d.line.progress).toBe(`${LINE} (12m 0s ago; no newer sample, so the copy job may have stopped)`);
    } finally {
      at.set(new Date('2026-06-01T10:42:30Z'));
    }
  });

  /** The status query as a process on the copy job's own host sees it, where `alive` PIDs run. */
  const onHolderHost = (alive: boolean) =>
    createStatusQuery({
      migrations: copying.migrations,
      events: copying.events,
      jobs: copying.jobs,
      clock: at,
      holders: createLeaseHolderProbe({
        host: COPYING_HOLDER.host,
        pid: 1,
        instance: 'status',
        exists: (pid) => alive && pid === COPYING_HOLDER.pid,
        startedOf: (pid) => (pid === COPYING_HOLDER.pid ? COPYING_HOLDER.started : undefined),
      }),
    });

  it('says interrupted, not running, when the process holding the copy job is gone', async () => {
    expect((await onHolderHost(true).overview()).migrations[0]?.copy).toBe(
      'Initial copy running (start-execution)',
    );
    const gone = onHolderHost(false);
    expect((await gone.overview()).migrations[0]?.copy).toBe(
      'Initial copy interrupted (its process is gone): resumes on the next run (start-execution)',
    );
    const d = await gone.detail(COPYING.fileSystemId);
    expect(d.copy.job).toMatchObject({
      status: 'interrupted',
      heldBy: `process ${COPYING_HOLDER.pid} on host ${COPYING_HOLDER.host} (runner bot:${COPYING_HOLDER.host}:${COPYING_HOLDER.pid})`,
    });
    expect(formatDetail(d)).toContain(`  copy: initial job copy:1:${COPYING.id} interrupted\n`);
    expect(d.next).toMatchObject({
      who: 'admins',
      command: `efs-encrypt copy retry ${COPYING.fileSystemId}`,
      text: expect.stringContaining('The initial copy was interrupted'),
    });
  });

  it('says interrupted once the lease expired, wherever its holder ran', async () => {
    at.set(new Date('2026-06-01T10:47:11Z'));
    try {
      expect((await q.overview()).migrations[0]?.copy).toContain('Initial copy interrupted');
    } finally {
      at.set(new Date('2026-06-01T10:42:30Z'));
    }
  });
});
