import { classify, summarise, type FileSystemRecord, type ScanRecord } from '../src/domain/inventory.ts';

/**
 * Deterministic, realistic inventory records for the store benchmark and the store's tests: random-looking IDs (which compress like real ones),
 * mount targets per AZ, access points, tags and a file system policy.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (rand: () => number, length: number) =>
  Array.from({ length }, () => Math.floor(rand() * 16).toString(16)).join('');

export function fileSystemRecord(rand: () => number, index: number): FileSystemRecord {
  const accountId = `1111${String(index % 50).padStart(8, '0')}`;
  const region = ['eu-west-1', 'us-east-1', 'ap-southeast-2'][index % 3]!;
  const fileSystemId = `fs-${hex(rand, 17)}`;
  const encrypted = rand() < 0.6;
  const vpcId = `vpc-${hex(rand, 17)}`;
  const mountTargets = ['a', 'b', 'c'].slice(0, 1 + Math.floor(rand() * 3)).map((az) => ({
    mountTargetId: `fsmt-${hex(rand, 17)}`,
    availabilityZoneName: `${region}${az}`,
    availabilityZoneId: `euw1-az${az.charCodeAt(0) - 96}`,
    vpcId,
    subnetId: `subnet-${hex(rand, 17)}`,
    ipAddress: `10.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`,
    networkInterfaceId: `eni-${hex(rand, 17)}`,
    lifeCycleState: 'available',
    securityGroups: [`sg-${hex(rand, 17)}`],
  }));
  const accessPoints = Array.from({ length: Math.floor(rand() * 3) }, (_, i) => ({
    accessPointId: `fsap-${hex(rand, 17)}`,
    accessPointArn: `arn:aws:elasticfilesystem:${region}:${accountId}:access-point/fsap-${hex(rand, 17)}`,
    name: `app-${i}`,
    lifeCycleState: 'available',
    rootDirectory: {
      path: `/data/app-${i}`,
      creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: '0755' },
    },
    posixUser: { uid: 1000, gid: 1000 },
    ownerId: accountId,
    tags: { Name: `app-${i}` },
  }));
  const kmsKeyId = encrypted
    ? `${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 12)}`
    : undefined;
  const base: Omit<FileSystemRecord, 'classification' | 'flags'> = {
    accountId,
    region,
    fileSystemId,
    fileSystemArn: `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${fileSystemId}`,
    name: `team-${index % 40}-share-${index}`,
    ownerId: accountId,
    creationToken: `console-${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}`,
    creationTime: new Date(Date.UTC(2021, 0, 1) + Math.floor(rand() * 1e11)).toISOString(),
    lifeCycleState: 'available',
    performanceMode: 'generalPurpose',
    throughputMode: rand() < 0.8 ? 'bursting' : 'elastic',
    sizeInBytes: Math.floor(rand() * 5e12),
    numberOfMountTargets: mountTargets.length,
    encrypted,
    kmsKeyId,
    kmsKeyArn: kmsKeyId ? `arn:aws:kms:${region}:${accountId}:key/${kmsKeyId}` : undefined,
    keyAliases: encrypted ? [`alias/team-${index % 40}`] : [],
    keyManager: encrypted ? 'CUSTOMER' : undefined,
    keyState: encrypted ? 'Enabled' : undefined,
    tags: {
      Name: `team-${index % 40}-share-${index}`,
      Owner: `U${hex(rand, 10).toUpperCase()}`,
      CostCenter: `cc-${hex(rand, 4)}`,
      Environment: rand() < 0.5 ? 'prod' : 'staging',
    },
    lifecyclePolicies: [
      { transitionToIA: 'AFTER_30_DAYS' },
      { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
    ],
    backupPolicyStatus: rand() < 0.5 ? 'ENABLED' : 'DISABLED',
    fileSystemPolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:role/app-${hex(rand, 6)}` },
          Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
          Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
        },
      ],
    }),
    fileSystemProtection: { replicationOverwriteProtection: 'ENABLED' },
    replications: [],
    mountTargets,
    accessPoints,
    vpcIds: [vpcId],
    errors: [],
  };
  return { ...base, ...classify(base) };
}

export function scanRecord(
  scanId: string,
  startedAt: string,
  count: number,
  options: { finished?: boolean; seed?: number } = {},
): ScanRecord {
  const rand = seededRandom(options.seed ?? 42);
  const fileSystems = Array.from({ length: count }, (_, i) => fileSystemRecord(rand, i));
  return {
    scanId,
    startedAt,
    finishedAt:
      options.finished === false ? undefined : new Date(Date.parse(startedAt) + 60_000).toISOString(),
    requestedBy: 'U0TESTUSER',
    accounts: [...new Set(fileSystems.map((f) => f.accountId))],
    regions: [...new Set(fileSystems.map((f) => f.region))],
    fileSystems,
    failures: [
      {
        accountId: '222222222222',
        region: 'eu-west-1',
        operation: 'AssumeRole',
        code: 'AccessDenied',
        message: 'not authorized to perform sts:AssumeRole',
      },
    ],
    stats: { ...summarise(fileSystems), apiCalls: count * 4, throttles: 3, durationMs: 60_000 },
  };
}
