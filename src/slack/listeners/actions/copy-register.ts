import type { App } from '@slack/bolt';
import { onButtons } from './on-buttons.ts';
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
  onButtons(app, {
    [COPY_START_ACTION_ID]: copyRequestAction(deps, 'initial'),
    [COPY_SYNC_ACTION_ID]: copyRequestAction(deps, 'incremental'),
    [COPY_FINAL_ACTION_ID]: copyRequestAction(deps, 'final'),
    [COPY_FINAL_ANYWAY_ACTION_ID]: copyRequestAction(deps, 'final', { anyway: true }),
    [COPY_RETRY_ACTION_ID]: copyRetryAction(deps),
    [COPY_REVIEW_ACTION_ID]: copyReviewAction(deps),
    [COPY_RUNBOOK_ACTION_ID]: copyRunbookAction(deps),
    [COPY_WRITES_STOPPED_ACTION_ID]: copyModalAction(deps, 'writes_stopped'),
    [COPY_RECORD_INITIAL_ACTION_ID]: copyModalAction(deps, 'rsync_initial'),
    [COPY_RECORD_FINAL_ACTION_ID]: copyModalAction(deps, 'rsync_final'),
  });
}
