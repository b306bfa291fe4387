import { code } from '#blocks/format.ts';
import { CutoverOutOfOrderError } from '../../../domain/cutover-approval.ts';
import { backgroundButton } from '../../background-button.ts';
import { section } from '../../copy-in-thread.ts';
import { cutoverServiceOf, recordCutoverThread, withRefusalLogged } from '../../cutover-in-thread.ts';
import { parseDecisionValue } from '../../cutover-payloads.ts';
import { showVerdict } from '../../cutover-verdict.ts';
import { reviewMessages } from '../../review-messages.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * Approve cutover: the owner or an admin (the phase decides; anyone else is refused privately and
 * the refusal logged). The verdict is recorded once (a double click finds the first and says so),
 * shown in place on the review message, and the apply is queued when the application may start
 * now; the phase's apply is idempotent, so a second click queues nothing new, and an application
 * that must wait for another (the admin's order) says what comes first.
 */
export function cutoverApproveAction(deps: ListenerDeps) {
  return backgroundButton(
    deps,
    'Approve cutover',
    async ({ target, value, messageTs, messageBlocks, replyPrivately }) => {
      const cutover = cutoverServiceOf(deps);
      const { migrationId, app, planDigest } = parseDecisionValue(value);
      if (messageTs && messageBlocks) reviewMessages.remember(target.channel, messageTs, messageBlocks);
      const ctx = {
        userId: target.userId,
        correlationId: target.correlationId,
        action: 'approve',
        migrationId,
        app,
      };
      const { verdict, created } = await withRefusalLogged(deps, ctx, () =>
        cutover.phase.approve(migrationId, { actor: target.userId, app, planDigest }),
      );
      const log = deps.logger.child({ ...ctx, retryNum: target.retryNum });
      log.info(
        { created, decision: verdict.decision, planDigest },
        created ? 'cutover approved' : 'cutover verdict already recorded',
      );
      await showVerdict(deps, target, verdict, {
        ...(messageTs ? { messageTs } : {}),
        ...(messageBlocks ? { blocks: messageBlocks } : {}),
      });
      const who = `<@${verdict.approver}> (${verdict.role}) at ${verdict.at}`;
      if (verdict.decision === 'rejected')
        return await replyPrivately(
          section(
            `:no_entry: The cutover of *${app}* was already rejected by ${who}: ${verdict.reason}. Nothing is applied; press Review cutover for a new plan to approve.`,
          ),
        );
      const already = created ? '' : `:information_source: Already approved by ${who}. `;
      // Progress goes to this thread: recorded before the job is queued (persisted before announced).
      await recordCutoverThread(deps, target, migrationId);
      let queued;
      try {
        queued = await cutover.phase.apply(migrationId, { actor: target.userId, app, planDigest });
      } catch (err) {
        if (!(err instanceof CutoverOutOfOrderError)) throw err;
        log.info({ reason: err.userMessage }, 'cutover approved but not started: out of order');
        return await replyPrivately(
          section(
            `${already || ':white_check_mark: Approval recorded. '}The cutover of *${app}* does not start yet: ${err.userMessage} Press Approve again once it may start.`,
          ),
        );
      }
      if (queued.created) cutover.runNow?.([queued.jobId]);
      log.info(
        { jobId: queued.jobId, created: queued.created },
        queued.created ? 'cutover apply queued' : 'cutover apply already queued',
      );
      await replyPrivately(
        section(
          queued.created
            ? `${already || ':white_check_mark: Approved. '}:rocket: Queued the cutover of *${app}* (job ${code(queued.jobId)}). Progress follows in the thread, one message per consumer.`
            : `${already}The cutover of *${app}* is already queued, running or done (job ${code(queued.jobId)}): nothing new queued${target.retryNum ? ` (Slack retry ${target.retryNum})` : ''}.`,
        ),
      );
    },
  );
}
