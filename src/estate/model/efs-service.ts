/**
 * EFS handlers (read side): typed with the SDK's own request and response shapes, independent of
 * the wire. Errors carry the codes and HTTP statuses of the EFS model (aws-models/efs).
 */
import type {
  AccessPointDescription,
  DescribeAccessPointsRequest,
  DescribeAccessPointsResponse,
  DescribeBackupPolicyRequest,
  BackupPolicyDescription,
  DescribeFileSystemPolicyRequest,
  FileSystemPolicyDescription,
  DescribeFileSystemsRequest,
  DescribeFileSystemsResponse,
  DescribeLifecycleConfigurationRequest,
  LifecycleConfigurationDescription,
  DescribeMountTargetSecurityGroupsRequest,
  DescribeMountTargetSecurityGroupsResponse,
  DescribeMountTargetsRequest,
  DescribeMountTargetsResponse,
  DescribeReplicationConfigurationsRequest,
  DescribeReplicationConfigurationsResponse,
  FileSystemDescription,
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  MountTargetDescription,
  ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import type { EstateAccessPoint, EstateFileSystem, EstateMountTarget } from '../types.ts';
import { AwsApiError } from './api-error.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { pageOf } from './paging.ts';

export const efsErrors = {
  badRequest: (message: string) => new AwsApiError('BadRequest', message, 400),
  fileSystemNotFound: (id: string) =>
    new AwsApiError('FileSystemNotFound', `File system '${id}' does not exist.`, 404),
  mountTargetNotFound: (id: string) =>
    new AwsApiError('MountTargetNotFound', `Mount target '${id}' does not exist.`, 404),
  accessPointNotFound: (id: string) =>
    new AwsApiError('AccessPointNotFound', `Access point '${id}' does not exist.`, 404),
  policyNotFound: (message: string) => new AwsApiError('PolicyNotFound', message, 404),
  replicationNotFound: (id: string) =>
    new AwsApiError('ReplicationNotFound', `No replications found for file system '${id}'.`, 404),
  incorrectMountTargetState: (id: string, state: string) =>
    new AwsApiError(
      'IncorrectMountTargetState',
      `Mount target '${id}' is in state ${state}; it must be available.`,
      409,
    ),
  throttling: () => new AwsApiError('ThrottlingException', 'Rate exceeded', 429),
};

/** The FileSystemDescription AWS returns: the estate's additions (mount targets, policies…) left out. */
export function fileSystemDescription(fs: EstateFileSystem): FileSystemDescription {
  const {
    MountTargets,
    AccessPoints: _accessPoints,
    LifecyclePolicies: _lifecycle,
    BackupPolicy: _backup,
    Policy: _policy,
    Replications: _replications,
    Activity: _activity,
    ...description
  } = fs;
  return { ...description, NumberOfMountTargets: MountTargets.length };
}

export function mountTargetDescription(mt: EstateMountTarget): MountTargetDescription {
  const { SecurityGroups: _securityGroups, ...description } = mt;
  return description;
}

function accessPointDescription(ap: EstateAccessPoint): AccessPointDescription {
  return { ...ap };
}

export class EfsService {
  constructor(private readonly model: EstateModel) {}

  private fileSystems(ctx: CallContext): EstateFileSystem[] {
    return this.model.region(ctx).fileSystems.filter((fs) => fs.LifeCycleState !== 'deleted');
  }

  private fileSystem(ctx: CallContext, id: string | undefined): EstateFileSystem {
    if (!id) throw efsErrors.badRequest('FileSystemId is required.');
    const fs = this.fileSystems(ctx).find((f) => f.FileSystemId === id || f.FileSystemArn === id);
    if (!fs) throw efsErrors.fileSystemNotFound(id);
    return fs;
  }

  private paging(
    scope: string,
    token: string | undefined,
    limit: number | undefined,
    maxSize: number,
    tokenName: string,
  ) {
    return {
      token,
      limit,
      defaultSize: this.model.options.defaultPageSize,
      maxSize,
      scope,
      invalidToken: () => efsErrors.badRequest(`Invalid ${tokenName}.`),
      invalidLimit: (n: number) => efsErrors.badRequest(`Invalid page size ${n}: it must be at least 1.`),
    };
  }

  describeFileSystems(ctx: CallContext, input: DescribeFileSystemsRequest): DescribeFileSystemsResponse {
    let list = this.fileSystems(ctx);
    if (input.FileSystemId !== undefined) list = [this.fileSystem(ctx, input.FileSystemId)];
    if (input.CreationToken !== undefined)
      list = list.filter((fs) => fs.CreationToken === input.CreationToken);
    const page = pageOf(
      list,
      this.paging(
        `fs:${input.FileSystemId}:${input.CreationToken}`,
        input.Marker,
        input.MaxItems,
        100,
        'Marker',
      ),
    );
    return {
      ...(input.Marker !== undefined ? { Marker: input.Marker } : {}),
      FileSystems: page.items.map(fileSystemDescription),
      ...(page.next !== undefined ? { NextMarker: page.next } : {}),
    } satisfies DescribeFileSystemsResponse;
  }

  describeMountTargets(ctx: CallContext, input: DescribeMountTargetsRequest): DescribeMountTargetsResponse {
    const given = [input.FileSystemId, input.MountTargetId, input.AccessPointId].filter(
      (v) => v !== undefined,
    );
    if (given.length !== 1)
      throw efsErrors.badRequest('Specify exactly one of FileSystemId, MountTargetId or AccessPointId.');
    let list: EstateMountTarget[];
    if (input.FileSystemId !== undefined) list = this.fileSystem(ctx, input.FileSystemId).MountTargets;
    else if (input.MountTargetId !== undefined) list = [this.mountTarget(ctx, input.MountTargetId)];
    else list = this.fileSystem(ctx, this.accessPoint(ctx, input.AccessPointId!).FileSystemId).MountTargets;
    const page = pageOf(list, this.paging(`mt:${given[0]}`, input.Marker, input.MaxItems, 100, 'Marker'));
    return {
      ...(input.Marker !== undefined ? { Marker: input.Marker } : {}),
      MountTargets: page.items.map(mountTargetDescription),
      ...(page.next !== undefined ? { NextMarker: page.next } : {}),
    } satisfies DescribeMountTargetsResponse;
  }

  private mountTarget(ctx: CallContext, id: string): EstateMountTarget {
    for (const fs of this.fileSystems(ctx)) {
      const mt = fs.MountTargets.find((m) => m.MountTargetId === id);
      if (mt) return mt;
    }
    throw efsErrors.mountTargetNotFound(id);
  }

  private accessPoint(ctx: CallContext, id: string): EstateAccessPoint {
    for (const fs of this.fileSystems(ctx)) {
      const ap = fs.AccessPoints.find((a) => a.AccessPointId === id || a.AccessPointArn === id);
      if (ap) return ap;
    }
    throw efsErrors.accessPointNotFound(id);
  }

  describeMountTargetSecurityGroups(
    ctx: CallContext,
    input: DescribeMountTargetSecurityGroupsRequest,
  ): DescribeMountTargetSecurityGroupsResponse {
    const mt = this.mountTarget(ctx, input.MountTargetId ?? '');
    if (mt.LifeCycleState !== 'available')
      throw efsErrors.incorrectMountTargetState(mt.MountTargetId, mt.LifeCycleState);
    return { SecurityGroups: [...mt.SecurityGroups] } satisfies DescribeMountTargetSecurityGroupsResponse;
  }

  describeAccessPoints(ctx: CallContext, input: DescribeAccessPointsRequest): DescribeAccessPointsResponse {
    if (input.AccessPointId !== undefined && input.FileSystemId !== undefined) {
      throw efsErrors.badRequest('Specify either AccessPointId or FileSystemId, not both.');
    }
    let list: EstateAccessPoint[];
    if (input.AccessPointId !== undefined) list = [this.accessPoint(ctx, input.AccessPointId)];
    else if (input.FileSystemId !== undefined) list = this.fileSystem(ctx, input.FileSystemId).AccessPoints;
    else list = this.fileSystems(ctx).flatMap((fs) => fs.AccessPoints);
    const page = pageOf(
      list,
      this.paging(
        `ap:${input.AccessPointId}:${input.FileSystemId}`,
        input.NextToken,
        input.MaxResults,
        120,
        'NextToken',
      ),
    );
    return {
      AccessPoints: page.items.map(accessPointDescription),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeAccessPointsResponse;
  }

  describeLifecycleConfiguration(
    ctx: CallContext,
    input: DescribeLifecycleConfigurationRequest,
  ): LifecycleConfigurationDescription {
    return {
      LifecyclePolicies: this.fileSystem(ctx, input.FileSystemId).LifecyclePolicies.map((p) => ({ ...p })),
    };
  }

  /** A file system without a backup policy answers PolicyNotFound, as EFS (and moto) do. */
  describeBackupPolicy(ctx: CallContext, input: DescribeBackupPolicyRequest): BackupPolicyDescription {
    const fs = this.fileSystem(ctx, input.FileSystemId);
    if (!fs.BackupPolicy)
      throw efsErrors.policyNotFound(`File system '${fs.FileSystemId}' has no backup policy.`);
    return { BackupPolicy: { ...fs.BackupPolicy } };
  }

  describeFileSystemPolicy(
    ctx: CallContext,
    input: DescribeFileSystemPolicyRequest,
  ): FileSystemPolicyDescription {
    const fs = this.fileSystem(ctx, input.FileSystemId);
    if (fs.Policy === undefined)
      throw efsErrors.policyNotFound(
        `File system '${fs.FileSystemId}' has the default policy; no file system policy is set.`,
      );
    return { FileSystemId: fs.FileSystemId, Policy: fs.Policy };
  }

  describeReplicationConfigurations(
    ctx: CallContext,
    input: DescribeReplicationConfigurationsRequest,
  ): DescribeReplicationConfigurationsResponse {
    let list: ReplicationConfigurationDescription[];
    if (input.FileSystemId !== undefined) {
      list = this.fileSystem(ctx, input.FileSystemId).Replications;
      if (list.length === 0) throw efsErrors.replicationNotFound(input.FileSystemId);
    } else {
      list = this.fileSystems(ctx).flatMap((fs) =>
        fs.Replications.filter((r) => r.SourceFileSystemId === fs.FileSystemId),
      );
    }
    const page = pageOf(
      list,
      this.paging(`rep:${input.FileSystemId}`, input.NextToken, input.MaxResults, 100, 'NextToken'),
    );
    return {
      Replications: page.items.map((r) => ({ ...r, Destinations: r.Destinations?.map((d) => ({ ...d })) })),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeReplicationConfigurationsResponse;
  }

  listTagsForResource(ctx: CallContext, input: ListTagsForResourceRequest): ListTagsForResourceResponse {
    const id = input.ResourceId ?? '';
    const tags = /^(fsap-|arn:[^:]+:elasticfilesystem:[^:]+:\d+:access-point\/)/.test(id)
      ? this.accessPoint(ctx, id).Tags
      : this.fileSystem(ctx, id).Tags;
    const page = pageOf(tags, this.paging(`tags:${id}`, input.NextToken, input.MaxResults, 100, 'NextToken'));
    return {
      Tags: page.items.map((t) => ({ ...t })),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies ListTagsForResourceResponse;
  }
}
