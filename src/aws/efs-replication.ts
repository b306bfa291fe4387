import {
  CreateReplicationConfigurationCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  UpdateFileSystemProtectionCommand,
  type EFSClient,
  type ReplicationOverwriteProtection,
} from '@aws-sdk/client-efs';
import type { AccountClients } from './account-clients.ts';
import { awsErrorCode } from './aws-errors.ts';

/**
 * The EFS replication calls the copy makes, over the account's EFS client. The copy workflow
 * declares them as its port (IEfsReplicationClient, src/workflow/copy/ports.ts); this class matches
 * it structurally. Outputs keep `$metadata` for the audit log's request IDs.
 */
export class SdkEfsReplicationClient {
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
      // One page: a file system takes part in at most one replication configuration.
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
  accounts: Pick<AccountClients, 'sdkClientsFor'>,
): (accountId: string, region: string) => Promise<SdkEfsReplicationClient> {
  return async (accountId, region) =>
    new SdkEfsReplicationClient((await accounts.sdkClientsFor(accountId, region)).efs);
}
