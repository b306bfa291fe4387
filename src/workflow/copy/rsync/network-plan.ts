import { BadInputError } from '../../../domain/errors.ts';
import type { MountTargetRecord } from '../../../domain/inventory.ts';
import type { MigrationDecision } from '../../../domain/migration.ts';

/**
 * Where the copy instance runs so that it reaches both file systems: a subnet in an Availability
 * Zone where both have an available mount target (the EFS DNS name resolves to the mount target
 * in the client's own zone, so a zone without one cannot mount; it also keeps NFS traffic out of
 * cross-zone charges), and security groups that let the instance reach TCP 2049 on both mount
 * targets. Pure: reads inventory records, returns a plan or a reason a person can act on.
 */

export interface CopyNetworkPlan {
  /** The zone's ID when both records carry IDs (stable across accounts), its name otherwise. */
  availabilityZone: string;
  availabilityZoneName?: string;
  /** Where the instance runs. */
  subnetId: string;
  vpcId?: string;
  sourceMountTarget: MountTargetRecord;
  targetMountTarget: MountTargetRecord;
  /**
   * The decision's security groups (checked for NFS when the decision was recorded), or none:
   * then the runbook creates one for the instance and opens 2049 from it on the mount targets.
   */
  instanceSecurityGroupIds: string[];
  /** Security groups of the two mount targets that must admit NFS from the instance. */
  mountTargetSecurityGroupIds: string[];
  /** Facts a person should know before running the runbook. */
  warnings: string[];
}

function usable(mts: MountTargetRecord[]): MountTargetRecord[] {
  return mts.filter((mt) => mt.lifeCycleState === 'available');
}

/** Both sides carry zone IDs: compare by ID (names are shuffled per account). Else by name. */
function zoneKeyOf(useIds: boolean, mt: MountTargetRecord): string | undefined {
  return useIds ? mt.availabilityZoneId : mt.availabilityZoneName;
}

function describe(mts: MountTargetRecord[]): string {
  return mts.length
    ? mts.map((mt) => mt.availabilityZoneName ?? mt.availabilityZoneId ?? mt.subnetId).join(', ')
    : 'none available';
}

export function planCopyNetwork(input: {
  sourceFileSystemId: string;
  targetFileSystemId: string;
  sourceMountTargets: MountTargetRecord[];
  targetMountTargets: MountTargetRecord[];
  networkPath?: MigrationDecision['networkPath'];
}): CopyNetworkPlan {
  const { sourceFileSystemId: src, targetFileSystemId: dst, networkPath } = input;
  const sources = usable(input.sourceMountTargets);
  const targets = usable(input.targetMountTargets);
  if (!sources.length)
    throw new BadInputError(
      `${src} has no available mount target: the copy instance cannot mount it. Create a mount target, then generate the runbook again.`,
    );
  if (!targets.length)
    throw new BadInputError(
      `The target ${dst} has no available mount target yet: wait until its build is finished (or create one), then generate the runbook again.`,
    );

  const useIds = [...sources, ...targets].every((mt) => mt.availabilityZoneId);
  const targetByZone = new Map(targets.map((mt) => [zoneKeyOf(useIds, mt), mt]));
  const pairs = sources
    .map((s) => ({ zone: zoneKeyOf(useIds, s), source: s, target: targetByZone.get(zoneKeyOf(useIds, s)) }))
    .filter(
      (p): p is { zone: string; source: MountTargetRecord; target: MountTargetRecord } =>
        !!p.zone && !!p.target,
    )
    .sort((a, b) => a.zone.localeCompare(b.zone));
  if (!pairs.length)
    throw new BadInputError(
      `No Availability Zone has mount targets of both ${src} (${describe(sources)}) and ${dst} (${describe(targets)}). Create a mount target of ${dst} in one of ${describe(sources)}, then generate the runbook again.`,
    );

  const warnings: string[] = [];
  let pair = pairs[0]!;
  let subnetId = pair.source.subnetId;
  if (networkPath) {
    // The decision named where the copy agent runs: honour it when it is in a zone with both.
    const wanted = networkPath.availabilityZone;
    const bySubnet = pairs.find(
      (p) => p.source.subnetId === networkPath.subnetId || p.target.subnetId === networkPath.subnetId,
    );
    const byZone = wanted
      ? pairs.find(
          (p) =>
            p.zone === wanted ||
            p.source.availabilityZoneName === wanted ||
            p.source.availabilityZoneId === wanted,
        )
      : undefined;
    const chosen = bySubnet ?? byZone;
    if (wanted && !chosen)
      throw new BadInputError(
        `The decision puts the copy in ${wanted}, where ${src} and ${dst} do not both have a mount target (both have one in: ${pairs.map((p) => p.source.availabilityZoneName ?? p.zone).join(', ')}). Change the decision's network path or create the missing mount target.`,
      );
    if (chosen) {
      pair = chosen;
      subnetId = networkPath.subnetId;
    } else {
      warnings.push(
        `The decision's subnet ${networkPath.subnetId} is not a mount target subnet and names no zone; the runbook uses ${subnetId} in ${pair.source.availabilityZoneName ?? pair.zone} instead, where both file systems have a mount target.`,
      );
    }
  }

  const sourceVpc = pair.source.vpcId;
  const targetVpc = pair.target.vpcId;
  if (sourceVpc && targetVpc && sourceVpc !== targetVpc)
    warnings.push(
      `The mount targets are in different VPCs (${sourceVpc}, ${targetVpc}): the instance in ${sourceVpc} needs a peering or transit route to ${targetVpc}, and the target must be mounted by its mount target IP (${pair.target.ipAddress ?? 'see DescribeMountTargets'}) because EFS DNS names resolve only inside their own VPC.`,
    );

  const mountTargetSecurityGroupIds = [
    ...new Set(
      [pair.source.securityGroups[0], pair.target.securityGroups[0]].filter((g): g is string => !!g),
    ),
  ];
  if (!pair.source.securityGroups.length || !pair.target.securityGroups.length)
    warnings.push(
      'A mount target has no security group listed in the inventory: check it admits TCP 2049 from the copy instance.',
    );

  return {
    availabilityZone: pair.zone,
    availabilityZoneName: pair.source.availabilityZoneName ?? pair.target.availabilityZoneName,
    subnetId,
    vpcId: sourceVpc ?? targetVpc,
    sourceMountTarget: pair.source,
    targetMountTarget: pair.target,
    instanceSecurityGroupIds: networkPath?.securityGroupIds ?? [],
    mountTargetSecurityGroupIds,
    warnings,
  };
}
