import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { cutoverOrderModal } from '#blocks/cutover-order.ts';
import { errorMessage } from '#blocks/error.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { newCorrelationId } from '../../correlation.ts';
import { cutoverServiceOf, withRefusalLogged } from '../../cutover-in-thread.ts';
import { orderInForce } from '../../cutover-order.ts';
import { parseMigrationId } from '../../payload-ids.ts';
import { buttonOutsideMessage, userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Choose order… (admins): opens the order modal with the applications of the stored plans in the
 * order in force. The trigger ID lives 3 seconds: only the parse, the admin check and one read of
 * the plans run before views.open.
 */
export function cutoverOrderOpenAction(deps: ListenerDeps) {
  return async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({ correlationId, userId: body.user.id, action: action.action_id });
    try {
      const cutover = cutoverServiceOf(deps);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const threadTs = body.message?.thread_ts ?? body.message?.ts ?? body.container?.message_ts;
      if (!channel || !threadTs) throw buttonOutsideMessage();
      const migrationId = parseMigrationId(action.value);
      await withRefusalLogged(
        deps,
        { userId: body.user.id, correlationId, action: 'choose order', migrationId },
        () => deps.authorizer.authorize(body.user.id, 'cutover'),
      );
      const order = orderInForce(await cutover.phase.status(migrationId));
      if (order.apps.length < 2)
        throw new BadInputError(
          `${migrationId} has ${order.apps.length ? 'one application' : 'no cutover plan'}: there is no order to choose. Press Review cutover first.`,
        );
      await client.views.open({
        trigger_id: body.trigger_id,
        view: cutoverOrderModal({ m: migrationId, channel, threadTs }, order),
      });
      log.info({ migrationId }, 'cutover order modal opened');
    } catch (err) {
      log.warn({ err }, 'Choose order refused or failed');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...errorMessage({ title: 'Choose order', userMessage: userMessageOf(err), correlationId }),
      });
    }
  };
}
