/**
 * One account and region into the estate format: file systems with what the per-file-system
 * Describe calls answer, then the keys and network they use. Read-only calls only.
 */
import type {
  AccessPointDescription,
  BackupPolicy,
  FileSystemDescription,
  LifecyclePolicy,
  MountTargetDescription,
  ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import pLimit from 'p-limit';
import { awsErrorCode, summariseAwsError } from '../aws/aws-errors.ts';
import { captureKeys, type CapturedKey } from './capture-keys.ts';
import { captureNetwork, type CapturedNetwork } from './capture-network.ts';
import type { CaptureClients, CaptureEfs, CaptureNotice } from './ports.ts';

export type CapturedMountTarget = MountTargetDescription & { SecurityGroups?: string[] };

/** `NumberOfMountTargets` is counted from `MountTargets` when the file is loaded. */
type CapturedDescription = Omit<FileSystemDescription, 'NumberOfMountTargets'>;

export type CapturedFileSystem = CapturedDescription & {
  MountTargets: CapturedMountTarget[];
  AccessPoints: AccessPointDescription[];
  LifecyclePolicies?: LifecyclePolicy[];
  BackupPolicy?: BackupPolicy;
  Policy?: string;
  Replications?: ReplicationConfigurationDescription[];
};

export type CapturedRegion = CapturedNetwork & {
  fileSystems: CapturedFileSystem[];
  keys: CapturedKey[];
};

/** File systems read side by side; the rate limiter paces the calls, this bounds what is in flight. */
const FILE_SYSTEM_CONCURRENCY = 8;

export interface RegionCaptureInput {
  clients: CaptureClients;
  accountId: string;
  region: string;
  notice: CaptureNotice;
}

export async function captureRegion(input: RegionCaptureInput): Promise<CapturedRegion> {
  const { clients, accountId, region, notice } = input;
  const where = `${accountId} ${region}`;
  const descriptions = await clients.efs.listFileSystems();
  // One region-wide listing instead of one call per file system; per file system only if refused.
  const regionAccessPoints = await clients.efs.listAccessPoints().catch(() => undefined);
  const limit = pLimit(FILE_SYSTEM_CONCURRENCY);
  const fileSystems = await Promise.all(
    descriptions.map((fs) =>
      limit(() =>
        captureFileSystem(clients.efs, fs, regionAccessPoints, (line) => notice(`${where}: ${line}`)),
      ),
    ),
  );

  const mountTargets = fileSystems.flatMap((f) => f.MountTargets);
  const [keys, network] = await Promise.all([
    captureKeys({
      kms: clients.kms,
      accountId,
      region,
      usedKeyRefs: fileSystems.flatMap((f) => (f.Encrypted && f.KmsKeyId ? [f.KmsKeyId] : [])),
      notice,
    }),
    captureNetwork(clients.ec2, {
      subnetIds: unique(mountTargets.map((m) => m.SubnetId)),
      securityGroupIds: unique(mountTargets.flatMap((m) => m.SecurityGroups ?? [])),
      vpcsNeedingDefaultGroup: unique(mountTargets.filter((m) => !m.SecurityGroups).map((m) => m.VpcId)),
    }),
  ]);
  return { fileSystems, keys, ...network };
}

async function captureFileSystem(
  efs: CaptureEfs,
  description: FileSystemDescription,
  regionAccessPoints: AccessPointDescription[] | undefined,
  notice: CaptureNotice,
): Promise<CapturedFileSystem> {
  const id = description.FileSystemId ?? '';
  // A file system being deleted can vanish between the listing and the detail reads: not worth a notice.
  const vanishingIsNormal = description.LifeCycleState === 'deleting';
  async function read<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (e) {
      if (!(vanishingIsNormal && awsErrorCode(e) === 'FileSystemNotFound')) {
        const s = summariseAwsError(e);
        notice(`${id}: ${operation} failed (${s.code}: ${s.message}); left out of the file.`);
      }
      return undefined;
    }
  }

  const [mountTargets, accessPoints, lifecycle, backup, policy, replications] = await Promise.all([
    description.NumberOfMountTargets === 0
      ? Promise.resolve([])
      : read('DescribeMountTargets', () => captureMountTargets(efs, id, notice)),
    regionAccessPoints
      ? Promise.resolve(regionAccessPoints.filter((a) => a.FileSystemId === id))
      : read('DescribeAccessPoints', () => efs.listAccessPoints(id)),
    read('DescribeLifecycleConfiguration', () => efs.lifecyclePolicies(id)),
    read('DescribeBackupPolicy', () => efs.backupPolicyStatus(id)),
    read('DescribeFileSystemPolicy', () => efs.fileSystemPolicy(id)),
    read('DescribeReplicationConfigurations', () => efs.listReplications(id)),
  ]);

  const fs: CapturedFileSystem = {
    ...withoutCounted(description, notice),
    MountTargets: mountTargets ?? [],
    AccessPoints: accessPoints ?? [],
    ...(lifecycle && lifecycle.length > 0 ? { LifecyclePolicies: lifecycle } : {}),
    ...(backup ? { BackupPolicy: { Status: backup as BackupPolicy['Status'] } } : {}),
    ...(policy !== undefined ? { Policy: policy } : {}),
    ...(replications && replications.length > 0 ? { Replications: replications } : {}),
  };
  return fs;
}

/**
 * Members the estate derives and checks on load, left out so the file agrees with itself:
 * `NumberOfMountTargets` is counted from `MountTargets` (a mount target made between the two calls
 * would otherwise fail the check), and `ProvisionedThroughputInMibps` belongs to provisioned
 * throughput only.
 */
function withoutCounted(description: FileSystemDescription, notice: CaptureNotice): CapturedDescription {
  const { NumberOfMountTargets: _counted, ProvisionedThroughputInMibps, ...rest } = description;
  if (ProvisionedThroughputInMibps === undefined) return rest;
  if (description.ThroughputMode === 'provisioned') return { ...rest, ProvisionedThroughputInMibps };
  notice(
    `${description.FileSystemId}: ProvisionedThroughputInMibps ${ProvisionedThroughputInMibps} left out: throughput mode is ${description.ThroughputMode}.`,
  );
  return rest;
}

async function captureMountTargets(
  efs: CaptureEfs,
  fileSystemId: string,
  notice: CaptureNotice,
): Promise<CapturedMountTarget[]> {
  const mountTargets = await efs.listMountTargets(fileSystemId);
  return Promise.all(
    mountTargets.map(async (mt) => {
      let groups: string[] = [];
      try {
        groups = await efs.mountTargetSecurityGroups(mt);
      } catch (e) {
        notice(
          `${mt.MountTargetId}: DescribeMountTargetSecurityGroups failed (${summariseAwsError(e).code}); its VPC's default group is written instead.`,
        );
      }
      // No groups (a mount target not yet available): the estate gives it its VPC's default group.
      return groups.length > 0 ? { ...mt, SecurityGroups: groups } : { ...mt };
    }),
  );
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))];
}
