import {
  authorizeBuild,
  buildRootMessage,
  buildServiceOf,
  queueBuilds,
  resolveBuildTargets,
} from '../../build-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { postCommandThread } from './command-thread.ts';
import type { CommandRequest } from './command-work.ts';

/**
 * `/efs-encrypt build <fs-id>…|all`: the same builds as the buttons. The checks (admin, what to
 * build) answer privately in the request, before anything is posted in the channel; the returned
 * migration IDs are what the work queues.
 */
export async function checkBuildCommand(
  deps: ListenerDeps,
  req: Pick<CommandRequest, 'userId' | 'correlationId' | 'args'>,
): Promise<string[]> {
  await authorizeBuild(deps, req.userId, req.correlationId);
  return resolveBuildTargets(await buildServiceOf(deps).listMigrations(), req.args);
}

/**
 * After the ack (here or on the worker): checked again, then, since slash commands cannot be sent
 * from inside a thread, a root message the progress threads under, and the builds queued.
 */
export async function runBuildCommand(deps: ListenerDeps, req: CommandRequest): Promise<void> {
  const ids = await checkBuildCommand(deps, req);
  const target = await postCommandThread(req, buildRootMessage(req.userId, ids));
  const { reply } = await queueBuilds(deps, target, ids);
  await req.replyPrivately(reply);
}
