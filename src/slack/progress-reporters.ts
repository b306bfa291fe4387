import type { App } from '@slack/bolt';
import { BuildProgressReporter } from './build-progress.ts';
import { BuildThreads } from './build-threads.ts';
import { CopyProgressReporter, copyThreads } from './copy-progress.ts';
import { CutoverProgressReporter } from './cutover-progress.ts';
import { CutoverThreads } from './cutover-threads.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { DecommissionProgressReporter, decommissionThreads } from './decommission-progress.ts';

export type ProgressReporterDeps = Pick<
  ListenerDeps,
  'services' | 'clock' | 'scheduler' | 'logger' | 'progressIntervalMs'
>;

/**
 * The one progress reporter per phase this process shows builds and copies with, attached to the
 * phase's progress hub. Composition, not listener registration: createSlackApp attaches them
 * before it starts the job runner the build and the copy share, so a build or copy the runner
 * resumes at start-up is shown in its thread.
 */
export function attachProgressReporters(app: App, deps: ProgressReporterDeps): void {
  const { build, copy, cutover, decommission } = deps.services;
  if (cutover)
    cutover.attachProgress(
      new CutoverProgressReporter({
        client: app.client,
        threads: new CutoverThreads(cutover.events),
        clock: deps.clock,
        scheduler: deps.scheduler,
        logger: deps.logger.child({ component: 'cutover-progress' }),
        minIntervalMs: deps.progressIntervalMs,
        statusOf: (id) => cutover.phase.status(id),
      }),
    );
  if (decommission)
    decommission.attachProgress(
      new DecommissionProgressReporter({
        client: app.client,
        threads: decommissionThreads(decommission.events),
        clock: deps.clock,
        scheduler: deps.scheduler,
        logger: deps.logger.child({ component: 'decommission-progress' }),
        minIntervalMs: deps.progressIntervalMs,
      }),
    );
  if (copy)
    copy.attachProgress(
      new CopyProgressReporter({
        client: app.client,
        threads: copyThreads(copy.events),
        clock: deps.clock,
        scheduler: deps.scheduler,
        logger: deps.logger.child({ component: 'copy-progress' }),
        minIntervalMs: deps.progressIntervalMs,
        statusOf: (id) => copy.phase.status(id),
      }),
    );
  if (build)
    build.attachProgress(
      new BuildProgressReporter({
        client: app.client,
        threads: new BuildThreads(build.events),
        clock: deps.clock,
        scheduler: deps.scheduler,
        logger: deps.logger.child({ component: 'build-progress' }),
        minIntervalMs: deps.progressIntervalMs,
        ...(copy ? { copyMethodOf: (id: string) => copy.methodOf(id) } : {}),
      }),
    );
}
