import { describe, expect, it } from 'vitest';
import {
  buildCanRetry,
  accessPointClientToken,
  creationTokenFor,
  planBuild,
  rewritePolicyArns,
  twinLifecyclePolicies,
  twinTags,
  TWIN_TAGS,
} from '../../src/domain/build-plan.ts';
import { classify, migrationId, type FileSystemRecord } from '../../src/domain/inventory.ts';
import type { MigrationDecision } from '../../src/domain/migration.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/aaaaaaaa-0000-4000-8000-000000000001`;
const FS_ID = 'fs-0123456789abcdef0';
const ID = migrationId(ACCOUNT, REGION, FS_ID);

function source(overrides: Partial<FileSystemRecord> = {}): FileSystemRecord {
  const base: Omit<FileSystemRecord, 'classification' | 'flags'> = {
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: FS_ID,
    fileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${FS_ID}`,
    name: 'app-data',
    lifeCycleState: 'available',
    performanceMode: 'generalPurpose',
    throughputMode: 'provisioned',
    provisionedThroughputInMibps: 128,
    sizeInBytes: 1024,
    numberOfMountTargets: 2,
    encrypted: false,
    keyAliases: [],
    tags: { Name: 'app-data', env: 'prod', 'aws:cloudformation:stack-name': 'app', 'AWS:Other': 'x' },
    lifecyclePolicies: [
      { transitionToIA: 'AFTER_30_DAYS' },
      { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
      { transitionToArchive: 'AFTER_90_DAYS' },
    ],
    backupPolicyStatus: 'ENABLED',
    fileSystemPolicy: JSON.stringify({
      Statement: [
        {
          Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${FS_ID}`,
          Condition: {
            StringEquals: {
              'elasticfilesystem:AccessPointArn': `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-0aaaaaaaaaaaaaaa1`,
            },
          },
        },
      ],
    }),
    replications: [],
    mountTargets: [
      {
        mountTargetId: 'fsmt-01',
        availabilityZoneName: 'eu-west-1a',
        subnetId: 'subnet-a',
        ipAddress: '10.0.0.5',
        lifeCycleState: 'available',
        securityGroups: ['sg-1'],
      },
      {
        mountTargetId: 'fsmt-02',
        availabilityZoneName: 'eu-west-1b',
        subnetId: 'subnet-b',
        lifeCycleState: 'creating',
        securityGroups: [],
      },
    ],
    accessPoints: [
      {
        accessPointId: 'fsap-0aaaaaaaaaaaaaaa1',
        tags: { team: 'x', 'aws:created-by': 'cfn' },
        posixUser: { uid: 1000, gid: 1000, secondaryGids: [2000] },
        rootDirectory: { path: '/app', creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: '750' } },
      },
    ],
    vpcIds: ['vpc-1'],
    errors: [],
    ...overrides,
  };
  return { ...base, ...classify(base) };
}

const decision: MigrationDecision = {
  targetKmsKeyId: KEY_ARN,
  method: 'datasync',
  decidedBy: 'U0ADMIN',
  decidedAt: '2026-01-01T00:00:00Z',
};

