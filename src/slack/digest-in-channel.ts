import type { webApi } from '@slack/bolt';
import { digestMessage } from '#blocks/digest.ts';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { BadInputError, ResponseIncompleteError } from '../domain/errors.ts';
import type { DigestPoster } from '../workflow/digest/index.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { userMessageOf } from './slack-errors.ts';
import type { DigestWork } from './work-dispatch.ts';

/** Posts a digest as Block Kit with the app's own client; the message ts is what the store records. */
export function slackDigestPoster(client: webApi.WebClient): DigestPoster {
  return {
    async post(channel, digest) {
      const res = await client.chat.postMessage({ channel, ...digestMessage(digest) });
      if (!res.ts) throw new ResponseIncompleteError('chat.postMessage', 'a message ts');
      return { messageTs: res.ts };
    },
  };
}

/**
 * A digest work message, here or on the Lambda worker: a scheduled slot (claimed once across
 * replicas and retries) or one asked for on demand, posted in the channel it was asked in. A failed
 * on-demand digest is told privately with the correlation ID; the detail goes to the log.
 */
export async function runDigestWork(
  deps: Pick<ListenerDeps, 'services' | 'logger'>,
  client: webApi.WebClient,
  message: DigestWork,
  /** On demand: where a failure is told (the response_url of the command). */
  replyPrivately?: (message: SlackMessage) => Promise<void>,
): Promise<void> {
  const log = deps.logger.child({
    correlationId: message.correlationId,
    channelId: message.channelId,
    job: 'digest',
  });
  const digest = deps.services.digest;
  if (!digest) throw new BadInputError('Digests are not available in this deployment.');
  const poster = slackDigestPoster(client);
  if (message.slot) {
    const out = await digest.postSlot(new Date(message.slot), message.channelId, poster);
    log.info(
      { slot: out.slot, posted: out.posted },
      out.posted ? 'digest posted' : 'digest slot already taken',
    );
    return;
  }
  const userId = message.userId;
  if (!userId || !replyPrivately)
    throw new BadInputError(
      'A digest work message needs a slot (scheduled) or who asked and a response_url (on demand).',
    );
  try {
    const { digest: posted, messageTs } = await digest.postOnDemand(
      message.channelId,
      { requestedBy: userId },
      poster,
    );
    log.info({ digestId: posted.digestId, messageTs }, 'digest posted on demand');
  } catch (err) {
    log.error({ err }, 'digest failed');
    await replyPrivately(
      errorMessage({
        title: 'The digest failed',
        userMessage: userMessageOf(err),
        correlationId: message.correlationId,
      }),
    );
  }
}
