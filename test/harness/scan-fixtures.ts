import {
  classify,
  summarise,
  type FileSystemRecord,
  type ScanFailure,
  type ScanRecord,
} from '../../src/domain/inventory.ts';

type FileSystemFacts = Omit<FileSystemRecord, 'classification' | 'flags'>;

/** A realistic file system record; flags and classification come from the domain's rules. */
export function fileSystem(overrides: Partial<FileSystemFacts> = {}): FileSystemRecord {
  const id = overrides.fileSystemId ?? 'fs-0123456789abcdef0';
  const facts: FileSystemFacts = {
    accountId: '111111111111',
    region: 'eu-west-1',
    fileSystemId: id,
    fileSystemArn: `arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/${id}`,
    name: 'shared-data',
    ownerId: '111111111111',
    creationToken: `token-${id}`,
    creationTime: '2024-03-01T10:00:00.000Z',
    lifeCycleState: 'available',
    performanceMode: 'generalPurpose',
    throughputMode: 'bursting',
    sizeInBytes: 5 * 1024 ** 3,
    numberOfMountTargets: 2,
    encrypted: false,
    keyAliases: [],
    tags: { Name: 'shared-data', env: 'prod', app: 'billing', owner: 'team-payments' },
    lifecyclePolicies: [],
    replications: [],
    mountTargets: [
      {
        mountTargetId: `fsmt-${id.slice(3)}a`,
        subnetId: 'subnet-aaa',
        vpcId: 'vpc-0aaa',
        lifeCycleState: 'available',
        securityGroups: ['sg-1'],
      },
      {
        mountTargetId: `fsmt-${id.slice(3)}b`,
        subnetId: 'subnet-bbb',
        vpcId: 'vpc-0aaa',
        lifeCycleState: 'available',
        securityGroups: ['sg-1'],
      },
    ],
    accessPoints: [],
    vpcIds: ['vpc-0aaa'],
    errors: [],
    ...overrides,
  };
  return { ...facts, ...classify(facts) };
}

/** A finished scan of `fileSystems`, stats consistent with them. */
export function scanRecord(
  fileSystems: FileSystemRecord[],
  overrides: Partial<ScanRecord> & { failures?: ScanFailure[] } = {},
): ScanRecord {
  return {
    scanId: 'scan-20260101-0001',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:42.000Z',
    requestedBy: 'U0USER01',
    accounts: [...new Set(fileSystems.map((f) => f.accountId))],
    regions: [...new Set(fileSystems.map((f) => f.region))],
    fileSystems,
    failures: [],
    stats: { ...summarise(fileSystems), apiCalls: fileSystems.length * 4, throttles: 0, durationMs: 42_000 },
    ...overrides,
  };
}

const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'];

/**
 * `n` file systems over 12 accounts and 5 regions: about a third unencrypted, some with their key
 * at risk, long names and tags, many VPCs: the worst case the builders must page.
 */
export function largeEstate(n: number): FileSystemRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const encrypted = i % 3 !== 0;
    const id = `fs-${i.toString(16).padStart(17, '0')}`;
    return fileSystem({
      fileSystemId: id,
      accountId: String(100000000000 + (i % 12)),
      region: REGIONS[i % REGIONS.length]!,
      name: `service-${i}-${'x'.repeat(i % 7 === 0 ? 200 : 10)}`,
      sizeInBytes: (i + 1) * 7_919 * 1024 ** 2,
      encrypted,
      kmsKeyId: encrypted ? `key-${i}` : undefined,
      keyManager: encrypted ? 'CUSTOMER' : undefined,
      keyState: encrypted ? (i % 10 === 1 ? 'PendingDeletion' : 'Enabled') : undefined,
      tags: {
        env: i % 2 ? 'prod' : 'staging',
        app: `app-${i % 40}-${'y'.repeat(i % 11 === 0 ? 250 : 3)}`,
        owner: `team-${i % 9}`,
      },
      vpcIds: Array.from({ length: 1 + (i % 8) }, (_, v) => `vpc-${v}${i}`),
    });
  });
}
