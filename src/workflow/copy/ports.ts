import type {
  CreateLocationEfsCommandInput,
  CreateLocationEfsCommandOutput,
  CreateTaskCommandInput,
  CreateTaskCommandOutput,
  DescribeTaskCommandOutput,
  DescribeTaskExecutionCommandOutput,
  LocationListEntry,
  StartTaskExecutionCommandInput,
  StartTaskExecutionCommandOutput,
  TagListEntry,
  TaskListEntry,
} from '@aws-sdk/client-datasync';
import type {
  CreateReplicationConfigurationCommandOutput,
  DeleteReplicationConfigurationCommandOutput,
  FileSystemDescription,
  MountTargetDescription,
  ReplicationConfigurationDescription,
  ReplicationOverwriteProtection,
  UpdateFileSystemProtectionCommandOutput,
} from '@aws-sdk/client-efs';
import type { NetworkFacts } from '../../domain/decision.ts';

/**
 * What the copy phase calls in AWS, declared here by the phase itself. src/aws implements each
 * structurally (it does not import workflows); the composition root (src/cli) hands the adapters
 * in, and TypeScript checks the fit there.
 */

/**
 * The DataSync calls the copy makes, as a narrow interface owned by the copy (DESIGN.md: one small
 * client interface per AWS service); src/aws's SdkDataSyncClient matches it structurally. Listings
 * come back whole (the adapter pages with the SDK's paginators); outputs keep `$metadata` so the workflow
 * records AWS request IDs. DataSync has no client token, so idempotency is the workflow's: it
 * records every ARN the moment it exists and finds its own resources again by tag and name.
 */
export interface IDataSyncClient {
  createLocationEfs(input: CreateLocationEfsCommandInput): Promise<CreateLocationEfsCommandOutput>;
  /** EFS locations whose URI contains `fileSystemId` (ListLocations filter LocationUri Contains). */
  listEfsLocations(fileSystemId: string): Promise<LocationListEntry[]>;
  listTags(resourceArn: string): Promise<TagListEntry[]>;
  createTask(input: CreateTaskCommandInput): Promise<CreateTaskCommandOutput>;
  /** Every task of the account and Region (ListTasks returns each task's Name). */
  listTasks(): Promise<TaskListEntry[]>;
  describeTask(taskArn: string): Promise<DescribeTaskCommandOutput>;
  startTaskExecution(input: StartTaskExecutionCommandInput): Promise<StartTaskExecutionCommandOutput>;
  describeTaskExecution(executionArn: string): Promise<DescribeTaskExecutionCommandOutput>;
}

/**
 * The EFS replication calls the copy makes (replication into the already-built encrypted twin),
 * as a narrow interface owned by the copy; src/aws's SdkEfsReplicationClient matches it
 * structurally. Outputs keep `$metadata` for the audit log's request IDs.
 */
export interface IEfsReplicationClient {
  /** The file system, or undefined when EFS says FileSystemNotFound. */
  describeFileSystem(fileSystemId: string): Promise<FileSystemDescription | undefined>;
  updateFileSystemProtection(
    fileSystemId: string,
    protection: Exclude<ReplicationOverwriteProtection, 'REPLICATING'>,
  ): Promise<UpdateFileSystemProtectionCommandOutput>;
  /**
   * Replicates into an existing file system. No KmsKeyId: it applies only when EFS creates the
   * destination ("To use a KMS key other than the default KMS key, then specify it" for a new file
   * system; "After the file system is created, you cannot change the KMS key", API reference
   * DestinationToCreate). The twin is already encrypted with the decided key.
   */
  createReplicationConfiguration(input: {
    sourceFileSystemId: string;
    destinationFileSystemId: string;
    region: string;
  }): Promise<CreateReplicationConfigurationCommandOutput>;
  /** The configuration the file system is part of (either side), or undefined on ReplicationNotFound. */
  describeReplication(fileSystemId: string): Promise<ReplicationConfigurationDescription | undefined>;
  deleteReplicationConfiguration(
    sourceFileSystemId: string,
  ): Promise<DeleteReplicationConfigurationCommandOutput>;
}

/** The source's network as it is now (the decide phase's NetworkDirectory answers it too). */
export interface SourceNetwork {
  describe(fs: { accountId: string; region: string; fileSystemId: string }): Promise<NetworkFacts>;
}

/** The EFS reads of the rsync runbook: the twin's mount targets and their security groups. */
export interface MountTargetReader {
  listMountTargets(fileSystemId: string): Promise<MountTargetDescription[]>;
  mountTargetSecurityGroups(mountTarget: MountTargetDescription): Promise<string[]>;
}
