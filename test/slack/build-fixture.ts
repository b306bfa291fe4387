/**
 * The Slack build tests' world: the build phase's world (test/workflow/provision/build-fixture.ts: the
 * estate with lifecycle states advancing on the test's ManualClock, real SDK clients, the embedded
 * store, a real scan and real decisions) and bot replicas over it. Everything the Slack app gets is
 * the production code; only the runner's scheduler skips time ahead.
 */
import type { BuildService, SlackServices } from '../../src/slack/services.ts';
import type { BuildPhase } from '../../src/workflow/provision/index.ts';
import { createProgressHub } from '../../src/workflow/io-host.ts';
import type { JobHandler, JobRunner } from '../../src/workflow/jobs/index.ts';
import { fakeScanService } from '../harness/fake-services.ts';
import { backgroundJobs, skipAheadRunner } from '../harness/job-runners.ts';
import {
  LEASE_MS,
  buildPhaseOver,
  startBuildWorld as startWorld,
  type BuildWorld,
} from '../workflow/provision/build-fixture.ts';

export {
  ACCOUNT,
  ADMIN,
  APP,
  APP_ID,
  AP_WEB,
  KEY,
  KEY_ARN,
  LOGS,
  LOGS_ID,
  REGION,
  type BuildWorld,
} from '../workflow/provision/build-fixture.ts';

export const startBuildWorld = (): Promise<BuildWorld> => startWorld({ name: 'slack-build' });

export interface BotReplica {
  services: SlackServices & { build: BuildService };
  phase: BuildPhase;
  runner: JobRunner;
  /** Resolves when every job started so far has ended. */
  idle(): Promise<void>;
}

/**
 * One bot process's services over the world: its own progress hub, build phase and job runner
 * (named `owner`), as src/cli/slack-services.ts wires them; `handler` replaces the build handler
 * (a replica that dies mid-build).
 */
export function botReplica(
  world: BuildWorld,
  owner: string,
  handler?: (phase: BuildPhase) => JobHandler,
): BotReplica {
  const hub = createProgressHub();
  const phase = buildPhaseOver(world, hub.io);
  const runner = skipAheadRunner({
    jobs: world.store.jobs,
    clock: world.clock,
    kind: 'build',
    handler: handler ? handler(phase) : phase.handler,
    owner,
    leaseMs: LEASE_MS,
  });
  const { runNow, idle } = backgroundJobs(runner);
  return {
    phase,
    runner,
    idle,
    services: {
      scan: fakeScanService({ result: world.scan }),
      scans: world.store.scans,
      requests: world.store.requests,
      decide: { workflow: world.decide, keys: world.directories.keys },
      build: {
        phase,
        listMigrations: () => world.store.migrations.listMigrations(),
        events: world.store.events,
        attachProgress: hub.attach,
        runNow,
      },
    },
  };
}
