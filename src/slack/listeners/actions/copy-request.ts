import { authorizeCopy, requestCopy, retryCopyRequest, startCopyRequest } from '../../copy-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { backgroundButton } from '../../background-button.ts';

/**
 * Start copy / Start replication (initial), Sync again (incremental) and DataSync's Final sync:
 * acks at once, then queues one `copy` job; a double click gets the job already queued and says so.
 */
export function copyRequestAction(deps: ListenerDeps, kind: 'initial' | 'incremental' | 'final') {
  const title = { initial: 'Start copy', incremental: 'Sync again', final: 'Final sync' }[kind];
  return backgroundButton(deps, title, async ({ target, value, replyPrivately }) => {
    await authorizeCopy(deps, target.userId, target.correlationId, value);
    await replyPrivately(
      await requestCopy(deps, target, value, startCopyRequest(value, target.userId, kind)),
    );
  });
}

/** Retry on a failed copy's message: the next job generation of the same kind, in the same message. */
export function copyRetryAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Retry copy', async ({ target, value, replyPrivately }) => {
    await authorizeCopy(deps, target.userId, target.correlationId, value);
    await replyPrivately(await requestCopy(deps, target, value, retryCopyRequest(value, target.userId)));
  });
}
