import { verdictText, withVerdict } from '#blocks/cutover-review.ts';
import type { Block } from '#blocks/limits.ts';
import type { CutoverVerdict } from '../domain/cutover-approval.ts';
import type { BuildTarget } from './build-in-thread.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { reviewMessages } from './review-messages.ts';

/**
 * Shows a verdict where it was asked for: the review message edited in place (its Approve / Reject
 * replaced by who decided, when, and the plan digest's prefix). Without the message's blocks (a
 * modal submitted on another replica), the verdict is a reply in the thread instead. A Slack
 * failure here is logged, never turned into a failed approval: the verdict is already stored.
 */
export async function showVerdict(
  deps: ListenerDeps,
  target: BuildTarget,
  verdict: CutoverVerdict,
  message: { messageTs?: string; blocks?: Block[] },
): Promise<void> {
  const log = deps.logger.child({ correlationId: target.correlationId, migrationId: verdict.migrationId });
  try {
    const blocks =
      message.blocks ??
      (message.messageTs ? reviewMessages.get(target.channel, message.messageTs) : undefined);
    const text = `Cutover of ${verdict.app}: ${verdict.decision} by ${verdict.approver} at ${verdict.at}`;
    if (message.messageTs && blocks) {
      const updated = withVerdict(blocks, verdict);
      await target.client.chat.update({
        channel: target.channel,
        ts: message.messageTs,
        text,
        blocks: updated,
      });
      reviewMessages.remember(target.channel, message.messageTs, updated);
    } else
      await target.client.chat.postMessage({
        channel: target.channel,
        thread_ts: target.threadTs,
        text,
        blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: verdictText(verdict) }] }],
      });
    log.info(
      { app: verdict.app, decision: verdict.decision, inPlace: Boolean(blocks) },
      'cutover verdict shown',
    );
  } catch (err) {
    log.warn({ err, app: verdict.app }, 'could not show the cutover verdict in the thread');
  }
}
