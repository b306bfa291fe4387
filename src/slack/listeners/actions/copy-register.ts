import type { App, BlockButtonAction } from '@slack/bolt';
import {
  COPY_FINAL_ACTION_ID,
  COPY_RECORD_FINAL_ACTION_ID,
  COPY_RECORD_INITIAL_ACTION_ID,
  COPY_RETRY_ACTION_ID,
  COPY_REVIEW_ACTION_ID,
  COPY_RUNBOOK_ACTION_ID,
  COPY_START_ACTION_ID,
  COPY_SYNC_ACTION_ID,
  COPY_WRITES_STOPPED_ACTION_ID,
} from '#blocks/copy-progress.ts';
import { COPY_FINAL_ANYWAY_ACTION_ID } from '#blocks/copy-clients.ts';
import type { ListenerDeps } from '../deps.ts';
import { copyModalAction } from './copy-modal-open.ts';
import { copyRequestAction, copyRetryAction } from './copy-request.ts';
import { copyReviewAction } from './copy-review.ts';
import { copyRunbookAction } from './copy-runbook.ts';

/** The copy buttons (Start copy, Sync again, Final sync, Retry, Review, rsync runbook and passes, writes stopped). */
export function registerCopyActions(app: App, deps: ListenerDeps): void {
  const button = (actionId: string) => ({ action_id: actionId, type: 'block_actions' as const });
  app.action<BlockButtonAction>(button(COPY_START_ACTION_ID), copyRequestAction(deps, 'initial'));
  app.action<BlockButtonAction>(button(COPY_SYNC_ACTION_ID), copyRequestAction(deps, 'incremental'));
  app.action<BlockButtonAction>(button(COPY_FINAL_ACTION_ID), copyRequestAction(deps, 'final'));
  app.action<BlockButtonAction>(
    button(COPY_FINAL_ANYWAY_ACTION_ID),
    copyRequestAction(deps, 'final', { anyway: true }),
  );
  app.action<BlockButtonAction>(button(COPY_RETRY_ACTION_ID), copyRetryAction(deps));
  app.action<BlockButtonAction>(button(COPY_REVIEW_ACTION_ID), copyReviewAction(deps));
  app.action<BlockButtonAction>(button(COPY_RUNBOOK_ACTION_ID), copyRunbookAction(deps));
  app.action<BlockButtonAction>(
    button(COPY_WRITES_STOPPED_ACTION_ID),
    copyModalAction(deps, 'writes_stopped'),
  );
  app.action<BlockButtonAction>(
    button(COPY_RECORD_INITIAL_ACTION_ID),
    copyModalAction(deps, 'rsync_initial'),
  );
  app.action<BlockButtonAction>(button(COPY_RECORD_FINAL_ACTION_ID), copyModalAction(deps, 'rsync_final'));
}
