import { authorizeBuild, decidedMigrations, postBuildReview } from '../../build-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { parseOptionalScanId } from '../../payload-ids.ts';
import { backgroundButton } from '../../background-button.ts';

/** Review build on the plan summary: the dry run of every decided file system, in the thread. */
export function buildReviewAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Review build', async ({ target, value, replyPrivately }) => {
    await authorizeBuild(deps, target.userId, target.correlationId);
    const ids = await decidedMigrations(deps, parseOptionalScanId(value));
    if (ids.length === 0)
      return await replyPrivately({
        text: 'Nothing is decided and waiting to be built, so there is nothing to review.',
        blocks: [],
      });
    await postBuildReview(deps, target, ids);
  });
}
