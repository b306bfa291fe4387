import {
  DataSyncClient,
  DescribeTaskCommand,
  DescribeTaskExecutionCommand,
  ListLocationsCommand,
  ListTaskExecutionsCommand,
  ListTasksCommand,
  type StartTaskExecutionCommandInput,
} from '@aws-sdk/client-datasync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopyResourceKeys } from '../../../src/domain/copy.ts';
import type { CopyProgress } from '../../../src/domain/copy.ts';
import type { IDataSyncClient } from '../../../src/workflow/copy/index.ts';
import {
  ACCOUNT,
  CLOSED_SOURCE,
  CLOSED_TWIN,
  dyingAfter,
  LEASE_MS,
  REGION,
  SG_NFS,
  SOURCE,
  SUBNET_A,
  TWIN,
  startCopyHarness,
  waitFor,
  type CopyHarness,
} from './copy-fixture.ts';

describe('DataSync copy against the local estate', () => {
  let h: CopyHarness;
  let dataSync: DataSyncClient;

  beforeEach(async () => {
    h = await startCopyHarness();
    dataSync = new DataSyncClient({ region: REGION, maxAttempts: 1 });
  });
  afterEach(async () => {
    dataSync.destroy();
    await h.close();
  });

  const executions = async () => {
    const tasks = (await dataSync.send(new ListTasksCommand({}))).Tasks ?? [];
    const all = await Promise.all(
      tasks.map(
        async (t) =>
          (await dataSync.send(new ListTaskExecutionsCommand({ TaskArn: t.TaskArn }))).TaskExecutions ?? [],
      ),
    );
    return { tasks, executions: all.flat() };
  };
  const progressOf = (jobId: string) =>
    h.io.messages
      .filter((m) => m.code === 'copy.progress' && (m.data as { jobId: string }).jobId === jobId)
      .map((m) => m.data as { executionArn: string; progress: CopyProgress });

  async function copy(id: string, kind: 'initial' | 'incremental' | 'final', owner = 'r1') {
    const queued = await h.phase.startCopy(id, 'U0ADMIN', { kind });
    const report = await h.runner(owner).tick();
    return { queued, report };
  }

  it('initial, incremental and final: locations by ARN in the mount target zone, one Basic task with metadata-keeping options, verified at the end', async () => {
    const id = await h.seed('datasync');
    const { queued, report } = await copy(id, 'initial');
    expect(report.succeeded).toEqual([queued.jobId]);
    expect((await h.phase.status(id)).state).toBe('synced');
    expect(h.server.control.fileSystem(h.ref(TWIN))!.content).toEqual(
      h.server.control.fileSystem(h.ref(SOURCE))!.content,
    );

    const record = (await h.store.migrations.getMigration(id))!;
    const taskArn = record.resources[CopyResourceKeys.taskArn]!;
    const task = await dataSync.send(new DescribeTaskCommand({ TaskArn: taskArn }));
    expect(task).toMatchObject({
      Name: `efs-encrypt ${SOURCE} ${ACCOUNT}:${REGION}`,
      TaskMode: 'BASIC',
      Options: {
        PosixPermissions: 'PRESERVE',
        Uid: 'INT_VALUE',
        Gid: 'INT_VALUE',
        Atime: 'BEST_EFFORT',
        Mtime: 'PRESERVE',
        TransferMode: 'CHANGED',
      },
    });
    const locations = (await dataSync.send(new ListLocationsCommand({}))).Locations ?? [];
    expect(locations.map((l) => l.LocationUri).sort()).toEqual([
      `efs://${REGION}.${SOURCE}/`,
      `efs://${REGION}.${TWIN}/`,
    ]);

    // Progress came from DescribeTaskExecution on the injected clock: counts rise, ETA falls to 0.
    const progress = progressOf(queued.jobId).map((p) => p.progress);
    const transferring = progress.filter((p) => p.phase === 'TRANSFERRING');
    expect(transferring.length).toBeGreaterThan(3);
    expect(transferring.at(-1)!.bytesTransferred).toBeGreaterThan(transferring[0]!.bytesTransferred);
    expect(transferring.at(-1)!.bytesEstimated).toBe(
      h.server.control.fileSystem(h.ref(SOURCE))!.content.bytes,
    );
    expect(transferring.at(-1)!.throughputBytesPerSecond).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ phase: 'SUCCESS', percent: 100, etaMs: 0 });

    // Files written since: the incremental moves only them, with the same task.
    h.server.control.writeFiles(h.ref(SOURCE), { files: 10, bytes: 10_000 });
    const inc = await copy(id, 'incremental');
    expect(inc.report.succeeded).toEqual([inc.queued.jobId]);
    expect(progressOf(inc.queued.jobId).at(-1)!.progress).toMatchObject({
      filesTransferred: 10,
      bytesTransferred: 10_000,
    });

    const final = await copy(id, 'final');
    expect(final.report.succeeded).toEqual([final.queued.jobId]);
    const status = await h.phase.status(id);
    expect(status).toMatchObject({
      state: 'verified',
      verification: expect.stringContaining('point-in-time verification SUCCESS'),
    });
    // An hour later the finished execution still reports its own elapsed time and throughput.
    expect(status.progress?.elapsedMs).toBeGreaterThan(0);
    h.clock.advance(3_600_000);
    expect((await h.phase.status(id)).progress).toEqual(status.progress);
    const migration = (await h.store.migrations.getMigration(id))!;
    expect(migration.facts.verificationClean).toBe(true);
    const { tasks, executions: all } = await executions();
    expect(tasks).toHaveLength(1);
    expect(all).toHaveLength(3);
    expect(h.io.messages.at(-1)).toMatchObject({
      code: 'copy.done',
      data: { migrationId: id, state: 'verified' },
    });
    const events = await h.store.events.listEvents(id);
    expect(events.filter((e) => e.kind === 'transition').map((e) => e.to)).toEqual([
      'copying',
      'synced',
      'copying',
      'synced',
      'final_sync',
      'verified',
    ]);
  });

  it('an execution that fails moves the migration to failed with the error; Retry reuses the task and locations', async () => {
    const id = await h.seed('datasync');
    h.server.control.datasync.failNextExecution({
      phase: 'TRANSFERRING',
      errorCode: 'OpNotSupported',
      errorDetail: 'NFS server refused the write',
    });
    const { report } = await copy(id, 'initial');
    expect(report.failed).toHaveLength(1);
    const failed = await h.phase.status(id);
    expect(failed).toMatchObject({
      state: 'failed',
      canRetry: true,
      actions: ['retry'],
      lastError: { code: 'OpNotSupported', message: expect.stringContaining('NFS server refused the write') },
    });
    expect(h.io.messages.find((m) => m.code === 'copy.failed')).toMatchObject({
      level: 'error',
      data: { canRetry: true },
    });

    const retried = await h.phase.retry(id, 'U0ADMIN');
    expect(retried).toMatchObject({ kind: 'initial', created: true });
    expect(retried.jobId).toMatch(/^copy:2:/);
    expect((await h.runner('r2').tick()).succeeded).toEqual([retried.jobId]);
    expect((await h.phase.status(id)).state).toBe('synced');
    const { tasks, executions: all } = await executions();
    expect(tasks).toHaveLength(1);
    expect(all.map((e) => e.Status)).toEqual(['ERROR', 'SUCCESS']);
    expect((await dataSync.send(new ListLocationsCommand({}))).Locations).toHaveLength(2);
  });

  it('verification errors on the final sync: not verified, a clear message, and Retry verifies', async () => {
    const id = await h.seed('datasync');
    await copy(id, 'initial');
    h.server.control.datasync.verificationErrorsNext(3);
    const { report } = await copy(id, 'final');
    expect(report.failed).toHaveLength(1);
    const status = await h.phase.status(id);
    expect(status.state).toBe('failed');
    expect(status.lastError).toMatchObject({
      code: 'VerificationFailed',
      message: expect.stringMatching(/3 file\(s\) that differ.*not verified/),
    });
    expect((await h.store.migrations.getMigration(id))!.facts.verificationClean).toBe(false);

    await h.phase.retry(id, 'U0ADMIN');
    expect((await h.runner('r2').tick()).succeeded).toHaveLength(1);
    expect((await h.phase.status(id)).state).toBe('verified');
    // Nothing left to retry: said so, instead of answering with the finished job as if queued.
    await expect(h.phase.retry(id, 'U0ADMIN')).rejects.toThrow(
      `${SOURCE} has nothing to retry: its last copy (final sync) succeeded and it is verified. Next: the cutover`,
    );
  });

  it('a restart during a copy resumes polling the stored execution: one execution, progress continues', async () => {
    const id = await h.seed('datasync');
    const queued = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    // The first replica dies once the execution is started and recorded.
    void h.runner('dying', dyingAfter(h.phase.handler, 'start-execution'), { dies: true }).tick();
    await waitFor(async () => (await h.store.jobs.getJob(queued.jobId))?.step === 'start-execution');
    const executionArn = (await h.store.migrations.getMigration(id))!.resources[
      CopyResourceKeys.execution(queued.jobId)
    ];
    expect(executionArn).toMatch(/\/execution\/exec-/);

    const survivor = h.runner('survivor');
    expect((await survivor.resume()).ran).toEqual([]);
    h.clock.advance(LEASE_MS + 1);
    expect((await survivor.tick()).succeeded).toEqual([queued.jobId]);

    expect((await h.phase.status(id)).state).toBe('synced');
    const { executions: all } = await executions();
    expect(all).toHaveLength(1);
    expect(h.server.stats().byOperation['datasync:StartTaskExecution']).toBe(1);
    const progress = progressOf(queued.jobId);
    expect(new Set(progress.map((p) => p.executionArn))).toEqual(new Set([executionArn]));
    expect(progress.some((p) => p.progress.phase === 'TRANSFERRING')).toBe(true);
    expect((await h.store.jobs.getJob(queued.jobId))?.attempts).toBe(2);
  });

  /**
   * The first StartTaskExecution is carried out by DataSync but its answer never arrives: the
   * replica hangs there, as a process killed at that moment would, and records nothing.
   */
  async function loseFirstStartAnswer(): Promise<void> {
    await h.close();
    let lost = false;
    h = await startCopyHarness({
      wrapDataSync: (client) =>
        Object.assign(Object.create(client) as IDataSyncClient, {
          async startTaskExecution(input: StartTaskExecutionCommandInput) {
            const out = await client.startTaskExecution(input);
            if (lost) return out;
            lost = true;
            return new Promise<never>(() => {});
          },
        }),
    });
  }

  /** Queues the copy, lets a replica die with the start's answer lost, then a survivor resumes it. */
  async function dieAfterStartThenResume(id: string) {
    const queued = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
    void h.runner('dying', h.phase.handler, { dies: true }).tick();
    await waitFor(() => h.server.stats().byOperation['datasync:StartTaskExecution'] === 1);
    // The execution runs to its end before the restart (10 GiB at 200 MiB/s: under a minute).
    h.clock.advance(10 * 60_000);
    const report = await h.runner('survivor').tick();
    return { queued, report };
  }

  it('a start whose answer was lost, the execution finished before the restart: adopted and verified, not run twice', async () => {
    await loseFirstStartAnswer();
    const id = await h.seed('datasync');
    const { queued, report } = await dieAfterStartThenResume(id);
    expect(report.succeeded).toEqual([queued.jobId]);
    expect((await h.phase.status(id)).state).toBe('synced');
    const { executions: all } = await executions();
    expect(all.map((e) => e.Status)).toEqual(['SUCCESS']);
    expect(h.server.stats().byOperation['datasync:StartTaskExecution']).toBe(1);
    const record = (await h.store.migrations.getMigration(id))!;
    expect(record.resources[CopyResourceKeys.execution(queued.jobId)]).toBe(all[0]!.TaskExecutionArn);
    expect(record.resources[CopyResourceKeys.latestExecution]).toBe(all[0]!.TaskExecutionArn);
    const events = await h.store.events.listEvents(id);
    expect(events.map((e) => e.detail)).toContainEqual(
      expect.stringMatching(/^Adopted DataSync execution .* \(SUCCESS\), started by an earlier attempt/),
    );
  });

  it('a start whose answer was lost, the execution failed before the restart: the job fails with its error, nothing restarted', async () => {
    await loseFirstStartAnswer();
    const id = await h.seed('datasync');
    h.server.control.datasync.failNextExecution({
      phase: 'TRANSFERRING',
      errorCode: 'OpNotSupported',
      errorDetail: 'NFS server refused the write',
    });
    const { report } = await dieAfterStartThenResume(id);
    expect(report.failed).toHaveLength(1);
    expect(await h.phase.status(id)).toMatchObject({
      state: 'failed',
      lastError: { code: 'OpNotSupported', message: expect.stringContaining('NFS server refused the write') },
    });
    expect((await executions()).executions.map((e) => e.Status)).toEqual(['ERROR']);
    expect(h.server.stats().byOperation['datasync:StartTaskExecution']).toBe(1);
  });

  it("an earlier job's finished execution is never adopted, even when no job recorded it", async () => {
    const id = await h.seed('datasync');
    await copy(id, 'initial');
    // As if the initial copy's record of its execution had been lost: the incremental still starts its own.
    const record = (await h.store.migrations.getMigration(id))!;
    const first = record.resources[CopyResourceKeys.latestExecution]!;
    await h.store.migrations.updateMigration(id, {
      expectedVersion: record.version,
      resources: { [CopyResourceKeys.latestExecution]: '' },
      actor: 'U0ADMIN',
      correlationId: 'test',
      detail: 'test: latest execution forgotten',
    });
    h.clock.advance(60_000);
    const inc = await copy(id, 'incremental');
    expect(inc.report.succeeded).toEqual([inc.queued.jobId]);
    const mine = (await h.store.migrations.getMigration(id))!.resources[
      CopyResourceKeys.execution(inc.queued.jobId)
    ];
    expect(mine).toMatch(/\/execution\/exec-/);
    expect(mine).not.toBe(first);
    expect((await executions()).executions).toHaveLength(2);
  });

  it('a double Final sync request is one job and one execution', async () => {
    const id = await h.seed('datasync');
    await copy(id, 'initial');
    const [a, b] = await Promise.all([
      h.phase.startCopy(id, 'U0ADMIN', { kind: 'final' }),
      h.phase.startCopy(id, 'U0OTHER', { kind: 'final' }),
    ]);
    expect(a.jobId).toBe(b.jobId);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    const reports = await Promise.all([h.runner('r1').tick(), h.runner('r2').tick()]);
    expect(reports.flatMap((r) => r.succeeded)).toEqual([a.jobId]);
    expect((await h.phase.status(id)).state).toBe('verified');
    // A click after it finished answers with the same job.
    expect(await h.phase.startCopy(id, 'U0ADMIN', { kind: 'final' })).toMatchObject({
      jobId: a.jobId,
      created: false,
    });
    expect((await executions()).executions).toHaveLength(2);
  });

  it('no NFS path: says exactly what is missing and creates nothing', async () => {
    const id = await h.seed('datasync', CLOSED_SOURCE, CLOSED_TWIN);
    const { report } = await copy(id, 'initial');
    expect(report.failed).toHaveLength(1);
    const status = await h.phase.status(id);
    expect(status.lastError?.code).toBe('NoNetworkPath');
    expect(status.lastError?.message).toMatch(/admit no TCP 2049 from 10\.6\.0\.0\/24/);
    expect(status.lastError?.message).toContain('Nothing was created');
    expect((await dataSync.send(new ListLocationsCommand({}))).Locations).toEqual([]);
  });

  it('the dry run lists the exact calls with ARNs built from the account, region and IDs', async () => {
    const id = await h.seed('datasync');
    const decision = (await h.store.migrations.getDecision(id))!;
    await h.store.migrations.putDecision(
      id,
      {
        ...decision.decision,
        networkPath: { availabilityZone: 'eu-west-1a', subnetId: SUBNET_A, securityGroupIds: [SG_NFS] },
      },
      decision.version,
    );
    const calls = await h.phase.plan(id, 'final');
    expect(calls.map((c) => c.operation)).toEqual([
      'datasync:CreateLocationEfs',
      'datasync:CreateLocationEfs',
      'datasync:CreateTask',
      'datasync:StartTaskExecution',
      'datasync:DescribeTaskExecution',
    ]);
    expect(calls[0]!.input).toMatchObject({
      EfsFilesystemArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${SOURCE}`,
      Ec2Config: {
        SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${SUBNET_A}`,
        SecurityGroupArns: [`arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${SG_NFS}`],
      },
      InTransitEncryption: 'TLS1_2',
    });
    expect(calls[3]!.input).toMatchObject({
      OverrideOptions: { VerifyMode: 'POINT_IN_TIME_CONSISTENT', PreserveDeletedFiles: 'REMOVE' },
    });
    expect((await dataSync.send(new ListLocationsCommand({}))).Locations).toEqual([]);
  });

  it("carries the decision's bandwidth limit, the log group and the task report into the task and each execution (and the dry run)", async () => {
    await h.close();
    const settings = {
      cloudWatchLogGroupArn: 'arn:aws:logs:{region}:{account}:log-group:/efs-encrypt/datasync',
      taskReport: {
        s3BucketArn: 'arn:aws:s3:::efs-encrypt-evidence',
        subdirectory: 'datasync/{account}',
        bucketAccessRoleArn: 'arn:aws:iam::{account}:role/datasync-reports',
      },
    };
    h = await startCopyHarness({ dataSyncSettings: settings });
    const id = await h.seed('datasync');
    const decided = (await h.store.migrations.getDecision(id))!;
    await h.store.migrations.putDecision(
      id,
      { ...decided.decision, constraints: { bandwidthLimit: '50 MiB/s' } },
      decided.version,
    );
    const logGroup = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/efs-encrypt/datasync`;
    const report = {
      Destination: {
        S3: {
          S3BucketArn: 'arn:aws:s3:::efs-encrypt-evidence',
          Subdirectory: `datasync/${ACCOUNT}`,
          BucketAccessRoleArn: `arn:aws:iam::${ACCOUNT}:role/datasync-reports`,
        },
      },
      OutputType: 'STANDARD',
      ReportLevel: 'SUCCESSES_AND_ERRORS',
    };

    const plan = await h.phase.plan(id, 'initial');
    expect(plan.find((c) => c.operation === 'datasync:CreateTask')!.input).toMatchObject({
      CloudWatchLogGroupArn: logGroup,
      Options: { BytesPerSecond: 50 * 1024 ** 2, LogLevel: 'TRANSFER' },
      TaskReportConfig: report,
    });
    expect(plan.find((c) => c.operation === 'datasync:StartTaskExecution')!.input).toMatchObject({
      OverrideOptions: { BytesPerSecond: 50 * 1024 ** 2 },
      TaskReportConfig: report,
    });

    const { queued, report: ran } = await copy(id, 'initial');
    expect(ran.succeeded).toEqual([queued.jobId]);
    const record = (await h.store.migrations.getMigration(id))!;
    const task = await dataSync.send(
      new DescribeTaskCommand({ TaskArn: record.resources[CopyResourceKeys.taskArn] }),
    );
    expect(task).toMatchObject({
      CloudWatchLogGroupArn: logGroup,
      Options: { BytesPerSecond: 50 * 1024 ** 2, LogLevel: 'TRANSFER' },
      TaskReportConfig: report,
    });
    const execution = await dataSync.send(
      new DescribeTaskExecutionCommand({
        TaskExecutionArn: record.resources[CopyResourceKeys.latestExecution],
      }),
    );
    expect(execution).toMatchObject({
      Options: { BytesPerSecond: 50 * 1024 ** 2, LogLevel: 'TRANSFER' },
      TaskReportConfig: report,
      ReportResult: { Status: 'SUCCESS' },
    });
    // 10 GiB at 50 MiB/s: the transfer took at least 204.8 s of the estate's clock.
    expect(execution.Result!.TransferDuration).toBeGreaterThanOrEqual(204_800);
  });
});
