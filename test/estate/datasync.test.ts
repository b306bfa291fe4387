import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  CancelTaskExecutionCommand,
  CreateLocationEfsCommand,
  CreateTaskCommand,
  DescribeLocationEfsCommand,
  DescribeTaskCommand,
  DescribeTaskExecutionCommand,
  InvalidRequestException,
  ListLocationsCommand,
  ListTagsForResourceCommand,
  ListTaskExecutionsCommand,
  ListTasksCommand,
  StartTaskExecutionCommand,
  type CreateLocationEfsCommandInput,
  type CreateTaskCommandInput,
  type TaskReportConfig,
} from '@aws-sdk/client-datasync';
import { CreateFileSystemCommand, CreateMountTargetCommand } from '@aws-sdk/client-efs';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';
import {
  ACCOUNT,
  KEY,
  REGION,
  SG_CLOSED,
  SG_NFS,
  SOURCE,
  SUBNET_A,
  SUBNET_C,
  startWriteHarness,
  type WriteHarness,
} from './write-fixture.ts';

let h: WriteHarness;
let target: string;
beforeEach(async () => {
  h = await startWriteHarness();
  const fs = await h.efs.send(
    new CreateFileSystemCommand({ CreationToken: 'twin', Encrypted: true, KmsKeyId: KEY }),
  );
  target = fs.FileSystemId!;
  h.advance(DEFAULT_TIMING.fileSystemCreateMs);
  await h.efs.send(
    new CreateMountTargetCommand({ FileSystemId: target, SubnetId: SUBNET_A, SecurityGroups: [SG_NFS] }),
  );
  h.advance(DEFAULT_TIMING.mountTargetCreateMs);
});
afterEach(() => h.server.close());

const fsArn = (id: string) => `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${id}`;
const subnetArn = (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${id}`;
const sgArn = (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${id}`;
const ref = (fileSystemId: string) => ({ accountId: ACCOUNT, region: REGION, fileSystemId });

function location(fs: string, input: Partial<CreateLocationEfsCommandInput> = {}) {
  return h.dataSync.send(
    new CreateLocationEfsCommand({
      EfsFilesystemArn: fsArn(fs),
      Ec2Config: { SubnetArn: subnetArn(SUBNET_A), SecurityGroupArns: [sgArn(SG_NFS)] },
      Subdirectory: '/',
      Tags: [{ Key: 'efs-encrypt:migration', Value: 'm-1' }],
      ...input,
    }),
  );
}

async function task(options: Record<string, string> = {}) {
  const source = await location(SOURCE);
  const destination = await location(target);
  const created = await h.dataSync.send(
    new CreateTaskCommand({
      SourceLocationArn: source.LocationArn,
      DestinationLocationArn: destination.LocationArn,
      Name: 'efs-encrypt m-1',
      Options: {
        VerifyMode: 'POINT_IN_TIME_CONSISTENT',
        PosixPermissions: 'PRESERVE',
        Uid: 'INT_VALUE',
        Gid: 'INT_VALUE',
        Atime: 'BEST_EFFORT',
        Mtime: 'PRESERVE',
        TransferMode: 'CHANGED',
        PreserveDeletedFiles: 'REMOVE',
        ...options,
      },
      TaskMode: 'BASIC',
    }),
  );
  return created.TaskArn!;
}

const describeExecution = (arn: string) =>
  h.dataSync.send(new DescribeTaskExecutionCommand({ TaskExecutionArn: arn }));

/** Starts an execution of the task and moves the clock until it is TRANSFERRING; returns its ARN. */
async function transferring(taskArn: string): Promise<string> {
  const { TaskExecutionArn } = await h.dataSync.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
  while ((await describeExecution(TaskExecutionArn!)).Status !== 'TRANSFERRING') h.advance(100);
  return TaskExecutionArn!;
}

/** Walks the clock through the phases, recording each distinct status. */
async function runToEnd(arn: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 400; i++) {
    const e = await describeExecution(arn);
    if (seen.at(-1) !== e.Status) seen.push(e.Status!);
    if (e.Status === 'SUCCESS' || e.Status === 'ERROR') return seen;
    h.advance(250);
  }
  throw new Error('execution did not finish');
}

