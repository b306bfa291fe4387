import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxServer } from '../../src/sandbox/server.ts';
import { slackSignature } from '../../src/sandbox/slack-signature.ts';

/**
 * views.push and view_closed: the bot uses neither today (no views.push call and no
 * notify_on_close in src/slack or blocks/), so the sandbox's support is tested here with a
 * recording receiver, which checks each request's signature as Bolt would.
 */
const SECRET = 'view-stack-signing-secret';
const USER = 'U0PUSHER1';

const modal = (title: string, extra: Record<string, unknown> = {}) => ({
  type: 'modal' as const,
  title: { type: 'plain_text' as const, text: title },
  close: { type: 'plain_text' as const, text: 'Back' },
  blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: title } }],
  ...extra,
});

describe("the sandbox's modal stack: views.push, Back, and view_closed when notify_on_close asks", () => {
  let sandbox: SandboxServer;
  let receiver: Server;
  let received: Record<string, unknown>[];
  let client: InstanceType<typeof webApi.WebClient>;

  beforeEach(async () => {
    received = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ts = Number(req.headers['x-slack-request-timestamp']);
        if (req.headers['x-slack-signature'] !== slackSignature(SECRET, ts, body)) {
          res.writeHead(401).end();
          return;
        }
        const form = new URLSearchParams(body);
        received.push(form.has('payload') ? JSON.parse(form.get('payload')!) : Object.fromEntries(form));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    sandbox = new SandboxServer({
      signingSecret: SECRET,
      users: [],
      bot: { botId: 'B1', botUserId: 'U1', teamId: 'T1' },
    });
    await sandbox.start();
    sandbox.connectReceiver(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack/events`);
    client = new webApi.WebClient('xoxb-x', { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 } });
  });

  afterEach(async () => {
    await sandbox.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  /** A trigger ID as Slack hands one out: with a slash command the person typed. */
  async function trigger(): Promise<string> {
    await sandbox.interactions.slashCommand({ user: USER, text: '/efs-encrypt help' });
    return String(received.at(-1)!.trigger_id);
  }

  const stack = () => sandbox.channel.snapshot(USER).views;
  const close = (viewId: string) =>
    fetch(new URL('/sandbox/close', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: USER, viewId }),
    }).then((r) => r.json() as Promise<{ status: number }>);

  it('views.push stacks a modal over the open one; Back closes only the top, and the bot hears nothing', async () => {
    const opened = await client.views.open({ trigger_id: await trigger(), view: modal('First') });
    const pushed = await client.views.push({ trigger_id: await trigger(), view: modal('Second') });
    expect(stack().map((v) => v.id)).toEqual([opened.view!.id, pushed.view!.id]);
    expect(stack().map((v) => (v.view.title as { text: string }).text)).toEqual(['First', 'Second']);

    const before = received.length;
    expect((await close(pushed.view!.id!)).status).toBe(200);
    expect(stack().map((v) => v.id)).toEqual([opened.view!.id]);
    // No notify_on_close: Slack tells the app nothing.
    expect(received.length).toBe(before);
  });

  it('views.push refuses an invalid view with invalid_arguments and leaves the stack as it was', async () => {
    await client.views.open({ trigger_id: await trigger(), view: modal('First') });
    await expect(
      client.views.push({ trigger_id: await trigger(), view: modal('A title far over 24 characters') }),
    ).rejects.toMatchObject({ data: { ok: false, error: 'invalid_arguments' } });
    expect(stack()).toHaveLength(1);
    expect(sandbox.channel.rejected).toMatchObject([{ method: 'views.push', error: 'invalid_arguments' }]);
    await expect(
      client.views.push({ trigger_id: 'not-handed-out', view: modal('Second') }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });
  });

  it('closing a modal that set notify_on_close sends the bot a signed view_closed with its view', async () => {
    const opened = await client.views.open({
      trigger_id: await trigger(),
      view: modal('Notify me', { notify_on_close: true, callback_id: 'cb', private_metadata: 'meta' }),
    });
    expect((await close(opened.view!.id!)).status).toBe(200);
    expect(stack()).toEqual([]);
    expect(received.at(-1)).toMatchObject({
      type: 'view_closed',
      user: { id: USER },
      is_cleared: false,
      view: { id: opened.view!.id, callback_id: 'cb', private_metadata: 'meta', notify_on_close: true },
    });
  });
});
