import { afterEach, describe, expect, it } from 'vitest';
import { PLAN_OPEN_ACTION_ID } from '#blocks/plan-modal.ts';
import { responseUrlPolicy } from '../../src/slack/private-reply.ts';
import { fakeServices } from '../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../harness/scan-fixtures.ts';
import { buttonClick, startSlackHarness, TEST_TEAM_ID, type SlackHarness } from '../harness/slack.ts';

/**
 * Issue 18: Bolt builds respond() from the payload's own response_url, whatever it holds. A
 * response_url that is no URL made the listener's respond() throw ("Failed to parse URL"), and one
 * on another host received the private answer. Now only Slack's webhook host (and, in tests, the
 * recording server's origin) is answered through it; anything else is logged and the person is
 * answered with chat.postEphemeral in the channel instead.
 */
let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start() {
  harness = await startSlackHarness({
    services: fakeServices({ result: scanRecord([fileSystem()]) }),
    config: { admins: ['U0ADMIN1'] },
  });
  return harness;
}

const slashBody = (responseUrl: string) =>
  new URLSearchParams({
    command: '/efs-encrypt',
    text: 'help',
    user_id: 'U0USER01',
    channel_id: 'C0CHAN01',
    team_id: TEST_TEAM_ID,
    response_url: responseUrl,
    trigger_id: '1.trigger',
  }).toString();

const listenerErrors = (h: SlackHarness) =>
  h.logs.filter((l) => l.msg === 'unhandled error in a Slack listener');
const refusedUrls = (h: SlackHarness) =>
  h.logs.filter((l) => String(l.msg).startsWith('response_url refused'));

describe('a private answer whose response_url is not Slack’s', () => {
  it.each([
    ['no URL', 'not-a-url', 'the response_url is not a URL'],
    ['another host', 'https://collector.example/hook', 'origin https://collector.example is not'],
    ['Slack’s host over http', 'http://hooks.slack.com/commands/1/2', 'origin http://hooks.slack.com is not'],
  ])('answers /efs-encrypt help with chat.postEphemeral when the response_url is %s', async (_, url, why) => {
    const h = await start();
    const res = await h.post(slashBody(url));
    expect(res.status).toBe(200);
    const posted = await h.waitForCall('chat.postEphemeral');
    expect(posted.body).toMatchObject({ channel: 'C0CHAN01', user: 'U0USER01' });
    expect(String(posted.body.text)).toContain('/efs-encrypt');
    expect(h.recorder.calls.filter((c) => c.method === 'response_url')).toEqual([]);
    expect(refusedUrls(h)).toHaveLength(1);
    expect(String(refusedUrls(h)[0]?.msg)).toContain(why);
    expect(refusedUrls(h)[0]?.level).toBe(40);
    expect(listenerErrors(h)).toEqual([]);
    // Still serving, and a good response_url is still answered through it.
    await h.slashCommand('help');
    expect((await h.waitForCall('response_url')).body.response_type).toBe('ephemeral');
  });

  it.each([
    ['true', true],
    ['a number', 42],
  ])(
    'refuses a Plan click privately when the response_url is %s, without a listener error',
    async (_, url) => {
      const h = await start();
      const click = buttonClick(PLAN_OPEN_ACTION_ID, '', { channel: 'C0CHAN01', messageTs: '1.000001' });
      const res = await h.blockAction({ ...click, response_url: url });
      expect(res.status).toBe(200);
      const posted = await h.waitForCall('chat.postEphemeral');
      expect(posted.body).toMatchObject({ channel: 'C0CHAN01', user: 'U0USER01' });
      expect(String(refusedUrls(h)[0]?.msg)).toContain(`the response_url is a ${typeof url}, not a URL`);
      expect(listenerErrors(h)).toEqual([]);
    },
  );

  it('drops the answer with a warning when the payload names no channel either', async () => {
    const h = await start();
    const click = buttonClick(PLAN_OPEN_ACTION_ID, '', { channel: 'C0CHAN01', messageTs: '1.000001' });
    const res = await h.blockAction({ ...click, channel: undefined, container: undefined, response_url: 7 });
    expect(res.status).toBe(200);
    await h.slashCommand('help');
    await h.waitForCall('response_url');
    expect(h.recorder.calls.filter((c) => c.method === 'chat.postEphemeral')).toEqual([]);
    expect(h.logs.some((l) => String(l.msg).startsWith('private answer dropped'))).toBe(true);
    expect(listenerErrors(h)).toEqual([]);
  });
});

describe('responseUrlPolicy', () => {
  it('allows Slack’s webhook host, and the API server’s origin only when one is configured', () => {
    expect(responseUrlPolicy().problem('https://hooks.slack.com/commands/T1/2/3')).toBeUndefined();
    expect(responseUrlPolicy().problem('http://127.0.0.1:9/response/x')).toMatch(/not https:\/\/hooks/);
    expect(
      responseUrlPolicy('http://127.0.0.1:9/api/').problem('http://127.0.0.1:9/response/x'),
    ).toBeUndefined();
    expect(
      responseUrlPolicy('http://127.0.0.1:9/api/').problem('http://127.0.0.1:10/response/x'),
    ).toBeDefined();
    expect(responseUrlPolicy().problem(null)).toBe('the response_url is null, not a URL');
  });
});
