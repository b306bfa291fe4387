/**
 * From a schema-valid estate file to an `Estate`: fills the defaults a hand-written file leaves out
 * (IDs, ARNs, times, owner IDs, the AWS-managed EFS key) and checks what a schema cannot (references
 * between objects, one mount target per AZ, duplicates). Every problem carries its path.
 */
import type { EstateFile, FileSystemInput, KeyInput, RegionInput } from './schema.ts';
import type {
  Estate,
  EstateAccessPoint,
  EstateFileSystem,
  EstateKey,
  EstateMountTarget,
  EstateRegion,
  EstateSecurityGroup,
  EstateSubnet,
  EstateVpc,
} from './types.ts';
import { arn, availabilityZoneId, stableDate, stableHex, stableInt, stableUuid } from './ids.ts';
import type { ReplicationConfigurationDescription, Tag } from '@aws-sdk/client-efs';
import { normaliseOrganization } from './normalise-organization.ts';
import { normaliseLambda } from './normalise-lambda.ts';
import { normaliseEcs } from './normalise-ecs.ts';
import { normaliseAutoScalingGroups, normaliseLaunchTemplates } from './normalise-auto-scaling.ts';

export type PathPart = string | number;

/** `['accounts', 1, 'regions', 'eu-west-1', 'KmsKeyId']` → `accounts[1].regions.eu-west-1.KmsKeyId`. */
export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out || '(root)';
}

export class Problems {
  readonly lines: string[] = [];
  at(path: readonly PathPart[], message: string): void {
    this.lines.push(`${formatPath(path)}: ${message}`);
  }
}

export const AWS_EFS_ALIAS = 'alias/aws/elasticfilesystem';

export function normaliseEstate(file: EstateFile, problems: Problems): Estate {
  const seen = new Set<string>();
  file.accounts.forEach((account, i) => {
    if (seen.has(account.accountId))
      problems.at(['accounts', i, 'accountId'], `account ${account.accountId} is listed twice`);
    seen.add(account.accountId);
  });
  const callerAccountId = file.callerAccountId ?? file.accounts[0]!.accountId;
  if (!seen.has(callerAccountId)) {
    problems.at(
      ['callerAccountId'],
      `${callerAccountId} is not one of the accounts; use an accountId listed under accounts`,
    );
  }
  return {
    callerAccountId,
    ...(file.organization
      ? { organization: normaliseOrganization(file.organization, callerAccountId, problems) }
      : {}),
    accounts: file.accounts.map((account, i) => ({
      accountId: account.accountId,
      ...(account.name !== undefined ? { name: account.name } : {}),
      assumable: account.assumable ?? true,
      regions: Object.fromEntries(
        Object.entries(account.regions).map(([region, input]) => [
          region,
          normaliseRegion(input, {
            account: account.accountId,
            region,
            path: ['accounts', i, 'regions', region],
            problems,
          }),
        ]),
      ),
    })),
  };
}

interface RegionContext {
  account: string;
  region: string;
  path: PathPart[];
  problems: Problems;
}

