import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  PutFileSystemPolicyCommand,
  SubnetNotFound,
} from '@aws-sdk/client-efs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessPointClientToken, creationTokenFor, TWIN_TAGS } from '../../../src/domain/build-plan.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { classify, migrationId, type FileSystemRecord } from '../../../src/domain/inventory.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { RecordingIoHost } from '../../../src/workflow/io-host.ts';
import {
  createBuildPhase,
  formatBuildPlans,
  type BuildPhase,
} from '../../../src/workflow/provision/index.ts';
import { createJobRunner, type JobRunner } from '../../../src/workflow/jobs/index.ts';
import { skipAheadScheduler } from '../../harness/schedulers.ts';
import { ACCOUNT, FakeAws, REGION } from './fake-aws.ts';

const KEY_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
let seq = 0;

function sourceRecord(fileSystemId: string): FileSystemRecord {
  const base: Omit<FileSystemRecord, 'classification' | 'flags'> = {
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId,
    fileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${fileSystemId}`,
    name: 'app-data',
    lifeCycleState: 'available',
    performanceMode: 'generalPurpose',
    throughputMode: 'bursting',
    sizeInBytes: 1,
    numberOfMountTargets: 2,
    encrypted: false,
    keyAliases: [],
    tags: { Name: 'app-data', 'aws:cloudformation:stack-name': 'app' },
    lifecyclePolicies: [{ transitionToIA: 'AFTER_30_DAYS' }],
    backupPolicyStatus: 'ENABLED',
    fileSystemPolicy: JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'elasticfilesystem:ClientMount',
          Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${fileSystemId}`,
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
        mountTargetId: 'fsmt-0a1',
        availabilityZoneName: 'eu-west-1a',
        subnetId: 'subnet-a',
        lifeCycleState: 'available',
        securityGroups: ['sg-nfs'],
        ipAddress: '10.0.0.9',
      },
      {
        mountTargetId: 'fsmt-0b1',
        availabilityZoneName: 'eu-west-1b',
        subnetId: 'subnet-b',
        lifeCycleState: 'available',
        securityGroups: ['sg-nfs'],
      },
    ],
    accessPoints: [
      {
        accessPointId: 'fsap-0aaaaaaaaaaaaaaa1',
        tags: { team: 'a' },
        posixUser: { uid: 1000, gid: 1000 },
        rootDirectory: { path: '/app', creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: '750' } },
      },
      { accessPointId: 'fsap-0aaaaaaaaaaaaaaa2', tags: {}, rootDirectory: { path: '/' } },
    ],
    vpcIds: ['vpc-1'],
    errors: [],
  };
  return { ...base, ...classify(base) };
}

