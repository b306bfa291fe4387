/**
 * The build phase's world: a small estate with the write side (lifecycle states advancing on the
 * test's ManualClock), real SDK clients through AWS_ENDPOINT_URL, the embedded store, a real scan
 * and real decisions (both file systems in scope, key alias/twin-key, DataSync), as the scan and
 * decide phases leave them in production. The Slack build tests (test/slack/build-fixture.ts) and
 * the build integration test start from it.
 */
import { EFSClient, type FileSystemDescription } from '@aws-sdk/client-efs';
import type { AccountClients } from '../../../src/aws/account-clients.ts';
import { createDirectories, type Directories } from '../../../src/aws/directory-clients.ts';
import { efsWritersFrom } from '../../../src/aws/efs-writer.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { ScanRecord } from '../../../src/domain/inventory.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import type { EstateServer } from '../../../src/estate/index.ts';
import type { Store } from '../../../src/store/index.ts';
import { createBuildPhase, type BuildPhase } from '../../../src/workflow/provision/index.ts';
import type { DecideWorkflow } from '../../../src/workflow/decide/index.ts';
import type { IoHost } from '../../../src/workflow/io-host.ts';
import {
  decideInScope,
  scanLocalEstate,
  startLocalEstate,
  twinsOf,
  twoZoneVpc,
} from '../../harness/migration-fixture.ts';

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
/** The lease of the build's job runners. */
export const LEASE_MS = 60_000;

/**
 * The estate: `app` (two mount targets, one with a fixed IP; access point `web`; a lifecycle and a
 * backup policy; a CloudFormation tag the twin must drop) and `logs` (one mount target), in a
 * two-zone VPC with one customer managed key. `app` adds to or replaces the app file system's fields.
 */
export function buildEstate(app: Record<string, unknown> = {}) {
  return {
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
                ...app,
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
}

export interface BuildWorld {
  clock: ManualClock;
  server: EstateServer;
  accounts: AccountClients;
  directories: Directories;
  store: Store;
  scan: ScanRecord;
  decide: DecideWorkflow;
  /** Twins of a source, as AWS lists them (by the bot's linking tag). */
  twinsOf(sourceId: string): Promise<FileSystemDescription[]>;
  close(): Promise<void>;
}

export interface BuildWorldOptions {
  /** The estate document; default buildEstate(). */
  estate?: unknown;
  /** Names the estate in validation errors. */
  name: string;
  /** Default: a new clock at 2026-05-01T09:00:00Z. */
  clock?: ManualClock;
}

export async function startBuildWorld(options: BuildWorldOptions): Promise<BuildWorld> {
  const estate = await startLocalEstate({
    estate: options.estate ?? buildEstate(),
    name: options.name,
    clock: options.clock ?? new ManualClock(new Date('2026-05-01T09:00:00Z')),
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

/** The build phase over the world, as src/cli/slack-services.ts wires it, reporting to `io`. */
export function buildPhaseOver(world: BuildWorld, io: IoHost): BuildPhase {
  return createBuildPhase({
    migrations: world.store.migrations,
    jobs: world.store.jobs,
    writerFor: efsWritersFrom(world.accounts),
    clock: world.clock,
    io,
    pollMs: 1_000,
  });
}
