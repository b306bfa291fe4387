import { backgroundButton } from '../../background-button.ts';
import { cutoverServiceOf, postCutoverReview, withRefusalLogged } from '../../cutover-in-thread.ts';
import { parseMigrationId } from '../../payload-ids.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * Review cutover (admins): the phase plans every application of the migration fresh (a dry run)
 * and the thread gets one message per application, asking its owner to approve.
 */
export function cutoverReviewAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Review cutover', async ({ target, value }) => {
    cutoverServiceOf(deps);
    const migrationId = parseMigrationId(value);
    await withRefusalLogged(
      deps,
      { userId: target.userId, correlationId: target.correlationId, action: 'review', migrationId },
      () => deps.authorizer.authorize(target.userId, 'cutover'),
    );
    await postCutoverReview(deps, target, migrationId);
  });
}
