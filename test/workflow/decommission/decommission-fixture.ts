/**
 * The decommission fixture: a cut over source, idle for 25 h, with its encrypted twin (link tags,
 * an enabled key) in the local estate; the real SDK clients (EFS, KMS, DataSync, CloudWatch, Backup)
 * reach it through AWS_ENDPOINT_URL; the store is the embedded DynamoDB; consumer discovery is a
 * fake of the phase's port (`discovered`: the last report is what discovery answers now).
 */
import { CreateLocationEfsCommand, CreateTaskCommand, DataSyncClient } from '@aws-sdk/client-datasync';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { backupClientsFrom } from '../../../src/aws/backup.ts';
import { activityReadersFrom } from '../../../src/aws/cloudwatch.ts';
import { decommissionClientsFrom } from '../../../src/aws/efs-deleter.ts';
import { TWIN_TAGS } from '../../../src/domain/build-plan.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { ConsumerReport } from '../../../src/domain/consumers.ts';
import { DECOMMISSION_JOB_KIND } from '../../../src/domain/decommission.ts';
import { migrationId as migrationIdOf } from '../../../src/domain/inventory.ts';
import {
  createDecommissionPhase,
  type BackupSettings,
  type DecommissionPhase,
  type IDecommissionEfs,
} from '../../../src/workflow/decommission/index.ts';
import { RecordingIoHost, type IoHost } from '../../../src/workflow/io-host.ts';
import { dyingAfter } from '../../harness/dying-handler.ts';
import { skipAheadRunner } from '../../harness/job-runners.ts';
import {
  FIXTURE_REGION,
  startLocalEstate,
  twoZoneVpc,
  type LocalEstate,
} from '../../harness/migration-fixture.ts';

export const ACCOUNT = '777777777777';
export const REGION = FIXTURE_REGION;
export const KEY = '77777777-0000-4000-8000-000000000001';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`;
export const SOURCE = 'fs-07070707070707071';
export const TWIN = 'fs-07070707070707072';
export const SUBNET_A = 'subnet-070707070707070a1';
export const SUBNET_B = 'subnet-070707070707070b1';
export const SG = 'sg-07070707070707071';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/backup`;
export const CUT_OVER_AT = new Date('2026-06-01T09:00:00Z');

export function estateDoc(
  o: { keyState?: string; sourceActivity?: boolean; replication?: boolean; twinMigrationTag?: string } = {},
) {
  return {
    callerAccountId: ACCOUNT,
    accounts: [
      {
        accountId: ACCOUNT,
        regions: {
          [REGION]: {
            ...twoZoneVpc({
              vpcId: 'vpc-07070707070707070',
              subnetIds: [SUBNET_A, SUBNET_B],
              defaultGroupId: 'sg-07070707070707070',
              nfsGroupId: SG,
              cidrPrefix: '10.7',
            }),
            keys: [{ KeyId: KEY, ...(o.keyState ? { KeyState: o.keyState } : {}) }],
            backupVaults: [{ BackupVaultName: 'keep' }, { BackupVaultName: 'broken', failJobs: true }],
            fileSystems: [
              {
                FileSystemId: SOURCE,
                Name: 'ledger',
                MountTargets: [
                  { SubnetId: SUBNET_A, SecurityGroups: [SG] },
                  { SubnetId: SUBNET_B, SecurityGroups: [SG] },
                ],
                AccessPoints: [
                  { AccessPointId: 'fsap-07070707070707071', RootDirectory: { Path: '/ledger' } },
                ],
                ...(o.sourceActivity
                  ? {
                      Activity: {
                        ClientConnections: 2,
                        TotalIOBytes: 4096,
                        since: '2026-06-02T08:00:00Z',
                        until: '2026-06-02T08:30:00Z',
                      },
                    }
                  : {}),
                ...(o.replication
                  ? {
                      Replications: [
                        { Destinations: [{ FileSystemId: 'fs-07070707070707079', Region: REGION }] },
                      ],
                    }
                  : {}),
              },
              {
                FileSystemId: TWIN,
                Name: 'ledger-encrypted',
                Encrypted: true,
                KmsKeyId: KEY,
                Tags: [
                  { Key: TWIN_TAGS.sourceFileSystemId, Value: SOURCE },
                  {
                    Key: TWIN_TAGS.migrationId,
                    Value: o.twinMigrationTag ?? `${ACCOUNT}:${REGION}:${SOURCE}`,
                  },
                ],
                MountTargets: [{ SubnetId: SUBNET_A, SecurityGroups: [SG] }],
                AccessPoints: [
                  { AccessPointId: 'fsap-07070707070707072', RootDirectory: { Path: '/ledger' } },
                ],
              },
            ],
          },
        },
      },
    ],
  };
}

export const noConsumers = (id: string): ConsumerReport => ({
  migrationId: id,
  accountId: ACCOUNT,
  region: REGION,
  fileSystemId: SOURCE,
  discoveredAt: '2026-06-02T10:00:00Z',
  consumers: [],
  checklist: [],
  unreadable: [],
});

export interface Setup {
  estate: LocalEstate;
  /** The estate's and the phase's clock, 25 h after the cutover. */
  clock: ManualClock;
  id: string;
  phase(
    backup?: BackupSettings,
    wrapEfs?: (efs: IDecommissionEfs) => IDecommissionEfs,
    progress?: IoHost,
  ): DecommissionPhase;
  io: RecordingIoHost;
  discovered: ConsumerReport[];
  efs: EFSClient;
  close(): Promise<void>;
}