function normaliseRegion(input: RegionInput, ctx: RegionContext): EstateRegion {
  const vpcs = (input.vpcs ?? []).map((v, i) => normaliseVpc(v, i, ctx));
  const subnets = (input.subnets ?? []).map((s, i) => normaliseSubnet(s, i, vpcs, ctx));
  const securityGroups = (input.securityGroups ?? []).map((g, i) => normaliseSecurityGroup(g, i, vpcs, ctx));
  const keys = (input.keys ?? []).map((k, i) => normaliseKey(k, i, ctx));
  reportDuplicates(
    vpcs.map((v) => v.VpcId),
    [...ctx.path, 'vpcs'],
    'VpcId',
    ctx.problems,
  );
  reportDuplicates(
    subnets.map((s) => s.SubnetId),
    [...ctx.path, 'subnets'],
    'SubnetId',
    ctx.problems,
  );
  reportDuplicates(
    securityGroups.map((g) => g.GroupId),
    [...ctx.path, 'securityGroups'],
    'GroupId',
    ctx.problems,
  );
  reportDuplicates(
    keys.map((k) => k.KeyId),
    [...ctx.path, 'keys'],
    'KeyId',
    ctx.problems,
  );
  const aliasOwners = new Map<string, number>();
  keys.forEach((k, i) =>
    k.Aliases.forEach((alias, j) => {
      if (aliasOwners.has(alias))
        ctx.problems.at(
          [...ctx.path, 'keys', i, 'Aliases', j],
          `${alias} already names keys[${aliasOwners.get(alias)}]`,
        );
      aliasOwners.set(alias, i);
    }),
  );
  const fileSystems = (input.fileSystems ?? []).map((f, i) =>
    normaliseFileSystem(
      f,
      { ...ctx, path: [...ctx.path, 'fileSystems', i] },
      { keys, subnets, securityGroups },
      i,
    ),
  );
  reportDuplicates(
    fileSystems.map((f) => f.FileSystemId),
    [...ctx.path, 'fileSystems'],
    'FileSystemId',
    ctx.problems,
  );
  const lambda = normaliseLambda(input.lambda, { ...ctx, subnets, securityGroups, fileSystems });
  const launchTemplates = normaliseLaunchTemplates(input.launchTemplates ?? [], ctx);
  const autoScalingGroups = normaliseAutoScalingGroups(
    input.autoScalingGroups ?? [],
    { launchTemplates, subnets },
    ctx,
  );
  return {
    fileSystems,
    keys,
    vpcs,
    subnets,
    securityGroups,
    lambda,
    launchTemplates,
    autoScalingGroups,
    ...(input.backupVaults ? { backupVaults: input.backupVaults.map((v) => ({ ...v })) } : {}),
    ...(input.ecs ? { ecs: normaliseEcs(input.ecs, ctx) } : {}),
  };
}

function reportDuplicates(ids: string[], listPath: PathPart[], member: string, problems: Problems): void {
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    if (first.has(id))
      problems.at(
        [...listPath, i, member],
        `${id} is already used by ${formatPath([...listPath, first.get(id)!])}`,
      );
    else first.set(id, i);
  });
}

const seedOf = (ctx: RegionContext, ...rest: PathPart[]) => [ctx.account, ctx.region, ...rest].join('/');

function normaliseVpc(v: NonNullable<RegionInput['vpcs']>[number], i: number, ctx: RegionContext): EstateVpc {
  const VpcId = v.VpcId ?? `vpc-${stableHex(seedOf(ctx, 'vpc', i), 17)}`;
  const CidrBlock = v.CidrBlock ?? `10.${stableInt(seedOf(ctx, 'vpc-cidr', i), 250)}.0.0/16`;
  return {
    ...(v as EstateVpc),
    VpcId,
    OwnerId: v.OwnerId ?? ctx.account,
    State: v.State ?? 'available',
    CidrBlock,
    IsDefault: v.IsDefault ?? false,
    InstanceTenancy: v.InstanceTenancy ?? 'default',
    DhcpOptionsId: v.DhcpOptionsId ?? `dopt-${stableHex(seedOf(ctx, 'dopt'), 17)}`,
    CidrBlockAssociationSet: (v.CidrBlockAssociationSet as EstateVpc['CidrBlockAssociationSet']) ?? [
      {
        AssociationId: `vpc-cidr-assoc-${stableHex(VpcId, 17)}`,
        CidrBlock,
        CidrBlockState: { State: 'associated' },
      },
    ],
    Tags: v.Tags ?? [],
  };
}

/** The VPC a subnet or group names, or the only VPC of the region when it names none. */
function resolveVpc(
  given: string | undefined,
  vpcs: EstateVpc[],
  path: PathPart[],
  problems: Problems,
): string {
  if (given !== undefined) {
    if (!vpcs.some((v) => v.VpcId === given))
      problems.at([...path, 'VpcId'], `${given} is not in this region's vpcs; add it there`);
    return given;
  }
  if (vpcs.length === 1) return vpcs[0]!.VpcId;
  problems.at(
    [...path, 'VpcId'],
    vpcs.length === 0
      ? 'this region has no vpcs; add one under vpcs'
      : 'this region has several vpcs; say which one',
  );
  return 'vpc-unknown';
}

