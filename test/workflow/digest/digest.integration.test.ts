import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { Digest } from '../../../src/domain/digest.ts';
import { parseDigestSchedule } from '../../../src/domain/digest-schedule.ts';
import { createScanWorkflow } from '../../../src/workflow/scan/index.ts';
import { silentIoHost } from '../../../src/workflow/io-host.ts';
import {
  createDigestScheduler,
  createDigestWorkflow,
  type DigestPoster,
  type DigestWorkflow,
} from '../../../src/workflow/digest/index.ts';
import { FIXTURE_REGION, startLocalEstate, type LocalEstate } from '../../harness/migration-fixture.ts';
import { ManualScheduler } from '../../harness/schedulers.ts';

/**
 * The digest phase against the local estate (real SDK clients, real scan) and the embedded store:
 * two replicas (two schedulers and two workflows over one store) post one digest per slot; a bot
 * that was down for several slots posts one digest when it comes back; the content comes from the
 * fresh scan.
 */

const ACCOUNT = '777777777777';
const REGION = FIXTURE_REGION;
const KEY = '77777777-0000-0000-0000-000000000001';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`;
const OLD_FS = 'fs-07777777777777771';
const NEW_FS = 'fs-07777777777777772';
const ON_KEY = 'fs-07777777777777773';
const CHANNEL = 'C0DIGEST1';
const DAY = 86_400_000;

const ESTATE = {
  callerAccountId: ACCOUNT,
  accounts: [
    {
      accountId: ACCOUNT,
      regions: {
        [REGION]: {
          keys: [{ KeyId: KEY, Aliases: ['alias/app-data'] }],
          fileSystems: [
            { FileSystemId: OLD_FS, Name: 'old', CreationTime: '2025-01-01T00:00:00Z' },
            {
              FileSystemId: NEW_FS,
              Name: 'fresh',
              CreationTime: '2026-03-01T12:00:00Z',
              Tags: [{ Key: 'created-by', Value: 'arn:aws:iam::777777777777:user/dev' }],
            },
            {
              FileSystemId: ON_KEY,
              Name: 'on-key',
              Encrypted: true,
              KmsKeyId: 'alias/app-data',
              CreationTime: '2025-01-01T00:00:00Z',
            },
          ],
        },
      },
    },
  ],
};

let estate: LocalEstate;
let scheduler: ManualScheduler;

beforeEach(async () => {
  estate = await startLocalEstate({
    estate: ESTATE,
    name: 'digest-fixture',
    // A Sunday, 09:00 UTC: the daily 08:00 slot of today has passed.
    clock: new ManualClock(new Date('2026-03-01T09:00:00Z')),
  });
  scheduler = new ManualScheduler(estate.clock);
});

afterEach(async () => {
  await estate.close();
});

/** One replica: its own workflow (holder name) and poster over the shared store. */
function replica(holder: string, overrides: Partial<Parameters<typeof createDigestWorkflow>[0]> = {}) {
  const posted: { channel: string; digest: Digest }[] = [];
  const poster: DigestPoster = {
    async post(channel, digest) {
      posted.push({ channel, digest });
      return { messageTs: `1700000000.${String(posted.length).padStart(6, '0')}` };
    },
  };
  const workflow: DigestWorkflow = createDigestWorkflow({
    scanner: createScanWorkflow({
      clientsFor: (a, r) => estate.accounts.clientsFor(a, r),
      listTargets: () => estate.accounts.listTargets(),
      scans: estate.store.scans,
      io: silentIoHost,
      clock: estate.clock,
    }),
    migrations: estate.store.migrations,
    events: estate.store.events,
    cutovers: estate.store.cutovers,
    reports: estate.store.reports,
    digests: estate.store.digests,
    jobs: estate.store.jobs,
    poster,
    clock: estate.clock,
    stuckHours: 48,
    holder,
    ...overrides,
  });
  const running: Promise<unknown>[] = [];
  const errors: unknown[] = [];
  const timer = createDigestScheduler({
    schedule: parseDigestSchedule('0 8 * * * UTC'),
    clock: estate.clock,
    scheduler,
    runSlot: (slot) => {
      const p = workflow.postSlot(slot, CHANNEL);
      running.push(p);
      return p;
    },
    onError: (err) => errors.push(err),
  });
  return { posted, workflow, timer, running, errors };
}

/** Moves time by `ms`, firing due timers, then waits for the digests they started. */
async function advance(ms: number, ...replicas: ReturnType<typeof replica>[]) {
  scheduler.advance(ms);
  estate.server.control.settle();
  for (const r of replicas) await Promise.all(r.running);
}

describe('digest schedule across replicas', () => {
  it('posts one digest per slot when two replicas run the schedule over one store', async () => {
    const a = replica('bot:host-a:1');
    const b = replica('bot:host-b:2');
    await Promise.all([a.timer.start(), b.timer.start()]);
    await advance(DAY, a, b);
    await advance(DAY, a, b);
    a.timer.stop();
    b.timer.stop();

    const slots = [...a.posted, ...b.posted].map((p) => p.digest.slot).sort();
    expect(slots).toEqual([
      '2026-03-01T08:00:00.000Z',
      '2026-03-02T08:00:00.000Z',
      '2026-03-03T08:00:00.000Z',
    ]);
    expect([...a.errors, ...b.errors]).toEqual([]);
    for (const slot of slots) {
      const stored = await estate.store.digests.get(slot!);
      expect(stored).toMatchObject({ status: 'posted', channel: CHANNEL, slot });
      expect(stored?.messageTs).toMatch(/^1700000000\./);
      expect(stored?.digest?.slot).toBe(slot);
    }
  });

  it('posts a missed slot once when the bot comes back, not once per missed slot', async () => {
    const first = replica('bot:host-a:1');
    await first.timer.start();
    first.timer.stop();
    expect(first.posted.map((p) => p.digest.slot)).toEqual(['2026-03-01T08:00:00.000Z']);

    // Down for three days: the slots of 2, 3 and 4 March pass with no bot.
    await advance(3 * DAY);
    const back = replica('bot:host-a:2');
    await back.timer.start();
    expect(back.posted.map((p) => p.digest.slot)).toEqual(['2026-03-04T08:00:00.000Z']);
    // "Since" is the last slot that had a digest.
    expect(back.posted[0]!.digest.since).toBe('2026-03-01T08:00:00.000Z');

    // A restart right after finds the slot taken and posts nothing.
    back.timer.stop();
    const again = replica('bot:host-a:3');
    await again.timer.start();
    again.timer.stop();
    expect(again.posted).toEqual([]);
  });

  it('lets a replica take over a slot whose claim went stale (its holder died before posting)', async () => {
    const claimed = await estate.store.digests.claimSlot({
      slot: '2026-03-01T08:00:00.000Z',
      digestId: 'dig-dead',
      claimedBy: 'bot:host-x:9',
      claimedAt: '2026-03-01T08:45:00.000Z',
      staleBefore: '2026-03-01T08:15:00.000Z',
    });
    expect(claimed).toBe(true);
    const live = replica('bot:host-a:1');
    // 15 minutes after the claim it is left alone; 45 minutes after, it is taken over.
    expect(await live.workflow.postSlot(new Date('2026-03-01T08:00:00.000Z'), CHANNEL)).toMatchObject({
      posted: false,
    });
    estate.clock.set(new Date('2026-03-01T09:30:00Z'));
    expect(await live.workflow.postSlot(new Date('2026-03-01T08:00:00.000Z'), CHANNEL)).toMatchObject({
      posted: true,
    });
    expect(await estate.store.digests.get('2026-03-01T08:00:00.000Z')).toMatchObject({
      status: 'posted',
      claimedBy: 'bot:host-a:1',
    });
  });
});

describe('digest content from a fresh scan', () => {
  it('lists new unencrypted file systems with their creator, keys at risk with their date, and the verdict', async () => {
    const r = replica('bot:host-a:1');
    await r.workflow.postSlot(new Date('2026-02-28T08:00:00.000Z'), CHANNEL);
    estate.server.control.setKeyState(ACCOUNT, REGION, KEY, 'PendingDeletion');
    const out = await r.workflow.postSlot(new Date('2026-03-01T08:00:00.000Z'), CHANNEL);
    expect(out.posted).toBe(true);
    const digest = r.posted.at(-1)!.digest;
    expect(digest.since).toBe('2026-02-28T08:00:00.000Z');
    // Created after the last digest; the old one is not new any more.
    expect(digest.newUnencrypted).toEqual([
      expect.objectContaining({
        fileSystemId: NEW_FS,
        name: 'fresh',
        createdBy: 'arn:aws:iam::777777777777:user/dev',
        creationTime: '2026-03-01T12:00:00.000Z',
      }),
    ]);
    expect(digest.keysAtRisk).toEqual([
      {
        kmsKeyArn: KEY_ARN,
        alias: 'alias/app-data',
        keyState: 'PendingDeletion',
        deletionDate: '2026-03-31T09:00:00.000Z',
        fileSystems: [{ accountId: ACCOUNT, region: REGION, fileSystemId: ON_KEY, name: 'on-key' }],
      },
    ]);
    const report = await estate.store.reports.getReport(digest.validation.reportId);
    expect(digest.validation.line).toBe(report?.verdict.line);
    expect(digest.validation.goalMet).toBe(false);
  });

  it('on demand: stored under its own ID, the scheduled slots untouched', async () => {
    const r = replica('bot:host-a:1');
    const { digest, messageTs } = await r.workflow.postOnDemand('C0OTHER01', { requestedBy: 'U0ANYONE1' });
    expect(digest.slot).toBeUndefined();
    expect(digest.requestedBy).toBe('U0ANYONE1');
    expect(await estate.store.digests.get(digest.digestId)).toMatchObject({
      kind: 'on_demand',
      status: 'posted',
      messageTs,
      channel: 'C0OTHER01',
    });
    expect(await estate.store.digests.latestSlotBefore('2100-01-01T00:00:00.000Z')).toBeUndefined();
  });
});

describe('digest: approvals waiting', () => {
  it('lists each cutover plan without a verdict, with its owner resolved as the cutover does', async () => {
    const m = await estate.store.migrations.createMigration({
      accountId: ACCOUNT,
      region: REGION,
      fileSystemId: OLD_FS,
      state: 'cutover_pending',
      actor: 'U0ADMIN01',
    });
    const plan = (app: string, digest: string, ownerTag: string) => ({
      app,
      version: 1,
      digest,
      plan: { app, digest, revision: 1, plannedAt: '2026-02-27T10:00:00.000Z', ownerTag },
    });
    const r = replica('bot:host-a:1', {
      cutovers: {
        listPlans: async (id) =>
          (id === m.id
            ? [plan('billing', 'd1', 'ana@example.com'), plan('search', 'd2', 'bo@example.com')]
            : []) as never,
        // search's plan has a verdict: only billing waits.
        getVerdict: async (_id, app) => (app === 'search' ? ({ decision: 'approved' } as never) : undefined),
      },
      owners: { resolve: async (tag) => (tag === 'ana@example.com' ? { userId: 'U0ANA0001' } : {}) },
    });
    const digest = await r.workflow.build({ requestedBy: 'U0ANYONE1' });
    expect(digest.approvalsWaiting).toEqual([
      {
        migrationId: m.id,
        fileSystemId: OLD_FS,
        app: 'billing',
        ownerTag: 'ana@example.com',
        ownerUserId: 'U0ANA0001',
        planRevision: 1,
        plannedAt: '2026-02-27T10:00:00.000Z',
      },
    ]);
  });
});

describe('digest scheduler timing', () => {
  it('waits at most maxDelayMs at a time and posts only when the slot is reached', async () => {
    const posted: string[] = [];
    const timer = createDigestScheduler({
      // The 1st of each month: far beyond one timer's wait.
      schedule: parseDigestSchedule('0 8 1 * *'),
      clock: estate.clock,
      scheduler,
      runSlot: async (slot) => void posted.push(slot.toISOString()),
      onError: (err) => {
        throw err;
      },
      maxDelayMs: 6 * 3_600_000,
    });
    await timer.start();
    expect(posted).toEqual(['2026-03-01T08:00:00.000Z']);
    scheduler.advance(15 * DAY);
    await Promise.resolve();
    expect(posted).toHaveLength(1);
    expect(scheduler.pending).toBe(1);
    scheduler.advance(16 * DAY);
    await new Promise((resolve) => setImmediate(resolve));
    expect(posted).toEqual(['2026-03-01T08:00:00.000Z', '2026-04-01T08:00:00.000Z']);
    timer.stop();
    expect(scheduler.pending).toBe(0);
  });
});
