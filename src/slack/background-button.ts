import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import type { BuildTarget } from './build-in-thread.ts';
import { newCorrelationId } from './correlation.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { buttonOutsideMessage, userMessageOf } from './slack-errors.ts';
import { isFirstDelivery, requestFingerprint } from './request-dedupe.ts';
import { privateReplier } from './private-reply.ts';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export interface ButtonClick {
  target: BuildTarget;
  /** The button's value. */
  value: string;
  /** The message the button is on. */
  messageTs?: string;
  /** The blocks of that message as Slack sent them, for an edit in place (a verdict replacing buttons). */
  messageBlocks?: SlackMessage['blocks'];
  replyPrivately(message: SlackMessage): Promise<void>;
}

/**
 * The shape every button whose work outlives the request shares (build, copy, scan export; listeners stay thin): ack at once, then, in the background
 * so the request never waits on AWS or Slack, run `work`; any failure or refusal becomes a private
 * message with the correlation ID, the detail goes to the log.
 */
export function backgroundButton(
  deps: ListenerDeps,
  title: string,
  work: (click: ButtonClick) => Promise<void>,
) {
  return async ({ ack, body, action, respond, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({
      correlationId,
      userId: body.user.id,
      action: action.action_id,
      retryNum: context.retryNum,
    });
    const channel = body.channel?.id ?? body.container?.channel_id;
    const replyPrivately = privateReplier(deps.responseUrls, {
      responseUrl: body.response_url,
      respond,
      client,
      channel,
      user: body.user.id,
      log,
      keepOriginal: true,
    });
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    const threadTs = body.message?.thread_ts ?? messageTs;
    // A redelivered click (same action_ts, user and message) was handled by its first delivery.
    const fingerprint = requestFingerprint([
      'action',
      action.action_id,
      action.action_ts,
      body.user.id,
      action.value,
      channel,
      messageTs,
    ]);
    deps.tasks.start(`${action.action_id} ${correlationId}`, async () => {
      try {
        const first = await isFirstDelivery(deps.services.requests, fingerprint, {
          kind: `action ${action.action_id}`,
          actor: body.user.id,
          ...(context.retryNum ? { retryNum: context.retryNum } : {}),
          logger: log,
        });
        if (!first) return;
        if (!channel || !threadTs) throw buttonOutsideMessage();
        await work({
          target: {
            client,
            userId: body.user.id,
            channel,
            threadTs,
            correlationId,
            ...(context.retryNum ? { retryNum: context.retryNum } : {}),
          },
          value: action.value ?? '',
          ...(messageTs ? { messageTs } : {}),
          ...(body.message?.blocks ? { messageBlocks: body.message.blocks as SlackMessage['blocks'] } : {}),
          replyPrivately,
        });
      } catch (err) {
        log.warn({ err }, `${title} refused or failed`);
        await replyPrivately(errorMessage({ title, userMessage: userMessageOf(err), correlationId }));
      }
    });
  };
}
