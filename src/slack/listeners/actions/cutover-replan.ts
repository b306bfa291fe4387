import { applicationReviewMessage, withSuperseded } from '#blocks/cutover-review.ts';
import { code } from '#blocks/format.ts';
import { BadInputError, UnauthorizedError, isEfsEncryptError, ErrorCode } from '../../../domain/errors.ts';
import { backgroundButton } from '../../background-button.ts';
import { section } from '../../copy-in-thread.ts';
import {
  applicationReviews,
  cutoverServiceOf,
  recordCutoverThread,
  withRefusalLogged,
} from '../../cutover-in-thread.ts';
import { parseReplanValue } from '../../cutover-payloads.ts';
import { reviewMessages } from '../../review-messages.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * Re-plan with (or without) instance refresh, on an application's review message (issue #14 §3:
 * instances are replaced only when the owner ticks it). The owner or an admin re-plans that one
 * application: a new plan revision and digest (an approval of the earlier plan does not cover
 * it), posted in the thread, and the earlier message's Approve / Reject replaced by a pointer to
 * it. Refused while the application is being applied or once it is cut over.
 */
export function cutoverReplanAction(deps: ListenerDeps) {
  return backgroundButton(
    deps,
    'Re-plan cutover',
    async ({ target, value, messageTs, messageBlocks, replyPrivately }) => {
      const cutover = cutoverServiceOf(deps);
      const { migrationId, app, instanceRefresh } = parseReplanValue(value);
      const ctx = {
        userId: target.userId,
        correlationId: target.correlationId,
        action: instanceRefresh ? 're-plan with instance refresh' : 're-plan without instance refresh',
        migrationId,
        app,
      };
      const status = await cutover.phase.status(migrationId);
      const current = status.applications.find((a) => a.app === app);
      if (!current) throw new BadInputError(`${app} has no cutover plan; press Review cutover first.`);
      await withRefusalLogged(deps, ctx, async () => {
        if (current.owner.ownerUserId === target.userId) return;
        try {
          await deps.authorizer.authorize(target.userId, 'cutover');
        } catch (err) {
          if (!isEfsEncryptError(err) || err.code !== ErrorCode.Unauthorized) throw err;
          throw new UnauthorizedError(
            `Only the owner of ${app}${current.owner.ownerUserId ? ` (<@${current.owner.ownerUserId}>)` : ''} or an admin may re-plan its cutover.`,
          );
        }
      });
      if (current.status === 'applying' || current.status === 'cut_over')
        throw new BadInputError(
          `${app} is ${current.status === 'applying' ? 'being cut over now' : 'cut over'}; it cannot be re-planned. Roll it back first to plan it again.`,
        );
      // Persisted before announced: the thread first (progress must find it), then the new plan.
      await recordCutoverThread(deps, target, migrationId);
      const review = await cutover.phase.review(migrationId, {
        actor: target.userId,
        app,
        ...(instanceRefresh ? { instanceRefresh: true } : {}),
      });
      const [shown] = applicationReviews(review);
      if (!shown)
        throw new BadInputError(`No consumer of ${review.sourceFileSystemId} belongs to ${app} now.`);
      const why = instanceRefresh ? 'with instance refresh' : 'without instance refresh';
      const blocks = messageBlocks ?? (messageTs ? reviewMessages.get(target.channel, messageTs) : undefined);
      if (messageTs && blocks) {
        const updated = withSuperseded(blocks, shown.plan.revision, why);
        await target.client.chat.update({
          channel: target.channel,
          ts: messageTs,
          text: `Cutover review of ${app}: superseded by plan revision ${shown.plan.revision}`,
          blocks: updated,
        });
        reviewMessages.remember(target.channel, messageTs, updated);
      }
      const message = applicationReviewMessage(shown);
      const posted = await target.client.chat.postMessage({
        channel: target.channel,
        thread_ts: target.threadTs,
        ...message,
      });
      if (posted.ts) reviewMessages.remember(target.channel, posted.ts, message.blocks);
      deps.logger.info(
        { ...ctx, revision: shown.plan.revision, planDigest: shown.plan.digest },
        'cutover re-planned',
      );
      await replyPrivately(
        section(
          instanceRefresh
            ? `:recycle: Re-planned *${app}* with instance refresh: plan revision ${shown.plan.revision}, digest ${code(shown.plan.digest.slice(0, 12))}. Its Auto Scaling groups' instances will be replaced by ones that mount the twin, and *capacity drops while instances are replaced*. An approval of the earlier plan does not cover this one: approve the new plan in the thread.`
            : `:information_source: Re-planned *${app}* without instance refresh: plan revision ${shown.plan.revision}, digest ${code(shown.plan.digest.slice(0, 12))}. Running instances keep mounting the source until replaced. Approve the new plan in the thread.`,
        ),
      );
    },
  );
}
