import type { SlackMessage } from '#blocks/limits.ts';
import { ResponseIncompleteError } from '../../../domain/errors.ts';
import type { BuildTarget } from '../../build-in-thread.ts';
import type { CommandRequest } from './command-work.ts';

/**
 * Slash commands cannot be sent from inside a thread, so a command whose work reports in a thread
 * (build, cutover) first posts a root message in the channel; the returned target threads under it.
 */
export async function postCommandThread(req: CommandRequest, root: SlackMessage): Promise<BuildTarget> {
  const posted = await req.client.chat.postMessage({ channel: req.channelId, ...root });
  if (!posted.ts) throw new ResponseIncompleteError('chat.postMessage', 'a message ts');
  return {
    client: req.client,
    userId: req.userId,
    channel: req.channelId,
    threadTs: posted.ts,
    correlationId: req.correlationId,
  };
}
