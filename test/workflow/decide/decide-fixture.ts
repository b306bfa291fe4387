/**
 * A small estate with one case of every decide rule, served on loopback, reached by the real SDK
 * clients through AWS_ENDPOINT_URL; plus the embedded store and one finished scan of it.
 * Shared by the AWS directory, workflow, CLI and Slack tests of the decide phase.
 */
import type { AccountClients } from '../../../src/aws/account-clients.ts';
import { createDirectories, type Directories } from '../../../src/aws/directory-clients.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { ScanRecord } from '../../../src/domain/inventory.ts';
import type { EstateServer } from '../../../src/estate/index.ts';
import type { Store } from '../../../src/store/index.ts';
import { scanLocalEstate, startLocalEstate } from '../../harness/migration-fixture.ts';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';
export const OTHER_REGION = 'us-east-1';

const keyId = (n: number) => `aaaaaaaa-0000-4000-8000-00000000000${n}`;
export const KEYS = {
  good: { id: keyId(1), alias: 'alias/app-efs', arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId(1)}` },
  disabled: { id: keyId(2), alias: 'alias/old-efs' },
  asymmetric: { id: keyId(3), alias: 'alias/signing' },
  pendingDeletion: { id: keyId(4), alias: 'alias/doomed' },
  otherRegion: {
    id: keyId(5),
    alias: 'alias/us-efs',
    arn: `arn:aws:kms:${OTHER_REGION}:${ACCOUNT}:key/${keyId(5)}`,
  },
};

export const FS = {
  /** prod, two mount targets whose group admits NFS from the VPC: every method works. */
  app: 'fs-0a0000000000000a1',
  /** dev, one mount target whose group admits only SSH: DataSync and rsync have no path. */
  cache: 'fs-0a0000000000000a2',
  /** dev, no mount targets. */
  scratch: 'fs-0a0000000000000a3',
  encrypted: 'fs-0a0000000000000a4',
};

const SUBNET_A = 'subnet-0a00000000000a001';
const SUBNET_B = 'subnet-0a00000000000a002';

export function decideEstate(options: { bulk?: number } = {}) {
  return {
    callerAccountId: ACCOUNT,
    accounts: [
      {
        accountId: ACCOUNT,
        name: 'platform',
        regions: {
          [REGION]: {
            vpcs: [{ VpcId: 'vpc-0a00000000000a000', CidrBlock: '10.1.0.0/16' }],
            subnets: [
              {
                SubnetId: SUBNET_A,
                VpcId: 'vpc-0a00000000000a000',
                AvailabilityZone: 'eu-west-1a',
                CidrBlock: '10.1.0.0/20',
              },
              {
                SubnetId: SUBNET_B,
                VpcId: 'vpc-0a00000000000a000',
                AvailabilityZone: 'eu-west-1b',
                CidrBlock: '10.1.16.0/20',
              },
            ],
            securityGroups: [
              {
                GroupId: 'sg-0a00000000000a0f1',
                GroupName: 'efs-nfs',
                VpcId: 'vpc-0a00000000000a000',
                Description: 'NFS from the VPC',
                IpPermissions: [
                  { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '10.1.0.0/16' }] },
                ],
              },
              {
                GroupId: 'sg-0a00000000000a0f2',
                GroupName: 'ssh-only',
                VpcId: 'vpc-0a00000000000a000',
                Description: 'SSH only',
                IpPermissions: [
                  { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.1.0.0/16' }] },
                ],
              },
            ],
            keys: [
              { KeyId: KEYS.good.id, Description: 'app EFS', Aliases: [KEYS.good.alias] },
              {
                KeyId: KEYS.disabled.id,
                KeyState: 'Disabled',
                Enabled: false,
                Aliases: [KEYS.disabled.alias],
              },
              {
                KeyId: KEYS.asymmetric.id,
                KeySpec: 'RSA_2048',
                CustomerMasterKeySpec: 'RSA_2048',
                KeyUsage: 'SIGN_VERIFY',
                Aliases: [KEYS.asymmetric.alias],
              },
              {
                KeyId: KEYS.pendingDeletion.id,
                KeyState: 'PendingDeletion',
                Enabled: false,
                DeletionDate: '2026-02-01T00:00:00Z',
                Aliases: [KEYS.pendingDeletion.alias],
              },
            ],
            fileSystems: [
              {
                FileSystemId: FS.app,
                Name: 'app-data',
                SizeInBytes: { Value: 50 * 1024 ** 3 },
                Tags: [
                  { Key: 'env', Value: 'prod' },
                  { Key: 'app', Value: 'billing' },
                  { Key: 'owner', Value: 'payments' },
                ],
                MountTargets: [
                  { SubnetId: SUBNET_A, SecurityGroups: ['sg-0a00000000000a0f1'] },
                  { SubnetId: SUBNET_B, SecurityGroups: ['sg-0a00000000000a0f1'] },
                ],
              },
              {
                FileSystemId: FS.cache,
                Name: 'build-cache',
                SizeInBytes: { Value: 20 * 1024 ** 3 },
                Tags: [{ Key: 'env', Value: 'dev' }],
                MountTargets: [{ SubnetId: SUBNET_A, SecurityGroups: ['sg-0a00000000000a0f2'] }],
              },
              {
                FileSystemId: FS.scratch,
                Name: 'scratch',
                SizeInBytes: { Value: 10 * 1024 ** 3 },
                Tags: [{ Key: 'env', Value: 'dev' }],
              },
              { FileSystemId: FS.encrypted, Name: 'done', Encrypted: true, KmsKeyId: KEYS.good.alias },
              ...Array.from({ length: options.bulk ?? 0 }, (_, i) => ({
                FileSystemId: `fs-0b${String(i).padStart(15, '0')}`,
                Name: `bulk-${i}`,
                SizeInBytes: { Value: 1024 * (i + 1) },
                Tags: [{ Key: 'env', Value: 'dev' }],
              })),
            ],
          },
          [OTHER_REGION]: {
            keys: [{ KeyId: KEYS.otherRegion.id, Description: 'US EFS', Aliases: [KEYS.otherRegion.alias] }],
          },
        },
      },
    ],
  };
}

export interface DecideEstate {
  server: EstateServer;
  accounts: AccountClients;
  directories: Directories;
  store: Store;
  scan: ScanRecord;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function startDecideEstate(options: { bulk?: number } = {}): Promise<DecideEstate> {
  const clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
  const estate = await startLocalEstate({
    estate: decideEstate(options),
    name: 'decide-fixture',
    clock,
    estateOnTestClock: false,
  });
  const directories = createDirectories(estate.accounts, { clock });
  const scan = await scanLocalEstate(estate, 'U0ADMIN01');
  return {
    server: estate.server,
    accounts: estate.accounts,
    directories,
    store: estate.store,
    scan,
    clock,
    async close() {
      directories.destroy();
      await estate.close();
    },
  };
}
