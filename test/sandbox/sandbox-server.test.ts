import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_OPEN_ACTION_ID } from '#blocks/plan-modal.ts';
import { slackSignature } from '../../src/sandbox/slack-signature.ts';
import { SANDBOX_ADMIN } from '../../src/sandbox/start-sandbox.ts';
import { eventually, openSandboxWorld, type SandboxWorld } from './sandbox-world.ts';

/**
 * The sandbox through the bot's real receiver: what the page posts is signed and forwarded, the bot's
 * Web API calls land in the sandbox's channel, validated. The page's own calls are made with fetch.
 */
describe('the sandbox server with the real bot on the sample estate', () => {
  let world: SandboxWorld;
  const call = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(new URL(path, world.sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { status: number; body: string };
  };
  const snapshot = async (user: string) => {
    const res = await fetch(new URL(`/sandbox/state?user=${user}`, world.sandbox.url));
    return (await res.json()) as ReturnType<typeof world.sandbox.server.channel.snapshot>;
  };
  const button = (m: { blocks?: unknown[] }) =>
    (m.blocks as { elements?: { action_id: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === PLAN_OPEN_ACTION_ID)?.value;
  const summary = () =>
    world.sandbox.server.channel
      .snapshot(SANDBOX_ADMIN)
      .messages.find((m) => JSON.stringify(m.blocks ?? []).includes(PLAN_OPEN_ACTION_ID));

  beforeAll(async () => {
    world = await openSandboxWorld();
  }, 30_000);
  afterAll(async () => world?.close());

  it('serves the page and its script', async () => {
    const page = await fetch(world.sandbox.url);
    expect(await page.text()).toContain('<script src="/app.js">');
    const script = await fetch(new URL('/app.js', world.sandbox.url));
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('a typed /efs-encrypt scan reaches the bot signed, and its summary is in the channel state', async () => {
    const ack = await call('/sandbox/command', { user: SANDBOX_ADMIN, text: '/efs-encrypt scan' });
    expect(ack.status).toBe(200);
    const message = await eventually(summary, 'the scan summary with Plan migrations…');
    expect(JSON.stringify(message.blocks)).toContain('nencrypted');
    // The progress went to the root's thread, as in Slack.
    expect(message.replies.length).toBeGreaterThan(0);
    expect((await snapshot(SANDBOX_ADMIN)).rejected).toEqual([]);
  }, 30_000);

  it('Plan migrations… clicked by the admin opens the plan modal for the admin only', async () => {
    const message = summary()!;
    const button = (message.blocks as { type: string; elements?: { action_id: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === PLAN_OPEN_ACTION_ID)!;
    const ack = await call('/sandbox/action', {
      user: SANDBOX_ADMIN,
      messageTs: message.ts,
      action: { type: 'button', action_id: button.action_id, block_id: 'b', value: button.value },
    });
    expect(ack.status).toBe(200);
    const modal = await eventually(
      () => world.sandbox.server.channel.snapshot(SANDBOX_ADMIN).views[0],
      'the plan modal',
    );
    expect(JSON.stringify(modal.view.title)).toContain('lan');
    expect((await snapshot('U0SOMEONE1')).views).toEqual([]);
    expect((await snapshot(SANDBOX_ADMIN)).rejected).toEqual([]);
  }, 30_000);

  it('the same click by someone without a role is refused privately, to them only', async () => {
    const message = summary()!;
    await call('/sandbox/action', {
      user: 'U0SOMEONE1',
      messageTs: message.ts,
      action: { type: 'button', action_id: PLAN_OPEN_ACTION_ID, block_id: 'b', value: button(message) },
    });
    const refusal = await eventually(
      () => world.sandbox.server.channel.snapshot('U0SOMEONE1').ephemeral[0],
      'a private refusal',
    );
    expect(refusal.text + JSON.stringify(refusal.blocks ?? [])).toMatch(/admin/i);
    expect(world.sandbox.server.channel.snapshot(SANDBOX_ADMIN).ephemeral).toEqual([]);
    expect(world.sandbox.server.channel.snapshot('U0SOMEONE1').views).toEqual([]);
  }, 30_000);

  it("a request not signed with the sandbox's secret is refused by the bot", async () => {
    const body = 'command=%2Fefs-encrypt&text=scan';
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await fetch(world.sandbox.eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature('test-signing-secret-0123456789abcdef', timestamp, body),
      },
      body,
    });
    expect([400, 401]).toContain(res.status);
  });
});
