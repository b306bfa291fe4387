import { createHmac } from 'node:crypto';

/**
 * Slack's v0 request signature: HMAC-SHA256 of `v0:timestamp:body` with the signing secret. The
 * sandbox signs what the page sends exactly as Slack signs it, so the bot's receiver checks it as it
 * checks Slack's; the Slack test harness signs with the same function.
 */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The two headers Bolt's receiver verifies, for a body sent now. */
export function signedHeaders(
  secret: string,
  body: string,
  now: number = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}
