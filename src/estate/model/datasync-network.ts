/**
 * Can DataSync's network interfaces (in a location's subnet, with its security groups) reach the
 * file system's mount target on NFS (TCP 2049)? A group whose IpPermissions the estate file leaves
 * out is taken to allow it (as AWS's default group allows traffic from itself); listed rules are
 * evaluated: all traffic or a TCP range covering 2049, from one of the location's groups or a CIDR
 * that contains the location's subnet.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { EstateSecurityGroup, EstateSubnet } from '../types.ts';

const NFS_PORT = 2049;

export function allowsNfs(
  mountTargetGroups: EstateSecurityGroup[],
  clientGroupIds: string[],
  clientSubnet: EstateSubnet,
): boolean {
  return mountTargetGroups.some((group) => {
    const rules = group.IpPermissions as IpPermission[] | undefined;
    if (rules === undefined) return true;
    return rules.some((rule) => coversNfs(rule) && fromClient(rule, clientGroupIds, clientSubnet));
  });
}

function coversNfs(rule: IpPermission): boolean {
  if (rule.IpProtocol === '-1') return true;
  if (rule.IpProtocol !== 'tcp' && rule.IpProtocol !== '6') return false;
  return (rule.FromPort ?? 0) <= NFS_PORT && NFS_PORT <= (rule.ToPort ?? 65535);
}

function fromClient(rule: IpPermission, clientGroupIds: string[], subnet: EstateSubnet): boolean {
  if (
    (rule.UserIdGroupPairs ?? []).some((p) => p.GroupId !== undefined && clientGroupIds.includes(p.GroupId))
  )
    return true;
  const cidr = subnet.CidrBlock;
  return (rule.IpRanges ?? []).some(
    (r) => r.CidrIp !== undefined && (cidr === undefined || cidrContains(r.CidrIp, cidr)),
  );
}

function cidrContains(outer: string, inner: string): boolean {
  const [outerIp, outerBits] = split(outer);
  const [innerIp, innerBits] = split(inner);
  if (innerBits < outerBits) return false;
  const mask = outerBits === 0 ? 0 : (~0 << (32 - outerBits)) >>> 0;
  return (outerIp & mask) >>> 0 === (innerIp & mask) >>> 0;
}

function split(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/') as [string, string | undefined];
  const n = ip.split('.').reduce((acc, part) => ((acc << 8) >>> 0) + Number(part), 0);
  return [n >>> 0, bits === undefined ? 32 : Number(bits)];
}
