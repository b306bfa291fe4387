/**
 * The EC2 side of a captured region: only the subnets and security groups that mount targets use,
 * and the VPCs those sit in. That is all the estate needs to place mount targets and all a migration
 * reads (the twin gets mount targets in the same subnets with the same groups); the rest of a VPC
 * (instances' subnets, unrelated groups) would only make the file larger and more sensitive.
 */
import type { SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { CaptureEc2 } from './ports.ts';

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

export async function captureNetwork(ec2: CaptureEc2, needs: NetworkNeeds): Promise<CapturedNetwork> {
  const [subnets, groups, defaultGroups] = await Promise.all([
    byIds(needs.subnetIds, (ids) => ec2.subnets(ids)),
    byIds(needs.securityGroupIds, (ids) => ec2.securityGroups(ids)),
    byIds(needs.vpcsNeedingDefaultGroup, (ids) => ec2.defaultSecurityGroups(ids)),
  ]);
  const securityGroups = uniqueBy([...groups, ...defaultGroups], (g) => g.GroupId);
  const vpcIds = [...subnets.map((s) => s.VpcId), ...securityGroups.map((g) => g.VpcId)].filter(
    (id): id is string => !!id,
  );
  const vpcs = await byIds([...new Set(vpcIds)], (ids) => ec2.vpcs(ids));
  return { vpcs, subnets, securityGroups };
}

/** One Describe call (paged by the adapter) per batch of IDs; no call at all for no IDs. */
async function byIds<T>(ids: string[], describe: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const all: T[] = [];
  for (let i = 0; i < ids.length; i += ID_BATCH) all.push(...(await describe(ids.slice(i, i + ID_BATCH))));
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
