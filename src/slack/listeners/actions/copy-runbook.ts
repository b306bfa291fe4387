import {
  authorizeCopy,
  knownCopyMigration,
  copyMigrationOf,
  postRunbook,
  recordCopyThread,
} from '../../copy-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import { backgroundButton } from '../../background-button.ts';

/** Post runbook (EC2 + rsync): the runbook message and its files in the thread, which later passes report to. */
export function copyRunbookAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Post runbook', async ({ target, value: given }) => {
    await authorizeCopy(deps, target.userId, target.correlationId, () => knownCopyMigration(deps, given));
    const value = await copyMigrationOf(deps, given);
    await recordCopyThread(deps, target, value);
    await postRunbook(deps, target, value);
  });
}
