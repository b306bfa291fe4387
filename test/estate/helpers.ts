import { EFSClient } from '@aws-sdk/client-efs';
import { KMSClient } from '@aws-sdk/client-kms';
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer, type EstateServerOptions } from '../../src/estate/server.ts';

export const BASE_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIAESTATETESTBASE01',
  secretAccessKey: 'test-secret',
};

export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';
export const ACCOUNT_LOCKED = '333333333333';

/** A small estate with one of everything the read side answers. */
export const SMALL_ESTATE = {
  accounts: [
    {
      accountId: ACCOUNT_A,
      name: 'platform',
      regions: {
        'eu-west-1': {
          vpcs: [
            {
              VpcId: 'vpc-0a0a0a0a0a0a0a0a0',
              CidrBlock: '10.1.0.0/16',
              Tags: [{ Key: 'Name', Value: 'main' }],
            },
          ],
          subnets: [
            {
              SubnetId: 'subnet-0a0a0a0a0a0a0a0a1',
              AvailabilityZone: 'eu-west-1a',
              CidrBlock: '10.1.0.0/20',
            },
            {
              SubnetId: 'subnet-0a0a0a0a0a0a0a0a2',
              AvailabilityZone: 'eu-west-1b',
              CidrBlock: '10.1.16.0/20',
            },
          ],
          securityGroups: [
            {
              GroupId: 'sg-0a0a0a0a0a0a0a0a1',
              GroupName: 'default',
              Description: 'default VPC security group',
            },
            {
              GroupId: 'sg-0a0a0a0a0a0a0a0a2',
              GroupName: 'efs-clients',
              Description: 'NFS from app tier',
              IpPermissions: [
                {
                  IpProtocol: 'tcp',
                  FromPort: 2049,
                  ToPort: 2049,
                  IpRanges: [{ CidrIp: '10.1.0.0/16', Description: 'app tier' }],
                  UserIdGroupPairs: [{ GroupId: 'sg-0a0a0a0a0a0a0a0a1', UserId: ACCOUNT_A }],
                },
              ],
            },
          ],
          keys: [
            {
              KeyId: '11111111-2222-3333-4444-555555555555',
              Description: 'payments EFS',
              Aliases: ['alias/payments-efs'],
            },
            {
              KeyId: '11111111-2222-3333-4444-666666666666',
              KeyState: 'Disabled',
              Aliases: ['alias/old-efs'],
            },
          ],
          fileSystems: [
            {
              FileSystemId: 'fs-0a0a0a0a0a0a0a0a1',
              Name: 'payments-shared',
              Tags: [{ Key: 'owner', Value: 'payments' }],
              MountTargets: [
                {
                  SubnetId: 'subnet-0a0a0a0a0a0a0a0a1',
                  MountTargetId: 'fsmt-0a0a0a0a0a0a0a0a1',
                  SecurityGroups: ['sg-0a0a0a0a0a0a0a0a2'],
                },
                { SubnetId: 'subnet-0a0a0a0a0a0a0a0a2' },
              ],
              AccessPoints: [
                {
                  AccessPointId: 'fsap-0a0a0a0a0a0a0a0a1',
                  Name: 'app',
                  PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [2000] },
                  RootDirectory: { Path: '/app' },
                },
              ],
              LifecyclePolicies: [
                { TransitionToIA: 'AFTER_30_DAYS' },
                { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
              ],
              BackupPolicy: { Status: 'ENABLED' },
              Policy: '{"Version":"2012-10-17","Statement":[]}',
              Replications: [
                { Destinations: [{ FileSystemId: 'fs-0b0b0b0b0b0b0b0b1', Region: 'eu-central-1' }] },
              ],
            },
            {
              FileSystemId: 'fs-0a0a0a0a0a0a0a0a2',
              Encrypted: true,
              KmsKeyId: 'alias/payments-efs',
              ThroughputMode: 'provisioned',
              ProvisionedThroughputInMibps: 128,
            },
            { FileSystemId: 'fs-0a0a0a0a0a0a0a0a3', Encrypted: true },
            ...Array.from({ length: 9 }, (_, i) => ({
              FileSystemId: `fs-0c0c0c0c0c0c0c0c${i}`,
              Name: `bulk-${i}`,
            })),
          ],
        },
      },
    },
    {
      accountId: ACCOUNT_B,
      regions: { 'eu-west-1': { fileSystems: [{ FileSystemId: 'fs-0b0b0b0b0b0b0b0b9', Name: 'b-only' }] } },
    },
    { accountId: ACCOUNT_LOCKED, assumable: false, regions: {} },
  ],
};

export interface Harness {
  server: EstateServer;
  efs: EFSClient;
  kms: KMSClient;
  ec2: EC2Client;
  sts: STSClient;
  clients(
    credentials: AwsCredentialIdentity,
    region?: string,
  ): { efs: EFSClient; kms: KMSClient; ec2: EC2Client; sts: STSClient };
}

export async function startHarness(
  options: Partial<EstateServerOptions> = {},
  estateJson: unknown = SMALL_ESTATE,
): Promise<Harness> {
  const server = await startEstateServer({ estate: parseEstate(estateJson, 'test'), ...options });
  const clients = (credentials: AwsCredentialIdentity, region = 'eu-west-1') => {
    // maxAttempts 1: a throttle or error surfaces at once instead of being retried with backoff.
    const config = { region, endpoint: server.endpoint, credentials, maxAttempts: 1 };
    return {
      efs: new EFSClient(config),
      kms: new KMSClient(config),
      ec2: new EC2Client(config),
      sts: new STSClient(config),
    };
  };
  return { server, ...clients(BASE_CREDENTIALS), clients };
}
