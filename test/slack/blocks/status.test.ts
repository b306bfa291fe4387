import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitBreaches } from '#blocks/limits.ts';
import { statusDetailMessage, statusOverviewMessage } from '#blocks/status.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { createStatusQuery, type StatusQuery } from '../../../src/workflow/status/index.ts';
import { COPYING, seedCopyingMigration } from '../../workflow/status/status-fixture.ts';

/** `/efs-encrypt status` blocks for a migration whose copy runs: the progress its job last stored. */

const clock = new ManualClock(new Date('2026-06-01T10:42:30Z'));
let store: Store;
let query: StatusQuery;

beforeAll(async () => {
  store = await openStore({ clock });
  await seedCopyingMigration(store, new Date('2026-06-01T10:42:10Z'));
  query = createStatusQuery({ migrations: store.migrations, events: store.events, jobs: store.jobs, clock });
});
afterAll(async () => {
  await store.close();
});

const LINE =
  'DataSync TRANSFERRING: 42% (4.2 GiB of 10.0 GiB, 1,234 of 3,000 files), ETA 12m 0s (about 10:54 UTC), as of 10:42 UTC';

describe('status blocks of a running copy', () => {
  it('the overview line carries the progress', async () => {
    const message = statusOverviewMessage(await query.overview());
    expect(limitBreaches(message.blocks)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(`Initial copy running (start-execution) · ${LINE}`);
  });

  it('the detail shows it under the copy, and marks a stale one with how old it is', async () => {
    const fresh = statusDetailMessage(await query.detail(COPYING.fileSystemId));
    expect(limitBreaches(fresh.blocks)).toEqual([]);
    const text = JSON.stringify(fresh.blocks);
    expect(text).toContain(`*Copy:* initial job \`copy:1:${COPYING.id}\` running\\n• progress: ${LINE}`);
    expect(text).toContain('Wait: the initial copy is running.');

    clock.advance(12 * 60_000);
    try {
      const stale = JSON.stringify(statusDetailMessage(await query.detail(COPYING.fileSystemId)).blocks);
      expect(stale).toContain(
        `• :warning: progress: ${LINE} (12m 20s ago; no newer sample, so the copy job may have stopped)`,
      );
    } finally {
      clock.advance(-12 * 60_000);
    }
  });
});
