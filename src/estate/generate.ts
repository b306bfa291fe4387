/**
 * A deterministic generated estate of any size, for benchmarks: the same options always give the
 * same estate. Built as an estate file and passed through `parseEstate`, so it obeys every rule a
 * hand-written file does.
 */
import { parseEstate } from './load.ts';
import type { EstateFile } from './schema.ts';
import type { Estate } from './types.ts';

export interface GenerateOptions {
  accounts: number;
  regions: number;
  fileSystems: number;
  seed: number;
  /**
   * Also declare an AWS Organization: the first account manages it, the accounts spread over
   * `organizationalUnits` OUs (round robin), plus `suspended` SUSPENDED accounts outside the estate.
   */
  organization?: { organizationalUnits: number; suspended: number };
}

export const GENERATED_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'me-south-1',
  'af-south-1',
];

const TEAMS = [
  'payments',
  'identity',
  'search',
  'media',
  'platform',
  'data',
  'risk',
  'support',
  'marketing',
  'logistics',
];
const APPS = [
  'api',
  'worker',
  'cms',
  'reports',
  'ml-training',
  'etl',
  'cache',
  'uploads',
  'build',
  'archive',
];
const ENVS = ['prod', 'staging', 'dev'];

/** mulberry32: a tiny seeded PRNG, enough for reproducible variety. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function generateEstate(options: GenerateOptions): Estate {
  return parseEstate(generateEstateFile(options), `generated(seed ${options.seed})`);
}

/** The generated estate as an estate file (JSON-ready), for `estate serve --estate FILE`. */
export function generateEstateFile(options: GenerateOptions): EstateFile {
  if (options.regions > GENERATED_REGIONS.length)
    throw new RangeError(`at most ${GENERATED_REGIONS.length} regions`);
  const rnd = random(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const regions = GENERATED_REGIONS.slice(0, options.regions);
  const accounts = Array.from({ length: options.accounts }, (_, a) => ({
    accountId: String(100000000000 + options.seed * 1000 + a)
      .padStart(12, '0')
      .slice(-12),
    name: `${pick(TEAMS)}-${pick(ENVS)}-${a}`,
    regions: {} as Record<string, ReturnType<typeof regionSkeleton>>,
  }));

  function regionSkeleton(a: number, r: number) {
    const base = hex(a * 100 + r, 6);
    const vpc = `vpc-${base}00000000000`;
    const zones = ['a', 'b', 'c'];
    return {
      vpcs: [{ VpcId: vpc, CidrBlock: `10.${r}.0.0/16` }],
      subnets: zones.map((z, i) => ({
        SubnetId: `subnet-${base}0000000000${i}`,
        VpcId: vpc,
        AvailabilityZone: `${regions[r]}${z}`,
        CidrBlock: `10.${r}.${i * 32}.0/19`,
      })),
      securityGroups: [
        { GroupId: `sg-${base}0000000000a`, GroupName: 'default', VpcId: vpc },
        {
          GroupId: `sg-${base}0000000000b`,
          GroupName: 'efs-nfs',
          VpcId: vpc,
          Description: 'NFS from the application tier',
        },
      ],
      keys: [
        {
          KeyId: `${hex(a * 100 + r, 8)}-0000-4000-8000-${hex(options.seed, 12)}`,
          Aliases: ['alias/efs-data'],
        },
      ],
      fileSystems: [] as Record<string, unknown>[],
    };
  }

  for (let i = 0; i < options.fileSystems; i++) {
    const a = i % options.accounts;
    const r = Math.floor(i / options.accounts) % options.regions;
    const region = (accounts[a]!.regions[regions[r]!] ??= regionSkeleton(a, r));
    const team = pick(TEAMS);
    const app = pick(APPS);
    const env = pick(ENVS);
    const encryption = rnd();
    const mountTargets = Math.floor(rnd() * 4);
    const accessPoints = Math.floor(rnd() * 3);
    region.fileSystems.push({
      FileSystemId: `fs-${hex(options.seed, 4)}${hex(i, 13)}`,
      Tags: [
        { Key: 'Name', Value: `${team}-${app}-${env}-${i}` },
        { Key: 'owner', Value: team },
        { Key: 'app', Value: app },
        { Key: 'env', Value: env },
      ],
      ...(encryption < 0.4
        ? {}
        : encryption < 0.7
          ? { Encrypted: true }
          : { Encrypted: true, KmsKeyId: 'alias/efs-data' }),
      ThroughputMode: pick(['elastic', 'bursting', 'elastic']),
      MountTargets: region.subnets
        .slice(0, mountTargets)
        .map((s) => ({ SubnetId: s.SubnetId, SecurityGroups: [region.securityGroups[1]!.GroupId] })),
      AccessPoints: Array.from({ length: accessPoints }, (_, k) => ({
        Tags: [{ Key: 'Name', Value: `${app}-${k}` }],
        PosixUser: { Uid: 1000 + k, Gid: 1000 },
        RootDirectory: { Path: `/${app}/${k}` },
      })),
      ...(rnd() < 0.5 ? { BackupPolicy: { Status: 'ENABLED' } } : {}),
    });
  }
  return {
    callerAccountId: accounts[0]!.accountId,
    accounts,
    ...(options.organization
      ? { organization: organizationOf(accounts, options.organization, options.seed) }
      : {}),
  } as EstateFile;
}

function organizationOf(
  accounts: { accountId: string; name: string }[],
  shape: { organizationalUnits: number; suspended: number },
  seed: number,
) {
  const ous = Array.from({ length: shape.organizationalUnits }, (_, i) => ({
    Id: `ou-${hex(seed, 4)}-${hex(i, 8)}`,
    Name: `${TEAMS[i % TEAMS.length]}-${i}`,
  }));
  const parentOf = (i: number) => (ous.length ? { Parent: ous[i % ous.length]!.Id } : {});
  const suspended = Array.from({ length: shape.suspended }, (_, i) => ({
    Id: String(900000000000 + seed * 1000 + i).slice(-12),
    Name: `closed-${i}`,
    State: 'SUSPENDED',
    ...parentOf(i),
  }));
  return {
    organizationalUnits: ous,
    accounts: [
      { Id: accounts[0]!.accountId, Name: accounts[0]!.name },
      ...accounts.slice(1).map((a, i) => ({ Id: a.accountId, Name: a.name, ...parentOf(i) })),
      ...suspended,
    ],
  };
}
