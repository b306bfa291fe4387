import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { REASON_ACTION_ID, REASON_BLOCK_ID } from '#blocks/cutover-modals.ts';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import type { BuildTarget } from './build-in-thread.ts';
import { newCorrelationId } from './correlation.ts';
import type { CutoverThread } from './cutover-payloads.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { userMessageOf } from './slack-errors.ts';
import type { ViewStateValues } from './copy-view-submission.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The reason typed in a cutover modal, trimmed; undefined when blank (it is required). */
export function readReason(values: ViewStateValues): string | undefined {
  const reason = values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value?.trim();
  return reason ? reason : undefined;
}

/**
 * The shape Reject and Waive share: stale metadata or a blank reason are answered next to the
 * field (the modal stays open); a valid submission closes the modal at once and `work` runs in the
 * background, answering the submitter privately in the thread (a refusal by the phase included).
 */
export function cutoverReasonSubmission<M extends CutoverThread>(
  deps: ListenerDeps,
  title: string,
  parse: (metadata: string | undefined) => M,
  work: (target: BuildTarget, meta: M, reason: string) => Promise<SlackMessage>,
) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const correlationId = newCorrelationId();
    const userId = body.user.id;
    const log = deps.logger.child({ correlationId, userId, view: view.callback_id });
    let meta: M;
    try {
      meta = parse(view.private_metadata);
    } catch (err) {
      log.warn({ err }, `${title}: form metadata refused`);
      return await ack({ response_action: 'errors', errors: { [REASON_BLOCK_ID]: userMessageOf(err) } });
    }
    const reason = readReason(view.state.values as ViewStateValues);
    if (!reason) {
      log.info(`${title}: no reason given`);
      return await ack({
        response_action: 'errors',
        errors: { [REASON_BLOCK_ID]: 'A reason is required: say why, so the owner and the audit log know.' },
      });
    }
    await ack();
    const target: BuildTarget = {
      client,
      userId,
      channel: meta.channel,
      threadTs: meta.threadTs,
      correlationId,
    };
    const reply = (message: SlackMessage) =>
      client.chat.postEphemeral({
        channel: meta.channel,
        user: userId,
        thread_ts: meta.threadTs,
        ...message,
      });
    deps.tasks.start(`${view.callback_id} ${correlationId}`, async () => {
      try {
        await reply(await work(target, meta, reason));
      } catch (err) {
        log.warn({ err }, `${title} refused or failed`);
        await reply(errorMessage({ title, userMessage: userMessageOf(err), correlationId }));
      }
    });
  };
}
