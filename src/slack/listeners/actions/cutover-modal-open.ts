import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { rejectModal, waiveModal } from '#blocks/cutover-modals.ts';
import { errorMessage } from '#blocks/error.ts';
import type { Block } from '#blocks/limits.ts';
import { newCorrelationId } from '../../correlation.ts';
import { cutoverServiceOf, withRefusalLogged } from '../../cutover-in-thread.ts';
import { parseConsumerValue, parseDecisionValue } from '../../cutover-payloads.ts';
import { reviewMessages } from '../../review-messages.ts';
import { buttonOutsideMessage, userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Reject and Waive open a modal asking for the reason (required). The trigger ID lives 3 seconds,
 * so only what is quick runs first: the payload parsed, and for Waive the admin check (Reject is
 * the owner's or an admin's, which the phase decides on submission). The modal carries the thread
 * to answer in and the message to show the verdict on.
 */
export function cutoverModalAction(deps: ListenerDeps, modal: 'reject' | 'waive') {
  const title = modal === 'reject' ? 'Reject cutover' : 'Waive';
  return async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({ correlationId, userId: body.user.id, action: action.action_id });
    try {
      cutoverServiceOf(deps);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const messageTs = body.message?.ts ?? body.container?.message_ts;
      const threadTs = body.message?.thread_ts ?? messageTs;
      if (!channel || !threadTs) throw buttonOutsideMessage();
      const where = { channel, threadTs, ...(messageTs ? { messageTs } : {}) };
      let view;
      if (modal === 'reject') {
        const d = parseDecisionValue(action.value);
        if (messageTs && body.message?.blocks)
          reviewMessages.remember(channel, messageTs, body.message.blocks as Block[]);
        view = rejectModal({ m: d.migrationId, a: d.app, d: d.planDigest, ...where });
      } else {
        const c = parseConsumerValue(action.value);
        await withRefusalLogged(
          deps,
          { userId: body.user.id, correlationId, action: 'waive', migrationId: c.migrationId, app: c.app },
          () => deps.authorizer.authorize(body.user.id, 'cutover'),
        );
        view = waiveModal({ m: c.migrationId, a: c.app, c: c.consumerId, ...where });
      }
      await client.views.open({ trigger_id: body.trigger_id, view });
      log.info({ modal }, 'cutover modal opened');
    } catch (err) {
      log.warn({ err }, `${title} refused or failed`);
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...errorMessage({ title, userMessage: userMessageOf(err), correlationId }),
      });
    }
  };
}
