import { afterEach, describe, expect, it } from 'vitest';
import {
  DIGEST_FULL_REPORT_ACTION_ID,
  DIGEST_PLAN_ACTION_ID,
  digestMessage,
  planButtonValue,
} from '#blocks/digest.ts';
import type { Block } from '#blocks/limits.ts';
import { limitBreaches } from '#blocks/limits.ts';
import { decodePlanMetadata, PLAN_PAGE_SIZE } from '#blocks/plan-modal.ts';
import { ManualClock } from '../../../../src/domain/clock.ts';
import { buildDigest } from '../../../../src/domain/digest.ts';
import { parseDigestSchedule } from '../../../../src/domain/digest-schedule.ts';
import type { ScanRecord } from '../../../../src/domain/inventory.ts';
import type { DigestService, SlackServices } from '../../../../src/slack/services.ts';
import { parseWorkMessage } from '../../../../src/slack/work-dispatch.ts';
import { openStore, type Store } from '../../../../src/store/index.ts';
import { createDecideWorkflow, planCandidates } from '../../../../src/workflow/decide/index.ts';
import { createDigestWorkflow } from '../../../../src/workflow/digest/index.ts';
import { createValidateWorkflow } from '../../../../src/workflow/validate/index.ts';
import { parsePolicyRules } from '../../../../src/domain/decision.ts';
import { fakeScanService, fakeServices } from '../../../harness/fake-services.ts';
import { fileSystem, largeEstate, scanRecord } from '../../../harness/scan-fixtures.ts';
import { ManualScheduler } from '../../../harness/schedulers.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import { startDecideEstate, type DecideEstate } from '../../../workflow/decide/decide-fixture.ts';

/**
 * `/efs-encrypt digest` and the scheduled digest through the real Bolt receiver: the digest and
 * validate workflows over the embedded store and a scan that returns a fixed inventory; the Full
 * report and Plan migration buttons.
 */

let harness: SlackHarness | undefined;
let store: Store | undefined;
let env: DecideEstate | undefined;
afterEach(async () => {
  await harness?.close();
  await store?.close();
  await env?.close();
  harness = store = env = undefined;
});

const CHANNEL = 'C0OPS001';
const DIGEST_CHANNEL = 'C0DIGEST1';
const VIEWER = 'U0VIEWER1';
const NEW_FS = 'fs-00000000000000001';

const SCAN = scanRecord([
  fileSystem({
    fileSystemId: NEW_FS,
    name: 'payroll',
    creationTime: '2026-03-31T10:00:00.000Z',
    tags: { 'created-by': 'alice@example.com' },
  }),
]);

function digestService(s: Store, clock: ManualClock, scan: ScanRecord, channel?: string): DigestService {
  const scanner = { run: async ({ requestedBy }: { requestedBy?: string }) => ({ ...scan, requestedBy }) };
  const workflow = (poster: Parameters<DigestService['postSlot']>[2]) =>
    createDigestWorkflow({
      scanner,
      migrations: s.migrations,
      events: s.events,
      cutovers: s.cutovers,
      reports: s.reports,
      digests: s.digests,
      poster,
      clock,
      stuckHours: 48,
      holder: 'bot:test:1',
    });
  return {
    schedule: parseDigestSchedule('0 8 * * 1 Europe/Berlin'),
    ...(channel ? { channel } : {}),
    postSlot: (slot, ch, poster) => workflow(poster).postSlot(slot, ch),
    postOnDemand: (ch, req, poster) => workflow(poster).postOnDemand(ch, req),
  };
}