describe('build plan', () => {
  it('derives tokens from the migration ID within the 64-character limit', () => {
    expect(creationTokenFor(ID)).toBe(creationTokenFor(ID));
    expect(creationTokenFor(ID)).not.toBe(
      creationTokenFor(migrationId(ACCOUNT, REGION, 'fs-0ffffffffffffffff')),
    );
    expect(creationTokenFor(ID).length).toBeLessThanOrEqual(64);
    expect(accessPointClientToken(ID, 'fsap-1')).not.toBe(accessPointClientToken(ID, 'fsap-2'));
    expect(accessPointClientToken(ID, 'fsap-1').length).toBeLessThanOrEqual(64);
  });

  it('creates an encrypted twin like the source, with the decided key, tokens and linking tags', () => {
    const plan = planBuild({ migrationId: ID, fileSystem: source(), decision });
    expect(plan.createFileSystem).toEqual({
      CreationToken: creationTokenFor(ID),
      Encrypted: true,
      KmsKeyId: KEY_ARN,
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 128,
      Backup: true,
      Tags: [
        { Key: 'Name', Value: 'app-data-encrypted' },
        { Key: 'env', Value: 'prod' },
        { Key: TWIN_TAGS.sourceFileSystemId, Value: FS_ID },
        { Key: TWIN_TAGS.migrationId, Value: `${ACCOUNT}:${REGION}:${FS_ID}` },
      ],
    });
    // Tag values allow : but not # (EFS TagValue pattern).
    for (const t of plan.createFileSystem.Tags) expect(t.Value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    expect(plan.intendedKeyArn).toBe(KEY_ARN);
    expect(plan.backupStatus).toBe('ENABLED');
    const subjects = plan.differs.map((d) => `${d.subject}: ${d.change}`);
    expect(subjects).toEqual(
      expect.arrayContaining([
        'Encrypted: false → true',
        `KmsKeyId: none → ${KEY_ARN}`,
        'tag aws:cloudformation:stack-name: dropped',
        'tag AWS:Other: dropped',
        'lifecycle TransitionToArchive: AFTER_90_DAYS → dropped',
        'mount target in eu-west-1a IP address: 10.0.0.5 → chosen by AWS',
        'mount target in eu-west-1b security groups: unknown → the VPC default group',
      ]),
    );
    expect(plan.differs.find((d) => d.subject === 'lifecycle TransitionToArchive')?.why).toMatch(
      /Elastic throughput/,
    );
  });

  it('mirrors mount targets per AZ (no IP) and access points with root directory, creation info, POSIX user, tags', () => {
    const plan = planBuild({ migrationId: ID, fileSystem: source(), decision });
    expect(plan.mountTargets).toEqual([
      {
        availabilityZone: 'eu-west-1a',
        sourceMountTargetId: 'fsmt-01',
        input: { SubnetId: 'subnet-a', SecurityGroups: ['sg-1'] },
      },
      { availabilityZone: 'eu-west-1b', sourceMountTargetId: 'fsmt-02', input: { SubnetId: 'subnet-b' } },
    ]);
    expect(plan.accessPoints).toEqual([
      {
        sourceAccessPointId: 'fsap-0aaaaaaaaaaaaaaa1',
        input: {
          ClientToken: accessPointClientToken(ID, 'fsap-0aaaaaaaaaaaaaaa1'),
          Tags: [
            { Key: 'team', Value: 'x' },
            { Key: TWIN_TAGS.sourceAccessPointId, Value: 'fsap-0aaaaaaaaaaaaaaa1' },
            { Key: TWIN_TAGS.migrationId, Value: `${ACCOUNT}:${REGION}:${FS_ID}` },
          ],
          PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [2000] },
          RootDirectory: {
            Path: '/app',
            CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '750' },
          },
        },
      },
    ]);
  });

  it('uses the stricter security groups of the decision when given', () => {
    const plan = planBuild({
      migrationId: ID,
      fileSystem: source(),
      decision: { ...decision, targetSecurityGroupIds: ['sg-strict'] },
    });
    expect(plan.mountTargets.map((m) => m.input.SecurityGroups)).toEqual([['sg-strict'], ['sg-strict']]);
    expect(plan.differs.map((d) => d.change)).toContain('sg-1 → sg-strict');
  });

  it('lists every call in order for the dry run, the policy last with placeholders for the twin', () => {
    const plan = planBuild({ migrationId: ID, fileSystem: source(), decision });
    expect(plan.calls.map((c) => c.operation)).toEqual([
      'kms:DescribeKey',
      'CreateFileSystem',
      'DescribeFileSystems',
      'PutLifecycleConfiguration',
      'PutBackupPolicy',
      'CreateMountTarget',
      'CreateMountTarget',
      'DescribeMountTargets',
      'CreateAccessPoint',
      'PutFileSystemPolicy',
      'DescribeFileSystems',
      'kms:DescribeKey',
    ]);
    const policy = plan.calls.find((c) => c.operation === 'PutFileSystemPolicy')?.input.Policy as string;
    expect(policy).toContain('file-system/<twin>');
    expect(policy).toContain('access-point/<twin of fsap-0aaaaaaaaaaaaaaa1>');
    expect(policy).not.toContain(FS_ID);
  });

  it('keeps Archive transitions for Elastic + General Purpose, and replaces maxIO where AWS refuses it', () => {
    expect(
      twinLifecyclePolicies([{ transitionToArchive: 'AFTER_90_DAYS' }], {
        throughputMode: 'elastic',
        performanceMode: 'generalPurpose',
      }).policies,
    ).toEqual([{ TransitionToArchive: 'AFTER_90_DAYS' }]);
    const oneZone = planBuild({
      migrationId: ID,
      fileSystem: source({
        performanceMode: 'maxIO',
        availabilityZoneName: 'eu-west-1a',
        throughputMode: 'bursting',
      }),
      decision,
    });
    expect(oneZone.createFileSystem).toMatchObject({
      PerformanceMode: 'generalPurpose',
      AvailabilityZoneName: 'eu-west-1a',
    });
    expect(oneZone.createFileSystem).not.toHaveProperty('ProvisionedThroughputInMibps');
    expect(oneZone.differs.map((d) => d.change)).toContain('maxIO → generalPurpose');
  });

  it('mirrors no backup policy as disabled, and says so when the scan could not read it', () => {
    expect(
      planBuild({ migrationId: ID, fileSystem: source({ backupPolicyStatus: undefined }), decision })
        .createFileSystem.Backup,
    ).toBe(false);
    const unknown = planBuild({
      migrationId: ID,
      fileSystem: source({
        backupPolicyStatus: undefined,
        errors: [{ operation: 'DescribeBackupPolicy', code: 'X', message: 'x' }],
      }),
      decision,
    });
    expect(unknown.createFileSystem).not.toHaveProperty('Backup');
    expect(unknown.calls.map((c) => c.operation)).not.toContain('PutBackupPolicy');
    expect(unknown.differs.map((d) => d.subject)).toContain('backup policy');
  });

  it('keeps the bot tags when the source has too many, dropping the overflow with a reason', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const { tags, differs } = twinTags(many, { a: '1', b: '2' });
    expect(tags).toHaveLength(50);
    expect(tags.slice(-2)).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
    expect(differs.map((d) => d.subject)).toEqual(['tag k48', 'tag k49']);
  });

  it("rewrites the source's file system and access point ARNs to the twin's, and names unmapped ones", () => {
    const policy = JSON.stringify({
      Statement: [
        { Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${FS_ID}` },
        { Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/*` },
        {
          Condition: {
            StringEquals: {
              'elasticfilesystem:AccessPointArn': [
                `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-01`,
                `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-02`,
              ],
            },
          },
        },
        { Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-0ther` },
      ],
    });
    const out = rewritePolicyArns(policy, { source: FS_ID, twin: 'fs-0ee' }, { 'fsap-01': 'fsap-0e1' });
    expect(out.replaced).toBe(2);
    expect(out.unmapped).toEqual(['fsap-02']);
    expect(out.policy).toContain(`file-system/fs-0ee"`);
    expect(out.policy).toContain('file-system/*');
    expect(out.policy).toContain('access-point/fsap-0e1"');
    expect(out.policy).toContain('file-system/fs-0ther');
    expect(out.policy).not.toContain(FS_ID);
  });
});

describe('buildCanRetry', () => {
  it('offers Retry only when the migration failed while building and the latest build job failed', () => {
    const failed = { state: 'failed' as const, failedFrom: 'target_creating' as const };
    expect(buildCanRetry(failed, { status: 'failed' })).toBe(true);
    expect(buildCanRetry(failed, { status: 'running' })).toBe(false);
    expect(buildCanRetry(failed, { status: 'queued' })).toBe(false);
    expect(buildCanRetry(failed, undefined)).toBe(false);
    expect(buildCanRetry({ state: 'failed', failedFrom: 'copying' }, { status: 'failed' })).toBe(false);
    expect(buildCanRetry({ state: 'target_creating' }, { status: 'failed' })).toBe(false);
  });
});
