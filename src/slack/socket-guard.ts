import type { SocketModeReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { envelopeProblem } from './payload-envelope.ts';
import { describe } from './request-guard.ts';

type SocketModeClient = SocketModeReceiver['client'];
type MessageListener = (data: unknown, isBinary: boolean) => unknown;

/** Socket Mode envelope types whose `payload` Bolt hands to the app as the request body. */
const PAYLOAD_TYPES = new Set(['events_api', 'slash_commands', 'interactive']);

/**
 * The request guard (request-guard.ts) on the Socket Mode path. @slack/socket-mode 2.x parses each
 * WebSocket message in an async listener nobody awaits, and reads `event.type` and
 * `event.payload.event.type` unchecked: a message `null`, or an `events_api` envelope whose payload
 * is null, is an unhandled rejection that stops the process and every job in it. A payload with a
 * null `user` reaches Bolt, which throws on it. So each message is checked here first: a malformed
 * envelope is logged, acknowledged (Slack would otherwise send it again) and dropped; what the
 * client's own handler still throws is logged, never left unhandled.
 */
export function guardSocketMode(client: SocketModeClient, options: { logger: Logger }): void {
  const { logger } = options;
  const originals = client.listeners('ws_message') as MessageListener[];
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    const problem = isBinary ? undefined : socketEnvelopeProblem(data);
    if (problem) {
      logger.warn({ envelopeId: problem.envelopeId }, `Socket Mode envelope dropped: ${problem.reason}`);
      // The acknowledgement the client's own `ack` sends (its `send` is private in the typings).
      if (problem.envelopeId)
        client['send'](problem.envelopeId).catch((err: unknown) =>
          logger.warn({ err }, 'could not acknowledge a dropped envelope'),
        );
      return;
    }
    for (const listener of originals)
      Promise.resolve()
        .then(() => listener(data, isBinary))
        .catch((err: unknown) => logger.error({ err }, 'Socket Mode message handling failed'));
  });
}

/**
 * Why Bolt could not handle this WebSocket message safely, undefined when it may go on. Text that
 * is not JSON is left to the client, which logs and ignores it.
 */
export function socketEnvelopeProblem(data: unknown): { reason: string; envelopeId?: string } | undefined {
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : undefined;
  if (text === undefined) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message))
    return { reason: `the message is ${describe(message)}, not an object` };
  const envelope = message as Record<string, unknown>;
  const envelopeId = typeof envelope.envelope_id === 'string' ? envelope.envelope_id : undefined;
  const at = envelopeId ? { envelopeId } : {};
  if (typeof envelope.type !== 'string') return { reason: 'the message has no string `type`', ...at };
  if (!PAYLOAD_TYPES.has(envelope.type)) return undefined;
  const payload = envelope.payload;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return {
      reason: `the ${envelope.type} envelope's payload is ${describe(payload)}, not an object`,
      ...at,
    };
  const body = payload as Record<string, unknown>;
  // The client itself reads `payload.event.type` of every events_api envelope.
  if (envelope.type === 'events_api' && (body.event === null || typeof body.event !== 'object'))
    return { reason: `the events_api payload's \`event\` is ${describe(body.event)}, not an object`, ...at };
  const problem = envelopeProblem(body);
  return problem ? { reason: problem, ...at } : undefined;
}
