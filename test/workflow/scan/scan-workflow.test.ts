import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  EFSServiceException,
  FileSystemNotFound,
  InternalServerError,
  PolicyNotFound,
  ReplicationNotFound,
  type FileSystemDescription,
} from '@aws-sdk/client-efs';
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  NotFoundException,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { AccountAccessError } from '../../../src/aws/aws-errors.ts';
import { SdkEfsClient } from '../../../src/aws/efs.ts';
import { SdkKmsClient } from '../../../src/aws/kms.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { FileSystemRecord, ScanRecord } from '../../../src/domain/inventory.ts';
import { RecordingIoHost } from '../../../src/workflow/io-host.ts';
import {
  createScanWorkflow,
  type ScanClients,
  type ScanWorkflowDeps,
  type ScanWriter,
} from '../../../src/workflow/scan/index.ts';
import { deferred } from '../../harness/deferred.ts';
import { InMemoryScanRepository } from '../../harness/fake-services.ts';

const A = '111122223333';
const B = '444455556666';
const REGION = 'eu-west-1';
const keyArn = (id: string) => `arn:aws:kms:${REGION}:${A}:key/${id}`;
const meta = { $metadata: {} };

const efsMock = mockClient(EFSClient);
const kmsMock = mockClient(KMSClient);

