import { cutoverRootMessage } from '#blocks/cutover-review.ts';
import {
  cutoverMigrationOf,
  cutoverServiceOf,
  postCutoverReview,
  withRefusalLogged,
} from '../../cutover-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { postCommandThread } from './command-thread.ts';
import type { CommandRequest } from './command-work.ts';

/**
 * `/efs-encrypt cutover FS_ID` (admins): what Review cutover does, from the channel. The checks
 * answer privately in the request, before anything is posted; returns the migration's ID.
 */
export async function checkCutoverCommand(
  deps: ListenerDeps,
  req: Pick<CommandRequest, 'userId' | 'correlationId' | 'args'>,
): Promise<string> {
  cutoverServiceOf(deps);
  await withRefusalLogged(
    deps,
    { userId: req.userId, correlationId: req.correlationId, action: 'review' },
    () => deps.authorizer.authorize(req.userId, 'cutover'),
  );
  return cutoverMigrationOf(deps, req.args[0]);
}

/**
 * After the ack (here or on the worker): checked again, then, since slash commands cannot be sent
 * from inside a thread, a root message the review, the approvals and the progress thread under.
 */
export async function runCutoverCommand(deps: ListenerDeps, req: CommandRequest): Promise<void> {
  const migrationId = await checkCutoverCommand(deps, req);
  const fileSystemId = migrationId.split('#').at(-1) ?? migrationId;
  const target = await postCommandThread(req, cutoverRootMessage(req.userId, fileSystemId));
  await postCutoverReview(deps, target, migrationId);
}
