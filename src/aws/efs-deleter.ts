import {
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  type EFSClient,
} from '@aws-sdk/client-efs';
import {
  DeleteLocationCommand,
  DeleteTaskCommand,
  DataSyncClient,
  DescribeTaskCommand,
} from '@aws-sdk/client-datasync';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { AccountClients } from './account-clients.ts';
import { SdkEfsReplicationClient } from './efs-replication.ts';
import { SdkEfsWriter } from './efs-writer.ts';
import { serviceClientsFrom } from './service-clients.ts';

/**
 * The EFS reads and deletions of a decommission (the workflow's IDecommissionEfs), over the
 * account's EFS and KMS clients: the build's reads, replication's describe, and the three deletes.
 */
export class SdkEfsDeleter {
  private readonly reads: SdkEfsWriter;
  private readonly replication: SdkEfsReplicationClient;
  constructor(
    readonly efs: EFSClient,
    kms: KMSClient,
  ) {
    this.reads = new SdkEfsWriter(efs, kms);
    this.replication = new SdkEfsReplicationClient(efs);
  }
  describeFileSystem(id: string) {
    return this.reads.describeFileSystem(id);
  }
  describeMountTargets(id: string) {
    return this.reads.describeMountTargets(id);
  }
  describeAccessPoints(id: string) {
    return this.reads.describeAccessPoints(id);
  }
  describeReplication(id: string) {
    return this.replication.describeReplication(id);
  }
  describeKey(keyId: string) {
    return this.reads.describeKey(keyId);
  }
  deleteAccessPoint(id: string) {
    return this.efs.send(new DeleteAccessPointCommand({ AccessPointId: id }));
  }
  deleteMountTarget(id: string) {
    return this.efs.send(new DeleteMountTargetCommand({ MountTargetId: id }));
  }
  deleteFileSystem(id: string) {
    return this.efs.send(new DeleteFileSystemCommand({ FileSystemId: id }));
  }
}

/** The DataSync calls of a decommission (IDecommissionDataSync). */
export class SdkDataSyncDeleter {
  constructor(readonly sdk: DataSyncClient) {}
  describeTask(taskArn: string) {
    return this.sdk.send(new DescribeTaskCommand({ TaskArn: taskArn }));
  }
  deleteTask(taskArn: string) {
    return this.sdk.send(new DeleteTaskCommand({ TaskArn: taskArn }));
  }
  deleteLocation(locationArn: string) {
    return this.sdk.send(new DeleteLocationCommand({ LocationArn: locationArn }));
  }
}

export function decommissionClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  efsFor(accountId: string, region: string): Promise<SdkEfsDeleter>;
  dataSyncFor(accountId: string, region: string): Promise<SdkDataSyncDeleter>;
  destroy(): void;
} {
  const dataSync = serviceClientsFrom(accounts, (config) => new DataSyncClient(config));
  return {
    efsFor: async (accountId, region) => {
      const { efs, kms } = await accounts.sdkClientsFor(accountId, region);
      return new SdkEfsDeleter(efs, kms);
    },
    dataSyncFor: async (accountId, region) =>
      new SdkDataSyncDeleter(await dataSync.clientFor(accountId, region)),
    destroy: dataSync.destroy,
  };
}
