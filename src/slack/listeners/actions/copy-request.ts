import { clientsWarningMessage } from '#blocks/copy-clients.ts';
import { ClientsStillConnectedError } from '../../../workflow/copy/index.ts';
import {
  authorizeCopy,
  knownCopyMigration,
  copyMigrationOf,
  requestCopy,
  retryCopyRequest,
  startCopyRequest,
} from '../../copy-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { backgroundButton } from '../../background-button.ts';

/**
 * Start copy / Start replication (initial), Sync again (incremental) and DataSync's Final sync:
 * acks at once, then queues one `copy` job; a double click gets the job already queued and says so.
 * Final sync reads who is connected to the source first: with clients seen, nothing is queued and
 * the answer shows the figures with **Final sync anyway** (`anyway`: that button, the admin going on).
 */
export function copyRequestAction(
  deps: ListenerDeps,
  kind: 'initial' | 'incremental' | 'final',
  options: { anyway?: boolean } = {},
) {
  const title = { initial: 'Start copy', incremental: 'Sync again', final: 'Final sync' }[kind];
  return backgroundButton(
    deps,
    title,
    async ({ target, value: given, replyPrivately }) => {
      await authorizeCopy(deps, target.userId, target.correlationId, () => knownCopyMigration(deps, given));
      const value = await copyMigrationOf(deps, given);
      const request = startCopyRequest(value, target.userId, kind, {
        ...(options.anyway ? { clientsAcknowledged: true } : {}),
      });
      try {
        await replyPrivately(await requestCopy(deps, target, value, request));
      } catch (err) {
        if (!(err instanceof ClientsStillConnectedError)) throw err;
        deps.logger.info(
          {
            correlationId: target.correlationId,
            userId: target.userId,
            migrationId: value,
            check: err.check,
          },
          'final sync not queued: clients connected',
        );
        await replyPrivately(clientsWarningMessage(value, err.check));
      }
    },
    // Final sync and Final sync anyway share the title, not the work.
    options.anyway ? `${title} anyway` : title,
  );
}

/** Retry on a failed copy's message: the next job generation of the same kind, in the same message. */
export function copyRetryAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Retry copy', async ({ target, value: given, replyPrivately }) => {
    await authorizeCopy(deps, target.userId, target.correlationId, () => knownCopyMigration(deps, given));
    const value = await copyMigrationOf(deps, given);
    await replyPrivately(await requestCopy(deps, target, value, retryCopyRequest(value, target.userId)));
  });
}
