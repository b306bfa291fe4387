import {
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  type EC2Client,
  type NetworkInterface,
  type SecurityGroup,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { collectPages, pager } from './pages.ts';

/** The largest page EC2 Describe calls give (MaxResults 5–1000 in aws-models/ec2). */
export const EC2_MAX_RESULTS = 1000;
/** Filter values per DescribeNetworkInterfaces request (a conservative bound on the request's size). */
export const NETWORK_INTERFACE_FILTER_VALUES = 200;

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

  /**
   * The network interfaces among these IDs, by the `network-interface-id` filter rather than the
   * NetworkInterfaceIds list: a filter value that matches nothing is no error (an interface deleted
   * since its mount target was listed fails a whole ID-list call with
   * InvalidNetworkInterfaceID.NotFound), and a filtered call pages (EC2 recommends paginated calls
   * for this operation; the ID list rules out MaxResults). At most NETWORK_INTERFACE_FILTER_VALUES
   * IDs per request.
   */
  async networkInterfaces(ids: string[]): Promise<NetworkInterface[]> {
    const all: NetworkInterface[] = [];
    for (let i = 0; i < ids.length; i += NETWORK_INTERFACE_FILTER_VALUES) {
      const chunk = ids.slice(i, i + NETWORK_INTERFACE_FILTER_VALUES);
      all.push(
        ...(await collectPages(
          paginateDescribeNetworkInterfaces(pager(this.sdk, EC2_MAX_RESULTS), {
            Filters: [{ Name: 'network-interface-id', Values: chunk }],
          }),
          (p) => p.NetworkInterfaces,
          { next: (p) => p.NextToken },
        )),
      );
    }
    return all;
  }

  vpcs(vpcIds: string[]): Promise<Vpc[]> {
    return collectPages(paginateDescribeVpcs(pager(this.sdk), { VpcIds: vpcIds }), (p) => p.Vpcs, {
      next: (p) => p.NextToken,
    });
  }
}
