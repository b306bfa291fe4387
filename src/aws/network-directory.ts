import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type DescribeSecurityGroupsCommandInput,
  type DescribeSecurityGroupsCommandOutput,
  type DescribeSubnetsCommandInput,
  type DescribeSubnetsCommandOutput,
  type EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { IngressRule, NetworkFacts } from '../domain/decision.ts';
import { listMountTargets, mountTargetSecurityGroups, type IEfsClient } from './efs.ts';

/** The EC2 calls the network directory makes. */
export interface Ec2NetworkClient {
  describeSubnets(input: DescribeSubnetsCommandInput): Promise<DescribeSubnetsCommandOutput>;
  describeSecurityGroups(
    input: DescribeSecurityGroupsCommandInput,
  ): Promise<DescribeSecurityGroupsCommandOutput>;
}

export class SdkEc2NetworkClient implements Ec2NetworkClient {
  constructor(readonly sdk: EC2Client) {}
  describeSubnets(input: DescribeSubnetsCommandInput) {
    return this.sdk.send(new DescribeSubnetsCommand(input));
  }
  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput) {
    return this.sdk.send(new DescribeSecurityGroupsCommand(input));
  }
}

export type KnownMountTarget = NetworkFacts['mountTargets'][number];

export interface NetworkDirectory {
  /** The source's mount targets as they are now, with their subnets and security group rules. */
  describe(fs: { accountId: string; region: string; fileSystemId: string }): Promise<NetworkFacts>;
  /**
   * Mount targets already known (from a scan), with their subnets and security-group rules read
   * now: one DescribeSubnets and one DescribeSecurityGroups for all of them, no EFS call. The plan
   * modal checks a whole page this way inside Slack's 3 seconds, even while a scan keeps the EFS
   * rate limits busy.
   */
  describeKnown(
    where: { accountId: string; region: string },
    mountTargets: KnownMountTarget[],
  ): Promise<NetworkFacts>;
}

export interface NetworkDirectoryOptions {
  efsFor(accountId: string, region: string): Promise<IEfsClient>;
  ec2For(accountId: string, region: string): Promise<Ec2NetworkClient>;
}

export function ingressRules(permissions: IpPermission[] | undefined): IngressRule[] {
  return (permissions ?? []).map((p) => ({
    protocol: p.IpProtocol ?? '-1',
    fromPort: p.FromPort,
    toPort: p.ToPort,
    cidrs: (p.IpRanges ?? []).flatMap((r) => (r.CidrIp ? [r.CidrIp] : [])),
    groupIds: (p.UserIdGroupPairs ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
  }));
}

export function createNetworkDirectory(options: NetworkDirectoryOptions): NetworkDirectory {
  async function describeKnown(
    { accountId, region }: { accountId: string; region: string },
    mountTargets: KnownMountTarget[],
  ): Promise<NetworkFacts> {
    const subnetIds = [...new Set(mountTargets.map((m) => m.subnetId).filter(Boolean))];
    const groupIds = [...new Set(mountTargets.flatMap((m) => m.securityGroupIds))];
    const facts: NetworkFacts = { mountTargets, subnets: {}, securityGroups: {} };
    if (subnetIds.length === 0) return facts;
    const ec2 = await options.ec2For(accountId, region);
    // With IDs given, EC2 answers them all in one page.
    const [subnets, groups] = await Promise.all([
      ec2.describeSubnets({ SubnetIds: subnetIds }),
      groupIds.length
        ? ec2.describeSecurityGroups({ GroupIds: groupIds })
        : Promise.resolve({ SecurityGroups: [] }),
    ]);
    for (const s of subnets.Subnets ?? [])
      if (s.SubnetId)
        facts.subnets[s.SubnetId] = {
          cidr: s.CidrBlock,
          availabilityZone: s.AvailabilityZone,
          vpcId: s.VpcId,
        };
    for (const g of groups.SecurityGroups ?? [])
      if (g.GroupId) facts.securityGroups[g.GroupId] = { ingress: ingressRules(g.IpPermissions) };
    return facts;
  }

  return {
    async describe({ accountId, region, fileSystemId }) {
      const efs = await options.efsFor(accountId, region);
      const mountTargets = await listMountTargets(efs, fileSystemId);
      const withGroups = await Promise.all(
        mountTargets.map(async (mt) => ({
          mountTargetId: mt.MountTargetId ?? '',
          subnetId: mt.SubnetId ?? '',
          availabilityZone: mt.AvailabilityZoneName,
          lifeCycleState: mt.LifeCycleState ?? 'unknown',
          securityGroupIds: await mountTargetSecurityGroups(efs, mt),
        })),
      );
      return describeKnown({ accountId, region }, withGroups);
    },
    describeKnown,
  };
}
