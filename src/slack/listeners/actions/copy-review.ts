import { authorizeCopy, knownCopyMigration, copyMigrationOf, postCopyReview } from '../../copy-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { backgroundButton } from '../../background-button.ts';

/** Review copy (DataSync, replication): the dry run of the copies on offer, in the thread; admins only, changes nothing. */
export function copyReviewAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Review copy', async ({ target, value: given, replyPrivately }) => {
    await authorizeCopy(deps, target.userId, target.correlationId, () => knownCopyMigration(deps, given));
    const value = await copyMigrationOf(deps, given);
    const posted = await postCopyReview(deps, target, value);
    if (posted === 0)
      await replyPrivately({
        text: 'No copy can start now (one is running, or the copy is done), so there is nothing to review. The copy message shows what applies next.',
        blocks: [],
      });
  });
}
