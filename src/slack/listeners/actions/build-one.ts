import {
  authorizeBuild,
  buildMigrationOf,
  knownBuildMigrations,
  queueBuilds,
} from '../../build-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { backgroundButton } from '../../background-button.ts';

/** Build on one file system of the review: queues that file system's build alone. */
export function buildOneAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Build', async ({ target, value, replyPrivately }) => {
    await authorizeBuild(deps, target.userId, target.correlationId, () => knownBuildMigrations(deps, value));
    const id = await buildMigrationOf(deps, value);
    await replyPrivately((await queueBuilds(deps, target, [id])).reply);
  });
}
