import type {
  AccessPointDescription,
  FileSystemDescription,
  LifecyclePolicy,
  MountTargetDescription,
  ReplicationConfigurationDescription,
  Tag,
} from '@aws-sdk/client-efs';
import { awsErrorCode, summariseAwsError } from '../../aws/aws-errors.ts';
import {
  AWS_MANAGED_EFS_KEY_ALIAS,
  classify,
  type AccessPointRecord,
  type FileSystemRecord,
  type LifecyclePolicyRecord,
  type MountTargetRecord,
  type ReplicationRecord,
} from '../../domain/inventory.ts';
import { KEY_NOT_FOUND_STATE, type KeyInfo, type KeyResolver, type ReadError } from './key-resolver.ts';
import type { ScanEfs } from './ports.ts';
import { ASK_PER_FILE_SYSTEM, type RegionDetails } from './region-details.ts';
import { ASK_PER_MOUNT_TARGET, type InterfaceGroups } from './interface-groups.ts';

export interface ReadContext {
  accountId: string;
  region: string;
  efs: ScanEfs;
  keys: KeyResolver;
  /**
   * What the region-wide listings answered (default: ask per file system). May still be pending:
   * only the access-point and replication reads wait for it, so the mount-target chain (the
   * scan's busiest rate-limit bucket) starts at once.
   */
  regionDetails?: RegionDetails | Promise<RegionDetails>;
  /** Mount targets' security groups from their network interfaces (default: ask EFS per mount target). */
  interfaceGroups?: InterfaceGroups;
}

/**
 * Everything the inventory holds about one file system: the description from DescribeFileSystems
 * plus the per-file-system reads. A read that fails is noted in `errors` and the record is still
 * returned with what was read.
 *
 * Order matters for the scan's length. The mount-target chain (DescribeMountTargets, then the
 * security groups of each mount target: from its network interface, batched, or else one
 * DescribeMountTargetSecurityGroups per mount target, the busiest rate-limit bucket of a region)
 * is the longest; every other read has one call per file system. So the
 * chain starts first and the other reads follow once this file system's mount targets are
 * listed: the single-threaded bot spends its first moments starting the long chains instead of
 * queueing thousands of short reads ahead of them (scan benchmark: the first security-group call
 * moved from about 1 s into the scan to about 0.1 s).
 */
