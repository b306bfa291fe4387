import type { App, BlockButtonAction } from '@slack/bolt';
import { BUILD_RETRY_ACTION_ID } from '#blocks/build-progress.ts';
import { BUILD_ALL_ACTION_ID, BUILD_ONE_ACTION_ID, BUILD_REVIEW_ACTION_ID } from '#blocks/build-review.ts';
import type { ListenerDeps } from '../deps.ts';
import { buildAllAction } from './build-all.ts';
import { buildOneAction } from './build-one.ts';
import { buildRetryAction } from './build-retry.ts';
import { buildReviewAction } from './build-review.ts';

/** The build buttons (Review build, Build all, Build, Retry). */
export function registerBuildActions(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(
    { action_id: BUILD_REVIEW_ACTION_ID, type: 'block_actions' },
    buildReviewAction(deps),
  );
  app.action<BlockButtonAction>(
    { action_id: BUILD_ALL_ACTION_ID, type: 'block_actions' },
    buildAllAction(deps),
  );
  app.action<BlockButtonAction>(
    { action_id: BUILD_ONE_ACTION_ID, type: 'block_actions' },
    buildOneAction(deps),
  );
  app.action<BlockButtonAction>(
    { action_id: BUILD_RETRY_ACTION_ID, type: 'block_actions' },
    buildRetryAction(deps),
  );
}
