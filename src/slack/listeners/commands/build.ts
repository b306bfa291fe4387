import type { AllMiddlewareArgs } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import {
  authorizeBuild,
  buildRootMessage,
  buildServiceOf,
  queueBuilds,
  resolveBuildTargets,
} from '../../build-in-thread.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { ResponseIncompleteError } from '../../../domain/errors.ts';

export interface BuildCommandRequest {
  client: AllMiddlewareArgs['client'];
  userId: string;
  channelId: string;
  correlationId: string;
  args: string[];
  replyPrivately(message: SlackMessage): Promise<void>;
}

/**
 * `/efs-encrypt build <fs-id>…|all`: the same builds as the buttons. Slash commands cannot be sent
 * from inside a thread, so the bot posts a root message and threads the progress under it. The
 * checks (admin, what to build) answer privately before anything is posted in the channel.
 */
export async function buildFromCommand(deps: ListenerDeps, req: BuildCommandRequest): Promise<void> {
  await authorizeBuild(deps, req.userId, req.correlationId);
  const build = buildServiceOf(deps);
  const ids = resolveBuildTargets(await build.listMigrations(), req.args);
  deps.tasks.start(`build ${req.correlationId}`, async () => {
    try {
      const root = await req.client.chat.postMessage({
        channel: req.channelId,
        ...buildRootMessage(req.userId, ids),
      });
      if (!root.ts) throw new ResponseIncompleteError('chat.postMessage', 'a message ts');
      const { reply } = await queueBuilds(
        deps,
        {
          client: req.client,
          userId: req.userId,
          channel: req.channelId,
          threadTs: root.ts,
          correlationId: req.correlationId,
        },
        ids,
      );
      await req.replyPrivately(reply);
    } catch (err) {
      deps.logger.warn({ err, correlationId: req.correlationId }, 'build from the command failed');
      await req.replyPrivately(
        errorMessage({
          title: '/efs-encrypt build',
          userMessage: userMessageOf(err),
          correlationId: req.correlationId,
        }),
      );
    }
  });
}
