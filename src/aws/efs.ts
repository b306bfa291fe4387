import {
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetSecurityGroupsCommand,
  paginateDescribeAccessPoints,
  paginateDescribeFileSystems,
  paginateDescribeMountTargets,
  paginateDescribeReplicationConfigurations,
  type AccessPointDescription,
  type EFSClient,
  type FileSystemDescription,
  type LifecyclePolicy,
  type MountTargetDescription,
  type ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import { awsErrorCode } from './aws-errors.ts';
import { collectPages, pager } from './pages.ts';

/**
 * The EFS reads of the bot over one SDK client, listings followed to the end with the SDK's own
 * paginators (paginators-1.json: Marker/NextMarker for file systems and mount targets, NextToken
 * for access points and replications). The workflows that call these declare the methods they
 * need as their own ports (src/workflow/scan/ports.ts, src/capture/ports.ts…); this class matches
 * them structurally. Pages are asked for at the size AWS documents as its default (100), so a
 * smaller default elsewhere costs no extra rate-limited calls.
 */
export const PAGE_SIZE = 100;

export class SdkEfsClient {
  constructor(readonly sdk: EFSClient) {}

  listFileSystems(): Promise<FileSystemDescription[]> {
    return collectPages(paginateDescribeFileSystems(pager(this.sdk, PAGE_SIZE), {}), (p) => p.FileSystems, {
      next: (p) => p.NextMarker,
    });
  }

  listMountTargets(fileSystemId: string): Promise<MountTargetDescription[]> {
    return collectPages(
      paginateDescribeMountTargets(pager(this.sdk, PAGE_SIZE), { FileSystemId: fileSystemId }),
      (p) => p.MountTargets,
      { next: (p) => p.NextMarker },
    );
  }

  /**
   * The access points of one file system or, without one, every access point in the account and
   * region in one paged listing (both filters of DescribeAccessPoints are optional in the model;
   * without either, EFS and moto list them all).
   */
  listAccessPoints(fileSystemId?: string): Promise<AccessPointDescription[]> {
    return collectPages(
      paginateDescribeAccessPoints(
        pager(this.sdk, PAGE_SIZE),
        fileSystemId !== undefined ? { FileSystemId: fileSystemId } : {},
      ),
      (p) => p.AccessPoints,
      { next: (p) => p.NextToken },
    );
  }

  /**
   * Replications where the file system is source or destination; none is a normal answer.
   * Without a file system: every replication configuration of the account in the region (documented).
   */
  async listReplications(fileSystemId?: string): Promise<ReplicationConfigurationDescription[]> {
    try {
      return await collectPages(
        paginateDescribeReplicationConfigurations(
          pager(this.sdk, PAGE_SIZE),
          fileSystemId !== undefined ? { FileSystemId: fileSystemId } : {},
        ),
        (p) => p.Replications,
        { next: (p) => p.NextToken },
      );
    } catch (e) {
      if (awsErrorCode(e) === 'ReplicationNotFound') return [];
      throw e;
    }
  }

  /** The lifecycle policies (none is an empty list). */
  async lifecyclePolicies(fileSystemId: string): Promise<LifecyclePolicy[]> {
    return (
      (await this.sdk.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: fileSystemId })))
        .LifecyclePolicies ?? []
    );
  }

  /** The backup policy status (ENABLED, DISABLED, …), or undefined when none is set. */
  async backupPolicyStatus(fileSystemId: string): Promise<string | undefined> {
    try {
      return (await this.sdk.send(new DescribeBackupPolicyCommand({ FileSystemId: fileSystemId })))
        .BackupPolicy?.Status;
    } catch (e) {
      if (awsErrorCode(e) === 'PolicyNotFound') return undefined;
      throw e;
    }
  }

  /** The resource policy JSON, or undefined when none is set. */
  async fileSystemPolicy(fileSystemId: string): Promise<string | undefined> {
    try {
      return (await this.sdk.send(new DescribeFileSystemPolicyCommand({ FileSystemId: fileSystemId })))
        .Policy;
    } catch (e) {
      if (awsErrorCode(e) === 'PolicyNotFound') return undefined;
      throw e;
    }
  }

  /**
   * Security groups of a mount target. Only an `available` mount target has them to give
   * (IncorrectMountTargetState otherwise), so a mount target mid-change reports none.
   */
  async mountTargetSecurityGroups(mountTarget: MountTargetDescription): Promise<string[]> {
    if (!mountTarget.MountTargetId || mountTarget.LifeCycleState !== 'available') return [];
    try {
      return (
        (
          await this.sdk.send(
            new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mountTarget.MountTargetId }),
          )
        ).SecurityGroups ?? []
      );
    } catch (e) {
      if (awsErrorCode(e) === 'IncorrectMountTargetState') return [];
      throw e;
    }
  }
}
