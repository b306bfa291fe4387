import { afterEach, describe, expect, it } from 'vitest';
import { fakeServices } from '../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../harness/scan-fixtures.ts';
import { startSlackHarness, type SlackHarness } from '../harness/slack.ts';

/**
 * Hostile requests that Bolt 5.1's HTTPReceiver mishandles on its own (issue 18): each is refused
 * before Bolt, and the process keeps serving. A request that crashed the receiver would surface here
 * as an unhandled rejection, which fails the run.
 */
let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const helpBody = () =>
  new URLSearchParams({
    command: '/efs-encrypt',
    text: 'help',
    user_id: 'U0USER01',
    channel_id: 'C0CHAN01',
    team_id: 'T0TEST01',
  }).toString();

async function start() {
  harness = await startSlackHarness({ services: fakeServices({ result: scanRecord([fileSystem()]) }) });
  return harness;
}

/** The bot still answers a good request: nothing above stopped the process or the receiver. */
async function stillServes(h: SlackHarness) {
  const res = await h.slashCommand('help');
  expect(res.status).toBe(200);
  expect((await h.waitForCall('response_url')).body.response_type).toBe('ephemeral');
}

const refusals = (h: SlackHarness) =>
  h.logs.filter((l) => String(l.msg).startsWith('request refused before Bolt'));

describe('the request guard in front of Bolt', () => {
  it.each([
    ['a form payload of null', 'payload=null', 'application/x-www-form-urlencoded'],
    ['a form payload of a number', 'payload=42', 'application/x-www-form-urlencoded'],
    ['a form payload of an array', 'payload=%5B%5D', 'application/x-www-form-urlencoded'],
    ['a JSON body of null', 'null', 'application/json'],
    ['a JSON body of a string', '"text"', 'application/json'],
  ])('answers a signed request whose body is %s with 400 and keeps serving', async (_, body, type) => {
    const h = await start();
    const res = await h.post(body, { contentType: type });
    expect(res.status).toBe(400);
    expect(h.recorder.calls).toHaveLength(0);
    expect(refusals(h)).toHaveLength(1);
    expect(refusals(h)[0]?.level).toBe(40);
    await stillServes(h);
  });

  it('refuses a correctly signed request stamped ten minutes ahead (a replay kept for later)', async () => {
    const h = await start();
    const res = await h.post(helpBody(), { timestamp: Math.floor(Date.now() / 1000) + 600 });
    expect(res.status).toBe(401);
    expect(h.recorder.calls).toHaveLength(0);
    expect(String(refusals(h)[0]?.msg)).toMatch(/ (599|600) s from now/);
  });

  it('accepts a request a little ahead or behind (clocks drift), within five minutes', async () => {
    const h = await start();
    expect((await h.post(helpBody(), { timestamp: Math.floor(Date.now() / 1000) + 120 })).status).toBe(200);
    expect((await h.post(helpBody(), { timestamp: Math.floor(Date.now() / 1000) - 120 })).status).toBe(200);
    expect(refusals(h)).toHaveLength(0);
  });

  it('refuses a body over the limit with 413 without keeping it', async () => {
    const h = await start();
    const res = await h.post(`payload=${'x'.repeat(1024 * 1024 + 1)}`);
    expect(res.status).toBe(413);
    await stillServes(h);
  });

  it('leaves a body that does not parse to Bolt, which answers 400', async () => {
    const h = await start();
    const res = await h.post('payload=%7Bnot-json', {});
    expect(res.status).toBe(400);
    expect(refusals(h)).toHaveLength(0);
    await stillServes(h);
  });
});
