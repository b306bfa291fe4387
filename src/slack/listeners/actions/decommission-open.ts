import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import { newCorrelationId } from '../../correlation.ts';
import { openDecommissionModal } from '../../decommission-in-thread.ts';
import { privateReplier } from '../../private-reply.ts';
import { buttonOutsideMessage, userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Decommission… in a cut over migration's thread: admins get the typed-confirmation modal. */
export function decommissionOpenAction(deps: ListenerDeps) {
  return async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({ correlationId, userId: body.user.id, action: action.action_id });
    const channel = body.channel?.id ?? body.container?.channel_id;
    try {
      const threadTs = body.message?.thread_ts ?? body.message?.ts ?? body.container?.message_ts;
      if (!channel || !threadTs) throw buttonOutsideMessage();
      await openDecommissionModal(deps, {
        client,
        triggerId: body.trigger_id,
        userId: body.user.id,
        ref: action.value ?? '',
        channel,
        threadTs,
        correlationId,
      });
      log.info({ migrationId: action.value }, 'decommission modal opened');
    } catch (err) {
      log.warn({ err }, 'decommission modal refused or failed');
      await privateReplier(deps.responseUrls, {
        responseUrl: body.response_url,
        respond,
        client,
        channel,
        user: body.user.id,
        log,
        keepOriginal: true,
      })(errorMessage({ title: 'Decommission', userMessage: userMessageOf(err), correlationId }));
    }
  };
}
