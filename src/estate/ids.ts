/**
 * Deterministic identifiers and ARNs. Defaults derive from a seed (account, region, position), so
 * loading the same file twice gives the same IDs and tests can name them.
 */
import { createHash } from 'node:crypto';

export function stableHex(seed: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    out += createHash('sha256').update(`${round}:${seed}`).digest('hex');
  }
  return out.slice(0, length);
}

export function stableInt(seed: string, below: number): number {
  return Number.parseInt(stableHex(seed, 8), 16) % below;
}

/** A UUID-shaped value (the form of KMS key IDs and EFS creation tokens). */
export function stableUuid(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Where default creation times start; each resource adds a seed-derived offset. */
export const DEFAULT_EPOCH = new Date('2023-03-01T09:00:00Z');

export function stableDate(seed: string, withinDays = 700): Date {
  return new Date(DEFAULT_EPOCH.getTime() + stableInt(seed, withinDays * 24 * 60) * 60_000);
}

export const arn = {
  fileSystem: (region: string, account: string, id: string) =>
    `arn:aws:elasticfilesystem:${region}:${account}:file-system/${id}`,
  accessPoint: (region: string, account: string, id: string) =>
    `arn:aws:elasticfilesystem:${region}:${account}:access-point/${id}`,
  key: (region: string, account: string, id: string) => `arn:aws:kms:${region}:${account}:key/${id}`,
  alias: (region: string, account: string, name: string) => `arn:aws:kms:${region}:${account}:${name}`,
  subnet: (region: string, account: string, id: string) => `arn:aws:ec2:${region}:${account}:subnet/${id}`,
  securityGroup: (region: string, account: string, id: string) =>
    `arn:aws:ec2:${region}:${account}:security-group/${id}`,
};

/** `eu-west-1` → `euw1`, `ap-southeast-2` → `apse2`: the prefix of AWS availability zone IDs. */
export function regionShortName(region: string): string {
  const [area, direction = '', number = ''] = region.split('-');
  const dir = direction
    .replace(/north/g, 'n')
    .replace(/south/g, 's')
    .replace(/east/g, 'e')
    .replace(/west/g, 'w')
    .replace(/central/g, 'c');
  return `${area}${dir}${number}`;
}

/** `eu-west-1b` → `euw1-az2`. Real AZ IDs are shuffled per account; a fixed mapping is enough here. */
export function availabilityZoneId(region: string, zoneName: string): string {
  const letter = zoneName.slice(region.length) || 'a';
  return `${regionShortName(region)}-az${letter.charCodeAt(0) - 96}`;
}
