/**
 * EC2 handlers (read side): DescribeVpcs, DescribeSubnets, DescribeSecurityGroups and
 * DescribeNetworkInterfaces with ID lists, the common filters, and EC2's pagination (everything when
 * MaxResults is absent, as EC2 does).
 */
import type {
  DescribeNetworkInterfacesRequest,
  DescribeNetworkInterfacesResult,
  DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult,
  DescribeSubnetsRequest,
  DescribeSubnetsResult,
  DescribeVpcsRequest,
  DescribeVpcsResult,
  Filter,
  NetworkInterface,
  Tag,
} from '@aws-sdk/client-ec2';
import type { EstateMountTarget, EstateSecurityGroup, EstateSubnet, EstateVpc } from '../types.ts';
import { AwsApiError } from './api-error.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { pageOf } from './paging.ts';

export const ec2Errors = {
  subnetNotFound: (id: string) =>
    new AwsApiError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`, 400),
  groupNotFound: (id: string) =>
    new AwsApiError('InvalidGroup.NotFound', `The security group '${id}' does not exist`, 400),
  vpcNotFound: (id: string) =>
    new AwsApiError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`, 400),
  networkInterfaceNotFound: (id: string) =>
    new AwsApiError(
      'InvalidNetworkInterfaceID.NotFound',
      `The networkInterface ID '${id}' does not exist`,
      400,
    ),
  invalidParameter: (message: string) => new AwsApiError('InvalidParameterValue', message, 400),
  invalidCombination: (message: string) => new AwsApiError('InvalidParameterCombination', message, 400),
  invalidToken: () => new AwsApiError('InvalidPaginationToken', 'The pagination token is invalid.', 400),
  /** EC2 throttles with RequestLimitExceeded and HTTP 503. */
  throttling: () => new AwsApiError('RequestLimitExceeded', 'Request limit exceeded.', 503, 'Sender'),
};

export type Attributes<T> = Record<string, (item: T) => (string | undefined)[]>;

const subnetAttributes: Attributes<EstateSubnet> = {
  'subnet-id': (s) => [s.SubnetId],
  'vpc-id': (s) => [s.VpcId],
  'availability-zone': (s) => [s.AvailabilityZone],
  'availability-zone-id': (s) => [s.AvailabilityZoneId],
  'cidr-block': (s) => [s.CidrBlock],
  'default-for-az': (s) => [String(s.DefaultForAz ?? false)],
  'owner-id': (s) => [s.OwnerId],
  state: (s) => [s.State],
};
const vpcAttributes: Attributes<EstateVpc> = {
  'vpc-id': (v) => [v.VpcId],
  'is-default': (v) => [String(v.IsDefault ?? false)],
  cidr: (v) => [v.CidrBlock],
  'owner-id': (v) => [v.OwnerId],
  state: (v) => [v.State],
};
const groupAttributes: Attributes<EstateSecurityGroup> = {
  'group-id': (g) => [g.GroupId],
  'group-name': (g) => [g.GroupName],
  'vpc-id': (g) => [g.VpcId],
  'owner-id': (g) => [g.OwnerId],
  description: (g) => [g.Description],
};

/** The network interface as EC2 describes it, with the tags under `TagSet` (its own member name). */
type EstateNetworkInterface = NetworkInterface & { NetworkInterfaceId: string };

const interfaceAttributes: Attributes<EstateNetworkInterface> = {
  'network-interface-id': (n) => [n.NetworkInterfaceId],
  'vpc-id': (n) => [n.VpcId],
  'subnet-id': (n) => [n.SubnetId],
  'group-id': (n) => (n.Groups ?? []).map((g) => g.GroupId),
  'group-name': (n) => (n.Groups ?? []).map((g) => g.GroupName),
  'availability-zone': (n) => [n.AvailabilityZone],
  'availability-zone-id': (n) => [n.AvailabilityZoneId],
  'private-ip-address': (n) => [n.PrivateIpAddress],
  'interface-type': (n) => [n.InterfaceType],
  description: (n) => [n.Description],
  'owner-id': (n) => [n.OwnerId],
  'requester-managed': (n) => [String(n.RequesterManaged ?? false)],
  status: (n) => [n.Status],
};

