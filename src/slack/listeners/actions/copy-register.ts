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
import { CopyProgressReporter, copyThreads } from '../../copy-progress.ts';
import type { ListenerDeps } from '../deps.ts';
import { copyModalAction } from './copy-modal-open.ts';
import { copyRequestAction, copyRetryAction } from './copy-request.ts';
import { copyReviewAction } from './copy-review.ts';
import { copyRunbookAction } from './copy-runbook.ts';

/**
 * The copy buttons, and the one progress reporter every copy of this process reports to. It is
 * attached here, BEFORE registerBuildActions starts the job runner the build and the copy share,
 * so a copy resumed at start-up is shown in its message.
 */
export function registerCopyActions(app: App, deps: ListenerDeps): void {
  const copy = deps.services.copy;
  if (copy) {
    const reporter = new CopyProgressReporter({
      client: app.client,
      threads: copyThreads(copy.events),
      clock: deps.clock,
      scheduler: deps.scheduler,
      logger: deps.logger.child({ component: 'copy-progress' }),
      minIntervalMs: deps.progressIntervalMs,
      statusOf: (id) => copy.phase.status(id),
    });
    copy.attachProgress(reporter);
  }
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