export async function start(o: Parameters<typeof estateDoc>[0] = {}): Promise<Setup> {
  const clock = new ManualClock(CUT_OVER_AT);
  const estate = await startLocalEstate({ estate: estateDoc(o), name: 'decommission', clock });
  const id = migrationIdOf(ACCOUNT, REGION, SOURCE);
  const m = estate.store.migrations;
  let rec = await m.createMigration({
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: SOURCE,
    state: 'cutover_pending',
    facts: { verificationClean: true, targetValidated: true, hasDecision: true },
    actor: 'test',
  });
  rec = await m.updateMigration(id, {
    expectedVersion: rec.version,
    resources: { targetFileSystemId: TWIN, targetKmsKeyArn: KEY_ARN, verification: 'clean: 0 differences' },
    actor: 'test',
  });
  await m.transitionMigration(id, {
    expectedVersion: rec.version,
    to: 'cut_over',
    facts: { consumersRemaining: 0 },
    actor: 'test',
  });
  clock.advance(25 * 3_600_000);
  const io = new RecordingIoHost();
  const discovered: ConsumerReport[] = [noConsumers(id)];
  const deleters = decommissionClientsFrom(estate.accounts);
  const cloudWatch = activityReadersFrom(estate.accounts);
  const backups = backupClientsFrom(estate.accounts);
  const efs = new EFSClient({});
  const s: Setup = {
    estate,
    clock,
    id,
    io,
    discovered,
    efs,
    phase: (backup, wrapEfs = (e) => e, progress = io) =>
      createDecommissionPhase({
        migrations: m,
        events: estate.store.events,
        jobs: estate.store.jobs,
        readersFor: async (a, r) => ({
          efs: wrapEfs(await deleters.efsFor(a, r)),
          dataSync: await deleters.dataSyncFor(a, r),
          activity: await cloudWatch.readerFor(a, r),
          consumers: { discover: async () => discovered.at(-1)! },
        }),
        backupFor: backups.clientFor,
        ...(backup ? { backup } : {}),
        clock,
        io: progress,
        idleHours: 24,
        pollMs: 1_000,
      }),
    async close() {
      efs.destroy();
      deleters.destroy();
      cloudWatch.destroy();
      backups.destroy();
      await estate.close();
    },
  };
  return s;
}

/** The migration's DataSync locations and task, made in the estate and recorded as the copy records them. */
export async function withDataSync(
  s: Setup,
): Promise<{ ds: DataSyncClient; taskArn: string; locations: string[] }> {
  const ds = new DataSyncClient({});
  const arnOf = (fs: string) => `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${fs}`;
  const ec2Config = {
    SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${SUBNET_A}`,
    SecurityGroupArns: [`arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${SG}`],
  };
  const src = await ds.send(
    new CreateLocationEfsCommand({
      EfsFilesystemArn: arnOf(SOURCE),
      Ec2Config: ec2Config,
      InTransitEncryption: 'TLS1_2',
    }),
  );
  const dst = await ds.send(
    new CreateLocationEfsCommand({
      EfsFilesystemArn: arnOf(TWIN),
      Ec2Config: ec2Config,
      InTransitEncryption: 'TLS1_2',
    }),
  );
  const task = await ds.send(
    new CreateTaskCommand({
      SourceLocationArn: src.LocationArn,
      DestinationLocationArn: dst.LocationArn,
      Name: 'copy',
    }),
  );
  const rec = (await s.estate.store.migrations.getMigration(s.id))!;
  await s.estate.store.migrations.updateMigration(s.id, {
    expectedVersion: rec.version,
    resources: {
      dataSyncTaskArn: task.TaskArn!,
      dataSyncSourceLocationArn: src.LocationArn!,
      dataSyncDestinationLocationArn: dst.LocationArn!,
    },
    actor: 'test',
  });
  return { ds, taskArn: task.TaskArn!, locations: [src.LocationArn!, dst.LocationArn!] };
}

export const runner = (s: Setup, phase: DecommissionPhase, owner = 'r1') =>
  skipAheadRunner({
    jobs: s.estate.store.jobs,
    clock: s.estate.clock,
    kind: DECOMMISSION_JOB_KIND,
    handler: phase.handler,
    owner,
    leaseMs: 60_000,
  });

export async function exists(s: Setup, id: string): Promise<boolean> {
  try {
    const out = await s.efs.send(new DescribeFileSystemsCommand({ FileSystemId: id }));
    return out.FileSystems?.[0]?.LifeCycleState !== 'deleted';
  } catch (e) {
    if ((e as { name?: string }).name === 'FileSystemNotFound') return false;
    throw e;
  }
}

/** The adapter's methods as plain functions, so a test can replace one. */
export function bound(efs: IDecommissionEfs): IDecommissionEfs {
  return {
    describeFileSystem: (id) => efs.describeFileSystem(id),
    describeMountTargets: (id) => efs.describeMountTargets(id),
    describeAccessPoints: (id) => efs.describeAccessPoints(id),
    describeReplication: (id) => efs.describeReplication(id),
    describeKey: (id) => efs.describeKey(id),
    deleteAccessPoint: (id) => efs.deleteAccessPoint(id),
    deleteMountTarget: (id) => efs.deleteMountTarget(id),
    deleteFileSystem: (id) => efs.deleteFileSystem(id),
  };
}

/** A runner whose process dies (its checkpoint never returns) right after `step`. */
export function createDyingRunner(s: Setup, phase: DecommissionPhase, step: string) {
  return skipAheadRunner({
    jobs: s.estate.store.jobs,
    clock: s.estate.clock,
    kind: DECOMMISSION_JOB_KIND,
    owner: 'dies',
    leaseMs: 60_000,
    handler: dyingAfter(phase.handler, step),
  });
}