/** EC2 filter semantics: AND across filters, OR across one filter's values, `*` and `?` wildcards. */
export function applyFilters<T>(
  items: T[],
  filters: Filter[] | undefined,
  attributes: Attributes<T>,
  tagsOf: (item: T) => Tag[] | undefined = (item) => (item as { Tags?: Tag[] }).Tags,
): T[] {
  if (!filters?.length) return items;
  const matchers = filters.map((f) => {
    const name = f.Name ?? '';
    const patterns = (f.Values ?? []).map(
      (v) =>
        new RegExp(
          `^${v
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ),
    );
    let read: (item: T) => (string | undefined)[];
    if (name.startsWith('tag:'))
      read = (item) => (tagsOf(item) ?? []).filter((t) => t.Key === name.slice(4)).map((t) => t.Value);
    else if (name === 'tag-key') read = (item) => (tagsOf(item) ?? []).map((t) => t.Key);
    else if (attributes[name]) read = attributes[name];
    else throw ec2Errors.invalidParameter(`The filter '${name}' is invalid`);
    return (item: T) =>
      read(item).some((value) => value !== undefined && patterns.some((p) => p.test(value)));
  });
  return items.filter((item) => matchers.every((m) => m(item)));
}

function byIds<T>(
  items: T[],
  ids: string[] | undefined,
  idOf: (item: T) => string,
  notFound: (id: string) => AwsApiError,
): T[] {
  if (!ids?.length) return items;
  return ids.map((id) => {
    const item = items.find((i) => idOf(i) === id);
    if (!item) throw notFound(id);
    return item;
  });
}

export class Ec2Service {
  constructor(private readonly model: EstateModel) {}

  private page<T>(items: T[], scope: string, token: string | undefined, maxResults: number | undefined) {
    if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
      throw ec2Errors.invalidParameter(
        `Value ( ${maxResults} ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.`,
      );
    }
    if (maxResults === undefined && token === undefined) return { items, next: undefined };
    return pageOf(items, {
      token,
      limit: maxResults,
      defaultSize: 1000,
      maxSize: 1000,
      scope,
      invalidToken: ec2Errors.invalidToken,
      invalidLimit: (n) => ec2Errors.invalidParameter(`Value ( ${n} ) for parameter maxResults is invalid.`),
    });
  }

  describeVpcs(ctx: CallContext, input: DescribeVpcsRequest): DescribeVpcsResult {
    const list = applyFilters(
      byIds(this.model.region(ctx).vpcs, input.VpcIds, (v) => v.VpcId, ec2Errors.vpcNotFound),
      input.Filters,
      vpcAttributes,
    );
    const page = this.page(
      list,
      `vpcs:${JSON.stringify([input.VpcIds, input.Filters])}`,
      input.NextToken,
      input.MaxResults,
    );
    return {
      Vpcs: structuredClone(page.items),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeVpcsResult;
  }

  describeSubnets(ctx: CallContext, input: DescribeSubnetsRequest): DescribeSubnetsResult {
    const all = this.model.region(ctx).subnets;
    const list = applyFilters(
      byIds(all, input.SubnetIds, (s) => s.SubnetId, ec2Errors.subnetNotFound),
      input.Filters,
      subnetAttributes,
    );
    const page = this.page(
      list,
      `subnets:${JSON.stringify([input.SubnetIds, input.Filters])}`,
      input.NextToken,
      input.MaxResults,
    );
    return {
      Subnets: structuredClone(page.items),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeSubnetsResult;
  }

  describeSecurityGroups(
    ctx: CallContext,
    input: DescribeSecurityGroupsRequest,
  ): DescribeSecurityGroupsResult {
    let list = byIds(
      this.model.region(ctx).securityGroups,
      input.GroupIds,
      (g) => g.GroupId,
      ec2Errors.groupNotFound,
    );
    if (input.GroupNames?.length) {
      list = input.GroupNames.map((name) => {
        const group = list.find((g) => g.GroupName === name);
        if (!group) throw ec2Errors.groupNotFound(name);
        return group;
      });
    }
    list = applyFilters(list, input.Filters, groupAttributes);
    const page = this.page(
      list,
      `groups:${JSON.stringify([input.GroupIds, input.GroupNames, input.Filters])}`,
      input.NextToken,
      input.MaxResults,
    );
    return {
      SecurityGroups: structuredClone(page.items),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeSecurityGroupsResult;
  }

  /**
   * The network interfaces of the region: the one EFS creates for each mount target, in the mount
   * target's subnet with its address and its security groups ("This operation replaces the
   * security groups in effect for the network interface associated with a mount target":
   * ModifyMountTargetSecurityGroups), so `Groups` always equals what
   * DescribeMountTargetSecurityGroups answers. The EC2 reference: MaxResults cannot be combined
   * with NetworkInterfaceIds; an unknown ID fails the call, while a filter value matching nothing
   * does not.
   */
  describeNetworkInterfaces(
    ctx: CallContext,
    input: DescribeNetworkInterfacesRequest,
  ): DescribeNetworkInterfacesResult {
    if (input.MaxResults !== undefined && input.NetworkInterfaceIds?.length)
      throw ec2Errors.invalidCombination(
        'The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults',
      );
    const list = applyFilters(
      byIds(
        this.networkInterfaces(ctx),
        input.NetworkInterfaceIds,
        (n) => n.NetworkInterfaceId,
        ec2Errors.networkInterfaceNotFound,
      ),
      input.Filters,
      interfaceAttributes,
      (n) => n.TagSet,
    );
    const page = this.page(
      list,
      `enis:${JSON.stringify([input.NetworkInterfaceIds, input.Filters])}`,
      input.NextToken,
      input.MaxResults,
    );
    return {
      NetworkInterfaces: page.items,
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies DescribeNetworkInterfacesResult;
  }

  /** Built from the EFS mount targets on each call, so a mount target's changes show at once. */
  private networkInterfaces(ctx: CallContext): EstateNetworkInterface[] {
    const region = this.model.region(ctx);
    const groupName = new Map(region.securityGroups.map((g) => [g.GroupId, g.GroupName]));
    const live = region.fileSystems.filter((fs) => fs.LifeCycleState !== 'deleted');
    return live.flatMap((fs) =>
      fs.MountTargets.filter((mt): mt is EstateMountTarget & { NetworkInterfaceId: string } =>
        Boolean(mt.NetworkInterfaceId),
      ).map((mt) => ({
        NetworkInterfaceId: mt.NetworkInterfaceId,
        Description: `EFS mount target for ${fs.FileSystemId} (${mt.MountTargetId})`,
        // 'interface': the SDK release in the lockfile has no 'efs' member in its enum yet.
        InterfaceType: 'interface',
        RequesterManaged: true,
        Status: 'in-use',
        OwnerId: mt.OwnerId,
        VpcId: mt.VpcId,
        SubnetId: mt.SubnetId,
        AvailabilityZone: mt.AvailabilityZoneName,
        AvailabilityZoneId: mt.AvailabilityZoneId,
        PrivateIpAddress: mt.IpAddress,
        Groups: mt.SecurityGroups.map((id) => ({ GroupId: id, GroupName: groupName.get(id) })),
        TagSet: [],
      })),
    );
  }
}
