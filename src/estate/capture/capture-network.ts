/**
 * The EC2 side of a captured region: only the subnets and security groups that mount targets use,
 * and the VPCs those sit in. That is all the estate needs to place mount targets and all a migration
 * reads (the twin gets mount targets in the same subnets with the same groups); the rest of a VPC
 * (instances' subnets, unrelated groups) would only make the file larger and more sensitive.
 */
import type { SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { CaptureEc2Client } from './ports.ts';

export interface NetworkNeeds {
  subnetIds: string[];
  securityGroupIds: string[];
  /**
   * VPCs with a mount target whose groups could not be read (not `available`): the estate gives such
   * a mount target its VPC's `default` group, so that group is captured too.
   */
  vpcsNeedingDefaultGroup: string[];
}

export interface CapturedNetwork {
  vpcs: Vpc[];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
}

/** EC2 takes long ID lists, but a bounded batch keeps each request well under URL and filter limits. */
const ID_BATCH = 100;

export async function captureNetwork(ec2: CaptureEc2Client, needs: NetworkNeeds): Promise<CapturedNetwork> {
  const [subnets, groups, defaultGroups] = await Promise.all([
    byIds(needs.subnetIds, (SubnetIds, NextToken) =>
      ec2.describeSubnets({ SubnetIds, NextToken }).then((o) => ({ items: o.Subnets, next: o.NextToken })),
    ),
    byIds(needs.securityGroupIds, (GroupIds, NextToken) =>
      ec2
        .describeSecurityGroups({ GroupIds, NextToken })
        .then((o) => ({ items: o.SecurityGroups, next: o.NextToken })),
    ),
    byIds(needs.vpcsNeedingDefaultGroup, (vpcIds, NextToken) =>
      ec2
        .describeSecurityGroups({
          Filters: [
            { Name: 'vpc-id', Values: vpcIds },
            { Name: 'group-name', Values: ['default'] },
          ],
          NextToken,
        })
        .then((o) => ({ items: o.SecurityGroups, next: o.NextToken })),
    ),
  ]);
  const securityGroups = uniqueBy([...groups, ...defaultGroups], (g) => g.GroupId);
  const vpcIds = [...subnets.map((s) => s.VpcId), ...securityGroups.map((g) => g.VpcId)].filter(
    (id): id is string => !!id,
  );
  const vpcs = await byIds([...new Set(vpcIds)], (VpcIds, NextToken) =>
    ec2.describeVpcs({ VpcIds, NextToken }).then((o) => ({ items: o.Vpcs, next: o.NextToken })),
  );
  return { vpcs, subnets, securityGroups };
}

/** Pages through a Describe call for each batch of IDs; no call at all for no IDs. */
async function byIds<T>(
  ids: string[],
  fetch: (batch: string[], token?: string) => Promise<{ items?: T[]; next?: string }>,
): Promise<T[]> {
  const all: T[] = [];
  for (let i = 0; i < ids.length; i += ID_BATCH) {
    const batch = ids.slice(i, i + ID_BATCH);
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await fetch(batch, token);
      all.push(...(page.items ?? []));
      token = page.next && !seen.has(page.next) ? page.next : undefined;
      if (token) seen.add(token);
    } while (token);
  }
  return all;
}

function uniqueBy<T>(items: T[], key: (t: T) => string | undefined): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item) ?? '';
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
