import type {
  DescribeBackupJobCommandOutput,
  StartBackupJobCommandInput,
  StartBackupJobCommandOutput,
} from '@aws-sdk/client-backup';
import type {
  DeleteTaskCommandOutput,
  DeleteLocationCommandOutput,
  DescribeTaskCommandOutput,
} from '@aws-sdk/client-datasync';
import type {
  AccessPointDescription,
  DeleteAccessPointCommandOutput,
  DeleteFileSystemCommandOutput,
  DeleteMountTargetCommandOutput,
  FileSystemDescription,
  MountTargetDescription,
  ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import type { DescribeKeyCommandOutput } from '@aws-sdk/client-kms';
import type { ConsumerReport } from '../../domain/consumers.ts';

/**
 * What the decommission phase needs from outside, as narrow interfaces it owns: src/aws's adapters
 * match them structurally, tests substitute the estate or fakes. Outputs keep `$metadata`, so each
 * deletion is logged with its AWS request ID.
 */

/**
 * Who uses the source now (src/workflow/consumers' discoverConsumers, wired by the composition
 * root). Called at the moment of deletion, never answered from a stored report.
 */
export interface ConsumerDiscovery {
  discover(migrationId: string): Promise<ConsumerReport>;
}

/** The EFS (and KMS) reads and deletions of a decommission. */
export interface IDecommissionEfs {
  /** Undefined when EFS answers FileSystemNotFound. */
  describeFileSystem(fileSystemId: string): Promise<FileSystemDescription | undefined>;
  describeMountTargets(fileSystemId: string): Promise<MountTargetDescription[]>;
  describeAccessPoints(fileSystemId: string): Promise<AccessPointDescription[]>;
  /** Undefined when EFS answers ReplicationNotFound. */
  describeReplication(fileSystemId: string): Promise<ReplicationConfigurationDescription | undefined>;
  describeKey(keyId: string): Promise<DescribeKeyCommandOutput>;
  deleteAccessPoint(accessPointId: string): Promise<DeleteAccessPointCommandOutput>;
  deleteMountTarget(mountTargetId: string): Promise<DeleteMountTargetCommandOutput>;
  deleteFileSystem(fileSystemId: string): Promise<DeleteFileSystemCommandOutput>;
}

/** The DataSync reads and deletions of a decommission. */
export interface IDecommissionDataSync {
  describeTask(taskArn: string): Promise<DescribeTaskCommandOutput>;
  deleteTask(taskArn: string): Promise<DeleteTaskCommandOutput>;
  deleteLocation(locationArn: string): Promise<DeleteLocationCommandOutput>;
}

/** AWS Backup: the way back, taken before anything is deleted. */
export interface IBackupClient {
  startBackupJob(input: StartBackupJobCommandInput): Promise<StartBackupJobCommandOutput>;
  describeBackupJob(backupJobId: string): Promise<DescribeBackupJobCommandOutput>;
}

/** Where the recovery point goes (config: EFS_ENCRYPT_BACKUP_*); unset: no backup is taken. */
export interface BackupSettings {
  vaultName: string;
  roleArn: string;
  retentionDays: number;
}
