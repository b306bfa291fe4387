import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs, webApi } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import type { BuildTarget } from './build-in-thread.ts';
import { newCorrelationId } from './correlation.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { buttonOutsideMessage, userMessageOf } from './slack-errors.ts';
import { isFirstDelivery, requestFingerprint } from './request-dedupe.ts';
import { privateReplier } from './private-reply.ts';
import type { ButtonWork } from './work-dispatch.ts';
import { InternalError } from '../domain/errors.ts';

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

export type ButtonWorkFn = (click: ButtonClick) => Promise<void>;
export interface RegisteredButtonWork {
  /** Shown as the title of its error messages. */
  title: string;
  work: ButtonWorkFn;
}

/**
 * The shape every button whose work outlives the request shares (build, copy, scan export; listeners stay thin): ack at once, then hand
 * the work to the dispatcher (in this process, or to the Lambda worker) so the request never
 * waits on AWS or Slack; any failure or refusal becomes a private message with the correlation
 * ID, the detail goes to the log. The work is registered under `title`, so a worker process that
 * registered the same listeners finds it from the message alone.
 */
export function backgroundButton(
  deps: ListenerDeps,
  title: string,
  work: ButtonWorkFn,
  /** The registry key when two buttons share a title (default: the title). */
  key: string = title,
) {
  if (deps.buttonWork.has(key)) throw new InternalError(`two background buttons are registered as "${key}"`);
  deps.buttonWork.set(key, { title, work });
  return async ({ ack, body, action, respond, client, context }: ButtonArgs): Promise<void> => {
    await ack();
    const message: ButtonWork = {
      kind: 'button',
      work: key,
      correlationId: newCorrelationId(),
      userId: body.user.id,
      channelId: body.channel?.id ?? body.container?.channel_id ?? '',
      responseUrl: body.response_url,
      actionId: action.action_id,
      actionTs: action.action_ts,
      value: action.value ?? '',
      ...optional('messageTs', body.message?.ts ?? body.container?.message_ts),
      ...optional('threadTs', body.message?.thread_ts ?? body.message?.ts ?? body.container?.message_ts),
      ...optional('retryNum', context.retryNum),
      ...optional('messageBlocks', body.message?.blocks as SlackMessage['blocks'] | undefined),
    };
    // A response_url that is not Slack's is answered with chat.postEphemeral instead (private-reply.ts).
    const replyPrivately = privateReplier(deps.responseUrls, {
      responseUrl: body.response_url,
      respond,
      client,
      ...optional('channel', message.channelId || undefined),
      user: body.user.id,
      log: deps.logger.child({ correlationId: message.correlationId, userId: body.user.id }),
      keepOriginal: true,
    });
    try {
      await deps.work.dispatch(message, () => runButtonWork(deps, message, { client, replyPrivately }));
    } catch (err) {
      // The worker could not be reached: the click did nothing, and the person is told so.
      deps.logger.warn({ err, correlationId: message.correlationId }, `${title}: work not handed on`);
      await replyPrivately(
        errorMessage({ title, userMessage: userMessageOf(err), correlationId: message.correlationId }),
      );
    }
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}

/**
 * A clicked button's work, wherever it runs: once per click across redeliveries and replicas, in
 * the thread of the message the button is on.
 */
export async function runButtonWork(
  deps: ListenerDeps,
  message: ButtonWork,
  slack: { client: webApi.WebClient; replyPrivately(message: SlackMessage): Promise<void> },
): Promise<void> {
  const { correlationId, userId, actionId, retryNum } = message;
  const log = deps.logger.child({ correlationId, userId, action: actionId, retryNum });
  const registered = deps.buttonWork.get(message.work);
  const title = registered?.title ?? message.work;
  const channel = message.channelId || undefined;
  try {
    // A worker of another version than the listener that sent the message.
    if (!registered) throw new InternalError(`no button work is registered as "${message.work}"`);
    // A redelivered click (same action_ts, user and message) was handled by its first delivery.
    const fingerprint = requestFingerprint([
      'action',
      actionId,
      message.actionTs,
      userId,
      message.value,
      channel,
      message.messageTs,
    ]);
    const first = await isFirstDelivery(deps.services.requests, fingerprint, {
      kind: `action ${actionId}`,
      actor: userId,
      ...(retryNum ? { retryNum } : {}),
      logger: log,
    });
    if (!first) return;
    if (!channel || !message.threadTs) throw buttonOutsideMessage();
    await registered.work({
      target: {
        client: slack.client,
        userId,
        channel,
        threadTs: message.threadTs,
        correlationId,
        ...(retryNum ? { retryNum } : {}),
      },
      value: message.value,
      ...(message.messageTs ? { messageTs: message.messageTs } : {}),
      ...(message.messageBlocks ? { messageBlocks: message.messageBlocks } : {}),
      replyPrivately: slack.replyPrivately,
    });
  } catch (err) {
    log.warn({ err }, `${title} refused or failed`);
    await slack.replyPrivately(errorMessage({ title, userMessage: userMessageOf(err), correlationId }));
  }
}