function normaliseSubnet(
  s: NonNullable<RegionInput['subnets']>[number],
  i: number,
  vpcs: EstateVpc[],
  ctx: RegionContext,
): EstateSubnet {
  const path = [...ctx.path, 'subnets', i];
  if (!s.AvailabilityZone.startsWith(ctx.region)) {
    ctx.problems.at(
      [...path, 'AvailabilityZone'],
      `${s.AvailabilityZone} is not a zone of ${ctx.region} (e.g. ${ctx.region}a)`,
    );
  }
  const VpcId = resolveVpc(s.VpcId, vpcs, path, ctx.problems);
  const vpc = vpcs.find((v) => v.VpcId === VpcId);
  const vpcPrefix = (vpc?.CidrBlock ?? '10.0.0.0/16').split('.').slice(0, 2).join('.');
  return {
    ...(s as EstateSubnet),
    SubnetId: s.SubnetId,
    VpcId,
    AvailabilityZone: s.AvailabilityZone,
    AvailabilityZoneId: s.AvailabilityZoneId ?? availabilityZoneId(ctx.region, s.AvailabilityZone),
    OwnerId: s.OwnerId ?? ctx.account,
    SubnetArn: s.SubnetArn ?? arn.subnet(ctx.region, ctx.account, s.SubnetId),
    State: s.State ?? 'available',
    CidrBlock: s.CidrBlock ?? `${vpcPrefix}.${i * 16}.0/20`,
    AvailableIpAddressCount: s.AvailableIpAddressCount ?? 4091,
    DefaultForAz: s.DefaultForAz ?? false,
    MapPublicIpOnLaunch: s.MapPublicIpOnLaunch ?? false,
    Tags: s.Tags ?? [],
  };
}

