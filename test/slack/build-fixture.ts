/**
 * The Slack build tests' world: a small estate with the write side (lifecycle states advancing on
 * the test's ManualClock), real SDK clients through AWS_ENDPOINT_URL, the embedded store, a real
 * scan and real decisions, and the build phase with a job runner on the same clock. Everything the
 * Slack app gets is the production code; only the runner's scheduler skips time ahead.
 */
import { EFSClient } from '@aws-sdk/client-efs';
import type { AccountClients } from '../../src/aws/account-clients.ts';
import { createDirectories, type Directories } from '../../src/aws/directory-clients.ts';
import { efsWritersFrom } from '../../src/aws/efs-writer.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import type { ScanRecord } from '../../src/domain/inventory.ts';
import { migrationId } from '../../src/domain/inventory.ts';
import type { EstateServer } from '../../src/estate/index.ts';
import type { BuildService, SlackServices } from '../../src/slack/services.ts';
import type { Store } from '../../src/store/index.ts';
import { createBuildPhase, type BuildPhase } from '../../src/workflow/build/index.ts';
import type { DecideWorkflow } from '../../src/workflow/decide/index.ts';
import { createProgressHub } from '../../src/workflow/io-host.ts';
import type { JobRecord } from '../../src/domain/job.ts';
import { createJobRunner, type JobHandler, type JobRunner } from '../../src/workflow/jobs/index.ts';
import { fakeScanService } from '../harness/fake-services.ts';
import { skipAheadScheduler } from '../harness/schedulers.ts';
import {
  decideInScope,
  scanLocalEstate,
  startLocalEstate,
  twinsOf,
  twoZoneVpc,
} from '../harness/migration-fixture.ts';

export const ACCOUNT = '666666666666';
export const REGION = 'eu-west-1';
export const ADMIN = 'U0ADMIN01';
const VPC = 'vpc-06060606060606060';
const SUBNET_A = 'subnet-060606060606060a1';
const SUBNET_B = 'subnet-060606060606060b1';
const SG_NFS = 'sg-06060606060606061';
export const KEY = '66666666-0000-4000-8000-000000000001';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`;
export const APP = 'fs-06060606060606061';
export const LOGS = 'fs-06060606060606062';
export const AP_WEB = 'fsap-06060606060606061';
export const APP_ID = migrationId(ACCOUNT, REGION, APP);
export const LOGS_ID = migrationId(ACCOUNT, REGION, LOGS);

const ESTATE = {
  callerAccountId: ACCOUNT,
  accounts: [
    {
      accountId: ACCOUNT,
      regions: {
        [REGION]: {
          ...twoZoneVpc({
            vpcId: VPC,
            subnetIds: [SUBNET_A, SUBNET_B],
            defaultGroupId: 'sg-06060606060606060',
            nfsGroupId: SG_NFS,
            cidrPrefix: '10.6',
          }),
          keys: [{ KeyId: KEY, Aliases: ['alias/twin-key'] }],
          fileSystems: [
            {
              FileSystemId: APP,
              Name: 'app',
              Tags: [
                { Key: 'env', Value: 'prod' },
                { Key: 'aws:cloudformation:stack-name', Value: 'app-stack' },
              ],
              MountTargets: [
                { SubnetId: SUBNET_A, IpAddress: '10.6.0.10', SecurityGroups: [SG_NFS] },
                { SubnetId: SUBNET_B, SecurityGroups: [SG_NFS] },
              ],
              AccessPoints: [
                {
                  AccessPointId: AP_WEB,
                  Name: 'web',
                  PosixUser: { Uid: 1001, Gid: 1001 },
                  RootDirectory: { Path: '/web' },
                },
              ],
              LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }],
              BackupPolicy: { Status: 'ENABLED' },
            },
            {
              FileSystemId: LOGS,
              Name: 'logs',
              MountTargets: [{ SubnetId: SUBNET_A, SecurityGroups: [SG_NFS] }],
            },
          ],
        },
      },
    },
  ],
};

export interface BuildWorld {
  clock: ManualClock;
  server: EstateServer;
  accounts: AccountClients;
  directories: Directories;
  store: Store;
  scan: ScanRecord;
  decide: DecideWorkflow;
  /** Twins of a source, as AWS lists them (by the bot's linking tag). */
  twinsOf(sourceId: string): Promise<unknown[]>;
  close(): Promise<void>;
}

export async function startBuildWorld(): Promise<BuildWorld> {
  const estate = await startLocalEstate({
    estate: ESTATE,
    name: 'slack-build',
    clock: new ManualClock(new Date('2026-05-01T09:00:00Z')),
  });
  const { clock, server, accounts, store } = estate;
  const directories = createDirectories(accounts, { clock });
  const efs = new EFSClient({ region: REGION, maxAttempts: 1 });
  const scan = await scanLocalEstate(estate, ADMIN);
  const { decide, recorded } = await decideInScope(estate, {
    directories,
    scan,
    fileSystemIds: [APP, LOGS],
    targetKey: 'alias/twin-key',
    method: 'datasync',
    actor: ADMIN,
  });
  if (!recorded.ok) throw new Error(`fixture decisions refused: ${JSON.stringify(recorded.invalid)}`);
  return {
    clock,
    server,
    accounts,
    directories,
    store,
    scan,
    decide,
    twinsOf: (sourceId) => twinsOf(efs, sourceId),
    async close() {
      efs.destroy();
      directories.destroy();
      await estate.close();
    },
  };
}

export interface BotReplica {
  services: SlackServices & { build: BuildService };
  phase: BuildPhase;
  runner: JobRunner;
  /** Jobs started through runNow, to await. */
  running: Promise<JobRecord | undefined>[];
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
  const io = hub.io;
  const phase = createBuildPhase({
    migrations: world.store.migrations,
    jobs: world.store.jobs,
    writerFor: efsWritersFrom(world.accounts),
    clock: world.clock,
    io,
    pollMs: 1_000,
  });
  const runner = createJobRunner({
    jobs: world.store.jobs,
    handlers: { build: handler ? handler(phase) : phase.handler },
    clock: world.clock,
    scheduler: skipAheadScheduler(world.clock),
    owner,
    leaseMs: 60_000,
  });
  const running: Promise<JobRecord | undefined>[] = [];
  return {
    phase,
    runner,
    running,
    async idle() {
      while (running.length) await Promise.all(running.splice(0));
    },
    services: {
      scan: fakeScanService({ result: world.scan }),
      scans: world.store.scans,
      decide: { workflow: world.decide, keys: world.directories.keys },
      build: {
        phase,
        listMigrations: () => world.store.migrations.listMigrations(),
        events: world.store.events,
        attachProgress: hub.attach,
        runNow: (ids) =>
          void running.push(
            ...ids.map((id) => {
              const run = runner.runJob(id);
              // A replica that "dies" is never awaited and its store closes under it: not an
              // unhandled rejection. Awaited runs still see every error through idle().
              run.catch(() => undefined);
              return run;
            }),
          ),
      },
    },
  };
}
