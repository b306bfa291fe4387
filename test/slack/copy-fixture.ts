/**
 * The Slack copy tests' world: the copy phase's estate (a source and its built, encrypted twin;
 * DataSync executions and EFS replication progressing on the test's ManualClock), real SDK clients
 * through AWS_ENDPOINT_URL, the embedded store with each migration seeded at target_ready (its
 * decision, twin and the inventory snapshot a real scan read), and a bot replica wired as
 * src/cli/slack-services.ts wires it: one progress hub, the copy phase, a job runner.
 */
import type { AccountClients } from '../../src/aws/account-clients.ts';
import { dataSyncClientsFrom } from '../../src/aws/datasync.ts';
import { createDirectories, type Directories } from '../../src/aws/directory-clients.ts';
import { replicationClientsFrom } from '../../src/aws/efs-replication.ts';
import { rsyncRunbookFor } from '../../src/cli/slack-services.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import type { JobRecord } from '../../src/domain/job.ts';
import type { MigrationMethod } from '../../src/domain/migration.ts';
import type { EstateServer } from '../../src/estate/index.ts';
import type { CopyService, SlackServices } from '../../src/slack/services.ts';
import type { Store } from '../../src/store/index.ts';
import { createCopyPhase, type CopyPhase } from '../../src/workflow/copy/index.ts';
import { createProgressHub } from '../../src/workflow/io-host.ts';
import { createJobRunner, type JobHandler, type JobRunner } from '../../src/workflow/jobs/index.ts';
import { fakeScanService } from '../harness/fake-services.ts';
import { skipAheadScheduler } from '../harness/schedulers.ts';
import { scanLocalEstate, startLocalEstate } from '../harness/migration-fixture.ts';
import {
  ACCOUNT,
  COPY_ESTATE,
  LEASE_MS,
  REGION,
  SOURCE,
  TWIN,
  seedMigration,
} from '../workflow/copy/copy-fixture.ts';

export { ACCOUNT, LEASE_MS, REGION, SOURCE, TWIN };
export const ADMIN = 'U0ADMIN01';
export const POLL_MS = 1_000;

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
  const io = hub.io;
  const directories: Directories = createDirectories(world.accounts, { clock: world.clock });
  const dataSync = dataSyncClientsFrom(world.accounts);
  const phase = createCopyPhase({
    migrations: world.store.migrations,
    jobs: world.store.jobs,
    clock: world.clock,
    io,
    dataSyncFor: dataSync.clientFor,
    replicationFor: replicationClientsFrom(world.accounts),
    network: directories.network,
    pollMs: POLL_MS,
  });
  const runner = createJobRunner({
    jobs: world.store.jobs,
    handlers: { copy: handler ? handler(phase) : phase.handler },
    clock: world.clock,
    scheduler: skipAheadScheduler(world.clock),
    owner,
    leaseMs: LEASE_MS,
  });
  const running: Promise<JobRecord | undefined>[] = [];
  return {
    phase,
    runner,
    async idle() {
      while (running.length) await Promise.all(running.splice(0));
    },
    async close() {
      await runner.stop();
      dataSync.destroy();
      directories.destroy();
    },
    services: {
      scan: fakeScanService({}),
      scans: world.store.scans,
      copy: {
        phase,
        methodOf: async (id) => (await world.store.migrations.getDecision(id))?.decision.method,
        runbook: (id) => rsyncRunbookFor(world, id),
        events: world.store.events,
        attachProgress: hub.attach,
        runNow: (ids) =>
          void running.push(
            ...ids.map((id) => {
              const run = runner.runJob(id);
              // A replica that "dies" is never awaited (idle() is not called on it), and its store is
              // closed under it at the end of the file: keep that expected failure from surfacing as
              // an unhandled rejection. Awaited runs still see every error through idle().
              run.catch(() => undefined);
              return run;
            }),
          ),
      },
    },
  };
}
