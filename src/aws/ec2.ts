import {
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  type EC2Client,
  type SecurityGroup,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { collectPages, pager } from './pages.ts';

/**
 * The EC2 Describe calls of the bot over one SDK client, each followed with the SDK's paginator
 * (NextToken). No page size is sent: EC2 refuses MaxResults together with an ID list, and with IDs
 * given it answers them all in one page. The decide phase and the capture declare what they call;
 * this class matches them structurally.
 */
export class SdkEc2Client {
  constructor(readonly sdk: EC2Client) {}

  subnets(subnetIds: string[]): Promise<Subnet[]> {
    return collectPages(
      paginateDescribeSubnets(pager(this.sdk), { SubnetIds: subnetIds }),
      (p) => p.Subnets,
      { next: (p) => p.NextToken },
    );
  }

  securityGroups(groupIds: string[]): Promise<SecurityGroup[]> {
    return collectPages(
      paginateDescribeSecurityGroups(pager(this.sdk), { GroupIds: groupIds }),
      (p) => p.SecurityGroups,
      { next: (p) => p.NextToken },
    );
  }

  /** The `default` security group of each VPC. */
  defaultSecurityGroups(vpcIds: string[]): Promise<SecurityGroup[]> {
    return collectPages(
      paginateDescribeSecurityGroups(pager(this.sdk), {
        Filters: [
          { Name: 'vpc-id', Values: vpcIds },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
      (p) => p.SecurityGroups,
      { next: (p) => p.NextToken },
    );
  }

  vpcs(vpcIds: string[]): Promise<Vpc[]> {
    return collectPages(paginateDescribeVpcs(pager(this.sdk), { VpcIds: vpcIds }), (p) => p.Vpcs, {
      next: (p) => p.NextToken,
    });
  }
}
