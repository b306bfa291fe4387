import { code } from '#blocks/format.ts';
import { backgroundButton } from '../../background-button.ts';
import { section } from '../../copy-in-thread.ts';
import { cutoverServiceOf, recordCutoverThread, withRefusalLogged } from '../../cutover-in-thread.ts';
import { parseAppValue } from '../../cutover-payloads.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * Roll back (owner or admin, after Slack's confirm dialog): the phase queues the inverse of every
 * change of the application, in reverse order; the consumer messages show each one undone.
 */
export function cutoverRollbackAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Roll back', async ({ target, value, replyPrivately }) => {
    const cutover = cutoverServiceOf(deps);
    const { migrationId, app } = parseAppValue(value);
    const ctx = {
      userId: target.userId,
      correlationId: target.correlationId,
      action: 'rollback',
      migrationId,
      app,
    };
    const queued = await withRefusalLogged(deps, ctx, () =>
      cutover.phase.rollback(migrationId, {
        actor: target.userId,
        app,
        reason: 'Roll back pressed in Slack',
      }),
    );
    await recordCutoverThread(deps, target, migrationId);
    if (queued.created) cutover.runNow?.([queued.jobId]);
    deps.logger.info(
      { ...ctx, jobId: queued.jobId, created: queued.created },
      queued.created ? 'cutover rollback queued' : 'cutover rollback already queued',
    );
    await replyPrivately(
      section(
        queued.created
          ? `:leftwards_arrow_with_hook: Queued the rollback of *${app}* (job ${code(queued.jobId)}). Each change is undone in reverse order; the consumer messages show it.`
          : `:information_source: The rollback of *${app}* is already queued or running (job ${code(queued.jobId)}): nothing new queued.`,
      ),
    );
  });
}
