/**
 * An estate for the write side: one account with two VPCs (so a mount target in the wrong VPC can
 * be tried), subnets in three zones, security groups with and without NFS rules, keys in every
 * state, and a populated unencrypted source file system with mount targets in two zones.
 */
import { DataSyncClient } from '@aws-sdk/client-datasync';
import { EFSClient } from '@aws-sdk/client-efs';
import { ManualClock } from '../../src/domain/clock.ts';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer, type EstateServerOptions } from '../../src/estate/server.ts';
import { BASE_CREDENTIALS } from './helpers.ts';

export const ACCOUNT = '444444444444';
export const REGION = 'eu-west-1';
export const SOURCE = 'fs-0d0d0d0d0d0d0d0d1';
export const VPC = 'vpc-0d0d0d0d0d0d0d0d0';
export const OTHER_VPC = 'vpc-0e0e0e0e0e0e0e0e0';
export const SUBNET_A = 'subnet-0d0d0d0d0d0d0d0a1';
export const SUBNET_B = 'subnet-0d0d0d0d0d0d0d0b1';
export const SUBNET_C = 'subnet-0d0d0d0d0d0d0d0c1';
export const SUBNET_OTHER_VPC = 'subnet-0e0e0e0e0e0e0e0a1';
export const SG_DEFAULT = 'sg-0d0d0d0d0d0d0d0d0';
export const SG_NFS = 'sg-0d0d0d0d0d0d0d0d1';
export const SG_CLOSED = 'sg-0d0d0d0d0d0d0d0d2';
export const SG_OTHER_VPC = 'sg-0e0e0e0e0e0e0e0e0';
export const KEY = '44444444-0000-0000-0000-000000000001';
export const DISABLED_KEY = '44444444-0000-0000-0000-000000000002';
export const PENDING_KEY = '44444444-0000-0000-0000-000000000003';
export const SOURCE_MT_A_IP = '10.4.0.10';
export const SOURCE_BYTES = 6144 + 10 * 1024 * 1024 * 1024;

export const WRITE_ESTATE = {
  accounts: [
    {
      accountId: ACCOUNT,
      regions: {
        [REGION]: {
          vpcs: [
            { VpcId: VPC, CidrBlock: '10.4.0.0/16' },
            { VpcId: OTHER_VPC, CidrBlock: '10.5.0.0/16' },
          ],
          subnets: [
            { SubnetId: SUBNET_A, VpcId: VPC, AvailabilityZone: 'eu-west-1a', CidrBlock: '10.4.0.0/24' },
            { SubnetId: SUBNET_B, VpcId: VPC, AvailabilityZone: 'eu-west-1b', CidrBlock: '10.4.1.0/24' },
            { SubnetId: SUBNET_C, VpcId: VPC, AvailabilityZone: 'eu-west-1c', CidrBlock: '10.4.2.0/24' },
            {
              SubnetId: SUBNET_OTHER_VPC,
              VpcId: OTHER_VPC,
              AvailabilityZone: 'eu-west-1c',
              CidrBlock: '10.5.0.0/24',
            },
          ],
          securityGroups: [
            { GroupId: SG_DEFAULT, GroupName: 'default', VpcId: VPC },
            {
              GroupId: SG_NFS,
              GroupName: 'efs-nfs',
              VpcId: VPC,
              IpPermissions: [
                { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '10.4.0.0/16' }] },
              ],
            },
            {
              GroupId: SG_CLOSED,
              GroupName: 'closed',
              VpcId: VPC,
              IpPermissions: [
                { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
              ],
            },
            { GroupId: SG_OTHER_VPC, GroupName: 'default', VpcId: OTHER_VPC },
          ],
          keys: [
            { KeyId: KEY, Aliases: ['alias/twin-key'] },
            { KeyId: DISABLED_KEY, KeyState: 'Disabled', Aliases: ['alias/disabled'] },
            { KeyId: PENDING_KEY, KeyState: 'PendingDeletion', DeletionDate: '2026-02-01T00:00:00Z' },
          ],
          fileSystems: [
            {
              FileSystemId: SOURCE,
              Name: 'payments',
              SizeInBytes: { Value: SOURCE_BYTES },
              MountTargets: [
                { SubnetId: SUBNET_A, IpAddress: SOURCE_MT_A_IP, SecurityGroups: [SG_NFS] },
                { SubnetId: SUBNET_B, SecurityGroups: [SG_NFS] },
              ],
            },
          ],
        },
      },
    },
  ],
};

export interface WriteHarness {
  server: EstateServer;
  clock: ManualClock;
  efs: EFSClient;
  dataSync: DataSyncClient;
  /** Moves the shared clock and lets the estate apply what became due. */
  advance(ms: number): void;
}

export async function startWriteHarness(options: Partial<EstateServerOptions> = {}): Promise<WriteHarness> {
  const clock = new ManualClock(new Date('2026-01-10T09:00:00Z'));
  const server = await startEstateServer({
    estate: parseEstate(WRITE_ESTATE, 'write-fixture'),
    clock,
    ...options,
  });
  const config = { region: REGION, endpoint: server.endpoint, credentials: BASE_CREDENTIALS, maxAttempts: 1 };
  return {
    server,
    clock,
    efs: new EFSClient(config),
    dataSync: new DataSyncClient(config),
    advance: (ms) => {
      clock.advance(ms);
      server.control.settle();
    },
  };
}
