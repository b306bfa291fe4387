import type { webApi } from '@slack/bolt';
import type { SlackMessage } from '#blocks/limits.ts';
import { ResponseIncompleteError } from '../domain/errors.ts';
import { runButtonWork } from './background-button.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { runScanRequest } from './listeners/commands/scan.ts';
import type { WorkMessage } from './work-dispatch.ts';
import { privateReplier } from './private-reply.ts';
import { runDigestWork } from './digest-in-channel.ts';
import { runCommandWork } from './listeners/commands/command-work.ts';
import { runViewWork } from './view-work.ts';
import { watchSlackWrites } from './slack-write-watch.ts';

export interface RunWorkOptions {
  /**
   * Awaited before the work's first Slack write (through the app's client or a response_url): the
   * Lambda worker records there that running the work again would show something twice.
   */
  beforeFirstWrite?: () => Promise<void>;
}

/**
 * Runs a dispatched work message in this process and resolves when it is done: what the listener
 * would have run after its ack, rebuilt from IDs (the app's own client, the response_url for
 * private answers). The Lambda worker's body.
 */
export async function runWorkMessage(
  deps: ListenerDeps,
  appClient: webApi.WebClient,
  message: WorkMessage,
  options: RunWorkOptions = {},
): Promise<void> {
  const watch = options.beforeFirstWrite && watchSlackWrites(appClient, options.beforeFirstWrite);
  const client = watch?.client ?? appClient;
  const respondVia = (url: string) => {
    const post = respondViaUrl(url);
    if (!watch) return post;
    return async (m: SlackMessage) => {
      await watch.beforeWrite();
      await post(m);
    };
  };
  // A scheduled digest has nobody to answer privately: it is handled before the reply set-up.
  if (message.kind === 'digest') {
    const { userId, responseUrl } = message;
    const reply =
      userId && responseUrl
        ? privateReplier(deps.responseUrls, {
            responseUrl,
            respond: (m) => respondVia(responseUrl)(m as SlackMessage),
            client,
            channel: message.channelId,
            user: userId,
            log: deps.logger.child({ correlationId: message.correlationId, userId }),
          })
        : undefined;
    return runDigestWork(deps, client, message, reply);
  }
  // A modal's work answers in its thread (the metadata names it): no response_url.
  if (message.kind === 'view') return runViewWork(deps, client, message);
  // The worker checks the response_url as the listener does: only Slack's host is answered there.
  const viaUrl = respondVia(message.responseUrl);
  const replyPrivately = privateReplier(deps.responseUrls, {
    responseUrl: message.responseUrl,
    respond: (m) => viaUrl(m as SlackMessage),
    client,
    ...(message.channelId ? { channel: message.channelId } : {}),
    user: message.userId,
    log: deps.logger.child({ correlationId: message.correlationId, userId: message.userId }),
  });
  switch (message.kind) {
    case 'scan':
      return runScanRequest(deps, {
        client,
        channelId: message.channelId,
        userId: message.userId,
        correlationId: message.correlationId,
        scope: message.scope,
        responseUrl: message.responseUrl,
        replyPrivately,
      });
    case 'button':
      return runButtonWork(deps, message, { client, replyPrivately });
    case 'command':
      return runCommandWork(deps, message, { client, replyPrivately });
  }
}

/** Bolt's `respond` outside a request: an ephemeral post to the interaction's response_url. */
export function respondViaUrl(responseUrl: string) {
  return async (message: SlackMessage): Promise<void> => {
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...message }),
    });
    if (!res.ok) throw new ResponseIncompleteError('response_url', `a 2xx answer (got ${res.status})`);
  };
}