export async function readFileSystem(ctx: ReadContext, fs: FileSystemDescription): Promise<FileSystemRecord> {
  const fileSystemId = fs.FileSystemId ?? '';
  const errors: ReadError[] = [];
  // A file system being deleted can vanish between the listing and the detail reads.
  const vanishedIsNormal = fs.LifeCycleState === 'deleting';
  const listed = Promise.resolve(ctx.regionDetails ?? ASK_PER_FILE_SYSTEM);

  async function attempt<T>(operation: string, read: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await read();
    } catch (e) {
      if (!(vanishedIsNormal && awsErrorCode(e) === 'FileSystemNotFound')) {
        const s = summariseAwsError(e);
        errors.push({ operation, code: s.code, message: s.message });
      }
      return fallback;
    }
  }

  // EFS counts mount targets in the description: with none there is nothing to ask for.
  let mountTargetsListed: () => void = () => {};
  const afterMountTargetsListed = new Promise<void>((resolve) => (mountTargetsListed = resolve));
  const mountTargetsRead =
    fs.NumberOfMountTargets === 0
      ? Promise.resolve<MountTargetRecord[]>([])
      : attempt(
          'DescribeMountTargets',
          () =>
            readMountTargets(
              ctx.efs,
              ctx.interfaceGroups ?? ASK_PER_MOUNT_TARGET,
              fileSystemId,
              attempt,
              mountTargetsListed,
            ),
          [],
        );
  // Listed, failed or nothing to list: the other reads go ahead.
  void mountTargetsRead.finally(mountTargetsListed);
  const then = <T>(read: () => Promise<T>): Promise<T> => afterMountTargetsListed.then(read);

  const [mountTargets, accessPoints, lifecycle, backup, policy, replications, key] = await Promise.all([
    mountTargetsRead,
    then(async () => {
      const l = await listed;
      return (
        l.takeAccessPointsOf(fileSystemId) ??
        attempt('DescribeAccessPoints', () => ctx.efs.listAccessPoints(fileSystemId), [])
      );
    }),
    then(() => attempt('DescribeLifecycleConfiguration', () => ctx.efs.lifecyclePolicies(fileSystemId), [])),
    then(() => attempt('DescribeBackupPolicy', () => ctx.efs.backupPolicyStatus(fileSystemId), undefined)),
    then(() => attempt('DescribeFileSystemPolicy', () => ctx.efs.fileSystemPolicy(fileSystemId), undefined)),
    then(async () => {
      const l = await listed;
      return (
        l.replicationsOf(fs) ??
        attempt('DescribeReplicationConfigurations', () => ctx.efs.listReplications(fileSystemId), [])
      );
    }),
    fs.Encrypted ? readKey(ctx.keys, fs.KmsKeyId) : Promise.resolve<KeyInfo | undefined>(undefined),
  ]);
  if (key) errors.push(...key.errors);

  const facts: Omit<FileSystemRecord, 'classification' | 'flags'> = {
    accountId: ctx.accountId,
    region: ctx.region,
    fileSystemId,
    fileSystemArn: fs.FileSystemArn,
    name: fs.Name,
    ownerId: fs.OwnerId,
    creationToken: fs.CreationToken,
    creationTime: fs.CreationTime?.toISOString(),
    lifeCycleState: fs.LifeCycleState ?? 'unknown',
    performanceMode: fs.PerformanceMode,
    throughputMode: fs.ThroughputMode,
    provisionedThroughputInMibps: fs.ProvisionedThroughputInMibps,
    availabilityZoneName: fs.AvailabilityZoneName,
    availabilityZoneId: fs.AvailabilityZoneId,
    sizeInBytes: fs.SizeInBytes?.Value ?? 0,
    numberOfMountTargets: fs.NumberOfMountTargets ?? mountTargets.length,
    encrypted: fs.Encrypted === true,
    kmsKeyId: fs.KmsKeyId,
    kmsKeyArn: key?.keyArn,
    keyAliases: key?.aliases ?? [],
    keyManager: key?.keyManager,
    keyState: key?.keyState,
    ...(key?.deletionDate ? { keyDeletionDate: key.deletionDate } : {}),
    tags: tagsToRecord(fs.Tags),
    lifecyclePolicies: lifecycle.map(toLifecyclePolicyRecord),
    backupPolicyStatus: backup,
    fileSystemPolicy: policy,
    fileSystemProtection: fs.FileSystemProtection
      ? { replicationOverwriteProtection: fs.FileSystemProtection.ReplicationOverwriteProtection }
      : undefined,
    replications: replications.map((r) => toReplicationRecord(fileSystemId, r)),
    mountTargets,
    accessPoints: accessPoints.map(toAccessPointRecord),
    vpcIds: [...new Set(mountTargets.map((m) => m.vpcId).filter((v): v is string => !!v))].sort(),
    errors,
  };
  return { ...facts, ...classify(facts) };
}

/**
 * The key of an encrypted file system. Created without a key, EFS uses the AWS-managed key
 * `aws/elasticfilesystem` (AWS names its ARN in KmsKeyId; some emulators name nothing): that key is
 * looked up by its alias, and is AWS-managed whatever the lookup says. KMS creates that key on first
 * use, so its absence is no risk to the file system.
 */
async function readKey(keys: KeyResolver, kmsKeyId: string | undefined): Promise<KeyInfo> {
  if (kmsKeyId) return keys.resolve(kmsKeyId);
  const info = await keys.resolve(AWS_MANAGED_EFS_KEY_ALIAS);
  return {
    ...info,
    keyManager: 'AWS',
    keyState: info.keyState === KEY_NOT_FOUND_STATE ? undefined : info.keyState,
    aliases: info.aliases.length > 0 ? info.aliases : [AWS_MANAGED_EFS_KEY_ALIAS],
  };
}

