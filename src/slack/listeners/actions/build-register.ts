import type { App, BlockButtonAction } from '@slack/bolt';
import { BUILD_RETRY_ACTION_ID } from '#blocks/build-progress.ts';
import { BUILD_ALL_ACTION_ID, BUILD_ONE_ACTION_ID, BUILD_REVIEW_ACTION_ID } from '#blocks/build-review.ts';
import { BuildProgressReporter } from '../../build-progress.ts';
import { BuildThreads } from '../../build-threads.ts';
import type { ListenerDeps } from '../deps.ts';
import { buildAllAction } from './build-all.ts';
import { buildOneAction } from './build-one.ts';
import { buildRetryAction } from './build-retry.ts';
import { buildReviewAction } from './build-review.ts';

/**
 * The build buttons, and the one progress reporter every build of this process reports to: it is
 * attached before the job runner starts, so a build resumed at start-up is shown in its thread.
 */
export function registerBuildActions(app: App, deps: ListenerDeps): void {
  const build = deps.services.build;
  if (build) {
    const reporter = new BuildProgressReporter({
      client: app.client,
      threads: new BuildThreads(build.events),
      clock: deps.clock,
      scheduler: deps.scheduler,
      logger: deps.logger.child({ component: 'build-progress' }),
      minIntervalMs: deps.progressIntervalMs,
      ...(deps.services.copy ? { copyMethodOf: (id: string) => deps.services.copy!.methodOf(id) } : {}),
    });
    build.attachProgress(reporter);
    build.startRunner?.();
  }
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
