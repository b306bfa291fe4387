import { authorizeBuild, decidedMigrations, queueBuilds } from '../../build-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { parseOptionalScanId } from '../../payload-ids.ts';
import { backgroundButton } from '../../background-button.ts';

/** Build all on the plan summary: one build job per decided file system of the plan. */
export function buildAllAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Build all', async ({ target, value, replyPrivately }) => {
    await authorizeBuild(deps, target.userId, target.correlationId);
    const ids = await decidedMigrations(deps, parseOptionalScanId(value));
    if (ids.length === 0)
      return await replyPrivately({
        text: 'Nothing is decided and waiting to be built: every build has been queued already, or nothing is decided yet.',
        blocks: [],
      });
    await replyPrivately((await queueBuilds(deps, target, ids)).reply);
  });
}
