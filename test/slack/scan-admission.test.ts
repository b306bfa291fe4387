import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScanScope } from '../../src/domain/scan-scope.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { ScanService, SlackServices } from '../../src/slack/services.ts';
import { InMemoryScanRepository } from '../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../harness/scan-fixtures.ts';
import { startSlackHarness, type HttpResult, type SlackHarness } from '../harness/slack.ts';
import type { RecordedCall } from '../harness/slack-recorder.ts';

const harnesses: SlackHarness[] = [];
let store: Store | undefined;
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  await store?.close();
  store = undefined;
});

const text = (call: RecordedCall) => `${String(call.body.text)} ${JSON.stringify(call.body.blocks ?? [])}`;
const isRoot = (c: RecordedCall) => c.body.thread_ts === undefined;
/** The harness's slash commands come from workspace domain efs-encrypt-test. */
const threadLink = (channel: string, ts: string) =>
  `https://efs-encrypt-test.slack.com/archives/${channel}/p${ts.replace('.', '')}`;

/** The slash command's HTTP response: the ack's body, where the admission's answer goes when it can. */
const ackBody = (res: HttpResult) =>
  JSON.parse(res.body) as { response_type?: string; text?: string; blocks?: unknown };

/** A scan service whose every run waits until the test releases that requester's scan. */
function heldScans() {
  const runs: { requestedBy: string; scope?: ScanScope }[] = [];
  const gates = new Map<string, () => void>();
  const opened = new Map<string, Promise<void>>();
  const gateOf = (user: string) => {
    if (!opened.has(user)) opened.set(user, new Promise<void>((resolve) => gates.set(user, resolve)));
    return opened.get(user)!;
  };
  const scan: ScanService = {
    async run({ requestedBy, scope, io }) {
      runs.push({ requestedBy, ...(scope ? { scope } : {}) });
      await io.notify({ level: 'progress', code: 'scan.started', message: 'Scanning', time: new Date() });
      await gateOf(requestedBy);
      return {
        ...scanRecord([fileSystem({ fileSystemId: 'fs-00000000000000001' })]),
        requestedBy,
      };
    },
  };
  return {
    runs,
    release: (user: string) => {
      gateOf(user);
      gates.get(user)!();
    },
    services: (extra: Partial<SlackServices> = {}): SlackServices => ({
      scan,
      scans: new InMemoryScanRepository(),
      ...extra,
    }),
  };
}

async function harnessWith(services: SlackServices, maxScans?: number) {
  const h = await startSlackHarness({
    services,
    ...(maxScans ? { config: { slack: { maxScans } } } : {}),
  });
  harnesses.push(h);
  return h;
}

describe('/efs-encrypt scan while a scan of the scope runs', () => {
  it('joins the running scan: one scan, and the second requester gets the link to its thread privately', async () => {
    const held = heldScans();
    const h = await harnessWith(held.services());
    await h.slashCommand('scan', { userId: 'U0ALICE1', channelId: 'C0OPS001' });
    const root = await h.waitForCall('chat.postMessage', isRoot);
    const rootTs = String(root.response.ts);

    // A scoped request while the full scan runs is covered by it.
    const res = await h.slashCommand('scan 111111111111 eu-west-1', {
      userId: 'U0BOB001',
      channelId: 'C0DEV002',
    });
    expect(res.status).toBe(200);
    // Answered in the ack itself: the admission knows this process's scans without any I/O.
    const reply = ackBody(res);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('already running');
    expect(JSON.stringify(reply.blocks)).toContain('No second scan');
    expect(JSON.stringify(reply.blocks)).toContain(threadLink('C0OPS001', rootTs));
    expect(JSON.stringify(reply.blocks)).toContain('<@U0ALICE1>');

    held.release('U0ALICE1');
    await h.slack.tasks.drain();
    expect(held.runs.map((r) => r.requestedBy)).toEqual(['U0ALICE1']);
    expect(h.recorder.callsTo('chat.postMessage').filter(isRoot)).toHaveLength(1);
    // No response_url post for the join: the ack carried it.
    expect(h.recorder.callsTo('response_url')).toHaveLength(0);
  });

  it('joins a scan whose thread is not posted yet, and sends the link once it is', async () => {
    const held = heldScans();
    const h = await harnessWith(held.services());
    await Promise.all([
      h.slashCommand('scan eu-west-1', { userId: 'U0ALICE1' }),
      h.slashCommand('scan eu-west-1', { userId: 'U0BOB001' }),
    ]);
    const root = await h.waitForCall('chat.postMessage', isRoot);
    const starter = JSON.stringify(root.body.blocks).includes('U0ALICE1') ? 'U0ALICE1' : 'U0BOB001';
    await h.waitForCall('response_url', (c) =>
      text(c).includes(threadLink('C0CHAN01', String(root.response.ts))),
    );
    held.release(starter);
    await h.slack.tasks.drain();
    expect(held.runs).toHaveLength(1);
  });

  it('starts a scan of a scope the running one does not cover', async () => {
    const held = heldScans();
    const h = await harnessWith(held.services());
    await h.slashCommand('scan eu-west-1', { userId: 'U0ALICE1' });
    await h.waitForCall('chat.postMessage', isRoot);
    // A full scan is not covered by a scan of one region.
    await h.slashCommand('scan', { userId: 'U0BOB001' });
    await h.waitForCall(
      'chat.postMessage',
      (c) => isRoot(c) && JSON.stringify(c.body.blocks).includes('U0BOB001'),
    );
    held.release('U0ALICE1');
    held.release('U0BOB001');
    await h.slack.tasks.drain();
    expect(held.runs.map((r) => r.requestedBy)).toEqual(['U0ALICE1', 'U0BOB001']);
  });

  it('joins a scan another bot process runs on the same store: the scope is claimed there, not in memory', async () => {
    store = await openStore();
    const held = heldScans();
    const first = await harnessWith(held.services({ runningScans: store.runningScans }));
    const second = await harnessWith(held.services({ runningScans: store.runningScans }));
    await first.slashCommand('scan', { userId: 'U0ALICE1', channelId: 'C0OPS001' });
    const root = await first.waitForCall('chat.postMessage', isRoot);
    await first.waitForCall('chat.postMessage', (c) => c.body.thread_ts === root.response.ts);

    await second.slashCommand('scan 222222222222', { userId: 'U0BOB001' });
    const reply = await second.waitForCall('response_url', (c) => text(c).includes('No second scan'));
    expect(text(reply)).toContain(threadLink('C0OPS001', String(root.response.ts)));
    expect(second.recorder.callsTo('chat.postMessage')).toHaveLength(0);

    held.release('U0ALICE1');
    await first.slack.tasks.drain();
    await second.slack.tasks.drain();
    expect(held.runs.map((r) => r.requestedBy)).toEqual(['U0ALICE1']);
    // Released when the scan ended: the next scan of the scope runs.
    expect(await store.runningScans.listLive(first.clock.now())).toEqual([]);
  });
});

