import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  AccessPointAlreadyExists,
  AccessPointLimitExceeded,
  AvailabilityZonesMismatch,
  BadRequest,
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteFileSystemPolicyCommand,
  DeleteMountTargetCommand,
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand,
  FileSystemAlreadyExists,
  FileSystemInUse,
  FileSystemLimitExceeded,
  FileSystemNotFound,
  IncorrectFileSystemLifeCycleState,
  IncorrectMountTargetState,
  InternalServerError,
  InvalidPolicyException,
  IpAddressInUse,
  ListTagsForResourceCommand,
  ModifyMountTargetSecurityGroupsCommand,
  MountTargetConflict,
  PolicyNotFound,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  SecurityGroupLimitExceeded,
  SecurityGroupNotFound,
  SubnetNotFound,
  TagResourceCommand,
  TooManyRequests,
  UntagResourceCommand,
  UpdateFileSystemCommand,
  type CreateFileSystemCommandInput,
} from '@aws-sdk/client-efs';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';
import {
  ACCOUNT,
  DISABLED_KEY,
  KEY,
  PENDING_KEY,
  REGION,
  SG_DEFAULT,
  SG_NFS,
  SG_OTHER_VPC,
  SOURCE,
  SOURCE_MT_A_IP,
  startWriteHarness,
  SUBNET_A,
  SUBNET_B,
  SUBNET_C,
  SUBNET_OTHER_VPC,
  type WriteHarness,
} from './write-fixture.ts';

let h: WriteHarness;
beforeEach(async () => {
  h = await startWriteHarness({ limits: { fileSystemsPerRegion: 6, accessPointsPerFileSystem: 2 } });
});
afterEach(() => h.server.close());