function fs(id: string, extra: Partial<FileSystemDescription> = {}): FileSystemDescription {
  return {
    OwnerId: A,
    CreationToken: `token-${id}`,
    FileSystemId: id,
    FileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${A}:file-system/${id}`,
    CreationTime: new Date('2025-06-01T10:00:00Z'),
    LifeCycleState: 'available',
    NumberOfMountTargets: 0,
    SizeInBytes: { Value: 6144 },
    PerformanceMode: 'generalPurpose',
    ThroughputMode: 'bursting',
    Encrypted: false,
    Tags: [],
    ...extra,
  };
}

/** The estate the mocks answer from, keyed by file system ID. */
const FILE_SYSTEMS: FileSystemDescription[] = [
  fs('fs-cmk', {
    Name: 'payroll',
    Encrypted: true,
    KmsKeyId: keyArn('k-cmk'),
    NumberOfMountTargets: 2,
    ThroughputMode: 'provisioned',
    ProvisionedThroughputInMibps: 128,
    Tags: [
      { Key: 'Name', Value: 'payroll' },
      { Key: 'owner', Value: 'team-pay' },
    ],
    FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
  }),
  fs('fs-unenc', { NumberOfMountTargets: 0 }),
  fs('fs-awskey', {
    Encrypted: true,
    KmsKeyId: keyArn('k-aws'),
    AvailabilityZoneName: 'eu-west-1a',
    AvailabilityZoneId: 'euw1-az1',
    NumberOfMountTargets: 1,
  }),
  fs('fs-disabled', { Encrypted: true, KmsKeyId: keyArn('k-disabled'), NumberOfMountTargets: 1 }),
  fs('fs-gone-key', { Encrypted: true, KmsKeyId: keyArn('k-deleted'), NumberOfMountTargets: 1 }),
  fs('fs-shared-cmk', {
    Encrypted: true,
    KmsKeyId: keyArn('k-cmk'),
    NumberOfMountTargets: 1,
    ThroughputMode: 'elastic',
  }),
  fs('fs-creating', { LifeCycleState: 'creating' }),
  fs('fs-deleting', { LifeCycleState: 'deleting', NumberOfMountTargets: 0 }),
  fs('fs-denied', { NumberOfMountTargets: 1 }),
];

const KEYS: Record<string, KeyMetadata> = {
  'k-cmk': { KeyId: 'k-cmk', Arn: keyArn('k-cmk'), KeyManager: 'CUSTOMER', KeyState: 'Enabled' },
  'k-aws': { KeyId: 'k-aws', Arn: keyArn('k-aws'), KeyManager: 'AWS', KeyState: 'Enabled' },
  'k-disabled': {
    KeyId: 'k-disabled',
    Arn: keyArn('k-disabled'),
    KeyManager: 'CUSTOMER',
    KeyState: 'Disabled',
  },
};

const fsIdOf = (input: { FileSystemId?: string }) => input.FileSystemId ?? '';

function answerFromEstate() {
  // Two pages, so the scan must follow NextMarker.
  efsMock
    .on(DescribeFileSystemsCommand)
    .callsFake((input: { Marker?: string }) =>
      input.Marker === 'page-2'
        ? { FileSystems: FILE_SYSTEMS.slice(5) }
        : { FileSystems: FILE_SYSTEMS.slice(0, 5), NextMarker: 'page-2' },
    );
  efsMock.on(DescribeMountTargetsCommand).callsFake((input) => {
    const id = fsIdOf(input);
    if (id === 'fs-deleting')
      throw new FileSystemNotFound({
        message: `File system '${id}' does not exist.`,
        ErrorCode: 'FileSystemNotFound',
        ...meta,
      });
    const count = FILE_SYSTEMS.find((f) => f.FileSystemId === id)?.NumberOfMountTargets ?? 0;
    return {
      MountTargets: Array.from({ length: count }, (_, i) => ({
        MountTargetId: `fsmt-${id}-${i}`,
        FileSystemId: id,
        SubnetId: `subnet-${i}`,
        LifeCycleState: i === 1 ? 'creating' : 'available',
        IpAddress: `10.0.${i}.10`,
        NetworkInterfaceId: `eni-${id}-${i}`,
        AvailabilityZoneName: `eu-west-1${'abc'[i]}`,
        AvailabilityZoneId: `euw1-az${i + 1}`,
        VpcId: 'vpc-1',
        OwnerId: A,
      })),
    };
  });
  efsMock.on(DescribeMountTargetSecurityGroupsCommand).callsFake((input: { MountTargetId: string }) => ({
    SecurityGroups: [`sg-b-${input.MountTargetId}`, `sg-a-${input.MountTargetId}`],
  }));
  // Without a file system: every access point of the region, as EFS answers.
  efsMock.on(DescribeAccessPointsCommand).callsFake((input) => {
    const id = fsIdOf(input);
    if (id !== 'fs-cmk' && id !== '') return { AccessPoints: [] };
    return {
      AccessPoints: [
        {
          AccessPointId: 'fsap-1',
          AccessPointArn: `arn:aws:elasticfilesystem:${REGION}:${A}:access-point/fsap-1`,
          FileSystemId: 'fs-cmk',
          Name: 'app',
          LifeCycleState: 'available',
          OwnerId: A,
          PosixUser: { Uid: 1001, Gid: 1001, SecondaryGids: [2000] },
          RootDirectory: {
            Path: '/app',
            CreationInfo: { OwnerUid: 1001, OwnerGid: 1001, Permissions: '0750' },
          },
          Tags: [{ Key: 'team', Value: 'pay' }],
        },
      ],
    };
  });
  efsMock.on(DescribeLifecycleConfigurationCommand).callsFake((input) => {
    const id = fsIdOf(input);
    if (id === 'fs-deleting')
      throw new FileSystemNotFound({
        message: `File system '${id}' does not exist.`,
        ErrorCode: 'FileSystemNotFound',
        ...meta,
      });
    if (id === 'fs-denied')
      throw new EFSServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not allowed',
        ...meta,
      });
    return id === 'fs-cmk'
      ? {
          LifecyclePolicies: [
            { TransitionToIA: 'AFTER_30_DAYS' },
            { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
          ],
        }
      : { LifecyclePolicies: [] };
  });
  efsMock.on(DescribeBackupPolicyCommand).callsFake((input) => {
    if (fsIdOf(input) === 'fs-cmk') return { BackupPolicy: { Status: 'ENABLED' } };
    throw new PolicyNotFound({ message: 'no backup policy', ...meta });
  });
  efsMock.on(DescribeFileSystemPolicyCommand).callsFake((input) => {
    if (fsIdOf(input) === 'fs-cmk')
      return { FileSystemId: 'fs-cmk', Policy: '{"Version":"2012-10-17","Statement":[]}' };
    throw new PolicyNotFound({ message: 'no policy', ...meta });
  });
  // Without a file system: every configuration of the region (here, the one of fs-cmk).
  efsMock.on(DescribeReplicationConfigurationsCommand).callsFake((input) => {
    if (fsIdOf(input) !== 'fs-cmk' && fsIdOf(input) !== '')
      throw new ReplicationNotFound({ message: 'no replication', ...meta });
    return {
      Replications: [
        {
          SourceFileSystemId: 'fs-cmk',
          SourceFileSystemRegion: REGION,
          SourceFileSystemArn: FILE_SYSTEMS[0]!.FileSystemArn,
          OriginalSourceFileSystemArn: FILE_SYSTEMS[0]!.FileSystemArn,
          CreationTime: new Date('2025-07-01T00:00:00Z'),
          Destinations: [
            {
              FileSystemId: 'fs-replica',
              Region: 'eu-central-1',
              Status: 'ENABLED',
              LastReplicatedTimestamp: new Date('2025-07-02T00:00:00Z'),
            },
          ],
        },
      ],
    };
  });
  kmsMock.on(DescribeKeyCommand).callsFake((input: { KeyId: string }) => {
    const id = input.KeyId === 'alias/aws/elasticfilesystem' ? 'k-aws' : (input.KeyId.split('/').pop() ?? '');
    const found = KEYS[id];
    if (!found) throw new NotFoundException({ message: `Key '${input.KeyId}' does not exist`, ...meta });
    return { KeyMetadata: found };
  });
  kmsMock.on(ListAliasesCommand).callsFake((input: { Marker?: string }) =>
    input.Marker
      ? { Aliases: [{ AliasName: 'alias/aws/elasticfilesystem', TargetKeyId: 'k-aws' }], Truncated: false }
      : {
          Aliases: [
            { AliasName: 'alias/payroll', TargetKeyId: 'k-cmk' },
            { AliasName: 'alias/efs-default', TargetKeyId: 'k-cmk' },
            { AliasName: 'alias/aws/s3' },
          ],
          Truncated: true,
          NextMarker: 'aliases-2',
        },
  );
}

let efs: EFSClient;
let kms: KMSClient;
let scans: InMemoryScanRepository;
let io: RecordingIoHost;
let clock: ManualClock;

beforeEach(() => {
  efsMock.reset();
  kmsMock.reset();
  answerFromEstate();
  efs = new EFSClient({ region: REGION, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
  kms = new KMSClient({ region: REGION, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
  scans = new InMemoryScanRepository();
  io = new RecordingIoHost();
  clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
});

function deps(overrides: Partial<ScanWorkflowDeps> = {}): ScanWorkflowDeps {
  const efsClient = new SdkEfsClient(efs);
  const failingRegion = new (class extends SdkEfsClient {
    override async listFileSystems(): Promise<never> {
      throw new InternalServerError({
        message: 'An internal error occurred',
        ErrorCode: 'InternalServerError',
        ...meta,
      });
    }
  })(efs);
  let calls = 0;
  return {
    listTargets: async () => ({ accounts: [A, B], regions: [REGION, 'eu-west-2'] }),
    clientsFor: async (accountId, region): Promise<ScanClients> => {
      clock.advance(10);
      if (accountId === B)
        throw new AccountAccessError(
          B,
          'AssumeRole',
          Object.assign(new Error('not authorized'), { name: 'AccessDenied' }),
        );
      return {
        accountId,
        region,
        efs: region === 'eu-west-2' ? failingRegion : efsClient,
        kms: new SdkKmsClient(kms),
      };
    },
    scans,
    io,
    clock,
    concurrency: 4,
    idGenerator: () => 'abcd1234',
    callCounts: () => ({ apiCalls: (calls += 50), throttles: 2 }),
    ...overrides,
  };
}

/**
 * One account and region read with `efs`, batches of `recordBatch` written through `write` (which
 * calls the in-memory store's writer, or refuses).
 */
function oneRegionDeps(
  efsClient: SdkEfsClient,
  write: (store: ScanWriter, position: number, records: FileSystemRecord[]) => Promise<void>,
  tuning: Pick<ScanWorkflowDeps, 'fileSystemConcurrency' | 'recordBatch'>,
): ScanWorkflowDeps {
  return deps({
    listTargets: async () => ({ accounts: [A], regions: [REGION] }),
    clientsFor: async (accountId, region) => ({
      accountId,
      region,
      efs: efsClient,
      kms: new SdkKmsClient(kms),
    }),
    scans: {
      beginScan(scanId) {
        const writer = scans.beginScan(scanId);
        return { ...writer, writeFileSystems: (position, records) => write(writer, position, records) };
      },
    },
    ...tuning,
  });
}

const byId = (scan: ScanRecord, id: string): FileSystemRecord => {
  const found = scan.fileSystems.find((f) => f.fileSystemId === id);
  if (!found) throw new Error(`${id} not in the scan`);
  return found;
};

describe('scan workflow', () => {
  it('maps every detail of a file system into its inventory record', async () => {
    const scan = await createScanWorkflow(deps()).run({
      requestedBy: 'U123',
      accounts: [A],
      regions: [REGION],
    });
    expect(byId(scan, 'fs-cmk')).toEqual({
      accountId: A,
      region: REGION,
      fileSystemId: 'fs-cmk',
      fileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${A}:file-system/fs-cmk`,
      name: 'payroll',
      ownerId: A,
      creationToken: 'token-fs-cmk',
      creationTime: '2025-06-01T10:00:00.000Z',
      lifeCycleState: 'available',
      performanceMode: 'generalPurpose',
      throughputMode: 'provisioned',
      provisionedThroughputInMibps: 128,
      availabilityZoneName: undefined,
      availabilityZoneId: undefined,
      sizeInBytes: 6144,
      numberOfMountTargets: 2,
      encrypted: true,
      kmsKeyId: keyArn('k-cmk'),
      kmsKeyArn: keyArn('k-cmk'),
      keyAliases: ['alias/efs-default', 'alias/payroll'],
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
      tags: { Name: 'payroll', owner: 'team-pay' },
      lifecyclePolicies: [
        {
          transitionToIA: 'AFTER_30_DAYS',
          transitionToPrimaryStorageClass: undefined,
          transitionToArchive: undefined,
        },
        {
          transitionToIA: undefined,
          transitionToPrimaryStorageClass: 'AFTER_1_ACCESS',
          transitionToArchive: undefined,
        },
      ],
      backupPolicyStatus: 'ENABLED',
      fileSystemPolicy: '{"Version":"2012-10-17","Statement":[]}',
      fileSystemProtection: { replicationOverwriteProtection: 'ENABLED' },
      replications: [
        {
          role: 'source',
          sourceFileSystemId: 'fs-cmk',
          sourceFileSystemRegion: REGION,
          originalSourceFileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${A}:file-system/fs-cmk`,
          creationTime: '2025-07-01T00:00:00.000Z',
          destinations: [
            {
              fileSystemId: 'fs-replica',
              region: 'eu-central-1',
              status: 'ENABLED',
              lastReplicatedTimestamp: '2025-07-02T00:00:00.000Z',
              ownerId: undefined,
            },
          ],
        },
      ],
      mountTargets: [
        {
          mountTargetId: 'fsmt-fs-cmk-0',
          availabilityZoneName: 'eu-west-1a',
          availabilityZoneId: 'euw1-az1',
          vpcId: 'vpc-1',
          subnetId: 'subnet-0',
          ipAddress: '10.0.0.10',
          networkInterfaceId: 'eni-fs-cmk-0',
          lifeCycleState: 'available',
          securityGroups: ['sg-a-fsmt-fs-cmk-0', 'sg-b-fsmt-fs-cmk-0'],
        },
        // Not yet available: EFS would answer IncorrectMountTargetState, so it is not asked.
        {
          mountTargetId: 'fsmt-fs-cmk-1',
          availabilityZoneName: 'eu-west-1b',
          availabilityZoneId: 'euw1-az2',
          vpcId: 'vpc-1',
          subnetId: 'subnet-1',
          ipAddress: '10.0.1.10',
          networkInterfaceId: 'eni-fs-cmk-1',
          lifeCycleState: 'creating',
          securityGroups: [],
        },
      ],
      accessPoints: [
        {
          accessPointId: 'fsap-1',
          accessPointArn: `arn:aws:elasticfilesystem:${REGION}:${A}:access-point/fsap-1`,
          name: 'app',
          lifeCycleState: 'available',
          rootDirectory: {
            path: '/app',
            creationInfo: { ownerUid: 1001, ownerGid: 1001, permissions: '0750' },
          },
          posixUser: { uid: 1001, gid: 1001, secondaryGids: [2000] },
          ownerId: A,
          tags: { team: 'pay' },
        },
      ],
      vpcIds: ['vpc-1'],
      classification: 'encrypted',
      flags: ['replicated'],
      errors: [],
    });
    expect(
      efsMock
        .commandCalls(DescribeMountTargetSecurityGroupsCommand)
        .map((c) => c.args[0].input.MountTargetId),
    ).not.toContain('fsmt-fs-cmk-1');
  });

  it('classifies and flags each kind of file system, treating "no policy" answers as none', async () => {
    const scan = await createScanWorkflow(deps()).run({ accounts: [A], regions: [REGION] });
    const summary = Object.fromEntries(
      scan.fileSystems.map((f) => [
        f.fileSystemId,
        {
          c: f.classification,
          flags: f.flags,
          keyState: f.keyState,
          errors: f.errors.map((e) => `${e.operation}:${e.code}`),
        },
      ]),
    );
    expect(summary).toEqual({
      'fs-awskey': {
        c: 'encrypted',
        flags: ['aws-managed-key', 'one-zone'],
        keyState: 'Enabled',
        errors: [],
      },
      'fs-cmk': { c: 'encrypted', flags: ['replicated'], keyState: 'Enabled', errors: [] },
      'fs-creating': {
        c: 'unencrypted',
        flags: ['inactive', 'transitional'],
        keyState: undefined,
        errors: [],
      },
      // Its detail reads answer FileSystemNotFound: expected while it is being deleted.
      'fs-deleting': {
        c: 'unencrypted',
        flags: ['inactive', 'transitional'],
        keyState: undefined,
        errors: [],
      },
      'fs-denied': {
        c: 'unencrypted',
        flags: ['incomplete'],
        keyState: undefined,
        errors: ['DescribeLifecycleConfiguration:AccessDeniedException'],
      },
      'fs-disabled': { c: 'encrypted', flags: ['key-at-risk'], keyState: 'Disabled', errors: [] },
      'fs-gone-key': {
        c: 'encrypted',
        flags: ['key-at-risk', 'incomplete'],
        keyState: 'NotFound',
        errors: ['DescribeKey:NotFoundException'],
      },
      'fs-shared-cmk': { c: 'encrypted', flags: [], keyState: 'Enabled', errors: [] },
      'fs-unenc': { c: 'unencrypted', flags: ['inactive'], keyState: undefined, errors: [] },
    });
    expect(byId(scan, 'fs-awskey')).toMatchObject({
      keyManager: 'AWS',
      keyAliases: ['alias/aws/elasticfilesystem'],
      availabilityZoneName: 'eu-west-1a',
    });
    expect(byId(scan, 'fs-unenc')).toMatchObject({
      backupPolicyStatus: undefined,
      fileSystemPolicy: undefined,
      replications: [],
    });
    // Mount targets are only asked for where the description counts some.
    expect(
      efsMock
        .commandCalls(DescribeMountTargetsCommand)
        .map((c) => c.args[0].input.FileSystemId)
        .sort(),
    ).toEqual(['fs-awskey', 'fs-cmk', 'fs-denied', 'fs-disabled', 'fs-gone-key', 'fs-shared-cmk']);
    expect(byId(scan, 'fs-gone-key')).toMatchObject({
      kmsKeyArn: keyArn('k-deleted'),
      keyManager: undefined,
      keyAliases: [],
    });
    // One DescribeKey per distinct key, one ListAliases walk per account and region.
    expect(
      kmsMock
        .commandCalls(DescribeKeyCommand)
        .map((c) => c.args[0].input.KeyId)
        .sort(),
    ).toEqual([keyArn('k-aws'), keyArn('k-cmk'), keyArn('k-deleted'), keyArn('k-disabled')].sort());
    expect(kmsMock.commandCalls(ListAliasesCommand).map((c) => c.args[0].input.Marker)).toEqual([
      undefined,
      'aliases-2',
    ]);
    expect(scan.stats).toMatchObject({
      fileSystems: 9,
      encrypted: 5,
      unencrypted: 4,
      byFlag: {
        inactive: 3,
        transitional: 2,
        'key-at-risk': 2,
        'aws-managed-key': 1,
        'one-zone': 1,
        replicated: 1,
        incomplete: 2,
      },
    });
  });

  it('reports an unenterable account and a failing region, scans the rest, and saves the scan', async () => {
    const scan = await createScanWorkflow(deps()).run({ requestedBy: 'U123' });
    expect(scan.scanId).toBe('20260101T000000000Z-abcd1234');
    expect(scan).toMatchObject({ requestedBy: 'U123', accounts: [A, B], regions: [REGION, 'eu-west-2'] });
    expect(scan.failures).toEqual([
      {
        accountId: A,
        region: 'eu-west-2',
        operation: 'DescribeFileSystems',
        code: 'InternalServerError',
        message: 'An internal error occurred',
      },
      {
        accountId: B,
        operation: 'AssumeRole',
        code: 'AccessDenied',
        message: expect.stringMatching(
          /Cannot access account 444455556666: AssumeRole failed with AccessDenied/,
        ),
      },
    ]);
    expect(scan.fileSystems).toHaveLength(9);
    expect(scan.fileSystems.every((f) => f.accountId === A && f.region === REGION)).toBe(true);
    expect(scan.fileSystems.map((f) => f.fileSystemId)).toEqual(
      [...scan.fileSystems.map((f) => f.fileSystemId)].sort(),
    );
    expect(scan.stats).toMatchObject({ apiCalls: 50, throttles: 0 });
    expect(scan.stats.durationMs).toBeGreaterThanOrEqual(40);
    expect(scan.finishedAt).toBe(new Date(Date.parse(scan.startedAt) + scan.stats.durationMs).toISOString());
    expect([...scans.scans.values()]).toEqual([scan]);

    const codes = io.messages.map((m) => m.code);
    expect(codes[0]).toBe('scan.started');
    expect(codes.at(-1)).toBe('scan.finished');
    expect(codes.filter((c) => c === 'scan.failure')).toHaveLength(2);
    expect(io.messages.filter((m) => m.code === 'scan.region.done').map((m) => m.data)).toEqual([
      { scanId: scan.scanId, accountId: A, region: REGION, fileSystems: 9, encrypted: 5, unencrypted: 4 },
    ]);
  });

  it('scans only the configured accounts and regions a request names', async () => {
    const regionsOnly = await createScanWorkflow(deps()).run({ regions: [REGION] });
    expect(regionsOnly).toMatchObject({ accounts: [A, B], regions: [REGION] });
    expect(regionsOnly.failures.map((f) => f.accountId)).toEqual([B]);

    const both = await createScanWorkflow(deps()).run({ accounts: [A], regions: [REGION] });
    expect(both).toMatchObject({ accounts: [A], regions: [REGION], failures: [] });
    expect(both.fileSystems).toHaveLength(9);
  });

  it('refuses an account or region that is not configured, scanning and saving nothing', async () => {
    const entered: string[] = [];
    const workflow = createScanWorkflow(
      deps({
        clientsFor: async (accountId) => {
          entered.push(accountId);
          throw new Error('must not be reached');
        },
      }),
    );
    await expect(workflow.run({ accounts: [A, '999999999999'], regions: [REGION] })).rejects.toThrow(
      '999999999999 is not a configured account (EFS_ENCRYPT_ACCOUNTS): scan one of 111122223333, 444455556666, or add it to the configuration.',
    );
    await expect(workflow.run({ regions: ['eu-west-9', 'us-east-1', REGION] })).rejects.toThrow(
      'eu-west-9, us-east-1 are not configured regions (EFS_ENCRYPT_REGIONS): scan one of eu-west-1, eu-west-2, or add it to the configuration.',
    );
    expect(entered).toEqual([]);
    expect(scans.scans.size).toBe(0);
  });

  it("starts each file system's mount-target chain before its other reads (the chain sets the scan's floor)", async () => {
    await createScanWorkflow(deps()).run({ accounts: [A], regions: [REGION] });
    const sent = efsMock.calls().map((c) => {
      const command = c.args[0] as unknown as {
        constructor: { name: string };
        input: Record<string, unknown>;
      };
      return { name: command.constructor.name.replace(/Command$/, ''), input: command.input };
    });
    const firstIndex = (name: string, match: (input: Record<string, unknown>) => boolean) =>
      sent.findIndex((c) => c.name === name && match(c.input));
    const ofFs = (id: string) => (input: Record<string, unknown>) => input.FileSystemId === id;
    const listed = firstIndex('DescribeMountTargets', ofFs('fs-cmk'));
    const securityGroups = firstIndex('DescribeMountTargetSecurityGroups', (i) =>
      String(i.MountTargetId).startsWith('fsmt-fs-cmk-'),
    );
    expect(listed).toBeGreaterThanOrEqual(0);
    expect(securityGroups).toBeGreaterThan(listed);
    for (const other of [
      'DescribeLifecycleConfiguration',
      'DescribeBackupPolicy',
      'DescribeFileSystemPolicy',
    ])
      expect(firstIndex(other, ofFs('fs-cmk'))).toBeGreaterThan(securityGroups);
    // Without mount targets there is no chain to wait for.
    expect(firstIndex('DescribeLifecycleConfiguration', ofFs('fs-unenc'))).toBeGreaterThanOrEqual(0);
    expect(firstIndex('DescribeMountTargets', ofFs('fs-unenc'))).toBe(-1);
  });

  it('lists access points and replications once per region, asking per file system only for destinations', async () => {
    FILE_SYSTEMS.push(
      fs('fs-dest', {
        NumberOfMountTargets: 0,
        FileSystemProtection: { ReplicationOverwriteProtection: 'REPLICATING' },
      }),
    );
    try {
      const scan = await createScanWorkflow(deps()).run({ accounts: [A], regions: [REGION] });
      expect(
        efsMock.commandCalls(DescribeAccessPointsCommand).map((c) => c.args[0].input.FileSystemId),
      ).toEqual([undefined]);
      expect(
        efsMock
          .commandCalls(DescribeReplicationConfigurationsCommand)
          .map((c) => c.args[0].input.FileSystemId)
          .sort(),
      ).toEqual(['fs-dest', undefined]);
      expect(byId(scan, 'fs-cmk').accessPoints.map((a) => a.accessPointId)).toEqual(['fsap-1']);
      expect(byId(scan, 'fs-cmk').replications.map((r) => r.role)).toEqual(['source']);
      expect(byId(scan, 'fs-dest')).toMatchObject({ replications: [], errors: [] });
    } finally {
      FILE_SYSTEMS.pop();
    }
  });

  it('reads an encrypted file system that names no key as using the AWS-managed key', async () => {
    FILE_SYSTEMS.push(fs('fs-default-key', { Encrypted: true, NumberOfMountTargets: 0 }));
    try {
      const scan = await createScanWorkflow(deps()).run({ accounts: [A], regions: [REGION] });
      expect(byId(scan, 'fs-default-key')).toMatchObject({
        kmsKeyId: undefined,
        kmsKeyArn: keyArn('k-aws'),
        keyManager: 'AWS',
        keyState: 'Enabled',
        keyAliases: ['alias/aws/elasticfilesystem'],
        flags: ['inactive', 'aws-managed-key'],
        errors: [],
      });
      expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId)).toContain(
        'alias/aws/elasticfilesystem',
      );

      // KMS creates that key on first use: not finding it yet is no risk to the file system.
      kmsMock
        .on(DescribeKeyCommand, { KeyId: 'alias/aws/elasticfilesystem' })
        .rejects(new NotFoundException({ message: 'Alias not found', ...meta }));
      const again = await createScanWorkflow(deps()).run({ accounts: [A], regions: [REGION] });
      expect(byId(again, 'fs-default-key')).toMatchObject({
        keyManager: 'AWS',
        keyState: undefined,
        flags: ['inactive', 'aws-managed-key', 'incomplete'],
      });
    } finally {
      FILE_SYSTEMS.pop();
    }
  });

  it('falls back to per-file-system calls when a region-wide listing is refused', async () => {
    efsMock.on(DescribeAccessPointsCommand, { FileSystemId: undefined }).rejects(
      new EFSServiceException({
        name: 'BadRequest',
        $fault: 'client',
        message: 'Specify a file system',
        ...meta,
      }),
    );
    const scan = await createScanWorkflow(deps()).run({ accounts: [A], regions: [REGION] });
    const asked = efsMock.commandCalls(DescribeAccessPointsCommand).map((c) => c.args[0].input.FileSystemId);
    expect(asked.filter((id) => id !== undefined).sort()).toEqual(
      FILE_SYSTEMS.map((f) => f.FileSystemId).sort(),
    );
    expect(byId(scan, 'fs-cmk').accessPoints.map((a) => a.accessPointId)).toEqual(['fsap-1']);
    expect(
      scan.fileSystems.filter((f) => f.errors.some((e) => e.operation === 'DescribeAccessPoints')),
    ).toEqual([]);
  });

  it('keeps the number of account/region pairs in flight within the bound', async () => {
    let active = 0;
    let peak = 0;
    const slow = new (class extends SdkEfsClient {
      override async listFileSystems() {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active--;
        return [];
      }
    })(efs);
    const workflow = createScanWorkflow(
      deps({
        concurrency: 3,
        listTargets: async () => ({
          accounts: ['111111111111', '222222222222', '333333333333'],
          regions: ['eu-west-1', 'eu-west-2', 'us-east-1'],
        }),
        clientsFor: async (accountId, region) => ({
          accountId,
          region,
          efs: slow,
          kms: new SdkKmsClient(kms),
        }),
      }),
    );
    const scan = await workflow.run();
    expect(peak).toBe(3);
    expect(io.messages.filter((m) => m.code === 'scan.region.done')).toHaveLength(9);
    expect(scan.failures).toEqual([]);
  });

  it("stores a region's file systems in batches, in ID order, while the region is still being read", async () => {
    const lastOpen = deferred();
    const twoBatchesStored = deferred();
    const holdsTheLast = new (class extends SdkEfsClient {
      override async backupPolicyStatus(fileSystemId: string) {
        if (fileSystemId === 'fs-unenc') await lastOpen.promise;
        return super.backupPolicyStatus(fileSystemId);
      }
    })(efs);
    const scanning = createScanWorkflow(
      oneRegionDeps(
        holdsTheLast,
        async (writer, position, records) => {
          await writer.writeFileSystems(position, records);
          if (scans.writes.length === 2) twoBatchesStored.resolve();
        },
        { fileSystemConcurrency: 2, recordBatch: 3 },
      ),
    ).run();

    await twoBatchesStored.promise;
    // The last file system by ID is still being read: six are stored, the next two wait for it.
    const stored = () => [...scans.unfinished.values()][0]!.flat().map((f) => f.fileSystemId);
    expect(stored()).toEqual([
      'fs-awskey',
      'fs-cmk',
      'fs-creating',
      'fs-deleting',
      'fs-denied',
      'fs-disabled',
    ]);
    expect(io.messages.filter((m) => m.code === 'scan.region.done')).toEqual([]);
    lastOpen.resolve();

    const scan = await scanning;
    expect(scans.writes.map((w) => ('fileSystems' in w ? w.fileSystems : 'finished'))).toEqual([
      3,
      3,
      3,
      'finished',
    ]);
    expect(scan.fileSystems.map((f) => f.fileSystemId)).toEqual(
      FILE_SYSTEMS.map((f) => f.FileSystemId!).sort((a, b) => a.localeCompare(b)),
    );
    // The pair is announced once, with its whole count, after its last batch is stored.
    expect(io.messages.filter((m) => m.code === 'scan.region.done').map((m) => m.data)).toEqual([
      expect.objectContaining({ fileSystems: 9, unencrypted: scan.stats.unencrypted }),
    ]);
  });

  it('stops reading a region once the store refuses one of its batches, and the scan fails', async () => {
    const described: string[] = [];
    const counting = new (class extends SdkEfsClient {
      override async backupPolicyStatus(fileSystemId: string) {
        described.push(fileSystemId);
        return super.backupPolicyStatus(fileSystemId);
      }
    })(efs);
    const scanning = createScanWorkflow(
      oneRegionDeps(
        counting,
        async (writer, position, records) => {
          if (scans.writes.length === 1) throw new Error('ProvisionedThroughputExceededException');
          await writer.writeFileSystems(position, records);
        },
        { fileSystemConcurrency: 1, recordBatch: 2 },
      ),
    ).run();

    await expect(scanning).rejects.toThrow('ProvisionedThroughputExceededException');
    // Batch 2 (the 3rd and 4th file systems) was refused; at most the one read then in flight followed.
    expect(described.length).toBeLessThanOrEqual(5);
    expect(scans.unfinished.size).toBe(0);
    expect(scans.scans.size).toBe(0);
  });

  it("releases each pair's clients once the pair is read, whether it was scanned or failed", async () => {
    const released: string[] = [];
    // The usual estate: eu-west-1 scans, eu-west-2 fails its listing.
    const usual = deps();
    const scan = await createScanWorkflow({
      ...usual,
      listTargets: async () => ({ accounts: [A], regions: [REGION, 'eu-west-2'] }),
      clientsFor: async (accountId, region) => ({
        ...(await usual.clientsFor(accountId, region)),
        release: () => released.push(`${accountId}/${region}`),
      }),
    }).run();
    expect(scan.fileSystems).toHaveLength(FILE_SYSTEMS.length);
    expect(scan.failures).toEqual([expect.objectContaining({ region: 'eu-west-2' })]);
    expect(released.sort()).toEqual([`${A}/${REGION}`, `${A}/eu-west-2`]);
  });

  it("saves a scan of nothing, with the reason, when not even the caller's account can be identified", async () => {
    const workflow = createScanWorkflow(
      deps({
        listTargets: async () => {
          throw new AccountAccessError(
            '(caller)',
            'GetCallerIdentity',
            Object.assign(new Error('expired'), { name: 'ExpiredToken' }),
          );
        },
      }),
    );
    const scan = await workflow.run();
    expect(scan.fileSystems).toEqual([]);
    expect(scan.failures).toMatchObject([
      { accountId: '(caller)', operation: 'GetCallerIdentity', code: 'ExpiredToken' },
    ]);
    expect([...scans.scans.values()]).toHaveLength(1);
  });
});
