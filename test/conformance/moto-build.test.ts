import {
  DescribeAccessPointsCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountClients } from '../../src/aws/account-clients.ts';
import { efsWritersFrom } from '../../src/aws/efs-writer.ts';
import { TWIN_TAGS } from '../../src/domain/build-plan.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { AWS_MANAGED_EFS_KEY_ALIAS, migrationId, type FileSystemRecord } from '../../src/domain/inventory.ts';
import type { MigrationDecision } from '../../src/domain/migration.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createBuildPhase, type BuildPhase } from '../../src/workflow/provision/index.ts';
import { RecordingIoHost } from '../../src/workflow/io-host.ts';
import { skipAheadRunner } from '../harness/job-runners.ts';
import { restoreEnv } from '../harness/sdk-env.ts';
import { MOTO_ACCOUNTS, MOTO_ROLE, seedMoto, type MotoSeed } from './moto-seed.ts';
import { motoServerAvailable, startMotoServer, type MotoServer } from './moto-server.ts';
import { scanMotoAccount } from './moto-scanned.ts';

/**
 * Conformance tier: the build of an encrypted twin against moto_server, an AWS emulator the team
 * did not write, through the same AWS_ENDPOINT_URL switch. Differences from AWS's documentation
 * that the build tolerates are named where they show:
 * - moto 5.2 has no PutBackupPolicy route (an HTML 500 page): the build records the backup policy as
 *   not copied and goes on, instead of failing.
 * - moto 5.2 leaves FileSystemId out of FileSystemAlreadyExists (the model requires it): the build
 *   finds the file system by its CreationToken instead.
 * - moto 5.2 makes a second access point for a repeated ClientToken (AWS returns the first): the
 *   build never repeats a create whose result it recorded or can find by its token.
 * - moto 5.2.1 answers CreateFileSystem's KmsKeyId back as it was given (an alias ARN stays an alias
 *   ARN); AWS answers the key's ARN. The AWS-managed key twin is therefore decided with the key ARN,
 *   as the decide phase stores it once DescribeKey has resolved the alias.
 * - moto 5.2.1 reports the key behind `alias/aws/elasticfilesystem` with KeyManager CUSTOMER; AWS
 *   reports AWS.
 */
const available = motoServerAvailable();
if (!available)
  console.log('conformance tier skipped: moto_server is not on PATH (pip install "moto[server]")');

const REGION = 'eu-west-1';