const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`;

async function create(input: Partial<CreateFileSystemCommandInput> = {}) {
  return h.efs.send(
    new CreateFileSystemCommand({ CreationToken: 'migration-1', Encrypted: true, KmsKeyId: KEY, ...input }),
  );
}

async function describe1(id: string) {
  return (await h.efs.send(new DescribeFileSystemsCommand({ FileSystemId: id }))).FileSystems![0]!;
}

/** A created file system, moved past `creating`. */
async function available(input: Partial<CreateFileSystemCommandInput> = {}): Promise<string> {
  const fs = await create(input);
  h.advance(DEFAULT_TIMING.fileSystemCreateMs);
  return fs.FileSystemId!;
}

describe('CreateFileSystem', () => {
  test('answers creating, becomes available on the clock, with the key resolved to its ARN', async () => {
    const fs = await create({
      KmsKeyId: 'alias/twin-key',
      Tags: [{ Key: 'Name', Value: 'payments-encrypted' }],
    });
    expect(fs).toMatchObject({
      LifeCycleState: 'creating',
      Encrypted: true,
      KmsKeyId: KEY_ARN,
      CreationToken: 'migration-1',
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'bursting',
      Name: 'payments-encrypted',
      NumberOfMountTargets: 0,
      OwnerId: ACCOUNT,
      FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
    });
    expect(fs.FileSystemId).toMatch(/^fs-[0-9a-f]{17}$/);
    h.advance(DEFAULT_TIMING.fileSystemCreateMs - 1);
    expect((await describe1(fs.FileSystemId!)).LifeCycleState).toBe('creating');
    h.advance(1);
    expect((await describe1(fs.FileSystemId!)).LifeCycleState).toBe('available');
  });

  test('every key reference form resolves: ID, ARN, alias name, alias ARN', async () => {
    const refs = [KEY, KEY_ARN, 'alias/twin-key', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/twin-key`];
    for (const [i, ref] of refs.entries()) {
      const fs = await create({ CreationToken: `ref-${i}`, KmsKeyId: ref });
      expect(fs.KmsKeyId).toBe(KEY_ARN);
    }
  });

  test('the same CreationToken answers FileSystemAlreadyExists carrying the existing ID', async () => {
    const first = await create();
    const again = await create().catch((e: unknown) => e);
    expect(again).toBeInstanceOf(FileSystemAlreadyExists);
    expect(again).toMatchObject({ FileSystemId: first.FileSystemId, $metadata: { httpStatusCode: 409 } });
    const all = await h.efs.send(new DescribeFileSystemsCommand({ CreationToken: 'migration-1' }));
    expect(all.FileSystems).toHaveLength(1);
  });

  test('a disabled or pending-deletion key: accepted, then the file system ends in error', async () => {
    const disabled = await create({ CreationToken: 'd', KmsKeyId: DISABLED_KEY });
    const pending = await create({ CreationToken: 'p', KmsKeyId: PENDING_KEY });
    h.advance(DEFAULT_TIMING.fileSystemCreateMs);
    expect((await describe1(disabled.FileSystemId!)).LifeCycleState).toBe('error');
    expect((await describe1(pending.FileSystemId!)).LifeCycleState).toBe('error');
  });

  test('a key disabled after the create call still fails the file system', async () => {
    const fs = await create();
    h.server.control.setKeyState(ACCOUNT, REGION, KEY, 'Disabled');
    h.advance(DEFAULT_TIMING.fileSystemCreateMs);
    // The estate checks the key at the create call; a key disabled later leaves the file system
    // available (AWS: existing file systems "stop working after a period of time").
    expect((await describe1(fs.FileSystemId!)).LifeCycleState).toBe('available');
    await expect(create({ CreationToken: 'after' })).resolves.toBeDefined();
    h.advance(DEFAULT_TIMING.fileSystemCreateMs);
    const later = await h.efs.send(new DescribeFileSystemsCommand({ CreationToken: 'after' }));
    expect(later.FileSystems![0]!.LifeCycleState).toBe('error');
  });

  test('a key that does not exist is refused at once', async () => {
    await expect(create({ KmsKeyId: 'alias/nope' })).rejects.toBeInstanceOf(BadRequest);
    await expect(
      h.efs.send(new DescribeFileSystemsCommand({ CreationToken: 'migration-1' })),
    ).resolves.toMatchObject({
      FileSystems: [],
    });
  });

  test('no key means the AWS-managed aws/elasticfilesystem key', async () => {
    const fs = await create({ KmsKeyId: undefined });
    expect(fs.KmsKeyId).toMatch(new RegExp(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/[0-9a-f-]{36}$`));
    expect(fs.KmsKeyId).not.toBe(KEY_ARN);
  });

  // The plan records the alias ARN of an AWS-managed key not yet used (decision.ts
  // `aws-managed-not-yet-created`); AWS creates the key on first use, named either way.
  test.each([
    ['its alias name', 'alias/aws/elasticfilesystem'],
    ['its alias ARN', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/elasticfilesystem`],
  ])('the AWS-managed key named by %s is created on first use', async (_name, ref) => {
    const fs = await create({ KmsKeyId: ref });
    expect(fs.KmsKeyId).toMatch(new RegExp(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/[0-9a-f-]{36}$`));
    const again = await create({ KmsKeyId: undefined, CreationToken: 'migration-2' });
    expect(again.KmsKeyId).toBe(fs.KmsKeyId);
  });

  test.each([
    ['maxIO with elastic throughput', { PerformanceMode: 'maxIO', ThroughputMode: 'elastic' }],
    ['maxIO on One Zone', { PerformanceMode: 'maxIO', AvailabilityZoneName: 'eu-west-1a' }],
    ['provisioned without a rate', { ThroughputMode: 'provisioned' }],
    ['a rate without provisioned', { ThroughputMode: 'elastic', ProvisionedThroughputInMibps: 10 }],
    ['KmsKeyId without Encrypted', { Encrypted: false }],
    ['a tag key beginning aws:', { Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'x' }] }],
    ['a tag key beginning AWS: in capitals', { Tags: [{ Key: 'AWS:x', Value: 'x' }] }],
  ] as const)('refuses %s with BadRequest', async (_name, input) => {
    const e = await create(input as Partial<CreateFileSystemCommandInput>).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadRequest);
    expect((e as Error).message).not.toBe('');
  });

  test('provisioned throughput and One Zone are kept; backup defaults on for One Zone', async () => {
    const fs = await available({
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 64,
      AvailabilityZoneName: 'eu-west-1b',
    });
    expect(await describe1(fs)).toMatchObject({
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 64,
      AvailabilityZoneName: 'eu-west-1b',
      AvailabilityZoneId: 'euw1-az2',
    });
    expect((await h.efs.send(new DescribeBackupPolicyCommand({ FileSystemId: fs }))).BackupPolicy).toEqual({
      Status: 'ENABLED',
    });
  });

  test('the file system quota answers FileSystemLimitExceeded', async () => {
    for (let i = 0; i < 5; i++) await create({ CreationToken: `n-${i}` }); // plus the source: 6
    await expect(create({ CreationToken: 'one-too-many' })).rejects.toBeInstanceOf(FileSystemLimitExceeded);
  });
});

describe('mount targets', () => {
  test('need an available file system', async () => {
    const fs = await create();
    await expect(
      h.efs.send(new CreateMountTargetCommand({ FileSystemId: fs.FileSystemId, SubnetId: SUBNET_A })),
    ).rejects.toBeInstanceOf(IncorrectFileSystemLifeCycleState);
  });

  test('creating → available, the VPC default group unless given, one per AZ, one VPC', async () => {
    const fs = await available();
    const mt = await h.efs.send(new CreateMountTargetCommand({ FileSystemId: fs, SubnetId: SUBNET_A }));
    expect(mt).toMatchObject({
      LifeCycleState: 'creating',
      SubnetId: SUBNET_A,
      AvailabilityZoneName: 'eu-west-1a',
      FileSystemId: fs,
    });
    expect(mt.IpAddress).toMatch(/^10\.4\.0\.\d+$/);
    expect(mt.IpAddress).not.toBe(SOURCE_MT_A_IP);
    await expect(
      h.efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mt.MountTargetId })),
    ).rejects.toBeInstanceOf(IncorrectMountTargetState);
    h.advance(DEFAULT_TIMING.mountTargetCreateMs);
    const groups = await h.efs.send(
      new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mt.MountTargetId }),
    );
    expect(groups.SecurityGroups).toEqual([SG_DEFAULT]);

    const sameZone = await h.efs
      .send(new CreateMountTargetCommand({ FileSystemId: fs, SubnetId: SUBNET_A }))
      .catch((e: unknown) => e);
    expect(sameZone).toBeInstanceOf(MountTargetConflict);
    expect((sameZone as Error).message).toContain('one mount target per Availability Zone');
    const otherVpc = h.efs.send(
      new CreateMountTargetCommand({
        FileSystemId: fs,
        SubnetId: SUBNET_OTHER_VPC,
        SecurityGroups: [SG_OTHER_VPC],
      }),
    );
    await expect(otherVpc).rejects.toBeInstanceOf(MountTargetConflict);
    await expect(otherVpc).rejects.toThrow(/must be in one VPC/);
    const b = await h.efs.send(
      new CreateMountTargetCommand({ FileSystemId: fs, SubnetId: SUBNET_B, SecurityGroups: [SG_NFS] }),
    );
    expect(b.VpcId).toBe(mt.VpcId);
    expect((await describe1(fs)).NumberOfMountTargets).toBe(2);
  });

  test('subnet, security group, group limit and IP address rules', async () => {
    const fs = await available();
    const send = (input: Record<string, unknown>) =>
      h.efs.send(new CreateMountTargetCommand({ FileSystemId: fs, SubnetId: SUBNET_A, ...input }));
    await expect(send({ SubnetId: 'subnet-0123456789abcdef0' })).rejects.toBeInstanceOf(SubnetNotFound);
    await expect(send({ SecurityGroups: ['sg-0123456789abcdef0'] })).rejects.toBeInstanceOf(
      SecurityGroupNotFound,
    );
    await expect(send({ SecurityGroups: [SG_OTHER_VPC] })).rejects.toBeInstanceOf(SecurityGroupNotFound);
    const six = Array.from({ length: 6 }, (_, i) => `sg-00000000000000${i}`);
    await expect(send({ SecurityGroups: six })).rejects.toBeInstanceOf(SecurityGroupLimitExceeded);
    // The source's mount target holds this address while it exists: let AWS pick instead.
    await expect(send({ IpAddress: SOURCE_MT_A_IP })).rejects.toBeInstanceOf(IpAddressInUse);
    await expect(send({ IpAddress: '10.9.9.9' })).rejects.toBeInstanceOf(BadRequest);
    await expect(send({ IpAddress: '10.4.0.77' })).resolves.toMatchObject({ IpAddress: '10.4.0.77' });
  });

  test('One Zone file systems take a mount target in their own zone only', async () => {
    const fs = await available({ AvailabilityZoneName: 'eu-west-1c' });
    await expect(
      h.efs.send(new CreateMountTargetCommand({ FileSystemId: fs, SubnetId: SUBNET_A })),
    ).rejects.toBeInstanceOf(AvailabilityZonesMismatch);
    await expect(
      h.efs.send(new CreateMountTargetCommand({ FileSystemId: fs, SubnetId: SUBNET_C })),
    ).resolves.toBeDefined();
  });

  test('modify security groups, delete, and the file system delete order', async () => {
    const fs = await available();
    const mt = await h.efs.send(new CreateMountTargetCommand({ FileSystemId: fs, SubnetId: SUBNET_A }));
    await expect(
      h.efs.send(
        new ModifyMountTargetSecurityGroupsCommand({
          MountTargetId: mt.MountTargetId,
          SecurityGroups: [SG_NFS],
        }),
      ),
    ).rejects.toBeInstanceOf(IncorrectMountTargetState);
    h.advance(DEFAULT_TIMING.mountTargetCreateMs);
    await h.efs.send(
      new ModifyMountTargetSecurityGroupsCommand({
        MountTargetId: mt.MountTargetId,
        SecurityGroups: [SG_NFS, SG_DEFAULT],
      }),
    );
    expect(
      (await h.efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mt.MountTargetId })))
        .SecurityGroups,
    ).toEqual([SG_NFS, SG_DEFAULT]);
    const inUse = h.efs.send(new DeleteFileSystemCommand({ FileSystemId: fs }));
    await expect(inUse).rejects.toBeInstanceOf(FileSystemInUse);
    await expect(inUse).rejects.toMatchObject({ $metadata: { httpStatusCode: 409 } });

    await h.efs.send(new DeleteMountTargetCommand({ MountTargetId: mt.MountTargetId }));
    const listed = await h.efs.send(new DescribeMountTargetsCommand({ FileSystemId: fs }));
    expect(listed.MountTargets!.map((m) => m.LifeCycleState)).toEqual(['deleting']);
    await expect(h.efs.send(new DeleteFileSystemCommand({ FileSystemId: fs }))).rejects.toBeInstanceOf(
      FileSystemInUse,
    );
    h.advance(DEFAULT_TIMING.mountTargetDeleteMs);
    expect((await h.efs.send(new DescribeMountTargetsCommand({ FileSystemId: fs }))).MountTargets).toEqual(
      [],
    );

    await h.efs.send(new DeleteFileSystemCommand({ FileSystemId: fs }));
    expect((await describe1(fs)).LifeCycleState).toBe('deleting');
    h.advance(DEFAULT_TIMING.fileSystemDeleteMs);
    await expect(describe1(fs)).rejects.toBeInstanceOf(FileSystemNotFound);
  });
});

describe('access points', () => {
  const ap = (fs: string, token: string) =>
    h.efs.send(
      new CreateAccessPointCommand({
        FileSystemId: fs,
        ClientToken: token,
        PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [2000] },
        RootDirectory: {
          Path: '/app',
          CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '0750' },
        },
        Tags: [{ Key: 'Name', Value: 'app' }],
      }),
    );

  test('created with a new ID; the same ClientToken answers AccessPointAlreadyExists with it', async () => {
    const fs = await available();
    await expect(ap(SOURCE, 'x').then(() => ap(SOURCE, 'x'))).rejects.toBeInstanceOf(
      AccessPointAlreadyExists,
    );
    const created = await ap(fs, 'migration-1/fsap-1');
    expect(created).toMatchObject({
      LifeCycleState: 'creating',
      FileSystemId: fs,
      Name: 'app',
      PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [2000] },
      RootDirectory: { Path: '/app', CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '0750' } },
    });
    expect(created.AccessPointArn).toBe(
      `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/${created.AccessPointId}`,
    );
    const again = await ap(fs, 'migration-1/fsap-1').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(AccessPointAlreadyExists);
    expect(again).toMatchObject({ AccessPointId: created.AccessPointId });
    h.advance(DEFAULT_TIMING.accessPointCreateMs);
    const listed = await h.efs.send(new DescribeAccessPointsCommand({ FileSystemId: fs }));
    expect(listed.AccessPoints!.map((a) => [a.AccessPointId, a.LifeCycleState])).toEqual([
      [created.AccessPointId, 'available'],
    ]);
  });

  test('the per-file-system limit, a bad path, a file system still creating, and delete', async () => {
    const creating = await create({ CreationToken: 'still-creating' });
    await expect(ap(creating.FileSystemId!, 't')).rejects.toBeInstanceOf(IncorrectFileSystemLifeCycleState);
    const fs = await available();
    await expect(
      h.efs.send(
        new CreateAccessPointCommand({
          FileSystemId: fs,
          ClientToken: 'd',
          RootDirectory: { Path: '/a/b/c/d/e' },
        }),
      ),
    ).rejects.toBeInstanceOf(BadRequest);
    const first = await ap(fs, 'a');
    await ap(fs, 'b');
    await expect(ap(fs, 'c')).rejects.toBeInstanceOf(AccessPointLimitExceeded);
    await h.efs.send(new DeleteAccessPointCommand({ AccessPointId: first.AccessPointId }));
    await expect(ap(fs, 'c')).resolves.toBeDefined();
  });
});

describe('settings copied to a twin', () => {
  test('lifecycle: one transition per policy; Archive needs elastic + generalPurpose and to come after IA', async () => {
    const bursting = await available({ CreationToken: 'bursting' });
    const elastic = await available({ CreationToken: 'elastic', ThroughputMode: 'elastic' });
    const put = (id: string, LifecyclePolicies: object[]) =>
      h.efs.send(new PutLifecycleConfigurationCommand({ FileSystemId: id, LifecyclePolicies }));
    await expect(
      put(elastic, [{ TransitionToIA: 'AFTER_30_DAYS', TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }]),
    ).rejects.toBeInstanceOf(BadRequest);
    await expect(put(bursting, [{ TransitionToArchive: 'AFTER_90_DAYS' }])).rejects.toThrow(
      /Elastic throughput/,
    );
    await expect(
      put(elastic, [{ TransitionToIA: 'AFTER_90_DAYS' }, { TransitionToArchive: 'AFTER_60_DAYS' }]),
    ).rejects.toThrow(/later/);
    const policies = [
      { TransitionToIA: 'AFTER_30_DAYS' },
      { TransitionToArchive: 'AFTER_90_DAYS' },
      { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
    ];
    await expect(put(elastic, policies)).resolves.toMatchObject({ LifecyclePolicies: policies });
    expect(
      (await h.efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: elastic })))
        .LifecyclePolicies,
    ).toEqual(policies);
    await put(elastic, []);
    expect(
      (await h.efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: elastic })))
        .LifecyclePolicies,
    ).toEqual([]);
  });

  test('backup policy and file system policy', async () => {
    const fs = await available();
    expect((await h.efs.send(new DescribeBackupPolicyCommand({ FileSystemId: fs }))).BackupPolicy).toEqual({
      Status: 'DISABLED',
    });
    await h.efs.send(new PutBackupPolicyCommand({ FileSystemId: fs, BackupPolicy: { Status: 'ENABLED' } }));
    expect((await h.efs.send(new DescribeBackupPolicyCommand({ FileSystemId: fs }))).BackupPolicy).toEqual({
      Status: 'ENABLED',
    });

    const arn = (await describe1(fs)).FileSystemArn!;
    const policy = (resource: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'elasticfilesystem:ClientMount',
            Resource: resource,
          },
        ],
      });
    const put = (Policy: string) => h.efs.send(new PutFileSystemPolicyCommand({ FileSystemId: fs, Policy }));
    await expect(put('{not json')).rejects.toBeInstanceOf(InvalidPolicyException);
    await expect(put(policy(arn.replace(fs, SOURCE)))).rejects.toThrow(/rewrite its ARNs/);
    await expect(put(policy(arn))).resolves.toMatchObject({ FileSystemId: fs });
    expect((await h.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: fs }))).Policy).toBe(
      policy(arn),
    );
    await h.efs.send(new DeleteFileSystemPolicyCommand({ FileSystemId: fs }));
    await expect(
      h.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: fs })),
    ).rejects.toBeInstanceOf(PolicyNotFound);
  });

  test('tags: added, replaced, removed; Name follows; aws: keys refused', async () => {
    const fs = await available();
    await h.efs.send(
      new TagResourceCommand({
        ResourceId: fs,
        Tags: [
          { Key: 'Name', Value: 'twin' },
          { Key: 'migration', Value: 'm-1' },
        ],
      }),
    );
    await expect(
      h.efs.send(new TagResourceCommand({ ResourceId: fs, Tags: [{ Key: 'aws:backup', Value: 'x' }] })),
    ).rejects.toBeInstanceOf(BadRequest);
    expect((await describe1(fs)).Name).toBe('twin');
    await h.efs.send(new UntagResourceCommand({ ResourceId: fs, TagKeys: ['Name', 'absent'] }));
    const tags = await h.efs.send(new ListTagsForResourceCommand({ ResourceId: fs }));
    expect(tags.Tags).toEqual([{ Key: 'migration', Value: 'm-1' }]);
    expect((await describe1(fs)).Name).toBeUndefined();
  });

  test('throughput mode changes once per 24 hours', async () => {
    const fs = await available();
    await expect(
      h.efs.send(new UpdateFileSystemCommand({ FileSystemId: fs, ThroughputMode: 'elastic' })),
    ).resolves.toMatchObject({
      ThroughputMode: 'elastic',
    });
    await expect(
      h.efs.send(
        new UpdateFileSystemCommand({
          FileSystemId: fs,
          ThroughputMode: 'provisioned',
          ProvisionedThroughputInMibps: 100,
        }),
      ),
    ).rejects.toBeInstanceOf(TooManyRequests);
    h.advance(24 * 3600_000);
    await expect(
      h.efs.send(
        new UpdateFileSystemCommand({
          FileSystemId: fs,
          ThroughputMode: 'provisioned',
          ProvisionedThroughputInMibps: 100,
        }),
      ),
    ).resolves.toMatchObject({ ThroughputMode: 'provisioned', ProvisionedThroughputInMibps: 100 });
    // Raising provisioned throughput is not limited.
    await expect(
      h.efs.send(new UpdateFileSystemCommand({ FileSystemId: fs, ProvisionedThroughputInMibps: 200 })),
    ).resolves.toBeDefined();
  });
});

describe('control surface', () => {
  test('failNext answers the queued error once, for the named operation only', async () => {
    h.server.control.failNext('efs:CreateFileSystem', { code: 'InternalServerError', message: 'try again' });
    const failed = create().catch((e: unknown) => e);
    await expect(failed).resolves.toBeInstanceOf(InternalServerError);
    await expect(failed).resolves.toMatchObject({ message: 'try again', $metadata: { httpStatusCode: 500 } });
    await expect(create()).resolves.toMatchObject({ CreationToken: 'migration-1' });
  });

  test('fileSystem() shows state and content without an API call', async () => {
    const fs = h.server.control.fileSystem({ accountId: ACCOUNT, region: REGION, fileSystemId: SOURCE })!;
    expect(fs.MountTargets).toHaveLength(2);
    expect(fs.content.bytes).toBe(10 * 1024 * 1024 * 1024);
    expect(fs.content.files).toBeGreaterThan(0);
    const statsBefore = h.server.stats().calls;
    h.server.control.writeFiles(
      { accountId: ACCOUNT, region: REGION, fileSystemId: SOURCE },
      { files: 3, bytes: 3000 },
    );
    expect(h.server.stats().calls).toBe(statsBefore);
    expect((await describe1(SOURCE)).SizeInBytes!.Value).toBe(6144 + 10 * 1024 * 1024 * 1024 + 3000);
  });
});
