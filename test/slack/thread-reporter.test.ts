import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { webApi } from '@slack/bolt';
import { ManualClock } from '../../src/domain/clock.ts';
import { SlackThreadReporter } from '../../src/slack/thread-reporter.ts';
import type { IoMessage } from '../../src/workflow/io-host.ts';
import { ManualScheduler } from '../harness/schedulers.ts';
import { SlackApiRecorder } from '../harness/slack-recorder.ts';

let recorder: SlackApiRecorder;
let clock: ManualClock;
let scheduler: ManualScheduler;
let reporter: SlackThreadReporter;

const msg = (message: string, level: IoMessage['level'] = 'progress'): IoMessage => ({
  level,
  code: 'test',
  message,
  time: new Date(0),
});
const shown = (i: number) => JSON.stringify(recorder.calls[i]?.body.blocks);

beforeEach(async () => {
  recorder = new SlackApiRecorder();
  await recorder.start();
  clock = new ManualClock();
  scheduler = new ManualScheduler(clock);
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: recorder.apiUrl,
    retryConfig: { retries: 0 },
  });
  reporter = new SlackThreadReporter({
    client,
    channel: 'C1',
    threadTs: '1.0',
    clock,
    scheduler,
    logger: pino({ level: 'silent' }),
  });
});
afterEach(() => recorder.close());

describe('SlackThreadReporter', () => {
  it('posts one progress message in the thread, then edits it', async () => {
    await reporter.notify(msg('Scanning 3 regions'));
    await reporter.settled();
    expect(recorder.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(recorder.calls[0]!.body).toMatchObject({ channel: 'C1', thread_ts: '1.0' });
    expect(shown(0)).toContain('Scanning 3 regions');

    clock.advance(1500);
    await reporter.notify(msg('eu-west-1 done'));
    await reporter.settled();
    expect(recorder.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update']);
    expect(recorder.calls[1]!.body).toMatchObject({ channel: 'C1', ts: reporter.progressTs });
    expect(shown(1)).toContain('eu-west-1 done');
  });

  it('coalesces a burst into at most one write per second, showing the latest state', async () => {
    await reporter.notify(msg('step 0'));
    await reporter.settled();
    for (let i = 1; i <= 50; i++) await reporter.notify(msg(`step ${i}`));
    expect(scheduler.pending).toBe(1);
    expect(recorder.calls).toHaveLength(1);

    scheduler.advance(999);
    expect(recorder.calls).toHaveLength(1);
    scheduler.advance(1);
    await reporter.settled();
    expect(recorder.calls).toHaveLength(2);
    expect(shown(1)).toContain('step 50');
    expect(shown(1)).not.toContain('step 49');
  });

  it('complete() writes the final state after the interval and counts warnings', async () => {
    await reporter.notify(msg('started'));
    await reporter.settled();
    await reporter.notify(msg('account 2 denied', 'warn'));
    await reporter.notify(msg('noise', 'debug'));
    const done = reporter.complete('succeeded', 'Scan finished: 4 file systems.');
    await new Promise((resolve) => setImmediate(resolve));
    expect(recorder.calls).toHaveLength(1);
    scheduler.advance(1000);
    await done;
    expect(recorder.calls).toHaveLength(2);
    expect(shown(1)).toContain(':white_check_mark: Scan finished: 4 file systems.');
    expect(shown(1)).toContain(':warning: account 2 denied');
    expect(shown(1)).toContain('1 warning');
    expect(shown(1)).not.toContain('noise');

    await reporter.notify(msg('late message'));
    expect(scheduler.pending).toBe(0);
  });

  it('logs and survives a Slack failure; the next state retries the post', async () => {
    recorder.failNext('chat.postMessage', 'ratelimited');
    await reporter.notify(msg('first'));
    await reporter.settled();
    expect(reporter.progressTs).toBeUndefined();
    clock.advance(1000);
    await reporter.notify(msg('second'));
    await reporter.settled();
    expect(recorder.callsTo('chat.postMessage')).toHaveLength(2);
    expect(reporter.progressTs).toBeDefined();
  });

  it('retries the final state once when Slack refuses it', async () => {
    await reporter.notify(msg('started'));
    await reporter.settled();
    recorder.failNext('chat.update', 'internal_error');
    clock.advance(1000);
    const done = reporter.complete('failed', 'Scan failed.');
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.advance(1000);
    await done;
    const updates = recorder.callsTo('chat.update');
    expect(updates.map((u) => u.response.ok)).toEqual([false, true]);
    expect(JSON.stringify(updates[1]!.body.blocks)).toContain(':x: Scan failed.');
  });
});
