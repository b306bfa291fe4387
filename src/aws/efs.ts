import {
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand,
  DescribeReplicationConfigurationsCommand,
  type AccessPointDescription,
  type DescribeAccessPointsCommandInput,
  type DescribeAccessPointsCommandOutput,
  type DescribeBackupPolicyCommandOutput,
  type DescribeFileSystemPolicyCommandOutput,
  type DescribeFileSystemsCommandInput,
  type DescribeFileSystemsCommandOutput,
  type DescribeLifecycleConfigurationCommandOutput,
  type DescribeMountTargetSecurityGroupsCommandOutput,
  type DescribeMountTargetsCommandInput,
  type DescribeMountTargetsCommandOutput,
  type DescribeReplicationConfigurationsCommandInput,
  type DescribeReplicationConfigurationsCommandOutput,
  type EFSClient,
  type FileSystemDescription,
  type MountTargetDescription,
  type ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import { awsErrorCode } from './aws-errors.ts';

/**
 * The EFS calls the bot makes, as a narrow interface (as aws-cdk-cli's `IEfsClient`-style
 * per-service interfaces do), so workflows depend on this and tests can substitute it.
 */
export interface IEfsClient {
  describeFileSystems(input: DescribeFileSystemsCommandInput): Promise<DescribeFileSystemsCommandOutput>;
  describeMountTargets(input: DescribeMountTargetsCommandInput): Promise<DescribeMountTargetsCommandOutput>;
  describeMountTargetSecurityGroups(input: {
    MountTargetId: string;
  }): Promise<DescribeMountTargetSecurityGroupsCommandOutput>;
  describeAccessPoints(input: DescribeAccessPointsCommandInput): Promise<DescribeAccessPointsCommandOutput>;
  describeLifecycleConfiguration(input: {
    FileSystemId: string;
  }): Promise<DescribeLifecycleConfigurationCommandOutput>;
  describeBackupPolicy(input: { FileSystemId: string }): Promise<DescribeBackupPolicyCommandOutput>;
  describeFileSystemPolicy(input: { FileSystemId: string }): Promise<DescribeFileSystemPolicyCommandOutput>;
  describeReplicationConfigurations(
    input: DescribeReplicationConfigurationsCommandInput,
  ): Promise<DescribeReplicationConfigurationsCommandOutput>;
}

export class SdkEfsClient implements IEfsClient {
  constructor(readonly sdk: EFSClient) {}
  describeFileSystems(input: DescribeFileSystemsCommandInput) {
    return this.sdk.send(new DescribeFileSystemsCommand(input));
  }
  describeMountTargets(input: DescribeMountTargetsCommandInput) {
    return this.sdk.send(new DescribeMountTargetsCommand(input));
  }
  describeMountTargetSecurityGroups(input: { MountTargetId: string }) {
    return this.sdk.send(new DescribeMountTargetSecurityGroupsCommand(input));
  }
  describeAccessPoints(input: DescribeAccessPointsCommandInput) {
    return this.sdk.send(new DescribeAccessPointsCommand(input));
  }
  describeLifecycleConfiguration(input: { FileSystemId: string }) {
    return this.sdk.send(new DescribeLifecycleConfigurationCommand(input));
  }
  describeBackupPolicy(input: { FileSystemId: string }) {
    return this.sdk.send(new DescribeBackupPolicyCommand(input));
  }
  describeFileSystemPolicy(input: { FileSystemId: string }) {
    return this.sdk.send(new DescribeFileSystemPolicyCommand(input));
  }
  describeReplicationConfigurations(input: DescribeReplicationConfigurationsCommandInput) {
    return this.sdk.send(new DescribeReplicationConfigurationsCommand(input));
  }
}

// Pagination over the interface (paginators-1.json: Marker/NextMarker for file systems and
// mount targets, NextToken for access points and replications). A repeated token stops the loop
// instead of spinning forever on a misbehaving endpoint. Pages are asked for at the size AWS
// documents as its default (100), so a small default elsewhere costs no extra rate-limited calls.

export const PAGE_SIZE = 100;

async function collect<T>(
  fetchPage: (token?: string) => Promise<{ items?: T[]; next?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    all.push(...(page.items ?? []));
    token = page.next;
    if (token !== undefined) {
      if (seen.has(token)) break;
      seen.add(token);
    }
  } while (token);
  return all;
}

export function listFileSystems(efs: IEfsClient): Promise<FileSystemDescription[]> {
  return collect(async (Marker) => {
    const out = await efs.describeFileSystems({ Marker, MaxItems: PAGE_SIZE });
    return { items: out.FileSystems, next: out.NextMarker };
  });
}

export function listMountTargets(efs: IEfsClient, FileSystemId: string): Promise<MountTargetDescription[]> {
  return collect(async (Marker) => {
    const out = await efs.describeMountTargets({ FileSystemId, Marker, MaxItems: PAGE_SIZE });
    return { items: out.MountTargets, next: out.NextMarker };
  });
}

export function listAccessPoints(efs: IEfsClient, FileSystemId: string): Promise<AccessPointDescription[]> {
  return collect(async (NextToken) => {
    const out = await efs.describeAccessPoints({ FileSystemId, NextToken, MaxResults: PAGE_SIZE });
    return { items: out.AccessPoints, next: out.NextToken };
  });
}

/**
 * Every access point in the account and region, in one paged listing. Both filters of
 * DescribeAccessPoints are optional in the model; without either, EFS (and moto) list them all.
 */
export function listRegionAccessPoints(efs: IEfsClient): Promise<AccessPointDescription[]> {
  return collect(async (NextToken) => {
    const out = await efs.describeAccessPoints({ NextToken, MaxResults: PAGE_SIZE });
    return { items: out.AccessPoints, next: out.NextToken };
  });
}

/**
 * Replications where the file system is source or destination; none is a normal answer.
 * Without a file system: every replication configuration of the account in the region (documented).
 */
export async function listReplications(
  efs: IEfsClient,
  FileSystemId?: string,
): Promise<ReplicationConfigurationDescription[]> {
  try {
    return await collect(async (NextToken) => {
      const out = await efs.describeReplicationConfigurations({
        FileSystemId,
        NextToken,
        MaxResults: PAGE_SIZE,
      });
      return { items: out.Replications, next: out.NextToken };
    });
  } catch (e) {
    if (awsErrorCode(e) === 'ReplicationNotFound') return [];
    throw e;
  }
}

/** The backup policy status (ENABLED, DISABLED, …), or undefined when none is set. */
export async function backupPolicyStatus(efs: IEfsClient, FileSystemId: string): Promise<string | undefined> {
  try {
    return (await efs.describeBackupPolicy({ FileSystemId })).BackupPolicy?.Status;
  } catch (e) {
    if (awsErrorCode(e) === 'PolicyNotFound') return undefined;
    throw e;
  }
}

/** The resource policy JSON, or undefined when none is set. */
export async function fileSystemPolicy(efs: IEfsClient, FileSystemId: string): Promise<string | undefined> {
  try {
    return (await efs.describeFileSystemPolicy({ FileSystemId })).Policy;
  } catch (e) {
    if (awsErrorCode(e) === 'PolicyNotFound') return undefined;
    throw e;
  }
}

/**
 * Security groups of a mount target. Only an `available` mount target has them to give
 * (IncorrectMountTargetState otherwise), so a mount target mid-change reports none.
 */
export async function mountTargetSecurityGroups(
  efs: IEfsClient,
  mountTarget: MountTargetDescription,
): Promise<string[]> {
  if (!mountTarget.MountTargetId || mountTarget.LifeCycleState !== 'available') return [];
  try {
    return (
      (await efs.describeMountTargetSecurityGroups({ MountTargetId: mountTarget.MountTargetId }))
        .SecurityGroups ?? []
    );
  } catch (e) {
    if (awsErrorCode(e) === 'IncorrectMountTargetState') return [];
    throw e;
  }
}
