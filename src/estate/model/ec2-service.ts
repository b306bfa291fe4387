/**
 * EC2 handlers (read side): DescribeVpcs, DescribeSubnets, DescribeSecurityGroups with ID lists,
 * the common filters, and EC2's pagination (everything when MaxResults is absent, as EC2 does).
 */
import type {
  DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult,
  DescribeSubnetsRequest,
  DescribeSubnetsResult,
  DescribeVpcsRequest,
  DescribeVpcsResult,
  Filter,
  Tag,
} from '@aws-sdk/client-ec2';
import type { EstateSecurityGroup, EstateSubnet, EstateVpc } from '../types.ts';
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
  invalidParameter: (message: string) => new AwsApiError('InvalidParameterValue', message, 400),
  invalidToken: () => new AwsApiError('InvalidPaginationToken', 'The pagination token is invalid.', 400),
  /** EC2 throttles with RequestLimitExceeded and HTTP 503. */
  throttling: () => new AwsApiError('RequestLimitExceeded', 'Request limit exceeded.', 503, 'Sender'),
};

type Attributes<T> = Record<string, (item: T) => (string | undefined)[]>;

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

/** EC2 filter semantics: AND across filters, OR across one filter's values, `*` and `?` wildcards. */
function applyFilters<T extends { Tags?: Tag[] }>(
  items: T[],
  filters: Filter[] | undefined,
  attributes: Attributes<T>,
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
      read = (item) => (item.Tags ?? []).filter((t) => t.Key === name.slice(4)).map((t) => t.Value);
    else if (name === 'tag-key') read = (item) => (item.Tags ?? []).map((t) => t.Key);
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
}
