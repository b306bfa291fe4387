import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { createOwnerDirectory } from '../../src/slack/owner-directory.ts';
import { SlackApiRecorder } from '../harness/slack-recorder.ts';

const recorders: SlackApiRecorder[] = [];
afterEach(async () => {
  for (const r of recorders.splice(0)) await r.close();
});

async function directory() {
  const recorder = new SlackApiRecorder({ usersByEmail: { 'owner@example.com': 'U0OWNER01' } });
  await recorder.start();
  recorders.push(recorder);
  const clock = new ManualClock();
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: recorder.apiUrl,
    retryConfig: { retries: 0 },
  });
  const owners = createOwnerDirectory({ client, clock, logger: pino({ level: 'silent' }) });
  return { recorder, clock, owners };
}

describe('owner directory (the cutover phase’s owner lookup)', () => {
  it('resolves an email through users.lookupByEmail and caches it for a few minutes', async () => {
    const { recorder, clock, owners } = await directory();
    expect(await owners.resolve('Owner@Example.com')).toEqual({ userId: 'U0OWNER01' });
    expect(recorder.callsTo('users.lookupByEmail').map((c) => c.body.email)).toEqual(['Owner@Example.com']);
    clock.advance(4 * 60_000);
    expect(await owners.resolve('owner@example.com')).toEqual({ userId: 'U0OWNER01' });
    expect(recorder.callsTo('users.lookupByEmail')).toHaveLength(1);
    clock.advance(2 * 60_000);
    await owners.resolve('owner@example.com');
    expect(recorder.callsTo('users.lookupByEmail')).toHaveLength(2);
  });

  it('uses a Slack user ID as is, and falls back to the admins with the reason otherwise', async () => {
    const { recorder, owners } = await directory();
    expect(await owners.resolve('U0OWNER01')).toEqual({ userId: 'U0OWNER01' });
    expect(await owners.resolve('W0ENTERPRISE1')).toEqual({ userId: 'W0ENTERPRISE1' });
    expect(await owners.resolve('payments-core')).toEqual({
      fallbackReason: "owner tag 'payments-core' is not a Slack user or email: admins approve",
    });
    expect(await owners.resolve(undefined)).toEqual({ fallbackReason: 'no owner tag: admins approve' });
    expect(recorder.callsTo('users.lookupByEmail')).toEqual([]);
    expect(await owners.resolve('nobody@example.com')).toEqual({
      fallbackReason: "owner tag 'nobody@example.com' is not the email of a Slack user: admins approve",
    });
    recorder.failNext('users.lookupByEmail', 'missing_scope');
    expect((await owners.resolve('other@example.com')).fallbackReason).toBe(
      "owner tag 'other@example.com' could not be looked up in Slack (missing_scope: add the users:read.email scope): admins approve",
    );
  });
});
