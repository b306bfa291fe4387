import type { SlackMessage } from '#blocks/limits.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { runDigestWork } from '../../digest-in-channel.ts';
import type { DigestWork } from '../../work-dispatch.ts';
import type { ListenerDeps } from '../deps.ts';
import type { webApi } from '@slack/bolt';

/**
 * `/efs-encrypt digest`: anyone may ask (it reads AWS and the store, and posts what the scheduled
 * digest would). Acknowledged already; the scan runs after the ack (here or on the worker), and the
 * digest is posted in the channel the command was sent from.
 */
export async function digestFromCommand(
  deps: ListenerDeps,
  req: {
    client: webApi.WebClient;
    channelId: string;
    userId: string;
    correlationId: string;
    responseUrl: string;
    replyPrivately(message: SlackMessage): Promise<void>;
  },
): Promise<void> {
  await deps.authorizer.authorize(req.userId, 'digest');
  if (!deps.services.digest) throw new BadInputError('Digests are not available in this deployment.');
  const message: DigestWork = {
    kind: 'digest',
    correlationId: req.correlationId,
    channelId: req.channelId,
    userId: req.userId,
    responseUrl: req.responseUrl,
  };
  await req.replyPrivately({
    text: 'Building the digest: a fresh scan first, then it is posted here.',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':hourglass_flowing_sand: Building the digest: a fresh scan of every configured account and region first, then it is posted here.',
        },
      },
    ],
  });
  await deps.work.dispatch(message, () => runDigestWork(deps, req.client, message, req.replyPrivately));
}
