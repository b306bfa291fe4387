/**
 * The cutover's thread reporter: one message per consumer edited in place, coalesced to one write
 * per message per second on the injected clock; the application summary with Roll back and Waive;
 * the auto-rollback warning naming the owner; messages found again after a restart.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CUTOVER_ROLLBACK_ACTION_ID, CUTOVER_WAIVE_ACTION_ID } from '#blocks/cutover-progress.ts';
import { limitBreaches, type Block } from '#blocks/limits.ts';
import { SIGN_OFF_OK_ACTION_ID } from '#blocks/sign-off.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { CutoverProgressReporter } from '../../src/slack/cutover-progress.ts';
import { CutoverThreads } from '../../src/slack/cutover-threads.ts';
import type { IoMessage } from '../../src/workflow/io-host.ts';
import { CutoverMessageCodes } from '../../src/workflow/cutover/index.ts';
import { ManualScheduler } from '../harness/schedulers.ts';
import {
  MIGRATION,
  OWNER,
  changeRecord,
  ecsService,
  fakeCutoverPhase,
  lambdaFunction,
  planOf,
} from './cutover-fixture.ts';
import { MemoryEvents, recordingChat } from './progress-fixture.ts';

const CHANNEL = 'C0CHAN01';
const THREAD = '1767225600.000001';
const shop = planOf(
  'shop',
  [ecsService('web', 'CODE_DEPLOY'), lambdaFunction('thumbs')],
  'owner@example.com',
);

async function world() {
  const clock = new ManualClock(new Date('2026-02-01T10:00:00Z'));
  const scheduler = new ManualScheduler(clock);
  const events = new MemoryEvents();
  const threads = new CutoverThreads(events);
  await threads.recordThread(MIGRATION, { channel: CHANNEL, threadTs: THREAD }, OWNER);
  const phase = fakeCutoverPhase({
    clock,
    plans: [shop],
    owners: [{ app: 'shop', ownerTag: 'owner@example.com', ownerUserId: OWNER }],
  });
  const reporter = (chat = recordingChat(clock)) => ({
    chat,
    reporter: new CutoverProgressReporter({
      client: chat.client,
      threads,
      clock,
      scheduler,
      logger: pino({ level: 'silent' }),
      statusOf: (id) => phase.status(id),
    }),
  });
  const msg = (code: string, data: Record<string, unknown>): IoMessage => ({
    level: 'info',
    code,
    message: String(data.detail ?? code),
    time: clock.now(),
    data: { migrationId: MIGRATION, app: 'shop', ...data },
  });
  const change = (index: number, status: string, detail: string) =>
    msg(CutoverMessageCodes.change, {
      consumerId: shop.changes[index]!.consumerId,
      name: shop.changes[index]!.name,
      status,
      detail,
    });
  return { clock, scheduler, events, phase, reporter, msg, change };
}

describe('CutoverProgressReporter', () => {
  it('keeps one message per consumer, edited in place, at most one write per message per second', async () => {
    const w = await world();
    const { chat, reporter } = w.reporter();
    await reporter.notify(w.change(0, 'planned', 'change recorded with its inverse'));
    await reporter.notify(w.change(1, 'applying', 'UpdateFunctionConfiguration sent'));
    await reporter.settled();
    await reporter.notify(w.change(0, 'applying', 'RegisterTaskDefinition sent'));
    await reporter.notify(w.change(0, 'applied', 'registered web:8; create the CodeDeploy deployment'));
    await reporter.notify(w.change(1, 'verified', 'LastUpdateStatus Successful'));
    // Within the second: nothing more is written yet, the latest state waits.
    expect(chat.calls.map((c) => c.method)).toEqual(['postMessage', 'postMessage']);
    w.scheduler.advance(1000);
    await reporter.settled();

    const posts = chat.calls.filter((c) => c.method === 'postMessage');
    const updates = chat.calls.filter((c) => c.method === 'update');
    expect(posts.map((p) => p.args.thread_ts)).toEqual([THREAD, THREAD]);
    // Two events for the first consumer within the second became one edit showing the latest.
    expect(updates.map((u) => u.args.ts)).toEqual(['1767225700.000001', '1767225700.000002']);
    expect(updates[0]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(updates[0]!.args.text).toBe('Cutover of web (shop): applied');
    // Left applied (CODE_DEPLOY): Waive is offered on its message.
    expect(JSON.stringify(updates[0]!.args.blocks)).toContain(CUTOVER_WAIVE_ACTION_ID);
    expect(updates[1]!.args.text).toBe('Cutover of thumbs (shop): verified');
    expect(JSON.stringify(updates[1]!.args.blocks)).not.toContain(CUTOVER_WAIVE_ACTION_ID);

    // Another process (a resumed job) edits the same messages: their places are in the audit log.
    const again = w.reporter();
    await again.reporter.notify(w.change(0, 'verified', 'CodeDeploy deployment seen on web:8'));
    await again.reporter.settled();
    expect(again.chat.calls.map((c) => [c.method, c.args.ts])).toEqual([['update', '1767225700.000001']]);
  });

  it('the application summary offers Roll back and Waive for consumers left applied or failed', async () => {
    const w = await world();
    w.phase.changes.push(changeRecord(shop, 0, 'applied'), changeRecord(shop, 1, 'failed'));
    const { chat, reporter } = w.reporter();
    await reporter.notify(
      w.msg(CutoverMessageCodes.application, { status: 'failed', detail: 'thumbs: LastUpdateStatus Failed' }),
    );
    await reporter.settled();
    const [summary] = chat.calls;
    const blocks = summary!.args.blocks as Block[];
    expect(summary!.args.text).toBe('Cutover of shop on fs-0123456789abcdef0: failed');
    expect(limitBreaches(blocks)).toEqual([]);
    const json = JSON.stringify(blocks);
    expect(json).toContain(CUTOVER_ROLLBACK_ACTION_ID);
    expect(json).toContain('"confirm"');
    expect(blocks.filter((b) => b.type === 'section' && b.accessory)).toHaveLength(2);
    expect(json).toContain(`<@${OWNER}>`);
  });

  it('warns in the thread, mentioning the owner, when the job rolls an application back by itself', async () => {
    const w = await world();
    const { chat, reporter } = w.reporter();
    await reporter.notify(
      w.msg(CutoverMessageCodes.autoRollback, {
        name: 'web',
        detail: 'deployment ecs-svc/123 FAILED: circuit breaker rolled the service back to web:7',
      }),
    );
    await reporter.settled();
    expect(chat.calls).toHaveLength(1);
    const warning = chat.calls[0]!.args;
    expect(warning.thread_ts).toBe(THREAD);
    expect(String(warning.text)).toContain(`<@${OWNER}>`);
    expect(JSON.stringify(warning.blocks)).toContain('rolled back automatically');
    expect(JSON.stringify(warning.blocks)).toContain('circuit breaker rolled the service back');
  });

  it('asks the owner for sign-off in the thread once the application is cut over (issue 16 §2)', async () => {
    const w = await world();
    w.phase.changes.push(changeRecord(shop, 0, 'verified'), changeRecord(shop, 1, 'verified'));
    const { chat, reporter } = w.reporter();
    await reporter.notify(
      w.msg(CutoverMessageCodes.application, { status: 'cut_over', detail: 'all verified' }),
    );
    await reporter.settled();
    const ask = chat.calls.find((c) => String(c.args.text).includes('Sign-off of shop requested'));
    expect(ask?.args.thread_ts).toBe(THREAD);
    expect(String(ask?.args.text)).toContain(`<@${OWNER}>`);
    expect(JSON.stringify(ask?.args.blocks)).toContain(SIGN_OFF_OK_ACTION_ID);
  });

  it('shows nothing for a cutover not asked from Slack (no thread recorded)', async () => {
    const w = await world();
    w.events.events.length = 0;
    const { chat, reporter } = w.reporter();
    await reporter.notify(w.change(0, 'applying', 'RegisterTaskDefinition sent'));
    await reporter.notify(w.msg(CutoverMessageCodes.autoRollback, { detail: 'failed' }));
    await reporter.settled();
    expect(chat.calls).toEqual([]);
  });
});