describe('/efs-encrypt scan over the cap (EFS_ENCRYPT_MAX_SCANS)', () => {
  it('queues the third scan, tells its requester privately, and starts it when a slot frees', async () => {
    const held = heldScans();
    const h = await harnessWith(held.services(), 2);
    await h.slashCommand('scan 111111111111', { userId: 'U0ALICE1' });
    await h.slashCommand('scan 222222222222', { userId: 'U0BOB001' });
    await h.waitForCall(
      'chat.postMessage',
      (c) => isRoot(c) && JSON.stringify(c.body.blocks).includes('U0BOB001'),
    );

    const res = await h.slashCommand('scan 333333333333', { userId: 'U0CAROL1' });
    const queued = ackBody(res);
    expect(queued.response_type).toBe('ephemeral');
    expect(JSON.stringify(queued.blocks)).toContain('queued behind 2 scans');
    expect(h.recorder.callsTo('response_url')).toHaveLength(0);
    expect(h.slack.scanAdmission.counts).toEqual({ running: 2, queued: 1 });
    expect(h.recorder.callsTo('chat.postMessage').filter(isRoot)).toHaveLength(2);
    expect(held.runs.map((r) => r.requestedBy)).toEqual(['U0ALICE1', 'U0BOB001']);

    held.release('U0BOB001');
    const third = await h.waitForCall(
      'chat.postMessage',
      (c) => isRoot(c) && JSON.stringify(c.body.blocks).includes('U0CAROL1'),
    );
    expect(JSON.stringify(third.body.blocks)).toContain('333333333333');
    held.release('U0ALICE1');
    held.release('U0CAROL1');
    await h.slack.tasks.drain();
    expect(held.runs.map((r) => r.requestedBy)).toEqual(['U0ALICE1', 'U0BOB001', 'U0CAROL1']);
    expect(h.slack.scanAdmission.counts).toEqual({ running: 0, queued: 0 });
  });
});

describe('/efs-encrypt scan: what the ack waits for', () => {
  it('acks before the request ledger records the request, and runs the scan once it has', async () => {
    store = await openStore();
    const ledger = store.requests;
    let releaseClaim = () => {};
    const claimHeld = new Promise<void>((resolve) => (releaseClaim = resolve));
    const claims: string[] = [];
    const held = heldScans();
    const h = await harnessWith(
      held.services({
        requests: {
          async claim(fingerprint, detail) {
            claims.push(detail.kind);
            await claimHeld;
            return ledger.claim(fingerprint, detail);
          },
        },
      }),
    );
    // The HTTP response waits for the listener (processBeforeResponse): it returns while the claim is held.
    const res = await h.slashCommand('scan', { userId: 'U0ALICE1' });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(claims).toEqual(['command scan']));
    expect(held.runs).toHaveLength(0);

    releaseClaim();
    await h.waitForCall('chat.postMessage', isRoot);
    held.release('U0ALICE1');
    await h.slack.tasks.drain();
    expect(held.runs.map((r) => r.requestedBy)).toEqual(['U0ALICE1']);
  });

  it('a replay of a finished scan without the retry header is recognised after the ack and runs nothing', async () => {
    store = await openStore();
    const held = heldScans();
    const h = await harnessWith(held.services({ requests: store.requests }));
    const send = () => h.slashCommand('scan', { userId: 'U0ALICE1', triggerId: '1767225600.replayed' });
    await send();
    held.release('U0ALICE1');
    await h.slack.tasks.drain();

    await send();
    await h.slack.tasks.drain();
    expect(held.runs).toHaveLength(1);
    expect(h.recorder.callsTo('chat.postMessage').filter(isRoot)).toHaveLength(1);
    expect(h.logs.filter((l) => l.msg === 'redelivered request already handled: ignored')).toHaveLength(1);
    // Its slot was given back: the next scan runs.
    expect(h.slack.scanAdmission.counts).toEqual({ running: 0, queued: 0 });
  });
});
