/**
 * EFS mount target writes, with the rules of the CreateMountTarget reference: the file system must
 * be `available`; "you can create mount targets for a file system in only one VPC, and there can
 * be only one mount target per Availability Zone" (MountTargetConflict); a One Zone file system
 * takes one mount target in its own zone (AvailabilityZonesMismatch); security groups "must be for
 * the same VPC as the subnet", default to the VPC's default group, at most 5 per mount target; a
 * requested IpAddress must be free in the subnet (IpAddressInUse).
 */
import type {
  CreateMountTargetRequest,
  DeleteMountTargetRequest,
  ModifyMountTargetSecurityGroupsRequest,
  MountTargetDescription,
} from '@aws-sdk/client-efs';
import { stableHex } from '../ids.ts';
import type { EstateMountTarget, EstateSubnet } from '../types.ts';
import { AwsApiError } from './api-error.ts';
import { mountTargetDescription } from './efs-service.ts';
import { efsWriteErrors, EfsStore } from './efs-store.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

export class EfsMountTargetWrites {
  private readonly store: EfsStore;
  private created = 0;

  constructor(private readonly model: EstateModel) {
    this.store = new EfsStore(model);
  }

  createMountTarget(ctx: CallContext, input: CreateMountTargetRequest): MountTargetDescription {
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    this.store.requireAvailable(fs);
    const region = this.model.region(ctx);
    const subnet = region.subnets.find((s) => s.SubnetId === input.SubnetId);
    if (!subnet) throw efsWriteErrors.subnetNotFound(input.SubnetId ?? '');
    if (fs.AvailabilityZoneName !== undefined && subnet.AvailabilityZone !== fs.AvailabilityZoneName)
      throw efsWriteErrors.availabilityZonesMismatch(
        `One Zone file system ${fs.FileSystemId} is in ${fs.AvailabilityZoneName}; subnet ${subnet.SubnetId} is in ${subnet.AvailabilityZone}.`,
      );
    for (const other of fs.MountTargets) {
      if (other.VpcId !== subnet.VpcId)
        throw efsWriteErrors.mountTargetConflict(
          `File system ${fs.FileSystemId} has mount targets in ${other.VpcId}; subnet ${subnet.SubnetId} is in ${subnet.VpcId}. All mount targets must be in one VPC.`,
        );
      if (other.AvailabilityZoneName === subnet.AvailabilityZone)
        throw efsWriteErrors.mountTargetConflict(
          `File system ${fs.FileSystemId} already has mount target ${other.MountTargetId} in ${subnet.AvailabilityZone}; EFS allows one mount target per Availability Zone.`,
        );
    }
    const SecurityGroups = this.securityGroups(ctx, subnet.VpcId, input.SecurityGroups);
    const IpAddress = this.ipAddress(ctx, subnet, input.IpAddress);
    const seed = `${ctx.accountId}/${ctx.region}/${fs.FileSystemId}/${subnet.SubnetId}/${this.created++}`;
    const mt: EstateMountTarget = {
      OwnerId: ctx.accountId,
      MountTargetId: `fsmt-${stableHex(seed, 17)}`,
      FileSystemId: fs.FileSystemId,
      SubnetId: subnet.SubnetId,
      LifeCycleState: 'creating',
      IpAddress,
      NetworkInterfaceId: `eni-${stableHex(`${seed}/eni`, 17)}`,
      AvailabilityZoneId: subnet.AvailabilityZoneId ?? 'unknown',
      AvailabilityZoneName: subnet.AvailabilityZone,
      VpcId: subnet.VpcId,
      SecurityGroups,
    };
    fs.MountTargets.push(mt);
    fs.NumberOfMountTargets = fs.MountTargets.length;
    this.model.timeline.at(this.model.now().getTime() + this.model.timing.mountTargetCreateMs, () => {
      if (mt.LifeCycleState === 'creating') mt.LifeCycleState = 'available';
    });
    return mountTargetDescription(mt) satisfies MountTargetDescription;
  }

