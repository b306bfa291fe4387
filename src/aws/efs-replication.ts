import {
  CreateReplicationConfigurationCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  UpdateFileSystemProtectionCommand,
  type CreateReplicationConfigurationCommandOutput,
  type DeleteReplicationConfigurationCommandOutput,
  type EFSClient,
  type FileSystemDescription,
  type ReplicationConfigurationDescription,
  type ReplicationOverwriteProtection,
  type UpdateFileSystemProtectionCommandOutput,
} from '@aws-sdk/client-efs';
import type { AccountClients } from './account-clients.ts';
import { awsErrorCode } from './aws-errors.ts';
import { SdkEfsClient } from './efs.ts';

/**
 * The EFS replication calls the copy makes (replication into the already-built encrypted twin),
 * as a narrow interface. Outputs keep `$metadata` for the audit log's request IDs.
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

export class SdkEfsReplicationClient implements IEfsReplicationClient {
  constructor(readonly sdk: EFSClient) {}

  async describeFileSystem(fileSystemId: string) {
    try {
      return (await this.sdk.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId })))
        .FileSystems?.[0];
    } catch (e) {
      if (awsErrorCode(e) === 'FileSystemNotFound') return undefined;
      throw e;
    }
  }

  updateFileSystemProtection(
    fileSystemId: string,
    protection: Exclude<ReplicationOverwriteProtection, 'REPLICATING'>,
  ) {
    return this.sdk.send(
      new UpdateFileSystemProtectionCommand({
        FileSystemId: fileSystemId,
        ReplicationOverwriteProtection: protection,
      }),
    );
  }

  createReplicationConfiguration(input: {
    sourceFileSystemId: string;
    destinationFileSystemId: string;
    region: string;
  }) {
    return this.sdk.send(
      new CreateReplicationConfigurationCommand({
        SourceFileSystemId: input.sourceFileSystemId,
        Destinations: [{ FileSystemId: input.destinationFileSystemId, Region: input.region }],
      }),
    );
  }

  async describeReplication(fileSystemId: string) {
    try {
      const out = await this.sdk.send(
        new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }),
      );
      return out.Replications?.[0];
    } catch (e) {
      if (awsErrorCode(e) === 'ReplicationNotFound') return undefined;
      throw e;
    }
  }

  deleteReplicationConfiguration(sourceFileSystemId: string) {
    return this.sdk.send(
      new DeleteReplicationConfigurationCommand({ SourceFileSystemId: sourceFileSystemId }),
    );
  }
}

/** Replication clients over the account clients' EFS clients (same credentials, rate limits, retries). */
export function replicationClientsFrom(
  accounts: Pick<AccountClients, 'clientsFor'>,
): (accountId: string, region: string) => Promise<IEfsReplicationClient> {
  return async (accountId, region) => {
    const { efs } = await accounts.clientsFor(accountId, region);
    if (!(efs instanceof SdkEfsClient))
      throw new Error('the replication copy needs SDK-backed account clients');
    return new SdkEfsReplicationClient(efs.sdk);
  };
}
