/**
 * The Slack copy tests' world: the copy phase's estate (a source and its built, encrypted twin;
 * DataSync executions and EFS replication progressing on the test's ManualClock), real SDK clients
 * through AWS_ENDPOINT_URL, the embedded store with each migration seeded at target_ready (its
 * decision, twin and the inventory snapshot a real scan read), and a bot replica wired as
 * src/cli/slack-services.ts wires it: one progress hub, the copy phase, a job runner.
 */
import type { AccountClients } from '../../src/aws/account-clients.ts';
import { rsyncRunbookFor } from '../../src/cli/slack-services.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import type { MigrationMethod } from '../../src/domain/migration.ts';
import type { EstateServer } from '../../src/estate/index.ts';
import type { CopyService, SlackServices } from '../../src/slack/services.ts';
import type { Store } from '../../src/store/index.ts';
import type { CopyPhase } from '../../src/workflow/copy/index.ts';
import { createProgressHub } from '../../src/workflow/io-host.ts';
import type { JobHandler, JobRunner } from '../../src/workflow/jobs/index.ts';
import { fakeScanService } from '../harness/fake-services.ts';
import { backgroundJobs } from '../harness/job-runners.ts';
import { scanLocalEstate, startLocalEstate } from '../harness/migration-fixture.ts';
import {
  ACCOUNT,
  COPY_ESTATE,
  LEASE_MS,
  REGION,
  SOURCE,
  TWIN,
  copyPhaseOver,
  copyRunner,
  seedMigration,
} from '../workflow/copy/copy-fixture.ts';

export { ACCOUNT, LEASE_MS, REGION, SOURCE, TWIN };
export const ADMIN = 'U0ADMIN01';

export interface CopyWorld {
  clock: ManualClock;
  server: EstateServer;
  accounts: AccountClients;
  store: Store;
  /** A migration of SOURCE → TWIN at target_ready, copied by `method`. */
  seed(method: MigrationMethod): Promise<string>;
  close(): Promise<void>;
}

export async function startCopyWorld(): Promise<CopyWorld> {
  const estate = await startLocalEstate({
    estate: COPY_ESTATE,
    name: 'slack-copy',
    clock: new ManualClock(new Date('2026-06-01T09:00:00Z')),
  });
  const { clock, server, accounts, store } = estate;
  const scan = await scanLocalEstate(estate, ADMIN);
  const source = scan.fileSystems.find((f) => f.fileSystemId === SOURCE)!;
  return {
    clock,
    server,
    accounts,
    store,
    async seed(method) {
      const id = await seedMigration(store, server, clock, method);
      // The decision records the inventory it was made on; the rsync runbook reads it.
      await store.migrations.putSnapshot(id, {
        observedAt: clock.now().toISOString(),
        scanId: scan.scanId,
        fileSystem: source,
      });
      return id;
    },
    close: () => estate.close(),
  };
}

export interface CopyBot {
  services: SlackServices & { copy: CopyService };
  phase: CopyPhase;
  runner: JobRunner;
  /** Resolves when every job started through runNow so far has ended. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** One bot process over the world (named `owner`); `handler` wraps the copy handler (a replica that dies mid-copy). */
export function copyBot(
  world: CopyWorld,
  owner: string,
  handler?: (phase: CopyPhase) => JobHandler,
): CopyBot {
  const hub = createProgressHub();
  const { phase, destroy } = copyPhaseOver(world, hub.io);
  const runner = copyRunner(world, owner, handler ? handler(phase) : phase.handler);
  const { runNow, idle } = backgroundJobs(runner);
  return {
    phase,
    runner,
    idle,
    async close() {
      await runner.stop();
      destroy();
    },
    services: {
      scan: fakeScanService({}),
      scans: world.store.scans,
      requests: world.store.requests,
      copy: {
        phase,
        methodOf: async (id) => (await world.store.migrations.getDecision(id))?.decision.method,
        runbook: (id, actor) => rsyncRunbookFor(world, id, actor),
        events: world.store.events,
        attachProgress: hub.attach,
        runNow,
      },
    },
  };
}