async function start(options: { channel?: string; scheduler?: ManualScheduler; clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock(new Date('2026-04-01T10:00:00Z'));
  store = await openStore({ clock });
  const validate = createValidateWorkflow({
    scanner: { run: async () => SCAN },
    migrations: store.migrations,
    reports: store.reports,
    clock,
  });
  const services: SlackServices = {
    ...fakeServices({ result: SCAN }),
    validate,
    digest: digestService(store, clock, SCAN, options.channel),
  };
  harness = await startSlackHarness({
    services,
    clock,
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  });
  return harness;
}

const buttons = (blocks: Block[], actionId: string) =>
  blocks.flatMap((b) => {
    const accessory = (b as { accessory?: { action_id?: string; value?: string } }).accessory;
    return accessory?.action_id === actionId ? [accessory.value!] : [];
  });

describe('/efs-encrypt digest', () => {
  it('anyone may ask: the digest is posted in the channel, stored with its message ts', async () => {
    const h = await start();
    const res = await h.slashCommand('digest', { userId: VIEWER, channelId: CHANNEL });
    expect(res.status).toBe(200);
    const ack = await h.waitForCall('response_url');
    expect(String(ack.body.text)).toContain('Building the digest');

    const post = await h.waitForCall('chat.postMessage', (c) => String(c.body.text).startsWith('EFS digest'));
    expect(post.body.channel).toBe(CHANNEL);
    const blocks = post.body.blocks as Block[];
    expect(limitBreaches(blocks)).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('EFS encryption digest (on demand)');
    expect(text).toContain('Goal not met');
    expect(text).toContain('alice@example.com');
    expect(buttons(blocks, DIGEST_PLAN_ACTION_ID)).toEqual([
      planButtonValue({ accountId: '111111111111', region: 'eu-west-1', fileSystemId: NEW_FS }),
    ]);
    const [reportId] = buttons(blocks, DIGEST_FULL_REPORT_ACTION_ID);
    expect(await store!.reports.getReport(reportId!)).toBeDefined();

    // Stored before it was posted; the ts recorded after.
    const digestId = /Digest `([^`]+)`/.exec(text)![1]!;
    await expect.poll(async () => (await store!.digests.get(digestId))?.status).toBe('posted');
    expect(await store!.digests.get(digestId)).toMatchObject({
      kind: 'on_demand',
      channel: CHANNEL,
      messageTs: post.response.ts,
      digest: { requestedBy: VIEWER },
    });
  });

  it('Full report posts the verdict and the three exports in the digest thread', async () => {
    const h = await start();
    await h.slashCommand('digest', { userId: VIEWER, channelId: CHANNEL });
    const post = await h.waitForCall('chat.postMessage', (c) => String(c.body.text).startsWith('EFS digest'));
    const [reportId] = buttons(post.body.blocks as Block[], DIGEST_FULL_REPORT_ACTION_ID);
    const messageTs = String(post.response.ts);
    await h.blockAction(
      buttonClick(DIGEST_FULL_REPORT_ACTION_ID, reportId!, { channel: CHANNEL, messageTs }),
      {
        userId: VIEWER,
        channelId: CHANNEL,
      },
    );
    const summary = await h.waitForCall('chat.postMessage', (c) => c.body.thread_ts === messageTs);
    expect(String(summary.body.text)).toMatch(/^Validation report: Goal not met/);
    const upload = await h.waitForCall('files.completeUploadExternal');
    expect(upload.body).toMatchObject({ channel_id: CHANNEL, thread_ts: messageTs });
    expect(String(upload.body.initial_comment)).toContain(reportId);
  });

  it('a failed digest is told privately with the correlation ID, nothing posted', async () => {
    const clock = new ManualClock(new Date('2026-04-01T10:00:00Z'));
    store = await openStore({ clock });
    const failing: DigestService = {
      ...digestService(store, clock, SCAN),
      postOnDemand: async () => {
        throw new Error('AccessDenied on sts:AssumeRole');
      },
    };
    harness = await startSlackHarness({
      services: { ...fakeServices({ result: SCAN }), digest: failing },
      clock,
    });
    await harness.slashCommand('digest', { userId: VIEWER, channelId: CHANNEL });
    const reply = await harness.waitForCall('response_url', (c) =>
      String(c.body.text).includes('The digest failed'),
    );
    expect(String(reply.body.text)).toMatch(/correlation ID [0-9a-f]{8}\)/);
    expect(harness.recorder.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('the bot posts the latest missed slot to the digest channel when it starts, once', async () => {
    // Wednesday 1 April: Monday 30 March 08:00 Berlin (06:00Z, summer time) is the latest slot.
    const clock = new ManualClock(new Date('2026-04-01T10:00:00Z'));
    const scheduler = new ManualScheduler(clock);
    const h = await start({ channel: DIGEST_CHANNEL, scheduler, clock });
    const post = await h.waitForCall('chat.postMessage', (c) => c.body.channel === DIGEST_CHANNEL);
    expect(String(JSON.stringify(post.body.blocks))).toContain('EFS encryption digest, 2026-03-30 06:00 UTC');
    await expect
      .poll(async () => (await store!.digests.get('2026-03-30T06:00:00.000Z'))?.status)
      .toBe('posted');
    // The next slot is armed; nothing else was posted meanwhile.
    expect(scheduler.pending).toBe(1);
    expect(
      h.recorder.callsTo('chat.postMessage').filter((c) => c.body.channel === DIGEST_CHANNEL),
    ).toHaveLength(1);
  });
});

describe('Plan migration on a digest', () => {
  it('opens the decision modal on the page holding that file system (admins)', async () => {
    env = await startDecideEstate({ bulk: 2 * PLAN_PAGE_SIZE });
    const workflow = createDecideWorkflow({
      keys: env.directories.keys,
      network: env.directories.network,
      migrations: env.store.migrations,
      scans: env.store.scans,
      policy: parsePolicyRules('').rules,
      clock: env.clock,
    });
    harness = await startSlackHarness({
      services: {
        scan: fakeScanService({ result: env.scan }),
        scans: env.store.scans,
        decide: { workflow, keys: env.directories.keys },
      },
      config: { admins: ['U0ADMIN01'] },
    });
    const candidates = planCandidates(env.scan);
    const index = candidates.length - 1;
    const target = candidates[index]!;
    await harness.blockAction(
      buttonClick(DIGEST_PLAN_ACTION_ID, planButtonValue(target), {
        channel: CHANNEL,
        messageTs: '1.000001',
      }),
      { userId: 'U0ADMIN01', channelId: CHANNEL },
    );
    const opened = await harness.waitForCall('views.open');
    const view = opened.body.view as { private_metadata: string; blocks: unknown[] };
    expect(decodePlanMetadata(view.private_metadata)?.page).toBe(Math.floor(index / PLAN_PAGE_SIZE));
    expect(JSON.stringify(view.blocks)).toContain(target.fileSystemId);
  });

  it('refuses someone who is not an admin, privately', async () => {
    const h = await start();
    await h.blockAction(
      buttonClick(
        DIGEST_PLAN_ACTION_ID,
        planButtonValue({ accountId: '111111111111', region: 'eu-west-1', fileSystemId: NEW_FS }),
        {
          channel: CHANNEL,
          messageTs: '1.000001',
        },
      ),
      { userId: VIEWER, channelId: CHANNEL },
    );
    const reply = await h.waitForCall('response_url');
    expect(String(reply.body.text)).toMatch(/admin/i);
    expect(h.recorder.callsTo('views.open')).toHaveLength(0);
  });
});

describe('digest blocks and work messages', () => {
  it('stay within Slack limits for a large estate, buttons for the first new file systems only', () => {
    const fileSystems = largeEstate(3000);
    const d = buildDigest({
      digestId: 'dig-1',
      generatedAt: '2026-04-01T10:00:00.000Z',
      requestedBy: 'schedule',
      slot: '2026-04-01T08:00:00.000Z',
      stuckHours: 48,
      migrations: [],
      approvalsWaiting: [],
      fileSystems,
      validation: { reportId: 'val-1', goalMet: false, line: 'Goal not met.' },
    });
    const message = digestMessage(d);
    expect(limitBreaches(message.blocks)).toEqual([]);
    expect(buttons(message.blocks, DIGEST_PLAN_ACTION_ID)).toHaveLength(10);
    expect(JSON.stringify(message.blocks)).toContain('first 10 with a button');
  });

  it('accepts the EventBridge Scheduler input of the deployed schedule', () => {
    const message = parseWorkMessage({
      kind: 'digest',
      channelId: DIGEST_CHANNEL,
      slot: '2026-03-09T07:00:00Z',
      correlationId: 'c2b1c5b0-1111-2222-3333-444455556666',
    });
    expect(message).toMatchObject({ kind: 'digest', slot: '2026-03-09T07:00:00Z' });
    expect(() => parseWorkMessage({ kind: 'digest', channelId: 'general' })).toThrow(/channelId/);
  });
});