describe('build workflow (embedded store, EFS and KMS through aws-sdk-client-mock)', () => {
  let store: Store;
  let clock: ManualClock;
  let aws: FakeAws;
  let io: RecordingIoHost;
  let phase: BuildPhase;
  let keyArn: string;
  const runners: JobRunner[] = [];

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-04-01T09:00:00Z'));
    store = await openStore({ clock });
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(() => {
    aws = new FakeAws(clock, { 'subnet-a': 'eu-west-1a', 'subnet-b': 'eu-west-1b' });
    keyArn = aws.addKey(KEY_ID);
    io = new RecordingIoHost();
    phase = createBuildPhase({
      migrations: store.migrations,
      jobs: store.jobs,
      writerFor: async () => aws.writer(),
      clock,
      io,
      pollMs: 1_000,
      maxWaitMs: 60_000,
    });
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    aws.restore();
  });

  const runner = (owner = 'replica-1') => {
    const r = createJobRunner({
      jobs: store.jobs,
      handlers: { build: phase.handler },
      clock,
      scheduler: skipAheadScheduler(clock),
      owner,
      leaseMs: 120_000,
    });
    runners.push(r);
    return r;
  };

  /** A decided migration with its decision and snapshot, as the decide phase leaves it. */
  async function decided(): Promise<{ id: string; fsId: string }> {
    const fsId = `fs-0a${String(++seq).padStart(15, '0')}`;
    const record = await store.migrations.createMigration({
      accountId: ACCOUNT,
      region: REGION,
      fileSystemId: fsId,
      state: 'decided',
      facts: { hasDecision: true },
      actor: 'U0ADMIN',
    });
    await store.migrations.putDecision(
      record.id,
      {
        targetKmsKeyId: keyArn,
        method: 'datasync',
        decidedBy: 'U0ADMIN',
        decidedAt: clock.now().toISOString(),
      },
      0,
    );
    await store.migrations.putSnapshot(record.id, {
      observedAt: clock.now().toISOString(),
      fileSystem: sourceRecord(fsId),
    });
    return { id: record.id, fsId };
  }

  it('shows the exact calls first and changes nothing', async () => {
    const { id, fsId } = await decided();
    const [plan] = await phase.planBuild([id]);
    expect(plan?.createFileSystem).toMatchObject({
      CreationToken: creationTokenFor(id),
      Encrypted: true,
      KmsKeyId: keyArn,
      Backup: true,
    });
    const text = formatBuildPlans([plan!]);
    expect(text).toContain('Dry run: nothing is created');
    expect(text).toContain('CreateFileSystem');
    expect(text).toContain('tag aws:cloudformation:stack-name: dropped');
    expect(aws.fileSystems.size).toBe(0);
    expect((await store.migrations.getMigration(id))?.state).toBe('decided');
    expect(fsId).toMatch(/^fs-/);
  });

  it('builds one twin: encrypted with the intended key, like for like, mapping recorded, migration target_ready', async () => {
    const { id, fsId } = await decided();
    const [queued] = await phase.requestBuild([id], 'U0ADMIN');
    expect(queued).toMatchObject({ migrationId: id, created: true });
    const report = await runner().tick();
    expect(report.succeeded).toEqual([queued!.jobId]);

    const record = await store.migrations.getMigration(id);
    expect(record?.state).toBe('target_ready');
    expect(record?.facts.targetValidated).toBe(true);
    const status = await phase.status(id);
    const twinId = status.mapping.targetFileSystemId!;
    expect(aws.fileSystems.get(twinId)).toMatchObject({ Encrypted: true, KmsKeyId: keyArn });
    expect(status.mapping.targetKmsKeyArn).toBe(keyArn);
    expect(Object.keys(status.mapping.mountTargets).sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(Object.keys(status.mapping.accessPoints).sort()).toEqual([
      'fsap-0aaaaaaaaaaaaaaa1',
      'fsap-0aaaaaaaaaaaaaaa2',
    ]);
    expect(status.job?.status).toBe('succeeded');

    const create = aws.efs.commandCalls(CreateFileSystemCommand)[0]!.args[0].input as {
      Tags: { Key: string; Value: string }[];
    };
    expect(create.Tags).toContainEqual({ Key: TWIN_TAGS.sourceFileSystemId, Value: fsId });
    expect(create.Tags.map((t) => t.Key)).not.toContain('aws:cloudformation:stack-name');
    const mts = aws.efs.commandCalls(CreateMountTargetCommand).map((c) => c.args[0].input);
    expect(mts).toEqual([
      { FileSystemId: twinId, SubnetId: 'subnet-a', SecurityGroups: ['sg-nfs'] },
      { FileSystemId: twinId, SubnetId: 'subnet-b', SecurityGroups: ['sg-nfs'] },
    ]);
    const aps = aws.efs
      .commandCalls(CreateAccessPointCommand)
      .map((c) => c.args[0].input as { ClientToken: string; RootDirectory?: unknown; PosixUser?: unknown });
    expect(aps[0]).toMatchObject({
      ClientToken: accessPointClientToken(id, 'fsap-0aaaaaaaaaaaaaaa1'),
      PosixUser: { Uid: 1000, Gid: 1000 },
      RootDirectory: { Path: '/app', CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '750' } },
    });
    // The policy went last, naming the twin and the twin's access point.
    const policy = aws.policies.get(twinId)!;
    expect(policy).toContain(`file-system/${twinId}`);
    expect(policy).toContain(`access-point/${status.mapping.accessPoints['fsap-0aaaaaaaaaaaaaaa1']}`);
    expect(policy).not.toContain(fsId);
    expect(aws.backup.get(twinId)).toBe('ENABLED');
    expect(aws.lifecycle.get(twinId)).toEqual([{ TransitionToIA: 'AFTER_30_DAYS' }]);

    // Progress for the thread: one message per completed step, persisted before it was announced.
    const steps = io.messages
      .filter((m) => m.code === 'build.step.done')
      .map((m) => (m.data as { step: string }).step);
    expect(steps).toEqual([
      'create-file-system',
      'wait-file-system',
      'lifecycle-configuration',
      'backup-policy',
      'mount-targets',
      'mount-targets',
      'wait-mount-targets',
      'access-points',
      'access-points',
      'file-system-policy',
    ]);
    expect(io.messages.at(-1)).toMatchObject({
      code: 'build.succeeded',
      data: { mapping: { targetFileSystemId: twinId } },
    });
    // The audit log carries AWS request IDs.
    const events = await store.events.listEvents(id);
    expect(
      events.some((e) => e.detail?.startsWith('Created encrypted file system') && e.awsRequestIds?.length),
    ).toBe(true);
    // Undo actions for a later rollback, in deletion order.
    expect((await phase.compensation(id)).map((c) => c.operation)).toEqual([
      'DeleteAccessPoint',
      'DeleteAccessPoint',
      'DeleteMountTarget',
      'DeleteMountTarget',
      'DeleteFileSystem',
    ]);
  });

  it('a double request makes one job, and two racing runners one build', async () => {
    const { id } = await decided();
    const [first, second] = await Promise.all([
      phase.requestBuild([id], 'U0ADMIN'),
      phase.requestBuild([id], 'U0OTHER'),
    ]);
    expect(first![0]!.jobId).toBe(second![0]!.jobId);
    expect([first![0]!.created, second![0]!.created].sort()).toEqual([false, true]);
    const reports = await Promise.all([runner('a').tick(), runner('b').tick()]);
    expect(reports.flatMap((r) => r.succeeded)).toHaveLength(1);
    expect(aws.efs.commandCalls(CreateFileSystemCommand)).toHaveLength(1);
    expect(aws.fileSystems.size).toBe(1);
  });

  it('resumes after a crash at mount targets without a second file system', async () => {
    const { id } = await decided();
    aws.failNext.set(
      'CreateMountTarget',
      new SubnetNotFound({
        message: 'The subnet subnet-a does not exist',
        $metadata: { httpStatusCode: 400, requestId: 'req-mt-fail' },
        ErrorCode: 'SubnetNotFound',
      }),
    );
    const [queued] = await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner().tick()).failed).toEqual([queued!.jobId]);

    const failed = await phase.status(id);
    expect(failed).toMatchObject({ state: 'failed', canRetry: true, lastError: { code: 'SubnetNotFound' } });
    expect(failed.job?.lastError).toMatchObject({
      code: 'SubnetNotFound',
      step: 'mount-targets',
      awsRequestId: 'req-mt-fail',
    });
    expect(failed.mapping.targetFileSystemId).toBeDefined();
    expect(io.messages.some((m) => m.code === 'build.failed')).toBe(true);

    // Retry: a new generation; double-clicked Retry gives the same job.
    const [retry, again] = await Promise.all([phase.retry(id, 'U0ADMIN'), phase.retry(id, 'U0ADMIN')]);
    expect(retry.jobId).toBe(again.jobId);
    expect(retry.jobId).toMatch(/^build:2:/);
    const fresh = runner('replica-after-restart');
    expect((await fresh.resume()).succeeded).toEqual([retry.jobId]);
    expect(aws.efs.commandCalls(CreateFileSystemCommand)).toHaveLength(1);
    expect(aws.fileSystems.size).toBe(1);
    const done = await phase.status(id);
    expect(done.state).toBe('target_ready');
    expect(done.mapping.targetFileSystemId).toBe(failed.mapping.targetFileSystemId);
  });

  it('adopts what an unrecorded earlier attempt made: file system by creation token, mount target by AZ, access point by client token', async () => {
    const { id } = await decided();
    // A previous life created everything and crashed before recording any of it.
    const writer = aws.writer();
    const [plan] = await phase.planBuild([id]);
    const fs = await writer.createFileSystem(plan!.createFileSystem);
    clock.advance(5_000);
    await writer.createMountTarget({ FileSystemId: fs.FileSystemId!, ...plan!.mountTargets[0]!.input });
    await writer.createAccessPoint({ FileSystemId: fs.FileSystemId!, ...plan!.accessPoints[0]!.input });
    aws.efs.resetHistory();

    await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner().tick()).succeeded).toHaveLength(1);
    const status = await phase.status(id);
    expect(status.mapping.targetFileSystemId).toBe(fs.FileSystemId);
    expect(aws.fileSystems.size).toBe(1);
    expect(aws.mountTargets.filter((m) => m.FileSystemId === fs.FileSystemId)).toHaveLength(2);
    expect(aws.accessPoints.filter((a) => a.FileSystemId === fs.FileSystemId)).toHaveLength(2);
    expect(aws.efs.commandCalls(CreateMountTargetCommand)).toHaveLength(1);
    const events = await store.events.listEvents(id);
    expect(events.some((e) => e.detail?.startsWith('Adopted encrypted file system'))).toBe(true);
  });

  it('finds the file system by its creation token when FileSystemAlreadyExists names no ID', async () => {
    const { id } = await decided();
    aws.omitExistingId = true;
    const [plan] = await phase.planBuild([id]);
    const made = await aws.writer().createFileSystem(plan!.createFileSystem);
    await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner().tick()).succeeded).toHaveLength(1);
    expect((await phase.status(id)).mapping.targetFileSystemId).toBe(made.FileSystemId);
    expect(aws.fileSystems.size).toBe(1);
  });

  it('records a policy the endpoint cannot take as not copied, and goes on', async () => {
    const { id } = await decided();
    aws.failNext.set(
      'PutBackupPolicy',
      Object.assign(new Error('Unknown operation'), {
        name: 'UnknownOperationException',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner().tick()).succeeded).toHaveLength(1);
    const status = await phase.status(id);
    expect(status.mapping.notCopied.backupPolicy).toMatch(
      /PutBackupPolicy is not supported by this endpoint \(UnknownOperationException\); set backups to ENABLED by hand/,
    );
    expect(io.messages.find((m) => m.code === 'build.not_copied')?.level).toBe('warn');
  });

  it('fails on a modelled AWS error of the same call instead of skipping it', async () => {
    const { id } = await decided();
    aws.failNext.set(
      'PutBackupPolicy',
      Object.assign(new Error('no such file system'), {
        name: 'FileSystemNotFound',
        $metadata: { httpStatusCode: 404, requestId: 'req-bp' },
      }),
    );
    await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner().tick()).failed).toHaveLength(1);
    expect((await phase.status(id)).job?.lastError).toMatchObject({
      code: 'FileSystemNotFound',
      step: 'backup-policy',
      awsRequestId: 'req-bp',
    });
  });

  it('fails clearly before creating anything when the key was disabled after the decision', async () => {
    const { id, fsId } = await decided();
    aws.setKeyState(keyArn, 'Disabled');
    await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner().tick()).failed).toHaveLength(1);
    expect(aws.efs.commandCalls(CreateFileSystemCommand)).toHaveLength(0);
    const status = await phase.status(id);
    expect(status.state).toBe('failed');
    expect(status.lastError?.code).toBe('KeyNotUsable');
    expect(status.lastError?.message).toMatch(/disabled.*enable-key.*Nothing was created for/is);
    expect(status.lastError?.message).toContain(fsId);
    expect(status.mapping.targetFileSystemId).toBeUndefined();
    expect(await phase.compensation(id)).toEqual([]);
  });

  it('refuses to queue what is not decided, all or nothing', async () => {
    const ok = await decided();
    const bare = await store.migrations.createMigration({
      accountId: ACCOUNT,
      region: REGION,
      fileSystemId: 'fs-0ffffffffffffff01',
      actor: 'U1',
    });
    await expect(
      phase.requestBuild([ok.id, bare.id, migrationId(ACCOUNT, REGION, 'fs-0nope')], 'U0ADMIN'),
    ).rejects.toThrow(/Nothing was queued:[\s\S]*no decision yet[\s\S]*was not found/);
    expect(await store.jobs.listJobsForMigration(ok.id)).toEqual([]);
  });

  it('gives up waiting for available within its bound, recording a retryable failure', async () => {
    const { id } = await decided();
    aws.creatingMs = 10 * 60_000;
    await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner().tick()).failed).toHaveLength(1);
    const status = await phase.status(id);
    expect(status.job?.lastError).toMatchObject({ code: 'WaitTimedOut', step: 'wait-file-system' });
    expect(status.canRetry).toBe(true);
    expect(aws.efs.commandCalls(PutFileSystemPolicyCommand)).toHaveLength(0);
  });
});
