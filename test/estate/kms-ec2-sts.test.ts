import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DescribeKeyCommand,
  KMSServiceException,
  ListAliasesCommand,
  NotFoundException,
  paginateListAliases,
  paginateListKeys,
} from '@aws-sdk/client-kms';
import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DescribeNetworkInterfacesCommand,
  EC2ServiceException,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { DescribeMountTargetSecurityGroupsCommand, DescribeMountTargetsCommand } from '@aws-sdk/client-efs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSServiceException } from '@aws-sdk/client-sts';
import { DescribeFileSystemsCommand } from '@aws-sdk/client-efs';
import { ACCOUNT_A, ACCOUNT_B, ACCOUNT_LOCKED, startHarness, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());

describe('KMS through the real KMSClient (JSON 1.1)', () => {
  test('DescribeKey by ID, alias and ARN gives the same typed metadata', async () => {
    const byAlias = await h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/payments-efs' }));
    expect(byAlias.KeyMetadata).toMatchObject({
      KeyId: '11111111-2222-3333-4444-555555555555',
      Arn: 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555',
      AWSAccountId: ACCOUNT_A,
      KeyState: 'Enabled',
      Enabled: true,
      KeyManager: 'CUSTOMER',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      Description: 'payments EFS',
    });
    expect(byAlias.KeyMetadata!.CreationDate).toBeInstanceOf(Date);
    const byArn = await h.kms.send(new DescribeKeyCommand({ KeyId: byAlias.KeyMetadata!.Arn }));
    expect(byArn.KeyMetadata).toEqual(byAlias.KeyMetadata);
    const disabled = await h.kms.send(
      new DescribeKeyCommand({ KeyId: '11111111-2222-3333-4444-666666666666' }),
    );
    expect(disabled.KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    const managed = await h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/elasticfilesystem' }));
    expect(managed.KeyMetadata).toMatchObject({ KeyManager: 'AWS', KeyState: 'Enabled' });
  });

  test('an unknown key raises NotFoundException', async () => {
    const call = h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' }));
    await expect(call).rejects.toBeInstanceOf(NotFoundException);
    await expect(call).rejects.toMatchObject({
      message: 'Alias arn:aws:kms:eu-west-1:111111111111:alias/nope is not found.',
    });
  });

  test('ListKeys and ListAliases page with Marker/Truncated/NextMarker', async () => {
    const keys = [];
    for await (const p of paginateListKeys({ client: h.kms, pageSize: 1 }, {})) keys.push(...p.Keys!);
    expect(keys).toHaveLength(3); // two customer keys and the AWS-managed EFS key
    const aliases = [];
    const pages = [];
    for await (const p of paginateListAliases({ client: h.kms, pageSize: 2 }, {})) {
      pages.push(p);
      aliases.push(...p.Aliases!);
    }
    expect(pages[0]!.Truncated).toBe(true);
    expect(pages.at(-1)!.Truncated).toBe(false);
    expect(aliases.map((a) => a.AliasName).sort()).toEqual([
      'alias/aws/elasticfilesystem',
      'alias/old-efs',
      'alias/payments-efs',
    ]);
    const forKey = await h.kms.send(
      new ListAliasesCommand({ KeyId: '11111111-2222-3333-4444-555555555555' }),
    );
    expect(forKey.Aliases).toEqual([
      expect.objectContaining({
        AliasName: 'alias/payments-efs',
        AliasArn: 'arn:aws:kms:eu-west-1:111111111111:alias/payments-efs',
        TargetKeyId: '11111111-2222-3333-4444-555555555555',
      }),
    ]);
  });

  test('a bad marker raises InvalidMarkerException', async () => {
    const call = h.kms.send(new ListAliasesCommand({ Marker: 'not-a-marker' }));
    await expect(call).rejects.toBeInstanceOf(KMSServiceException);
    await expect(call).rejects.toMatchObject({ name: 'InvalidMarkerException' });
  });
});

describe('EC2 through the real EC2Client (ec2 query/XML)', () => {
  test('DescribeVpcs, DescribeSubnets and DescribeSecurityGroups round-trip every member', async () => {
    const vpcs = await h.ec2.send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs).toEqual([
      expect.objectContaining({
        VpcId: 'vpc-0a0a0a0a0a0a0a0a0',
        CidrBlock: '10.1.0.0/16',
        State: 'available',
        IsDefault: false,
        OwnerId: ACCOUNT_A,
        Tags: [{ Key: 'Name', Value: 'main' }],
        CidrBlockAssociationSet: [
          expect.objectContaining({ CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'associated' } }),
        ],
      }),
    ]);
    const subnets = await h.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0a0a0a0a0a0a0a0a2'] }));
    expect(subnets.Subnets).toEqual([
      expect.objectContaining({
        SubnetId: 'subnet-0a0a0a0a0a0a0a0a2',
        VpcId: 'vpc-0a0a0a0a0a0a0a0a0',
        AvailabilityZone: 'eu-west-1b',
        AvailabilityZoneId: 'euw1-az2',
        CidrBlock: '10.1.16.0/20',
        AvailableIpAddressCount: 4091,
        DefaultForAz: false,
        MapPublicIpOnLaunch: false,
        SubnetArn: 'arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0a0a0a0a0a0a0a0a2',
      }),
    ]);
    const groups = await h.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0a0a0a0a0a0a0a0a2'] }),
    );
    expect(groups.SecurityGroups).toEqual([
      expect.objectContaining({
        GroupId: 'sg-0a0a0a0a0a0a0a0a2',
        GroupName: 'efs-clients',
        Description: 'NFS from app tier', // groupDescription on the wire
        VpcId: 'vpc-0a0a0a0a0a0a0a0a0',
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 2049,
            ToPort: 2049,
            IpRanges: [{ CidrIp: '10.1.0.0/16', Description: 'app tier' }],
            UserIdGroupPairs: [{ GroupId: 'sg-0a0a0a0a0a0a0a0a1', UserId: ACCOUNT_A }], // <groups> on the wire
          },
        ],
      }),
    ]);
  });

  test('filters and MaxResults/NextToken paging', async () => {
    const filtered = await h.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['eu-west-1a'] }] }),
    );
    expect(filtered.Subnets!.map((s) => s.SubnetId)).toEqual(['subnet-0a0a0a0a0a0a0a0a1']);
    const byName = await h.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['efs-*'] }] }),
    );
    expect(byName.SecurityGroups!.map((g) => g.GroupId)).toEqual(['sg-0a0a0a0a0a0a0a0a2']);
    const pages = [];
    for await (const p of paginateDescribeSubnets({ client: h.ec2, pageSize: 5 }, {})) pages.push(p);
    expect(pages.flatMap((p) => p.Subnets!)).toHaveLength(2);
  });

  test('unknown IDs raise the EC2 error codes', async () => {
    const subnet = h.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] }));
    await expect(subnet).rejects.toBeInstanceOf(EC2ServiceException);
    await expect(subnet).rejects.toMatchObject({
      name: 'InvalidSubnetID.NotFound',
      message: "The subnet ID 'subnet-0123456789abcdef0' does not exist",
    });
    await expect(
      h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })),
    ).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
  });
});

