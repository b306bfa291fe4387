import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { parsePlanButtonValue } from '#blocks/digest.ts';
import { errorMessage } from '#blocks/error.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { newCorrelationId } from '../../correlation.ts';
import { privateReplier } from '../../private-reply.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { openPlanModal } from './plan-open.ts';

/**
 * Plan migration on a digest's new unencrypted file system: the decision modal (plan-open's, admins
 * only) opened on the page that holds that file system; the plan summary goes to the digest's thread.
 */
export function digestPlanOpenAction(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    action,
    respond,
    client,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({ correlationId, userId: body.user.id, action: action.action_id });
    try {
      const target = parsePlanButtonValue(action.value ?? '');
      if (!target)
        throw new BadInputError('This Plan migration button names no file system; run `/efs-encrypt plan`.');
      await openPlanModal(deps, {
        client,
        triggerId: body.trigger_id,
        userId: body.user.id,
        focus: target,
        channelId: body.channel?.id ?? body.container?.channel_id,
        threadTs: body.message?.thread_ts ?? body.message?.ts ?? body.container?.message_ts,
      });
      log.info({ fileSystemId: target.fileSystemId }, 'plan modal opened from the digest');
    } catch (err) {
      log.warn({ err }, 'plan from the digest refused or failed');
      await privateReplier(deps.responseUrls, {
        responseUrl: body.response_url,
        respond,
        client,
        ...(body.channel?.id ? { channel: body.channel.id } : {}),
        user: body.user.id,
        log,
        keepOriginal: true,
      })(errorMessage({ title: 'Plan migration', userMessage: userMessageOf(err), correlationId }));
    }
  };
}
