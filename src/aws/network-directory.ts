import type { IpPermission, SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import type { MountTargetDescription } from '@aws-sdk/client-efs';
import type { IngressRule, NetworkFacts } from '../domain/decision.ts';

/** The EFS reads the network directory makes (SdkEfsClient has them). */
export interface MountTargetReads {
  listMountTargets(fileSystemId: string): Promise<MountTargetDescription[]>;
  mountTargetSecurityGroups(mountTarget: MountTargetDescription): Promise<string[]>;
}

/** The EC2 reads the network directory makes (SdkEc2Client has them). */
export interface NetworkReads {
  subnets(subnetIds: string[]): Promise<Subnet[]>;
  securityGroups(groupIds: string[]): Promise<SecurityGroup[]>;
}

type KnownMountTarget = NetworkFacts['mountTargets'][number];

export interface NetworkDirectoryOptions {
  efsFor(accountId: string, region: string): Promise<MountTargetReads>;
  ec2For(accountId: string, region: string): Promise<NetworkReads>;
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

/**
 * The network around a file system (its mount targets, their subnets and inbound rules), as the
 * decide phase's NetworkDirectory port and the copy's source-network port ask for it.
 */
export function createNetworkDirectory(options: NetworkDirectoryOptions) {
  /**
   * Mount targets already known (from a scan), with their subnets and security-group rules read
   * now: one DescribeSubnets and one DescribeSecurityGroups for all of them, no EFS call.
   */
  async function describeKnown(
    { accountId, region }: { accountId: string; region: string },
    mountTargets: KnownMountTarget[],
  ): Promise<NetworkFacts> {
    const subnetIds = [...new Set(mountTargets.map((m) => m.subnetId).filter(Boolean))];
    const groupIds = [...new Set(mountTargets.flatMap((m) => m.securityGroupIds))];
    const facts: NetworkFacts = { mountTargets, subnets: {}, securityGroups: {} };
    if (subnetIds.length === 0) return facts;
    const ec2 = await options.ec2For(accountId, region);
    const [subnets, groups] = await Promise.all([
      ec2.subnets(subnetIds),
      groupIds.length ? ec2.securityGroups(groupIds) : Promise.resolve([]),
    ]);
    for (const s of subnets)
      if (s.SubnetId)
        facts.subnets[s.SubnetId] = {
          cidr: s.CidrBlock,
          availabilityZone: s.AvailabilityZone,
          vpcId: s.VpcId,
        };
    for (const g of groups)
      if (g.GroupId) facts.securityGroups[g.GroupId] = { ingress: ingressRules(g.IpPermissions) };
    return facts;
  }

  return {
    /** The source's mount targets as they are now, with their subnets and security group rules. */
    async describe({
      accountId,
      region,
      fileSystemId,
    }: {
      accountId: string;
      region: string;
      fileSystemId: string;
    }): Promise<NetworkFacts> {
      const efs = await options.efsFor(accountId, region);
      const mountTargets = await efs.listMountTargets(fileSystemId);
      const withGroups = await Promise.all(
        mountTargets.map(async (mt) => ({
          mountTargetId: mt.MountTargetId ?? '',
          subnetId: mt.SubnetId ?? '',
          availabilityZone: mt.AvailabilityZoneName,
          lifeCycleState: mt.LifeCycleState ?? 'unknown',
          securityGroupIds: await efs.mountTargetSecurityGroups(mt),
        })),
      );
      return describeKnown({ accountId, region }, withGroups);
    },
    describeKnown,
  };
}

export type SdkNetworkDirectory = ReturnType<typeof createNetworkDirectory>;
