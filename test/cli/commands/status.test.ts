import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli, useCliWorkspace } from '../run-cli.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { openStore } from '../../../src/store/index.ts';
import {
  ACCOUNT,
  BUILD_REQUEST_ID,
  COPYING,
  FAILURE,
  FS,
  IDS,
  REGION,
  seedCopyingMigration,
  seedStatusStore,
  TWIN,
  VERIFICATION,
} from '../../workflow/status/status-fixture.ts';

/** `efs-encrypt status` over a store kept in a data directory, seeded before the CLI opens it. */

const workspace = useCliWorkspace('status-cli-');

async function seed() {
  const store = await openStore({
    dataDir: workspace.path('store'),
    clock: new ManualClock(new Date('2026-05-02T10:00:00Z')),
  });
  try {
    await seedStatusStore(store);
  } finally {
    await store.close();
  }
}

describe('efs-encrypt status', () => {
  it('lists every migration with counts, the failed first', async () => {
    await seed();
    const r = await runCli('status');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('5 migration(s): discovered 1, excluded 1, decided 1, synced 1, failed 1');
    const first = lines.find((l) => l.startsWith('fs-'));
    expect(first).toContain(`${FS.broken} (media) ${ACCOUNT} ${REGION}: failed (from target_creating)`);
    expect(first).toContain(`twin ${TWIN.broken}`);
    expect(r.out).toContain(
      `${FS.synced} (uploads) ${ACCOUNT} ${REGION}: synced; datasync; key alias/efs-twins; twin ${TWIN.synced}; ${VERIFICATION}`,
    );
  });

  it('shows one file system with its events and next step, and as JSON', async () => {
    await seed();
    const r = await runCli('status', FS.broken, '--events', '50');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`migration ${IDS.broken}`);
    expect(r.out).toContain(`last error ${FAILURE.code}`);
    expect(r.out).toContain(`[AWS request ${BUILD_REQUEST_ID}]`);
    expect(r.out).toMatch(
      /next: .*retry the build.* Who: admins\. \(efs-encrypt build fs-0000000000000000c\)/,
    );

    const j = await runCli('status', IDS.synced, '--json', '--events', '1');
    expect(j.code).toBe(0);
    const detail = JSON.parse(j.out) as {
      line: { state: string };
      events: unknown[];
      totalEvents: number;
      copy: { verification: string };
    };
    expect(detail.line.state).toBe('synced');
    expect(detail.events).toHaveLength(1);
    expect(detail.totalEvents).toBeGreaterThan(1);
    expect(detail.copy.verification).toBe(VERIFICATION);
  });

  it('fails with a clear message for an unknown file system, and says so on an empty store', async () => {
    await seed();
    const r = await runCli('status', 'fs-ffffffffffffffff');
    expect(r.code).toBe(1);
    expect(r.err).toContain('efs-encrypt: fs-ffffffffffffffff is not tracked. Tracked file systems (5):');
    expect(r.err).toContain(FS.excluded);

    await rm(workspace.path('store'), { recursive: true, force: true });
    const empty = await runCli('status');
    expect(empty.code).toBe(0);
    expect(empty.out).toContain('No migrations yet');
  });

  it("shows a running copy's stored progress, in text and as JSON", async () => {
    const store = await openStore({
      dataDir: workspace.path('store'),
      clock: new ManualClock(new Date('2026-05-02T10:00:00Z')),
    });
    try {
      // Sampled just now by the wall clock the CLI reads: a fresh sample.
      await seedCopyingMigration(store, new Date(Date.now() - 5_000));
    } finally {
      await store.close();
    }
    const line = 'DataSync TRANSFERRING: 42% (4.2 GiB of 10.0 GiB, 1,234 of 3,000 files), ETA 12m 0s (about ';
    const r = await runCli('status', COPYING.fileSystemId);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`    progress: ${line}`);
    expect(r.out).not.toContain(' ago;');

    const j = await runCli('status', COPYING.fileSystemId, '--json');
    const detail = JSON.parse(j.out) as {
      copy: {
        progress: { stale: boolean; text: string; sample: { method: string; progress: { percent: number } } };
      };
    };
    expect(detail.copy.progress).toMatchObject({
      stale: false,
      text: expect.stringContaining(line),
      sample: { method: 'datasync', progress: { percent: 42 } },
    });
    const overview = await runCli('status');
    expect(overview.out).toContain(`Initial copy running (start-execution); ${line}`);
  });

  it('refuses a bad --events value as a usage error', async () => {
    const r = await runCli('status', FS.fresh, '--events', 'many');
    expect(r.code).toBe(2);
    expect(r.err).toContain('a whole number of events');
  });
});
