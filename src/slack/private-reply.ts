import type { RespondArguments, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackMessage } from '#blocks/limits.ts';

/**
 * Where a private answer may go. Bolt builds `respond()` from the payload's own `response_url`
 * whatever it holds: `true` or `"x"` makes its fetch throw ("Failed to parse URL"), and any other
 * host would receive what the bot meant for one person (a signed payload is Slack's, but this
 * keeps a leaked signing secret from turning the bot into a relay). So only Slack's own webhook
 * host is answered through `response_url`; with `SLACK_API_URL` set (tests, a recording server)
 * that server's origin too.
 */
export interface ResponseUrlPolicy {
  /** Why this response_url is not answered; undefined when it may be. */
  problem(url: unknown): string | undefined;
}

export const SLACK_RESPONSE_ORIGIN = 'https://hooks.slack.com';

export function responseUrlPolicy(apiUrl?: string): ResponseUrlPolicy {
  const origins = new Set([SLACK_RESPONSE_ORIGIN]);
  if (apiUrl) origins.add(new URL(apiUrl).origin);
  return {
    problem(url) {
      if (typeof url !== 'string')
        return `the response_url is ${url === null ? 'null' : `a ${typeof url}`}, not a URL`;
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return 'the response_url is not a URL';
      }
      if (!origins.has(parsed.origin))
        return `the response_url's origin ${parsed.origin} is not ${[...origins].join(' or ')}`;
      return undefined;
    },
  };
}

export interface PrivateReplyTarget {
  /** The payload's `response_url` as Slack (or whoever signed it) sent it. */
  responseUrl: unknown;
  /** Bolt's respond(), absent when the payload had no truthy response_url. */
  respond?: (message: RespondArguments) => Promise<unknown>;
  client: webApi.WebClient;
  /** Where chat.postEphemeral answers instead when the response_url is refused. */
  channel?: string;
  user: string;
  log: Logger;
  /** Interactive messages: answer beside the message the button is on, never over it. */
  keepOriginal?: boolean;
}

/**
 * Answers one person privately: through `respond()` when the response_url is Slack's, otherwise
 * (logged at WARN with the reason) through chat.postEphemeral in the channel, or nowhere when the
 * payload names no channel. Never throws for a refused response_url.
 */
export function privateReplier(policy: ResponseUrlPolicy, to: PrivateReplyTarget) {
  return async (message: SlackMessage): Promise<void> => {
    const problem = policy.problem(to.responseUrl);
    if (problem === undefined && to.respond) {
      await to.respond({
        response_type: 'ephemeral',
        ...(to.keepOriginal ? { replace_original: false } : {}),
        ...message,
      });
      return;
    }
    const reason = problem ?? 'the payload has no response_url';
    if (!to.channel) {
      to.log.warn({ reason }, `private answer dropped: ${reason}, and the payload names no channel`);
      return;
    }
    to.log.warn(
      { reason, channel: to.channel },
      `response_url refused (${reason}): answering with chat.postEphemeral`,
    );
    await to.client.chat.postEphemeral({
      channel: to.channel,
      user: to.user,
      text: message.text,
      blocks: message.blocks,
    });
  };
}
