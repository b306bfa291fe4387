import type { AllMiddlewareArgs } from '@slack/bolt';
import { cutoverRootMessage } from '#blocks/cutover-review.ts';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { ResponseIncompleteError } from '../../../domain/errors.ts';
import {
  cutoverMigrationOf,
  cutoverServiceOf,
  postCutoverReview,
  withRefusalLogged,
} from '../../cutover-in-thread.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';

export interface CutoverCommandRequest {
  client: AllMiddlewareArgs['client'];
  userId: string;
  channelId: string;
  correlationId: string;
  args: string[];
  replyPrivately(message: SlackMessage): Promise<void>;
}

/**
 * `/efs-encrypt cutover FS_ID` (admins): what Review cutover does, from the channel. Slash commands
 * cannot be sent from inside a thread, so the bot posts a root message and threads the review,
 * the approvals and the progress under it. The checks answer privately before anything is posted.
 */
export async function cutoverFromCommand(deps: ListenerDeps, req: CutoverCommandRequest): Promise<void> {
  cutoverServiceOf(deps);
  await withRefusalLogged(
    deps,
    { userId: req.userId, correlationId: req.correlationId, action: 'review' },
    () => deps.authorizer.authorize(req.userId, 'cutover'),
  );
  const migrationId = await cutoverMigrationOf(deps, req.args[0]);
  const fileSystemId = migrationId.split('#').at(-1) ?? migrationId;
  deps.tasks.start(`cutover ${req.correlationId}`, async () => {
    try {
      const root = await req.client.chat.postMessage({
        channel: req.channelId,
        ...cutoverRootMessage(req.userId, fileSystemId),
      });
      if (!root.ts) throw new ResponseIncompleteError('chat.postMessage', 'a message ts');
      await postCutoverReview(
        deps,
        {
          client: req.client,
          userId: req.userId,
          channel: req.channelId,
          threadTs: root.ts,
          correlationId: req.correlationId,
        },
        migrationId,
      );
    } catch (err) {
      deps.logger.warn({ err, correlationId: req.correlationId }, 'cutover from the command failed');
      await req.replyPrivately(
        errorMessage({
          title: '/efs-encrypt cutover',
          userMessage: userMessageOf(err),
          correlationId: req.correlationId,
        }),
      );
    }
  });
}