function normaliseSecurityGroup(
  g: NonNullable<RegionInput['securityGroups']>[number],
  i: number,
  vpcs: EstateVpc[],
  ctx: RegionContext,
): EstateSecurityGroup {
  const path = [...ctx.path, 'securityGroups', i];
  return {
    ...(g as EstateSecurityGroup),
    GroupId: g.GroupId,
    GroupName: g.GroupName,
    Description: g.Description ?? g.GroupName,
    VpcId: resolveVpc(g.VpcId, vpcs, path, ctx.problems),
    OwnerId: g.OwnerId ?? ctx.account,
    SecurityGroupArn: g.SecurityGroupArn ?? arn.securityGroup(ctx.region, ctx.account, g.GroupId),
    IpPermissions: (g.IpPermissions as EstateSecurityGroup['IpPermissions']) ?? [],
    IpPermissionsEgress: (g.IpPermissionsEgress as EstateSecurityGroup['IpPermissionsEgress']) ?? [
      {
        IpProtocol: '-1',
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ],
    Tags: g.Tags ?? [],
  };
}

function normaliseKey(k: KeyInput, i: number, ctx: RegionContext): EstateKey {
  const path = [...ctx.path, 'keys', i];
  const KeyId = k.KeyId ?? stableUuid(seedOf(ctx, 'key', i));
  const Aliases = k.Aliases ?? [];
  const KeyState = k.KeyState ?? 'Enabled';
  const awsManaged = Aliases.some((a) => a.startsWith('alias/aws/'));
  const KeyManager = k.KeyManager ?? (awsManaged ? 'AWS' : 'CUSTOMER');
  if (awsManaged && KeyManager !== 'AWS') {
    ctx.problems.at(
      [...path, 'KeyManager'],
      'aliases under alias/aws/ belong to AWS-managed keys; set KeyManager to AWS or rename the alias',
    );
  }
  if (k.Enabled !== undefined && k.Enabled !== (KeyState === 'Enabled')) {
    ctx.problems.at(
      [...path, 'Enabled'],
      `Enabled is ${k.Enabled} but KeyState is ${KeyState}; KMS reports Enabled true exactly when KeyState is Enabled`,
    );
  }
  const CreationDate = k.CreationDate ?? stableDate(seedOf(ctx, 'key-date', i));
  const { MultiRegionConfiguration, XksKeyConfiguration, Aliases: _aliases, ...typed } = k;
  const key: EstateKey = {
    ...typed,
    // Pass-through members: kept as the file gave them (pasted CLI output), not checked here.
    ...(MultiRegionConfiguration !== undefined
      ? { MultiRegionConfiguration: MultiRegionConfiguration as EstateKey['MultiRegionConfiguration'] }
      : {}),
    ...(XksKeyConfiguration !== undefined
      ? { XksKeyConfiguration: XksKeyConfiguration as EstateKey['XksKeyConfiguration'] }
      : {}),
    AWSAccountId: k.AWSAccountId ?? ctx.account,
    KeyId,
    Arn: k.Arn ?? arn.key(ctx.region, ctx.account, KeyId),
    CreationDate,
    Enabled: KeyState === 'Enabled',
    Description:
      k.Description ??
      (awsManaged ? 'Default key that protects my EFS filesystems when no other key is defined' : ''),
    KeyUsage: k.KeyUsage ?? 'ENCRYPT_DECRYPT',
    KeyState,
    Origin: k.Origin ?? 'AWS_KMS',
    KeyManager,
    CustomerMasterKeySpec: k.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT',
    KeySpec: k.KeySpec ?? 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: k.EncryptionAlgorithms ?? ['SYMMETRIC_DEFAULT'],
    MultiRegion: k.MultiRegion ?? false,
    Aliases,
  };
  if (KeyState === 'PendingDeletion') {
    key.PendingDeletionWindowInDays = k.PendingDeletionWindowInDays ?? 30;
    key.DeletionDate = k.DeletionDate ?? new Date(CreationDate.getTime() + 400 * 86_400_000);
  }
  return key;
}

interface RegionResources {
  keys: EstateKey[];
  subnets: EstateSubnet[];
  securityGroups: EstateSecurityGroup[];
}

/** Finds a key by ID, ARN, alias name or alias ARN, as KMS accepts them. */
export function findKey(
  keys: EstateKey[],
  ref: string,
  region: string,
  account: string,
): EstateKey | undefined {
  const local = ref.startsWith('arn:') ? localPartOfKmsArn(ref, region, account) : ref;
  if (local === undefined) return undefined;
  return local.startsWith('alias/')
    ? keys.find((k) => k.Aliases.includes(local))
    : keys.find((k) => k.KeyId === local.replace(/^key\//, ''));
}

/** `arn:aws:kms:eu-west-1:111122223333:key/abc` → `key/abc`, if it is in this account and region. */
function localPartOfKmsArn(ref: string, region: string, account: string): string | undefined {
  const m = /^arn:aws[a-z-]*:kms:([^:]+):(\d{12}):(.+)$/.exec(ref);
  return m && m[1] === region && m[2] === account ? m[3] : undefined;
}

/**
 * The AWS-managed `aws/elasticfilesystem` key of an account and Region, created (with stable IDs)
 * on first use as AWS does; shared by the loader and the running model (model/efs-keys.ts).
 */
export function ensureAwsManagedEfsKey(keys: EstateKey[], accountId: string, region: string): EstateKey {
  const existing = keys.find((k) => k.Aliases.includes(AWS_EFS_ALIAS));
  if (existing) return existing;
  const seed = `${accountId}/${region}/aws-managed-efs-key`;
  const KeyId = stableUuid(seed);
  const key: EstateKey = {
    AWSAccountId: accountId,
    KeyId,
    Arn: arn.key(region, accountId, KeyId),
    CreationDate: stableDate(seed),
    Enabled: true,
    Description: 'Default key that protects my EFS filesystems when no other key is defined',
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'AWS',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
    Aliases: [AWS_EFS_ALIAS],
  };
  keys.push(key);
  return key;
}

function withNameTag(tags: Tag[], name: string | undefined): { Tags: Tag[]; Name?: string } {
  const tagged = tags.find((t) => t.Key === 'Name')?.Value;
  if (tagged !== undefined) return { Tags: tags, Name: tagged };
  if (name !== undefined) return { Tags: [...tags, { Key: 'Name', Value: name }], Name: name };
  return { Tags: tags };
}

function normaliseFileSystem(
  f: FileSystemInput,
  ctx: RegionContext,
  res: RegionResources,
  index: number,
): EstateFileSystem {
  const { path, problems, account, region } = ctx;
  const FileSystemId = f.FileSystemId ?? `fs-${stableHex(seedOf(ctx, 'fs', index), 17)}`;
  const Encrypted = f.Encrypted ?? false;
  const ThroughputMode = f.ThroughputMode ?? 'elastic';
  const CreationTime = f.CreationTime ?? stableDate(seedOf(ctx, 'fs-date', index));
  const { Tags, Name } = withNameTag(f.Tags ?? [], f.Name);
  if (f.Name !== undefined && Name !== f.Name)
    problems.at(
      [...path, 'Name'],
      `Name "${f.Name}" differs from the Name tag "${Name}"; EFS takes Name from the tag`,
    );

  let KmsKeyId: string | undefined;
  if (!Encrypted && f.KmsKeyId !== undefined) {
    problems.at(
      [...path, 'KmsKeyId'],
      'an unencrypted file system has no key; remove KmsKeyId or set Encrypted to true',
    );
  } else if (Encrypted) {
    const ref = f.KmsKeyId ?? AWS_EFS_ALIAS;
    const key =
      ref === AWS_EFS_ALIAS
        ? ensureAwsManagedEfsKey(res.keys, ctx.account, ctx.region)
        : findKey(res.keys, ref, region, account);
    if (key) KmsKeyId = key.Arn;
    else if (ref.startsWith('arn:') && localPartOfKmsArn(ref, region, account) === undefined)
      KmsKeyId = ref; // another account's or region's key
    else
      problems.at(
        [...path, 'KmsKeyId'],
        `no key "${ref}" in ${formatPath([...ctx.path.slice(0, -2), 'keys'])}; add the key there or give a key ARN`,
      );
  }
  if (ThroughputMode === 'provisioned' && f.ProvisionedThroughputInMibps === undefined) {
    problems.at(
      [...path, 'ProvisionedThroughputInMibps'],
      'provisioned throughput needs ProvisionedThroughputInMibps',
    );
  }
  if (ThroughputMode !== 'provisioned' && f.ProvisionedThroughputInMibps !== undefined) {
    problems.at(
      [...path, 'ProvisionedThroughputInMibps'],
      `only provisioned throughput has a rate; ThroughputMode is ${ThroughputMode}`,
    );
  }
  if (f.AvailabilityZoneName !== undefined && !f.AvailabilityZoneName.startsWith(region)) {
    problems.at([...path, 'AvailabilityZoneName'], `${f.AvailabilityZoneName} is not a zone of ${region}`);
  }

  const MountTargets = (f.MountTargets ?? []).map((m, i) =>
    normaliseMountTarget(m, i, FileSystemId, f.AvailabilityZoneName, ctx, res),
  );
  checkMountTargetPlacement(MountTargets, path, problems);
  if (f.NumberOfMountTargets !== undefined && f.NumberOfMountTargets !== MountTargets.length) {
    problems.at(
      [...path, 'NumberOfMountTargets'],
      `says ${f.NumberOfMountTargets} but MountTargets lists ${MountTargets.length}; list each mount target (with its SubnetId) or remove NumberOfMountTargets`,
    );
  }
  const FileSystemArn = f.FileSystemArn ?? arn.fileSystem(region, account, FileSystemId);
  const AccessPoints = (f.AccessPoints ?? []).map((a, i) => normaliseAccessPoint(a, i, FileSystemId, ctx));
  const Replications = (f.Replications ?? []).map((r, i) =>
    normaliseReplication(r, { FileSystemId, FileSystemArn, CreationTime }, [...path, 'Replications', i], ctx),
  );
  const size = f.SizeInBytes ?? { Value: 6144 + stableInt(seedOf(ctx, 'fs-size', index), 500) * 1_048_576 };

  const fs: EstateFileSystem = {
    OwnerId: f.OwnerId ?? account,
    CreationToken: f.CreationToken ?? `console-${stableUuid(seedOf(ctx, 'fs-token', index))}`,
    FileSystemId,
    FileSystemArn,
    CreationTime,
    LifeCycleState: f.LifeCycleState ?? 'available',
    ...(Name !== undefined ? { Name } : {}),
    NumberOfMountTargets: MountTargets.length,
    SizeInBytes: { ValueInStandard: size.Value, ValueInIA: 0, ValueInArchive: 0, ...size },
    PerformanceMode: f.PerformanceMode ?? 'generalPurpose',
    Encrypted,
    ...(KmsKeyId !== undefined ? { KmsKeyId } : {}),
    ThroughputMode,
    ...(f.ProvisionedThroughputInMibps !== undefined
      ? { ProvisionedThroughputInMibps: f.ProvisionedThroughputInMibps }
      : {}),
    ...(f.AvailabilityZoneName !== undefined
      ? {
          AvailabilityZoneName: f.AvailabilityZoneName,
          AvailabilityZoneId: f.AvailabilityZoneId ?? availabilityZoneId(region, f.AvailabilityZoneName),
        }
      : {}),
    Tags,
    FileSystemProtection: f.FileSystemProtection ?? { ReplicationOverwriteProtection: 'ENABLED' },
    MountTargets,
    AccessPoints,
    LifecyclePolicies: f.LifecyclePolicies ?? [],
    ...(f.BackupPolicy !== undefined ? { BackupPolicy: f.BackupPolicy } : {}),
    ...(f.Policy !== undefined ? { Policy: f.Policy } : {}),
    Replications,
    ...(f.Activity !== undefined
      ? {
          Activity: {
            ClientConnections: f.Activity.ClientConnections,
            TotalIOBytes: f.Activity.TotalIOBytes ?? 0,
            ...(f.Activity.since ? { since: f.Activity.since } : {}),
            ...(f.Activity.until ? { until: f.Activity.until } : {}),
          },
        }
      : {}),
  };
  return fs;
}

function normaliseMountTarget(
  m: NonNullable<FileSystemInput['MountTargets']>[number],
  i: number,
  FileSystemId: string,
  oneZone: string | undefined,
  ctx: RegionContext,
  res: RegionResources,
): EstateMountTarget {
  const path = [...ctx.path, 'MountTargets', i];
  const seed = seedOf(ctx, FileSystemId, 'mt', i);
  if (m.FileSystemId !== undefined && m.FileSystemId !== FileSystemId) {
    ctx.problems.at(
      [...path, 'FileSystemId'],
      `${m.FileSystemId} is not the file system it is listed under (${FileSystemId}); remove it`,
    );
  }
  const subnet = res.subnets.find((s) => s.SubnetId === m.SubnetId);
  if (!subnet)
    ctx.problems.at(
      [...path, 'SubnetId'],
      `${m.SubnetId} is not in this region's subnets; add it under subnets`,
    );
  const zone = subnet?.AvailabilityZone ?? m.AvailabilityZoneName;
  if (oneZone !== undefined && zone !== undefined && zone !== oneZone) {
    ctx.problems.at(
      [...path, 'SubnetId'],
      `a One Zone file system in ${oneZone} can only have a mount target in ${oneZone}, not ${zone}`,
    );
  }
  const vpcId = subnet?.VpcId ?? m.VpcId ?? 'vpc-unknown';
  const defaultGroup =
    res.securityGroups.find((g) => g.VpcId === vpcId && g.GroupName === 'default') ??
    res.securityGroups.find((g) => g.VpcId === vpcId);
  const SecurityGroups = m.SecurityGroups ?? (defaultGroup ? [defaultGroup.GroupId] : []);
  if (SecurityGroups.length === 0)
    ctx.problems.at(
      [...path, 'SecurityGroups'],
      `no security group in ${vpcId}; list one under securityGroups or give SecurityGroups`,
    );
  SecurityGroups.forEach((id, j) => {
    const group = res.securityGroups.find((g) => g.GroupId === id);
    if (!group)
      ctx.problems.at(
        [...path, 'SecurityGroups', j],
        `${id} is not in this region's securityGroups; add it there`,
      );
    else if (subnet && group.VpcId !== subnet.VpcId)
      ctx.problems.at(
        [...path, 'SecurityGroups', j],
        `${id} is in ${group.VpcId}, not the subnet's ${subnet.VpcId}`,
      );
  });
  const base = (subnet?.CidrBlock ?? '10.0.0.0/20').split('/')[0]!.split('.');
  return {
    OwnerId: m.OwnerId ?? ctx.account,
    MountTargetId: m.MountTargetId ?? `fsmt-${stableHex(seed, 17)}`,
    FileSystemId,
    SubnetId: m.SubnetId,
    LifeCycleState: m.LifeCycleState ?? 'available',
    IpAddress:
      m.IpAddress ??
      `${base[0]}.${base[1]}.${Number(base[2]) + stableInt(seed, 15)}.${4 + stableInt(`${seed}/ip`, 250)}`,
    ...(m.Ipv6Address !== undefined ? { Ipv6Address: m.Ipv6Address } : {}),
    NetworkInterfaceId: m.NetworkInterfaceId ?? `eni-${stableHex(`${seed}/eni`, 17)}`,
    AvailabilityZoneId: m.AvailabilityZoneId ?? subnet?.AvailabilityZoneId ?? 'unknown',
    AvailabilityZoneName: m.AvailabilityZoneName ?? subnet?.AvailabilityZone ?? 'unknown',
    VpcId: vpcId,
    SecurityGroups,
  };
}

/** EFS allows one mount target per AZ, all in one VPC. */
function checkMountTargetPlacement(targets: EstateMountTarget[], path: PathPart[], problems: Problems): void {
  const zones = new Map<string, number>();
  targets.forEach((t, i) => {
    const zone = t.AvailabilityZoneName!;
    if (zones.has(zone))
      problems.at(
        [...path, 'MountTargets', i, 'SubnetId'],
        `MountTargets[${zones.get(zone)}] is already in ${zone}; EFS allows one mount target per Availability Zone`,
      );
    else zones.set(zone, i);
    if (i > 0 && t.VpcId !== 'vpc-unknown' && t.VpcId !== targets[0]!.VpcId)
      problems.at(
        [...path, 'MountTargets', i, 'SubnetId'],
        `all mount targets of a file system must be in one VPC (${targets[0]!.VpcId}), not ${t.VpcId}`,
      );
  });
}

function normaliseAccessPoint(
  a: NonNullable<FileSystemInput['AccessPoints']>[number],
  i: number,
  FileSystemId: string,
  ctx: RegionContext,
): EstateAccessPoint {
  const path = [...ctx.path, 'AccessPoints', i];
  if (a.FileSystemId !== undefined && a.FileSystemId !== FileSystemId) {
    ctx.problems.at(
      [...path, 'FileSystemId'],
      `${a.FileSystemId} is not the file system it is listed under (${FileSystemId}); remove it`,
    );
  }
  const AccessPointId = a.AccessPointId ?? `fsap-${stableHex(seedOf(ctx, FileSystemId, 'ap', i), 17)}`;
  const { Tags, Name } = withNameTag(a.Tags ?? [], a.Name);
  return {
    ...a,
    ...(Name !== undefined ? { Name } : {}),
    Tags,
    AccessPointId,
    AccessPointArn: a.AccessPointArn ?? arn.accessPoint(ctx.region, ctx.account, AccessPointId),
    FileSystemId,
    OwnerId: a.OwnerId ?? ctx.account,
    LifeCycleState: a.LifeCycleState ?? 'available',
    ClientToken: a.ClientToken ?? stableUuid(`${AccessPointId}/token`),
  };
}

function normaliseReplication(
  r: NonNullable<FileSystemInput['Replications']>[number],
  self: { FileSystemId: string; FileSystemArn: string; CreationTime: Date },
  path: PathPart[],
  ctx: RegionContext,
): ReplicationConfigurationDescription {
  const sourceId = r.SourceFileSystemId ?? self.FileSystemId;
  const sourceRegion = r.SourceFileSystemRegion ?? ctx.region;
  const isSource = sourceId === self.FileSystemId;
  if (!isSource && !r.Destinations.some((d) => d.FileSystemId === self.FileSystemId)) {
    ctx.problems.at(
      [...path, 'Destinations'],
      `lists neither this file system (${self.FileSystemId}) as source nor as a destination`,
    );
  }
  const sourceArn =
    r.SourceFileSystemArn ??
    (isSource
      ? self.FileSystemArn
      : arn.fileSystem(sourceRegion, r.SourceFileSystemOwnerId ?? ctx.account, sourceId));
  return {
    SourceFileSystemId: sourceId,
    SourceFileSystemRegion: sourceRegion,
    SourceFileSystemArn: sourceArn,
    OriginalSourceFileSystemArn: r.OriginalSourceFileSystemArn ?? sourceArn,
    CreationTime: r.CreationTime ?? new Date(self.CreationTime.getTime() + 86_400_000),
    SourceFileSystemOwnerId: r.SourceFileSystemOwnerId ?? ctx.account,
    Destinations: r.Destinations.map((d) => ({
      ...d,
      Status: d.Status ?? 'ENABLED',
      OwnerId: d.OwnerId ?? ctx.account,
    })),
  };
}
