import { backgroundButton } from '../../background-button.ts';
import { authorizeDecommission, decommissionServiceOf } from '../../decommission-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';

/** Retry on a stopped decommission: the next job re-checks every guard and resumes at its step. */
export function decommissionRetryAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Retry decommission', async ({ target, value, replyPrivately }) => {
    await authorizeDecommission(deps, target.userId, target.correlationId, value);
    const service = decommissionServiceOf(deps);
    const queued = await service.phase.retry(value, target.userId);
    service.runNow?.([queued.jobId]);
    const text = queued.created
      ? `Decommission retried (${queued.jobId}); progress in the same message.`
      : `Decommission ${queued.jobId} is already queued or done; nothing new was queued.`;
    await replyPrivately({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  });
}