describe('EC2 DescribeNetworkInterfaces: the network interface of every EFS mount target', () => {
  test("each interface carries its mount target's security groups, address and subnet", async () => {
    const { MountTargets } = await h.efs.send(
      new DescribeMountTargetsCommand({ FileSystemId: 'fs-0a0a0a0a0a0a0a0a1' }),
    );
    expect(MountTargets).toHaveLength(2);
    for (const mt of MountTargets!) {
      const out = await h.ec2.send(
        new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [mt.NetworkInterfaceId!] }),
      );
      const efsGroups = await h.efs.send(
        new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mt.MountTargetId }),
      );
      expect(out.NetworkInterfaces).toHaveLength(1);
      const eni = out.NetworkInterfaces![0]!;
      expect(eni).toMatchObject({
        NetworkInterfaceId: mt.NetworkInterfaceId,
        SubnetId: mt.SubnetId,
        VpcId: mt.VpcId,
        PrivateIpAddress: mt.IpAddress,
        OwnerId: ACCOUNT_A,
        RequesterManaged: true,
        Description: `EFS mount target for fs-0a0a0a0a0a0a0a0a1 (${mt.MountTargetId})`,
      });
      expect(eni.Groups!.map((g) => g.GroupId)).toEqual(efsGroups.SecurityGroups);
    }
    const named = await h.ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [{ Name: 'group-id', Values: ['sg-0a0a0a0a0a0a0a0a2'] }],
      }),
    );
    expect(named.NetworkInterfaces!.map((n) => n.Groups)).toEqual([
      [{ GroupId: 'sg-0a0a0a0a0a0a0a0a2', GroupName: 'efs-clients' }],
    ]);
  });

  test('the network-interface-id filter pages and skips IDs that match nothing', async () => {
    const all = await h.ec2.send(new DescribeNetworkInterfacesCommand({}));
    const ids = all.NetworkInterfaces!.map((n) => n.NetworkInterfaceId!);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const pages = [];
    for await (const p of paginateDescribeNetworkInterfaces(
      { client: h.ec2, pageSize: 5 },
      { Filters: [{ Name: 'network-interface-id', Values: [...ids, 'eni-0123456789abcdef0'] }] },
    ))
      pages.push(p);
    expect(pages.flatMap((p) => p.NetworkInterfaces!.map((n) => n.NetworkInterfaceId)).sort()).toEqual(
      [...ids].sort(),
    );
  });

  test('an unknown ID, or IDs with MaxResults, are refused with the EC2 codes', async () => {
    await expect(
      h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0123456789abcdef0'] })),
    ).rejects.toMatchObject({ name: 'InvalidNetworkInterfaceID.NotFound' });
    await expect(
      h.ec2.send(
        new DescribeNetworkInterfacesCommand({
          NetworkInterfaceIds: ['eni-0123456789abcdef0'],
          MaxResults: 5,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterCombination' });
    await expect(
      h.ec2.send(
        new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('STS and accounts', () => {
  test('base credentials act as the caller account', async () => {
    const me = await h.sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(ACCOUNT_A);
    expect(me.Arn).toMatch(/^arn:aws:iam::111111111111:user\//);
  });

  test('AssumeRole issues credentials that act in the target account', async () => {
    const role = await h.sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT_B}:role/efs-encrypt-read`,
        RoleSessionName: 'scan',
      }),
    );
    expect(role.Credentials!.Expiration).toBeInstanceOf(Date);
    expect(role.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${ACCOUNT_B}:assumed-role/efs-encrypt-read/scan`);
    const assumed = h.clients({
      accessKeyId: role.Credentials!.AccessKeyId!,
      secretAccessKey: role.Credentials!.SecretAccessKey!,
      sessionToken: role.Credentials!.SessionToken!,
    });
    const me = await assumed.sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({
      Account: ACCOUNT_B,
      Arn: `arn:aws:sts::${ACCOUNT_B}:assumed-role/efs-encrypt-read/scan`,
    });
    const theirs = await assumed.efs.send(new DescribeFileSystemsCommand({}));
    expect(theirs.FileSystems!.map((f) => f.Name)).toEqual(['b-only']);
    const ours = await h.efs.send(new DescribeFileSystemsCommand({ MaxItems: 100 }));
    expect(ours.FileSystems!.map((f) => f.Name)).not.toContain('b-only');
  });

  test('an account whose role cannot be assumed answers AccessDenied', async () => {
    const call = h.sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT_LOCKED}:role/efs-encrypt-read`,
        RoleSessionName: 'scan',
      }),
    );
    await expect(call).rejects.toBeInstanceOf(STSServiceException);
    await expect(call).rejects.toMatchObject({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining(
        `is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT_LOCKED}:role`,
      ),
    });
    await expect(
      h.sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999999999999:role/x', RoleSessionName: 'scan' }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
