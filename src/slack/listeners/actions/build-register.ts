import type { App } from '@slack/bolt';
import { onButtons } from './on-buttons.ts';
import { BUILD_RETRY_ACTION_ID } from '#blocks/build-progress.ts';
import { BUILD_ALL_ACTION_ID, BUILD_ONE_ACTION_ID, BUILD_REVIEW_ACTION_ID } from '#blocks/build-review.ts';
import type { ListenerDeps } from '../deps.ts';
import { buildAllAction } from './build-all.ts';
import { buildOneAction } from './build-one.ts';
import { buildRetryAction } from './build-retry.ts';
import { buildReviewAction } from './build-review.ts';

/** The build buttons (Review build, Build all, Build, Retry). */
export function registerBuildActions(app: App, deps: ListenerDeps): void {
  onButtons(app, {
    [BUILD_REVIEW_ACTION_ID]: buildReviewAction(deps),
    [BUILD_ALL_ACTION_ID]: buildAllAction(deps),
    [BUILD_ONE_ACTION_ID]: buildOneAction(deps),
    [BUILD_RETRY_ACTION_ID]: buildRetryAction(deps),
  });
}
