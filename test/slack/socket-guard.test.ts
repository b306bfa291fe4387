import type { SocketModeReceiver } from '@slack/bolt';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createSlackApp } from '../../src/slack/app.ts';
import { socketEnvelopeProblem } from '../../src/slack/socket-guard.ts';
import { fakeServices } from '../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../harness/scan-fixtures.ts';

/**
 * Socket Mode: the WebSocket messages Slack would send, fed to the receiver's client as its socket
 * feeds it (`ws_message`), without a connection. Before the guard, the client's async handler threw
 * on them with nobody awaiting it: an unhandled rejection, which stops the process.
 */
function socketApp() {
  const lines: Record<string, unknown>[] = [];
  const slack = createSlackApp({
    config: loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'socket', SLACK_APP_TOKEN: 'xapp-1-abc' }),
    services: fakeServices({ result: scanRecord([fileSystem()]) }),
    logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
    botIdentity: { botId: 'B1', botUserId: 'U1' },
  });
  const receiver = slack.receiver.receiver as SocketModeReceiver;
  const client = receiver.client;
  const acked: string[] = [];
  // The client's acknowledgement goes over the WebSocket, which these tests do not open.
  (client as unknown as { send: (id: string) => Promise<void> }).send = async (id) => void acked.push(id);
  /** Feeds one message to every `ws_message` listener and waits for what they return. */
  const feed = async (message: string) => {
    await Promise.all(client.listeners('ws_message').map((l) => l(Buffer.from(message), false)));
    // The guard hands messages on in a microtask: let them run.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { client, lines, acked, feed };
}

const envelope = (type: string, payload: unknown) =>
  JSON.stringify({ envelope_id: `env-${type}`, type, payload, accepts_response_payload: false });

describe('Socket Mode envelopes Bolt would crash on', () => {
  it.each([
    ['the message null', 'null', /the message is null, not an object/, undefined],
    ['the message 42', '42', /the message is a number, not an object/, undefined],
    [
      'an events_api envelope with a null payload',
      envelope('events_api', null),
      /payload is null/,
      'env-events_api',
    ],
    [
      'an events_api envelope with a null event',
      envelope('events_api', { event: null }),
      /`event` is null/,
      'env-events_api',
    ],
    [
      'an interactive envelope whose user is null',
      envelope('interactive', { type: 'block_actions', user: null, actions: [{ action_id: 'a' }] }),
      /block_actions payload's `user` is null/,
      'env-interactive',
    ],
    [
      'a slash command envelope whose user_id is missing',
      envelope('slash_commands', { command: '/efs-encrypt', channel_id: 'C1', team_id: 'T1' }),
      /slash_command payload's `user_id` is missing/,
      'env-slash_commands',
    ],
  ])(
    'logs %s, acknowledges it and drops it, and the process lives on',
    async (_name, message, why, envelopeId) => {
      const { lines, acked, feed, client } = socketApp();
      const reached: unknown[] = [];
      client.on('slack_event', (e) => reached.push(e));
      await feed(message);
      const warning = lines.find((l) => String(l.msg).startsWith('Socket Mode envelope dropped'));
      expect(warning?.msg).toMatch(why);
      expect(acked).toEqual(envelopeId ? [envelopeId] : []);
      expect(reached).toEqual([]);
    },
  );

  it('hands a well-formed message on to the client (hello: connected)', async () => {
    const { feed, client, lines } = socketApp();
    let connected = false;
    client.on('connected', () => (connected = true));
    await feed(JSON.stringify({ type: 'hello', num_connections: 1 }));
    expect(connected).toBe(true);
    expect(lines.filter((l) => String(l.msg).includes('dropped'))).toEqual([]);
  });

  it('passes well-formed envelopes of every payload kind', () => {
    expect(
      socketEnvelopeProblem(
        envelope('events_api', { event: { type: 'app_mention', user: 'U1', channel: 'C1' }, team_id: 'T1' }),
      ),
    ).toBeUndefined();
    expect(
      socketEnvelopeProblem(
        envelope('slash_commands', {
          command: '/efs-encrypt',
          user_id: 'U1',
          channel_id: 'C1',
          team_id: 'T1',
        }),
      ),
    ).toBeUndefined();
    expect(
      socketEnvelopeProblem(
        envelope('interactive', {
          type: 'block_actions',
          user: { id: 'U1' },
          team: { id: 'T1' },
          actions: [{ action_id: 'a' }],
        }),
      ),
    ).toBeUndefined();
    expect(socketEnvelopeProblem('not json')).toBeUndefined();
  });
});
