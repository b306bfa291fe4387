import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AccessPointNotFound,
  BadRequest,
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand,
  DescribeReplicationConfigurationsCommand,
  FileSystemNotFound,
  ListTagsForResourceCommand,
  MountTargetNotFound,
  PolicyNotFound,
  ReplicationNotFound,
  paginateDescribeAccessPoints,
  paginateDescribeFileSystems,
  paginateDescribeMountTargets,
} from '@aws-sdk/client-efs';
import { startHarness, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());

const PAYMENTS = 'fs-0a0a0a0a0a0a0a0a1';

describe('EFS read side through the real EFSClient', () => {
  test('DescribeFileSystems answers full descriptions with dates and enums intact', async () => {
    const out = await h.efs.send(new DescribeFileSystemsCommand({ FileSystemId: PAYMENTS }));
    const fs = out.FileSystems![0]!;
    expect(fs).toMatchObject({
      FileSystemId: PAYMENTS,
      OwnerId: '111111111111',
      FileSystemArn: `arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/${PAYMENTS}`,
      Name: 'payments-shared',
      LifeCycleState: 'available',
      NumberOfMountTargets: 2,
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'elastic',
      Encrypted: false,
    });
    expect(fs.CreationTime).toBeInstanceOf(Date);
    expect(fs.Tags).toContainEqual({ Key: 'Name', Value: 'payments-shared' });
    expect(fs.KmsKeyId).toBeUndefined();
    // The estate's additions stay out of the AWS shape.
    expect(fs).not.toHaveProperty('MountTargets');
  });

  test('encrypted file systems report their key as an ARN; the default key is aws/elasticfilesystem', async () => {
    const out = await h.efs.send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-0a0a0a0a0a0a0a0a2' }));
    expect(out.FileSystems![0]).toMatchObject({
      Encrypted: true,
      KmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 128,
    });
    const managed = await h.efs.send(
      new DescribeFileSystemsCommand({ FileSystemId: 'fs-0a0a0a0a0a0a0a0a3' }),
    );
    expect(managed.FileSystems![0]!.KmsKeyId).toMatch(
      /^arn:aws:kms:eu-west-1:111111111111:key\/[0-9a-f-]{36}$/,
    );
  });

  test('the paginator walks every page of the small default page size', async () => {
    const pages = [];
    for await (const page of paginateDescribeFileSystems({ client: h.efs }, {})) pages.push(page);
    const ids = pages.flatMap((p) => p.FileSystems!.map((f) => f.FileSystemId));
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    expect(pages.length).toBe(3); // 5 + 5 + 2
    expect(pages[0]!.NextMarker).toBeDefined();
    expect(pages[2]!.NextMarker).toBeUndefined();
    expect(pages[1]!.Marker).toBe(pages[0]!.NextMarker);
  });

  test('MaxItems sets the page size', async () => {
    const pages = [];
    for await (const page of paginateDescribeFileSystems({ client: h.efs, pageSize: 4 }, {}))
      pages.push(page);
    expect(pages.map((p) => p.FileSystems!.length)).toEqual([4, 4, 4]);
  });

  test('a marker from another listing is refused as BadRequest', async () => {
    const first = await h.efs.send(new DescribeFileSystemsCommand({}));
    await expect(
      h.efs.send(new DescribeMountTargetsCommand({ FileSystemId: PAYMENTS, Marker: first.NextMarker })),
    ).rejects.toBeInstanceOf(BadRequest);
  });

  test('mount targets, their security groups, and paging over them', async () => {
    const out = await h.efs.send(new DescribeMountTargetsCommand({ FileSystemId: PAYMENTS }));
    expect(out.MountTargets).toHaveLength(2);
    expect(out.MountTargets![0]).toMatchObject({
      MountTargetId: 'fsmt-0a0a0a0a0a0a0a0a1',
      FileSystemId: PAYMENTS,
      SubnetId: 'subnet-0a0a0a0a0a0a0a0a1',
      VpcId: 'vpc-0a0a0a0a0a0a0a0a0',
      AvailabilityZoneName: 'eu-west-1a',
      AvailabilityZoneId: 'euw1-az1',
      LifeCycleState: 'available',
      OwnerId: '111111111111',
    });
    expect(out.MountTargets![0]!.IpAddress).toMatch(/^10\.1\.\d+\.\d+$/);
    const paged = [];
    for await (const p of paginateDescribeMountTargets(
      { client: h.efs, pageSize: 1 },
      { FileSystemId: PAYMENTS },
    )) {
      paged.push(...p.MountTargets!);
    }
    expect(paged.map((m) => m.SubnetId)).toEqual(['subnet-0a0a0a0a0a0a0a0a1', 'subnet-0a0a0a0a0a0a0a0a2']);
    const groups = await h.efs.send(
      new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: 'fsmt-0a0a0a0a0a0a0a0a1' }),
    );
    expect(groups.SecurityGroups).toEqual(['sg-0a0a0a0a0a0a0a0a2']);
    // With no SecurityGroups in the file, the VPC's default group is used, as EFS does.
    const second = await h.efs.send(
      new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: paged[1]!.MountTargetId! }),
    );
    expect(second.SecurityGroups).toEqual(['sg-0a0a0a0a0a0a0a0a1']);
    const byAccessPoint = await h.efs.send(
      new DescribeMountTargetsCommand({ AccessPointId: 'fsap-0a0a0a0a0a0a0a0a1' }),
    );
    expect(byAccessPoint.MountTargets).toHaveLength(2);
  });

  test('access points with POSIX users, per file system and across the region', async () => {
    const out = await h.efs.send(new DescribeAccessPointsCommand({ FileSystemId: PAYMENTS }));
    expect(out.AccessPoints).toEqual([
      expect.objectContaining({
        AccessPointId: 'fsap-0a0a0a0a0a0a0a0a1',
        AccessPointArn:
          'arn:aws:elasticfilesystem:eu-west-1:111111111111:access-point/fsap-0a0a0a0a0a0a0a0a1',
        FileSystemId: PAYMENTS,
        Name: 'app',
        PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [2000] },
        RootDirectory: { Path: '/app' },
        LifeCycleState: 'available',
        Tags: [{ Key: 'Name', Value: 'app' }],
      }),
    ]);
    const all = [];
    for await (const p of paginateDescribeAccessPoints({ client: h.efs }, {})) all.push(...p.AccessPoints!);
    expect(all.map((a) => a.AccessPointId)).toEqual(['fsap-0a0a0a0a0a0a0a0a1']);
  });

  test('lifecycle, backup policy, file system policy and tags', async () => {
    const lifecycle = await h.efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: PAYMENTS }));
    expect(lifecycle.LifecyclePolicies).toEqual([
      { TransitionToIA: 'AFTER_30_DAYS' },
      { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
    ]);
    const backup = await h.efs.send(new DescribeBackupPolicyCommand({ FileSystemId: PAYMENTS }));
    expect(backup.BackupPolicy).toEqual({ Status: 'ENABLED' });
    const policy = await h.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: PAYMENTS }));
    expect(policy).toMatchObject({
      FileSystemId: PAYMENTS,
      Policy: '{"Version":"2012-10-17","Statement":[]}',
    });
    const tags = await h.efs.send(new ListTagsForResourceCommand({ ResourceId: PAYMENTS }));
    expect(tags.Tags).toEqual([
      { Key: 'owner', Value: 'payments' },
      { Key: 'Name', Value: 'payments-shared' },
    ]);
    const apTags = await h.efs.send(new ListTagsForResourceCommand({ ResourceId: 'fsap-0a0a0a0a0a0a0a0a1' }));
    expect(apTags.Tags).toEqual([{ Key: 'Name', Value: 'app' }]);
  });

  test('replication configurations, with defaults filled from the source', async () => {
    const out = await h.efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: PAYMENTS }));
    expect(out.Replications).toHaveLength(1);
    expect(out.Replications![0]).toMatchObject({
      SourceFileSystemId: PAYMENTS,
      SourceFileSystemRegion: 'eu-west-1',
      SourceFileSystemArn: `arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/${PAYMENTS}`,
      Destinations: [{ FileSystemId: 'fs-0b0b0b0b0b0b0b0b1', Region: 'eu-central-1', Status: 'ENABLED' }],
    });
    expect(out.Replications![0]!.CreationTime).toBeInstanceOf(Date);
    const all = await h.efs.send(new DescribeReplicationConfigurationsCommand({}));
    expect(all.Replications!.map((r) => r.SourceFileSystemId)).toEqual([PAYMENTS]);
  });

  test('errors raise the SDK exception classes with the EFS message', async () => {
    const missing = h.efs.send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-0123456789abcdef0' }));
    await expect(missing).rejects.toBeInstanceOf(FileSystemNotFound);
    await expect(missing).rejects.toMatchObject({
      name: 'FileSystemNotFound',
      ErrorCode: 'FileSystemNotFound',
      message: "File system 'fs-0123456789abcdef0' does not exist.",
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      h.efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: 'fsmt-0123456789abcdef0' })),
    ).rejects.toBeInstanceOf(MountTargetNotFound);
    await expect(
      h.efs.send(new DescribeAccessPointsCommand({ AccessPointId: 'fsap-0123456789abcdef0' })),
    ).rejects.toBeInstanceOf(AccessPointNotFound);
    await expect(
      h.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: 'fs-0a0a0a0a0a0a0a0a2' })),
    ).rejects.toBeInstanceOf(PolicyNotFound);
    await expect(
      h.efs.send(new DescribeBackupPolicyCommand({ FileSystemId: 'fs-0a0a0a0a0a0a0a0a2' })),
    ).rejects.toBeInstanceOf(PolicyNotFound);
    await expect(
      h.efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: 'fs-0a0a0a0a0a0a0a0a2' })),
    ).rejects.toBeInstanceOf(ReplicationNotFound);
    await expect(h.efs.send(new DescribeMountTargetsCommand({}))).rejects.toBeInstanceOf(BadRequest);
  });

  test('a region the account does not list is empty, not an error', async () => {
    const { efs } = h.clients({ accessKeyId: 'AKIAOTHERBASEKEY0001', secretAccessKey: 'x' }, 'sa-east-1');
    const out = await efs.send(new DescribeFileSystemsCommand({}));
    expect(out.FileSystems).toEqual([]);
    expect(out.NextMarker).toBeUndefined();
  });
});