  /** "This operation requires that … the lifecycle state of the mount target is not deleted"; the estate asks for `available`. */
  modifyMountTargetSecurityGroups(ctx: CallContext, input: ModifyMountTargetSecurityGroupsRequest): void {
    const { mt } = this.store.mountTarget(ctx, input.MountTargetId);
    if (mt.LifeCycleState !== 'available')
      throw efsWriteErrors.incorrectMountTargetState(mt.MountTargetId, mt.LifeCycleState);
    mt.SecurityGroups = this.securityGroups(ctx, mt.VpcId, input.SecurityGroups);
  }

  /** "The DeleteMountTarget call returns while the mount target state is still deleting." */
  deleteMountTarget(ctx: CallContext, input: DeleteMountTargetRequest): void {
    const { fs, mt } = this.store.mountTarget(ctx, input.MountTargetId);
    if (mt.LifeCycleState === 'deleting') return;
    mt.LifeCycleState = 'deleting';
    this.model.timeline.at(this.model.now().getTime() + this.model.timing.mountTargetDeleteMs, () => {
      fs.MountTargets = fs.MountTargets.filter((m) => m !== mt);
      fs.NumberOfMountTargets = fs.MountTargets.length;
    });
  }

  private securityGroups(ctx: CallContext, vpcId: string, requested: string[] | undefined): string[] {
    const groups = this.model.region(ctx).securityGroups;
    if (requested === undefined || requested.length === 0) {
      // "Otherwise, it belongs to the default security group for the subnet's VPC."
      const fallback = groups.find((g) => g.VpcId === vpcId && g.GroupName === 'default');
      if (!fallback)
        throw efsWriteErrors.securityGroupNotFound(
          `VPC ${vpcId} has no default security group; name SecurityGroups.`,
        );
      return [fallback.GroupId];
    }
    const limit = this.model.limits.securityGroupsPerMountTarget;
    if (requested.length > limit) throw efsWriteErrors.securityGroupLimitExceeded(limit);
    for (const id of requested) {
      const group = groups.find((g) => g.GroupId === id);
      if (!group) throw efsWriteErrors.securityGroupNotFound(`The security group '${id}' does not exist.`);
      if (group.VpcId !== vpcId)
        throw efsWriteErrors.securityGroupNotFound(
          `Security group ${id} is in ${group.VpcId}, not the mount target's VPC ${vpcId}.`,
        );
    }
    return [...new Set(requested)];
  }

  private ipAddress(ctx: CallContext, subnet: EstateSubnet, requested: string | undefined): string {
    const used = new Set(
      this.store
        .fileSystems(ctx)
        .flatMap((fs) => fs.MountTargets)
        .filter((m) => m.SubnetId === subnet.SubnetId)
        .map((m) => m.IpAddress),
    );
    const cidr = subnet.CidrBlock ?? '10.0.0.0/24';
    const [base, bits] = cidr.split('/') as [string, string];
    const start = ipToInt(base);
    const size = 2 ** (32 - Number(bits));
    if (requested !== undefined) {
      const n = ipToInt(requested);
      // AWS reserves the first four addresses and the last one of every subnet.
      if (Number.isNaN(n) || n < start + 4 || n >= start + size - 1)
        throw efsWriteErrors.badRequest(
          `IP address ${requested} is not a usable address of subnet ${subnet.SubnetId} (${cidr}).`,
        );
      if (used.has(requested)) throw efsWriteErrors.ipAddressInUse(requested, subnet.SubnetId);
      return requested;
    }
    for (let n = start + 4; n < start + size - 1; n++) {
      const ip = intToIp(n);
      if (!used.has(ip)) return ip;
    }
    throw new AwsApiError(
      'NoFreeAddressesInSubnet',
      `Subnet ${subnet.SubnetId} has no free IP address.`,
      409,
    );
  }
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return Number.NaN;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