type Attempt = <T>(operation: string, read: () => Promise<T>, fallback: T) => Promise<T>;

async function readMountTargets(
  efs: ScanEfs,
  interfaceGroups: InterfaceGroups,
  fileSystemId: string,
  attempt: Attempt,
  listed: () => void,
): Promise<MountTargetRecord[]> {
  const mountTargets = await efs.listMountTargets(fileSystemId);
  const records = Promise.all(
    mountTargets.map(async (mt) =>
      toMountTargetRecord(
        mt,
        await attempt(
          'DescribeMountTargetSecurityGroups',
          async () => (await interfaceGroups.of(mt)) ?? efs.mountTargetSecurityGroups(mt),
          [],
        ),
      ),
    ),
  );
  // The security-group calls are under way: the file system's other reads may start.
  listed();
  return records;
}

export function tagsToRecord(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function toMountTargetRecord(mt: MountTargetDescription, securityGroups: string[]): MountTargetRecord {
  return {
    mountTargetId: mt.MountTargetId ?? '',
    availabilityZoneName: mt.AvailabilityZoneName,
    availabilityZoneId: mt.AvailabilityZoneId,
    vpcId: mt.VpcId,
    subnetId: mt.SubnetId ?? '',
    ipAddress: mt.IpAddress,
    networkInterfaceId: mt.NetworkInterfaceId,
    lifeCycleState: mt.LifeCycleState ?? 'unknown',
    securityGroups: [...securityGroups].sort(),
  };
}

export function toAccessPointRecord(ap: AccessPointDescription): AccessPointRecord {
  const root = ap.RootDirectory;
  const info = root?.CreationInfo;
  const posix = ap.PosixUser;
  return {
    accessPointId: ap.AccessPointId ?? '',
    accessPointArn: ap.AccessPointArn,
    name: ap.Name,
    lifeCycleState: ap.LifeCycleState,
    rootDirectory: root
      ? {
          path: root.Path,
          creationInfo:
            info &&
            info.OwnerUid !== undefined &&
            info.OwnerGid !== undefined &&
            info.Permissions !== undefined
              ? { ownerUid: info.OwnerUid, ownerGid: info.OwnerGid, permissions: info.Permissions }
              : undefined,
        }
      : undefined,
    posixUser:
      posix && posix.Uid !== undefined && posix.Gid !== undefined
        ? { uid: posix.Uid, gid: posix.Gid, secondaryGids: posix.SecondaryGids }
        : undefined,
    ownerId: ap.OwnerId,
    tags: tagsToRecord(ap.Tags),
  };
}

export function toLifecyclePolicyRecord(p: LifecyclePolicy): LifecyclePolicyRecord {
  return {
    transitionToIA: p.TransitionToIA,
    transitionToPrimaryStorageClass: p.TransitionToPrimaryStorageClass,
    transitionToArchive: p.TransitionToArchive,
  };
}

export function toReplicationRecord(
  fileSystemId: string,
  r: ReplicationConfigurationDescription,
): ReplicationRecord {
  return {
    role: r.SourceFileSystemId === fileSystemId ? 'source' : 'destination',
    sourceFileSystemId: r.SourceFileSystemId ?? '',
    sourceFileSystemRegion: r.SourceFileSystemRegion ?? '',
    originalSourceFileSystemArn: r.OriginalSourceFileSystemArn,
    creationTime: r.CreationTime?.toISOString(),
    destinations: (r.Destinations ?? []).map((d) => ({
      fileSystemId: d.FileSystemId ?? '',
      region: d.Region ?? '',
      status: d.Status ?? 'unknown',
      lastReplicatedTimestamp: d.LastReplicatedTimestamp?.toISOString(),
      ownerId: d.OwnerId,
    })),
  };
}