describe.skipIf(!available)('build against moto_server', () => {
  let moto: MotoServer;
  let seed: MotoSeed;
  let clients: AccountClients;
  let store: Store;
  let phase: BuildPhase;
  let io: RecordingIoHost;
  let efs: EFSClient;
  let kms: KMSClient;
  let source: FileSystemRecord;
  /** The source without mount targets, migrated to the AWS-managed key. */
  let inactive: FileSystemRecord;
  let decideAwsManaged: (keyArn: string) => Promise<void>;
  const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
  const saved = { ...process.env };
  const id = () => migrationId(MOTO_ACCOUNTS.payments, REGION, seed.unencryptedWithMounts);
  const awsKeyId = () => migrationId(MOTO_ACCOUNTS.payments, REGION, seed.unencryptedInactive);
  const buildOnce = async (owner: string) => {
    const runner = skipAheadRunner({
      jobs: store.jobs,
      clock,
      kind: 'build',
      handler: phase.handler,
      owner,
      leaseMs: 60_000,
    });
    return runner.tick();
  };

  beforeAll(async () => {
    moto = await startMotoServer();
    seed = await seedMoto(moto.endpoint);
    const scanned = await scanMotoAccount(moto.endpoint, {
      accountId: MOTO_ACCOUNTS.payments,
      region: REGION,
      clock,
    });
    clients = scanned.clients;
    const scan = scanned.scan;
    source = scan.fileSystems.find((f) => f.fileSystemId === seed.unencryptedWithMounts)!;
    inactive = scan.fileSystems.find((f) => f.fileSystemId === seed.unencryptedInactive)!;

    // The decide phase's outcome, stored directly: decided, with the key's ARN.
    store = await openStore({ clock });
    const decide = async (fileSystem: FileSystemRecord, decision: Partial<MigrationDecision>) => {
      const record = await store.migrations.createMigration({
        accountId: MOTO_ACCOUNTS.payments,
        region: REGION,
        fileSystemId: fileSystem.fileSystemId,
        state: 'decided',
        facts: { hasDecision: true },
        actor: 'U0ADMIN',
      });
      await store.migrations.putDecision(
        record.id,
        {
          targetKmsKeyId: seed.enabledKeyArn,
          method: 'datasync',
          decidedBy: 'U0ADMIN',
          decidedAt: clock.now().toISOString(),
          ...decision,
        },
        0,
      );
      await store.migrations.putSnapshot(record.id, {
        observedAt: clock.now().toISOString(),
        scanId: scan.scanId,
        fileSystem,
      });
    };
    await decide(source, { keyManager: 'CUSTOMER' });
    decideAwsManaged = (keyArn) =>
      decide(inactive, {
        targetKmsKeyId: keyArn,
        targetKeyAsGiven: AWS_MANAGED_EFS_KEY_ALIAS,
        keyManager: 'AWS',
      });

    io = new RecordingIoHost();
    phase = createBuildPhase({
      migrations: store.migrations,
      jobs: store.jobs,
      writerFor: efsWritersFrom(clients),
      clock,
      io,
      pollMs: 1_000,
    });
    const sts = new STSClient({ region: REGION });
    const c = (
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${MOTO_ACCOUNTS.payments}:role/${MOTO_ROLE}`,
          RoleSessionName: 'check',
        }),
      )
    ).Credentials!;
    sts.destroy();
    const assumed = {
      region: REGION,
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken,
      },
    };
    efs = new EFSClient(assumed);
    kms = new KMSClient(assumed);
  }, 60_000);

  afterAll(async () => {
    efs?.destroy();
    kms?.destroy();
    clients?.destroy();
    await store?.close();
    await moto?.close();
    restoreEnv(saved);
  });

  it('builds an encrypted twin with the intended key, mount targets and access point, and reports what it could not copy', async () => {
    await phase.requestBuild([id()], 'U0ADMIN');
    const report = await buildOnce('conformance');
    const status = await phase.status(id());
    expect(status.job?.lastError).toBeUndefined();
    expect(report.succeeded).toHaveLength(1);
    expect(status.state).toBe('target_ready');

    const twinId = status.mapping.targetFileSystemId!;
    const twin = (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: twinId }))).FileSystems![0]!;
    expect(twin.Encrypted).toBe(true);
    expect(twin.KmsKeyId).toBe(seed.enabledKeyArn);
    expect(twin.Tags).toContainEqual({ Key: TWIN_TAGS.sourceFileSystemId, Value: source.fileSystemId });
    expect(Object.keys(status.mapping.mountTargets).sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(Object.keys(status.mapping.accessPoints)).toEqual([seed.accessPointId]);

    // The twin's mount targets: in the source's subnets, with the source's security groups.
    const mountTargets = (await efs.send(new DescribeMountTargetsCommand({ FileSystemId: twinId })))
      .MountTargets!;
    expect(mountTargets.map((m) => m.SubnetId).sort()).toEqual([...seed.subnetIds].sort());
    expect(mountTargets.map((m) => m.AvailabilityZoneName).sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    for (const mt of mountTargets) {
      const groups = await efs.send(
        new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mt.MountTargetId }),
      );
      expect(groups.SecurityGroups).toEqual([seed.securityGroupId]);
    }

    // The twin's access point: the source's root directory (path and creation info) and POSIX user.
    const accessPoints = (await efs.send(new DescribeAccessPointsCommand({ FileSystemId: twinId })))
      .AccessPoints!;
    expect(accessPoints).toHaveLength(1);
    expect(accessPoints[0]!.AccessPointId).toBe(status.mapping.accessPoints[seed.accessPointId]);
    expect(accessPoints[0]).toMatchObject({
      FileSystemId: twinId,
      RootDirectory: {
        Path: '/ledger',
        CreationInfo: { OwnerUid: 1001, OwnerGid: 1001, Permissions: '750' },
      },
      PosixUser: { Uid: 1001, Gid: 1001, SecondaryGids: [2000] },
    });
    expect(
      (await efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: twinId }))).LifecyclePolicies,
    ).toEqual([{ TransitionToIA: 'AFTER_30_DAYS' }]);
    expect((await efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: twinId }))).Policy).toContain(
      'aws:SecureTransport',
    );

    // moto has no PutBackupPolicy: reported, recorded, not fatal.
    expect(status.mapping.notCopied.backupPolicy).toMatch(/not supported by this endpoint/);
    expect(io.messages.filter((m) => m.code === 'build.not_copied')).toHaveLength(1);
  });

  it('a second request and a second runner change nothing', async () => {
    const before = (await efs.send(new DescribeFileSystemsCommand({}))).FileSystems!.length;
    const [again] = await phase.requestBuild([id()], 'U0ADMIN');
    expect(again?.created).toBe(false);
    const runner = skipAheadRunner({
      jobs: store.jobs,
      clock,
      kind: 'build',
      handler: phase.handler,
      owner: 'other',
      leaseMs: 60_000,
    });
    expect((await runner.tick()).ran).toEqual([]);
    expect((await efs.send(new DescribeFileSystemsCommand({}))).FileSystems!.length).toBe(before);
  });

  it('builds a twin on the AWS-managed key (aws/elasticfilesystem)', async () => {
    // The decide phase resolves `alias/aws/elasticfilesystem` with DescribeKey, which creates the
    // AWS-managed key (AWS's DescribeKey documentation; moto 5.2.1 does too), and stores its ARN.
    const awsKey = (await kms.send(new DescribeKeyCommand({ KeyId: AWS_MANAGED_EFS_KEY_ALIAS })))
      .KeyMetadata!;
    // moto 5.2.1 says KeyManager CUSTOMER for it; AWS says AWS.
    expect(awsKey).toMatchObject({ KeyState: 'Enabled', Arn: expect.stringMatching(/:key\//) });
    await decideAwsManaged(awsKey.Arn!);
    await phase.requestBuild([awsKeyId()], 'U0ADMIN');
    const report = await buildOnce('conformance');
    const status = await phase.status(awsKeyId());
    expect(status.job?.lastError).toBeUndefined();
    expect(report.succeeded).toHaveLength(1);
    expect(status.state).toBe('target_ready');
    const twinId = status.mapping.targetFileSystemId!;
    const twin = (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: twinId }))).FileSystems![0]!;
    expect(twin.Encrypted).toBe(true);
    expect(twin.KmsKeyId).toBe(awsKey.Arn);
    expect(twin.Tags).toContainEqual({ Key: TWIN_TAGS.sourceFileSystemId, Value: inactive.fileSystemId });
    expect(status.mapping.mountTargets).toEqual({});
  });
});
