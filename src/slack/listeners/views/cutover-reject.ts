import { CUTOVER_REJECT_CALLBACK_ID } from '#blocks/cutover-modals.ts';
import { section } from '../../copy-in-thread.ts';
import { cutoverServiceOf, withRefusalLogged } from '../../cutover-in-thread.ts';
import { parseRejectMetadata } from '../../cutover-payloads.ts';
import { cutoverReasonSubmission } from '../../cutover-view-submission.ts';
import { showVerdict } from '../../cutover-verdict.ts';
import type { ListenerDeps } from '../deps.ts';

/**
 * Reject submitted with its reason: the owner or an admin (the phase decides) rejects this plan of
 * this application; recorded once (a second submission finds the first verdict) and shown in place
 * on the review message. Nothing changes in AWS.
 */
export function cutoverRejectView(deps: ListenerDeps) {
  return cutoverReasonSubmission(
    deps,
    CUTOVER_REJECT_CALLBACK_ID,
    'Reject cutover',
    parseRejectMetadata,
    async (target, meta, reason) => {
      const cutover = cutoverServiceOf(deps);
      const { migrationId, app, planDigest } = meta;
      const ctx = {
        userId: target.userId,
        correlationId: target.correlationId,
        action: 'reject',
        migrationId,
        app,
      };
      const { verdict, created } = await withRefusalLogged(deps, ctx, () =>
        cutover.phase.reject(migrationId, { actor: target.userId, app, planDigest, reason }),
      );
      deps.logger.info(
        { ...ctx, created, decision: verdict.decision },
        created ? 'cutover rejected' : 'cutover verdict already recorded',
      );
      await showVerdict(deps, target, verdict, meta.messageTs ? { messageTs: meta.messageTs } : {});
      const who = `<@${verdict.approver}> (${verdict.role}) at ${verdict.at}`;
      if (!created)
        return section(
          verdict.decision === 'approved'
            ? `:information_source: The cutover of *${app}* was already approved by ${who}; your rejection was not recorded. Ask the owner or an admin to roll it back if needed.`
            : `:information_source: Already rejected by ${who}: ${verdict.reason}`,
        );
      return section(
        `:no_entry: Rejected the cutover plan of *${app}*: ${reason}. Nothing is changed; a new review makes a new plan to approve.`,
      );
    },
  );
}
