import { authorizeBuild, buildMigrationOf, queueBuilds } from '../../build-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { backgroundButton } from '../../background-button.ts';

/** Build on one file system of the review: queues that file system's build alone. */
export function buildOneAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Build', async ({ target, value, replyPrivately }) => {
    const id = await buildMigrationOf(deps, value);
    await authorizeBuild(deps, target.userId, target.correlationId, [id]);
    await replyPrivately((await queueBuilds(deps, target, [id])).reply);
  });
}