describe('locations', () => {
  test('created with ARNs, described and listed with filters and tags', async () => {
    const created = await location(SOURCE, { Subdirectory: '/data' });
    expect(created.LocationArn).toMatch(
      new RegExp(`^arn:aws:datasync:${REGION}:${ACCOUNT}:location/loc-[0-9a-z]{17}$`),
    );
    const described = await h.dataSync.send(
      new DescribeLocationEfsCommand({ LocationArn: created.LocationArn }),
    );
    expect(described).toMatchObject({
      LocationUri: `efs://${REGION}.${SOURCE}/data/`,
      Ec2Config: { SubnetArn: subnetArn(SUBNET_A), SecurityGroupArns: [sgArn(SG_NFS)] },
      InTransitEncryption: 'NONE',
    });
    await location(target);
    const filtered = await h.dataSync.send(
      new ListLocationsCommand({
        Filters: [{ Name: 'LocationUri', Operator: 'Contains', Values: [SOURCE] }],
      }),
    );
    expect(filtered.Locations).toEqual([
      { LocationArn: created.LocationArn, LocationUri: described.LocationUri },
    ]);
    const tags = await h.dataSync.send(new ListTagsForResourceCommand({ ResourceArn: created.LocationArn }));
    expect(tags.Tags).toEqual([{ Key: 'efs-encrypt:migration', Value: 'm-1' }]);
  });

  test.each([
    [
      'a subnet ID instead of an ARN',
      { Ec2Config: { SubnetArn: SUBNET_A, SecurityGroupArns: [sgArn(SG_NFS)] } },
      /takes ARNs/,
    ],
    [
      'a subnet in an AZ without a mount target',
      { Ec2Config: { SubnetArn: subnetArn(SUBNET_C), SecurityGroupArns: [sgArn(SG_NFS)] } },
      /no mount target/,
    ],
    [
      'an access point without TLS',
      {
        AccessPointArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-0123456789abcdef0`,
      },
      /TLS1_2/,
    ],
    ['a role without TLS', { FileSystemAccessRoleArn: `arn:aws:iam::${ACCOUNT}:role/datasync` }, /TLS1_2/],
  ] as const)('refuses %s', async (_name, input, message) => {
    const e = await location(SOURCE, input as Partial<CreateLocationEfsCommandInput>).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InvalidRequestException);
    expect((e as Error).message).toMatch(message);
  });

  test('security groups that do not allow NFS to the mount target fail the access test', async () => {
    await h.efs.send(
      new CreateMountTargetCommand({ FileSystemId: target, SubnetId: SUBNET_C, SecurityGroups: [SG_CLOSED] }),
    );
    h.advance(DEFAULT_TIMING.mountTargetCreateMs);
    const e = location(target, {
      Ec2Config: { SubnetArn: subnetArn(SUBNET_C), SecurityGroupArns: [sgArn(SG_NFS)] },
    });
    await expect(e).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(e).rejects.toThrow(/NFS \(TCP 2049\)/);
  });
});

describe('tasks and executions', () => {
  test('EFS to EFS is Basic mode only; option rules', async () => {
    const source = await location(SOURCE);
    const destination = await location(target);
    const create = (input: object) =>
      h.dataSync.send(
        new CreateTaskCommand({
          SourceLocationArn: source.LocationArn,
          DestinationLocationArn: destination.LocationArn,
          ...input,
        }),
      );
    await expect(create({ TaskMode: 'ENHANCED' })).rejects.toThrow(
      /Enhanced mode does not support Amazon EFS/,
    );
    await expect(
      create({ Options: { PreserveDeletedFiles: 'REMOVE', TransferMode: 'ALL' } }),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(create({ Options: { Atime: 'BEST_EFFORT', Mtime: 'NONE' } })).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    const created = await create({ Name: 'efs-encrypt m-1' });
    const described = await h.dataSync.send(new DescribeTaskCommand({ TaskArn: created.TaskArn }));
    expect(described).toMatchObject({
      Status: 'AVAILABLE',
      TaskMode: 'BASIC',
      Options: { VerifyMode: 'POINT_IN_TIME_CONSISTENT', Uid: 'INT_VALUE' },
    });
    const listed = await h.dataSync.send(
      new ListTasksCommand({
        Filters: [{ Name: 'LocationId', Operator: 'Equals', Values: [source.LocationArn!] }],
      }),
    );
    expect(listed.Tasks!.map((t) => t.TaskArn)).toEqual([created.TaskArn]);
  });

  test('an execution runs through its phases, copies the content, and verifies it', async () => {
    const taskArn = await task();
    const { TaskExecutionArn } = await h.dataSync.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
    const second = h.dataSync.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
    await expect(second).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(second).rejects.toThrow(/only one execution per task/);
    expect(
      (await h.dataSync.send(new DescribeTaskCommand({ TaskArn: taskArn }))).CurrentTaskExecutionArn,
    ).toBe(TaskExecutionArn);

    const statuses = await runToEnd(TaskExecutionArn!);
    expect(statuses).toEqual(['QUEUED', 'LAUNCHING', 'PREPARING', 'TRANSFERRING', 'VERIFYING', 'SUCCESS']);
    const done = await describeExecution(TaskExecutionArn!);
    const source = h.server.control.fileSystem(ref(SOURCE))!.content;
    expect(done).toMatchObject({
      EstimatedFilesToTransfer: source.files,
      EstimatedBytesToTransfer: source.bytes,
      FilesTransferred: source.files,
      BytesTransferred: source.bytes,
      BytesWritten: source.bytes,
      Result: { PrepareStatus: 'SUCCESS', TransferStatus: 'SUCCESS', VerifyStatus: 'SUCCESS' },
    });
    expect(done.EndTime!.getTime()).toBeGreaterThan(done.StartTime!.getTime());
    expect(h.server.control.fileSystem(ref(target))!.content).toEqual(source);
    expect((await h.dataSync.send(new DescribeTaskCommand({ TaskArn: taskArn }))).Status).toBe('AVAILABLE');

    // An incremental run transfers only what changed since.
    h.server.control.writeFiles(ref(SOURCE), { files: 7, bytes: 7000 });
    const again = await h.dataSync.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
    await runToEnd(again.TaskExecutionArn!);
    expect(await describeExecution(again.TaskExecutionArn!)).toMatchObject({
      Status: 'SUCCESS',
      EstimatedFilesToTransfer: 7,
      EstimatedBytesToTransfer: 7000,
    });
    const executions = await h.dataSync.send(new ListTaskExecutionsCommand({ TaskArn: taskArn }));
    expect(executions.TaskExecutions!.map((e) => e.Status)).toEqual(['SUCCESS', 'SUCCESS']);
  });

  test('progress during TRANSFERRING grows with the clock', async () => {
    const execution = await transferring(await task());
    h.advance(5000);
    const early = await describeExecution(execution);
    h.advance(5000);
    const later = await describeExecution(execution);
    expect(early.BytesTransferred!).toBeGreaterThan(0);
    expect(later.BytesTransferred!).toBeGreaterThan(early.BytesTransferred!);
    expect(later.BytesTransferred!).toBeLessThan(later.EstimatedBytesToTransfer!);
  });

  test('control hooks: a failing execution and verification errors', async () => {
    const taskArn = await task();
    h.server.control.datasync.failNextExecution({
      phase: 'TRANSFERRING',
      errorCode: 'SockTlsHandshakeFailure',
      errorDetail: 'TLS handshake failed',
    });
    const failed = await h.dataSync.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
    await runToEnd(failed.TaskExecutionArn!);
    expect(await describeExecution(failed.TaskExecutionArn!)).toMatchObject({
      Status: 'ERROR',
      Result: {
        PrepareStatus: 'SUCCESS',
        TransferStatus: 'ERROR',
        ErrorCode: 'SockTlsHandshakeFailure',
        ErrorDetail: 'TLS handshake failed',
      },
    });

    h.server.control.datasync.verificationErrorsNext(3, taskArn);
    const unverified = await h.dataSync.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
    await runToEnd(unverified.TaskExecutionArn!);
    expect(await describeExecution(unverified.TaskExecutionArn!)).toMatchObject({
      Status: 'ERROR',
      Result: { TransferStatus: 'SUCCESS', VerifyStatus: 'ERROR', ErrorCode: 'VerificationFailure' },
      FilesFailed: { Verify: 3 },
    });
  });

  test('writes during the copy fail point-in-time verification', async () => {
    const execution = await transferring(await task());
    h.server.control.writeFiles(ref(SOURCE), { files: 2, bytes: 100 });
    await runToEnd(execution);
    expect(await describeExecution(execution)).toMatchObject({
      Status: 'ERROR',
      Result: { VerifyStatus: 'ERROR' },
    });
  });

  test('cancel a running execution', async () => {
    const taskArn = await task();
    const { TaskExecutionArn } = await h.dataSync.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
    await h.dataSync.send(new CancelTaskExecutionCommand({ TaskExecutionArn }));
    expect((await describeExecution(TaskExecutionArn!)).Status).toBe('CANCELLING');
    await expect(
      h.dataSync.send(new CancelTaskExecutionCommand({ TaskExecutionArn })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    h.advance(DEFAULT_TIMING.dataSyncCancelMs);
    expect(await describeExecution(TaskExecutionArn!)).toMatchObject({
      Status: 'ERROR',
      Result: { ErrorCode: 'OpCancelled' },
    });
    expect(h.server.control.fileSystem(ref(target))!.content.files).toBe(0);
  });
});

describe('bandwidth limit, CloudWatch logs and task reports', () => {
  const logGroup = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/efs-encrypt/datasync`;
  const report = (role = `arn:aws:iam::${ACCOUNT}:role/datasync-reports`) => ({
    Destination: {
      S3: {
        S3BucketArn: 'arn:aws:s3:::efs-encrypt-evidence',
        Subdirectory: 'datasync/m-1',
        BucketAccessRoleArn: role,
      },
    },
    OutputType: 'STANDARD' as const,
    ReportLevel: 'SUCCESSES_AND_ERRORS' as const,
  });

  async function taskWith(extra: Partial<CreateTaskCommandInput>) {
    const source = await location(SOURCE);
    const destination = await location(target);
    return h.dataSync.send(
      new CreateTaskCommand({
        SourceLocationArn: source.LocationArn,
        DestinationLocationArn: destination.LocationArn,
        TaskMode: 'BASIC',
        ...extra,
      }),
    );
  }

  test('the task keeps and returns its log group, options and report; an execution its report and result', async () => {
    const { TaskArn } = await taskWith({
      CloudWatchLogGroupArn: logGroup,
      Options: { BytesPerSecond: 50 * 1024 ** 2, LogLevel: 'TRANSFER' },
      TaskReportConfig: report(),
    });
    const described = await h.dataSync.send(new DescribeTaskCommand({ TaskArn }));
    expect(described).toMatchObject({
      CloudWatchLogGroupArn: logGroup,
      Options: { BytesPerSecond: 50 * 1024 ** 2, LogLevel: 'TRANSFER' },
      TaskReportConfig: report(),
    });

    // An execution's own report configuration overrides the task's.
    const other = report(`arn:aws:iam::${ACCOUNT}:role/other-reports`);
    const { TaskExecutionArn } = await h.dataSync.send(
      new StartTaskExecutionCommand({
        TaskArn,
        TaskReportConfig: other,
        OverrideOptions: { BytesPerSecond: 1024 ** 3 },
      }),
    );
    const running = await describeExecution(TaskExecutionArn!);
    expect(running).toMatchObject({
      Options: { BytesPerSecond: 1024 ** 3, LogLevel: 'TRANSFER' },
      TaskReportConfig: other,
      ReportResult: { Status: 'PENDING' },
    });
    expect(await runToEnd(TaskExecutionArn!)).toContain('SUCCESS');
    expect((await describeExecution(TaskExecutionArn!)).ReportResult).toEqual({ Status: 'SUCCESS' });
  });

  test('the bandwidth limit sets how long the transfer takes', async () => {
    const limit = 10 * 1024 ** 2;
    const { TaskArn } = await taskWith({ Options: { BytesPerSecond: limit } });
    const arn = await transferring(TaskArn!);
    const bytes = (await describeExecution(arn)).EstimatedBytesToTransfer!;
    expect(bytes).toBeGreaterThan(limit * 10);
    let ms = 0;
    while ((await describeExecution(arn)).Status === 'TRANSFERRING') {
      h.advance(1000);
      ms += 1000;
    }
    // As long as the bytes take at the limit (to the next poll), not the estate's full speed.
    expect(ms).toBeGreaterThanOrEqual(Math.floor((bytes / limit) * 1000));
    expect(ms).toBeLessThanOrEqual(Math.ceil((bytes / limit) * 1000) + 1000);
  });

  test('refuses what DataSync refuses: a foreign or malformed log group, a report without its role, bad values', async () => {
    const refused = (extra: Partial<CreateTaskCommandInput>) =>
      expect(taskWith(extra)).rejects.toBeInstanceOf(InvalidRequestException);
    await refused({ CloudWatchLogGroupArn: 'my-log-group' });
    await refused({ CloudWatchLogGroupArn: `arn:aws:logs:${REGION}:111111111111:log-group:elsewhere` });
    await refused({
      TaskReportConfig: {
        Destination: { S3: { S3BucketArn: 'arn:aws:s3:::b' } },
      } as unknown as TaskReportConfig,
    });
    await refused({ TaskReportConfig: report('datasync-reports') });
    await refused({
      TaskReportConfig: {
        ...report(),
        Destination: { S3: { ...report().Destination.S3, S3BucketArn: 'bucket' } },
      },
    });
    await refused({ Options: { BytesPerSecond: -2 } });
    await expect(
      taskWith({ TaskReportConfig: { ...report(), ReportLevel: 'EVERYTHING' as 'ERRORS_ONLY' } }),
    ).rejects.toThrow(/ReportLevel 'EVERYTHING'/);
  });
});
