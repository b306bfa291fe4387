/**
 * DataSync for EFS-to-EFS copies (JSON 1.1, target prefix FmrsService), with the rules of the
 * DataSync API reference (aws-models/datasync):
 * - CreateLocationEfs: Ec2Config takes a subnet ARN and security group ARNs (1–5); the subnet must be
 *   "in the same VPC as the Amazon EFS file system" and "in the same Availability Zone as at least
 *   one mount target"; "If you specify an access point using AccessPointArn or an IAM role using
 *   FileSystemAccessRoleArn, you must set [InTransitEncryption] to TLS1_2."
 * - CreateTask: Enhanced mode "is currently available for transfers between Amazon S3 locations"
 *   (and other clouds to S3), so EFS to EFS is BASIC only; in Basic mode "If Atime is set to
 *   BEST_EFFORT, Mtime must be set to PRESERVE. If Atime is set to NONE, Mtime must also be NONE";
 *   "If you set [PreserveDeletedFiles] to REMOVE, you can't set TransferMode to ALL."
 * - StartTaskExecution: "For each task, you can only run one task execution at a time."
 * Every refusal is InvalidRequestException (the only client error the model declares).
 * Executions move QUEUED → LAUNCHING → PREPARING → TRANSFERRING → VERIFYING → SUCCESS | ERROR on
 * the estate's timeline; counts come from the file systems' abstract content (content.ts).
 */
import type {
  CancelTaskExecutionRequest,
  CreateLocationEfsRequest,
  CreateLocationEfsResponse,
  CreateTaskRequest,
  CreateTaskResponse,
  DeleteLocationRequest,
  DeleteTaskRequest,
  DescribeLocationEfsRequest,
  DescribeLocationEfsResponse,
  DescribeTaskExecutionRequest,
  DescribeTaskExecutionResponse,
  DescribeTaskRequest,
  DescribeTaskResponse,
  Ec2Config,
  ListLocationsRequest,
  ListLocationsResponse,
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  ListTaskExecutionsRequest,
  ListTaskExecutionsResponse,
  ListTasksRequest,
  ListTasksResponse,
  LocationFilter,
  Options,
  StartTaskExecutionRequest,
  StartTaskExecutionResponse,
  TagListEntry,
  TagResourceRequest,
  TaskExecutionResultDetail,
  TaskExecutionStatus,
  TaskFilter,
  TaskReportConfig,
  UntagResourceRequest,
} from '@aws-sdk/client-datasync';
import { stableHex } from '../ids.ts';
import type { EstateFileSystem } from '../types.ts';
import { AwsApiError } from './api-error.ts';
import { copyContent, differences, type FileSystemContent } from './content.ts';
import { allowsNfs } from './datasync-network.ts';
import { EfsStore } from './efs-store.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { pageOf } from './paging.ts';

export const dataSyncErrors = {
  invalid: (message: string) =>
    new AwsApiError('InvalidRequestException', message, 400, 'Sender', { errorCode: 'InvalidParameters' }),
  throttling: () => new AwsApiError('ThrottlingException', 'Rate exceeded', 400),
  internal: (message: string) => new AwsApiError('InternalException', message, 500),
};

/** DataSync's defaults for Basic mode task options (Options in the DataSync reference). */
export const DEFAULT_OPTIONS: Required<
  Pick<
    Options,
    | 'VerifyMode'
    | 'OverwriteMode'
    | 'Atime'
    | 'Mtime'
    | 'Uid'
    | 'Gid'
    | 'PreserveDeletedFiles'
    | 'PreserveDevices'
    | 'PosixPermissions'
    | 'BytesPerSecond'
    | 'TaskQueueing'
    | 'LogLevel'
    | 'TransferMode'
    | 'ObjectTags'
  >
> = {
  VerifyMode: 'POINT_IN_TIME_CONSISTENT',
  OverwriteMode: 'ALWAYS',
  Atime: 'BEST_EFFORT',
  Mtime: 'PRESERVE',
  Uid: 'INT_VALUE',
  Gid: 'INT_VALUE',
  PreserveDeletedFiles: 'PRESERVE',
  PreserveDevices: 'NONE',
  PosixPermissions: 'PRESERVE',
  BytesPerSecond: -1,
  TaskQueueing: 'ENABLED',
  LogLevel: 'OFF',
  TransferMode: 'CHANGED',
  ObjectTags: 'PRESERVE',
};

interface EfsLocation {
  arn: string;
  accountId: string;
  region: string;
  uri: string;
  fileSystem: { accountId: string; region: string; fileSystemId: string; arn: string };
  subdirectory: string;
  ec2Config: Ec2Config;
  accessPointArn?: string;
  roleArn?: string;
  inTransitEncryption: 'NONE' | 'TLS1_2';
  creationTime: Date;
  tags: TagListEntry[];
}

interface Task {
  arn: string;
  accountId: string;
  region: string;
  name?: string;
  source: EfsLocation;
  destination: EfsLocation;
  options: Options;
  taskMode: 'BASIC';
  creationTime: Date;
  cloudWatchLogGroupArn?: string;
  taskReportConfig?: TaskReportConfig;
  excludes: CreateTaskRequest['Excludes'];
  includes: CreateTaskRequest['Includes'];
  tags: TagListEntry[];
  executions: Execution[];
}

type Phase = 'LAUNCHING' | 'PREPARING' | 'TRANSFERRING' | 'VERIFYING';

export interface ExecutionFailure {
  /** The phase that fails (default TRANSFERRING). */
  phase?: Phase;
  errorCode?: string;
  errorDetail?: string;
}

interface Execution {
  arn: string;
  task: Task;
  options: Options;
  status: TaskExecutionStatus;
  startTime: Date;
  launchTime?: Date;
  endTime?: Date;
  phaseStart: number;
  phaseEnd: number;
  snapshot?: FileSystemContent;
  estimate: { files: number; bytes: number; filesToDelete: number; sourceFiles: number };
  transferred: { files: number; bytes: number; deleted: number; verified: number };
  result: TaskExecutionResultDetail;
  failure?: ExecutionFailure;
  verificationErrors: number;
  /** The execution's own report configuration, else the task's. */
  taskReportConfig?: TaskReportConfig;
  tags: TagListEntry[];
}

/** DataSync hooks of the control surface. */
export interface DataSyncControl {
  /** The next execution started (of `taskArn`, or of any task) fails in `phase`. */
  failNextExecution(failure?: ExecutionFailure & { taskArn?: string }): void;
  /** The next execution's verification finds `files` files that differ (VerifyStatus ERROR). */
  verificationErrorsNext(files?: number, taskArn?: string): void;
}

const RUNNING: TaskExecutionStatus[] = [
  'QUEUED',
  'LAUNCHING',
  'PREPARING',
  'TRANSFERRING',
  'VERIFYING',
  'CANCELLING',
];
const SUBNET_ARN = /^arn:aws[a-z-]*:ec2:([a-z0-9-]*):(\d{12}):subnet\/(subnet-[a-f0-9]+)$/;
const GROUP_ARN = /^arn:aws[a-z-]*:ec2:([a-z0-9-]*):(\d{12}):security-group\/(sg-[a-f0-9]+)$/;
const FS_ARN = /^arn:aws[a-z-]*:elasticfilesystem:([a-z0-9-]+):(\d{12}):file-system\/(fs-[0-9a-f]{8,40})$/;

export class DataSyncService implements DataSyncControl {
  private readonly locations = new Map<string, EfsLocation>();
  private readonly tasks = new Map<string, Task>();
  private readonly store: EfsStore;
  private counter = 0;
  private pendingFailures: (ExecutionFailure & { taskArn?: string })[] = [];
  private pendingVerification: { files: number; taskArn?: string }[] = [];

  constructor(private readonly model: EstateModel) {
    this.store = new EfsStore(model);
  }

  // ---- control hooks ----

  failNextExecution(failure: ExecutionFailure & { taskArn?: string } = {}): void {
    this.pendingFailures.push(failure);
  }

  verificationErrorsNext(files = 1, taskArn?: string): void {
    this.pendingVerification.push({ files, ...(taskArn !== undefined ? { taskArn } : {}) });
  }

  // ---- locations ----

  createLocationEfs(ctx: CallContext, input: CreateLocationEfsRequest): CreateLocationEfsResponse {
    const fsArn = FS_ARN.exec(input.EfsFilesystemArn ?? '');
    if (!fsArn)
      throw dataSyncErrors.invalid(
        `EfsFilesystemArn '${input.EfsFilesystemArn}' is not an EFS file system ARN.`,
      );
    const [, fsRegion, fsAccount, fsId] = fsArn as unknown as [string, string, string, string];
    if (fsRegion !== ctx.region)
      throw dataSyncErrors.invalid(
        `File system ${fsId} is in ${fsRegion}; create the location in that Region.`,
      );
    const fs = this.store
      .fileSystems({ accountId: fsAccount, region: fsRegion })
      .find((f) => f.FileSystemId === fsId);
    if (!fs) throw dataSyncErrors.invalid(`EFS file system ${input.EfsFilesystemArn} was not found.`);
    const ec2 = input.Ec2Config;
    const subnetArn = SUBNET_ARN.exec(ec2?.SubnetArn ?? '');
    if (!subnetArn)
      throw dataSyncErrors.invalid(
        `Ec2Config.SubnetArn '${ec2?.SubnetArn}' is not a subnet ARN (arn:aws:ec2:REGION:ACCOUNT:subnet/subnet-…); DataSync takes ARNs, not IDs.`,
      );
    const region = this.model.region({ accountId: subnetArn[2]!, region: subnetArn[1]! });
    const subnet = region.subnets.find((s) => s.SubnetId === subnetArn[3]);
    if (!subnet) throw dataSyncErrors.invalid(`Subnet ${ec2!.SubnetArn} does not exist.`);
    const groupArns = ec2!.SecurityGroupArns ?? [];
    if (groupArns.length < 1 || groupArns.length > 5)
      throw dataSyncErrors.invalid('Ec2Config.SecurityGroupArns takes 1 to 5 security group ARNs.');
    const groups = groupArns.map((g) => {
      const m = GROUP_ARN.exec(g);
      if (!m)
        throw dataSyncErrors.invalid(
          `'${g}' is not a security group ARN (arn:aws:ec2:REGION:ACCOUNT:security-group/sg-…).`,
        );
      const group = region.securityGroups.find((s) => s.GroupId === m[3]);
      if (!group) throw dataSyncErrors.invalid(`Security group ${g} does not exist.`);
      if (group.VpcId !== subnet.VpcId)
        throw dataSyncErrors.invalid(
          `Security group ${group.GroupId} is in ${group.VpcId}, not the subnet's VPC ${subnet.VpcId}.`,
        );
      return group;
    });
    const targets = fs.MountTargets.filter((m) => m.LifeCycleState === 'available');
    if (targets.length === 0)
      throw dataSyncErrors.invalid(
        `File system ${fsId} has no available mount target; DataSync connects through one.`,
      );
    if (targets[0]!.VpcId !== subnet.VpcId)
      throw dataSyncErrors.invalid(
        `Subnet ${subnet.SubnetId} is in ${subnet.VpcId}; file system ${fsId} has its mount targets in ${targets[0]!.VpcId}.`,
      );
    const local = targets.find((m) => m.AvailabilityZoneName === subnet.AvailabilityZone);
    if (!local)
      throw dataSyncErrors.invalid(
        `Subnet ${subnet.SubnetId} is in ${subnet.AvailabilityZone}, where file system ${fsId} has no mount target (it has them in ${targets.map((m) => m.AvailabilityZoneName).join(', ')}).`,
      );
    const mountTargetGroups = region.securityGroups.filter((g) => local.SecurityGroups.includes(g.GroupId));
    if (
      !allowsNfs(
        mountTargetGroups,
        groups.map((g) => g.GroupId),
        subnet,
      )
    )
      throw dataSyncErrors.invalid(
        `DataSync location access test failed: could not perform 'mount' on ${fsId}: connection timed out. Mount target ${local.MountTargetId} security groups (${local.SecurityGroups.join(', ')}) do not allow NFS (TCP 2049) from ${groups.map((g) => g.GroupId).join(', ')}.`,
      );
    if (
      (input.AccessPointArn !== undefined || input.FileSystemAccessRoleArn !== undefined) &&
      input.InTransitEncryption !== 'TLS1_2'
    )
      throw dataSyncErrors.invalid(
        'InTransitEncryption must be TLS1_2 when AccessPointArn or FileSystemAccessRoleArn is given.',
      );
    if (
      input.AccessPointArn !== undefined &&
      !fs.AccessPoints.some((a) => a.AccessPointArn === input.AccessPointArn)
    )
      throw dataSyncErrors.invalid(`Access point ${input.AccessPointArn} is not an access point of ${fsId}.`);
    const subdirectory = normaliseSubdirectory(input.Subdirectory);
    const arn = `arn:aws:datasync:${ctx.region}:${ctx.accountId}:location/loc-${stableHex(`${ctx.accountId}/${ctx.region}/loc/${this.counter++}`, 17)}`;
    const location: EfsLocation = {
      arn,
      accountId: ctx.accountId,
      region: ctx.region,
      uri: `efs://${fsRegion}.${fsId}${subdirectory}`,
      fileSystem: { accountId: fsAccount, region: fsRegion, fileSystemId: fsId, arn: fs.FileSystemArn },
      subdirectory,
      ec2Config: { SubnetArn: ec2!.SubnetArn!, SecurityGroupArns: [...groupArns] },
      ...(input.AccessPointArn !== undefined ? { accessPointArn: input.AccessPointArn } : {}),
      ...(input.FileSystemAccessRoleArn !== undefined ? { roleArn: input.FileSystemAccessRoleArn } : {}),
      inTransitEncryption: input.InTransitEncryption ?? 'NONE',
      creationTime: this.model.now(),
      tags: checkTags(input.Tags),
    };
    this.locations.set(arn, location);
    return { LocationArn: arn } satisfies CreateLocationEfsResponse;
  }

  describeLocationEfs(ctx: CallContext, input: DescribeLocationEfsRequest): DescribeLocationEfsResponse {
    const l = this.location(ctx, input.LocationArn);
    return {
      LocationArn: l.arn,
      LocationUri: l.uri,
      Ec2Config: {
        SubnetArn: l.ec2Config.SubnetArn,
        SecurityGroupArns: [...(l.ec2Config.SecurityGroupArns ?? [])],
      },
      CreationTime: l.creationTime,
      ...(l.accessPointArn !== undefined ? { AccessPointArn: l.accessPointArn } : {}),
      ...(l.roleArn !== undefined ? { FileSystemAccessRoleArn: l.roleArn } : {}),
      InTransitEncryption: l.inTransitEncryption,
    } satisfies DescribeLocationEfsResponse;
  }

  listLocations(ctx: CallContext, input: ListLocationsRequest): ListLocationsResponse {
    const mine = [...this.locations.values()].filter(
      (l) => l.accountId === ctx.accountId && l.region === ctx.region,
    );
    const filtered = mine.filter((l) =>
      (input.Filters ?? []).every((f: LocationFilter) =>
        matches(
          f.Name === 'LocationUri'
            ? l.uri
            : f.Name === 'LocationType'
              ? 'EFS'
              : String(l.creationTime.getTime() / 1000),
          f.Operator,
          f.Values ?? [],
          f.Name === 'CreationTime',
        ),
      ),
    );
    const page = pageOf(filtered, this.paging(`locations:${JSON.stringify(input.Filters ?? [])}`, input));
    return {
      Locations: page.items.map((l) => ({ LocationArn: l.arn, LocationUri: l.uri })),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies ListLocationsResponse;
  }

  deleteLocation(ctx: CallContext, input: DeleteLocationRequest): void {
    const l = this.location(ctx, input.LocationArn);
    const user = [...this.tasks.values()].find((t) => t.source === l || t.destination === l);
    if (user)
      throw dataSyncErrors.invalid(`Location ${l.arn} is used by task ${user.arn}; delete the task first.`);
    this.locations.delete(l.arn);
  }

  // ---- tasks ----

  createTask(ctx: CallContext, input: CreateTaskRequest): CreateTaskResponse {
    const source = this.location(ctx, input.SourceLocationArn);
    const destination = this.location(ctx, input.DestinationLocationArn);
    if (source === destination)
      throw dataSyncErrors.invalid('The source and destination locations must differ.');
    if (input.TaskMode === 'ENHANCED')
      throw dataSyncErrors.invalid(
        'Enhanced mode does not support Amazon EFS locations; use TaskMode BASIC for EFS to EFS transfers.',
      );
    const options = checkOptions({ ...DEFAULT_OPTIONS, ...input.Options });
    if (input.CloudWatchLogGroupArn !== undefined && !LOG_GROUP_ARN.test(input.CloudWatchLogGroupArn))
      throw dataSyncErrors.invalid(
        `CloudWatchLogGroupArn '${input.CloudWatchLogGroupArn}' is not a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME).`,
      );
    const logGroup = input.CloudWatchLogGroupArn && LOG_GROUP_ARN.exec(input.CloudWatchLogGroupArn);
    if (logGroup && (logGroup[2] !== ctx.region || logGroup[3] !== ctx.accountId))
      throw dataSyncErrors.invalid(
        `Log group ${input.CloudWatchLogGroupArn} is not in the task's account and Region (${ctx.accountId}, ${ctx.region}).`,
      );
    const taskReportConfig = checkTaskReport(input.TaskReportConfig);
    if (input.Name !== undefined && !/^[a-zA-Z0-9\s+=._:@/-]{0,256}$/.test(input.Name))
      throw dataSyncErrors.invalid(
        `Task name '${input.Name}' may use letters, digits, spaces and + = . _ : @ / - only.`,
      );
    const arn = `arn:aws:datasync:${ctx.region}:${ctx.accountId}:task/task-${stableHex(`${ctx.accountId}/${ctx.region}/task/${this.counter++}`, 17)}`;
    this.tasks.set(arn, {
      arn,
      accountId: ctx.accountId,
      region: ctx.region,
      ...(input.Name !== undefined ? { name: input.Name } : {}),
      source,
      destination,
      options,
      taskMode: 'BASIC',
      creationTime: this.model.now(),
      ...(input.CloudWatchLogGroupArn !== undefined
        ? { cloudWatchLogGroupArn: input.CloudWatchLogGroupArn }
        : {}),
      ...(taskReportConfig ? { taskReportConfig } : {}),
      excludes: input.Excludes,
      includes: input.Includes,
      tags: checkTags(input.Tags),
      executions: [],
    });
    return { TaskArn: arn } satisfies CreateTaskResponse;
  }

  describeTask(ctx: CallContext, input: DescribeTaskRequest): DescribeTaskResponse {
    const t = this.task(ctx, input.TaskArn);
    const current = t.executions.at(-1);
    const eni = (l: EfsLocation) => [
      `arn:aws:ec2:${t.region}:${t.accountId}:network-interface/eni-${stableHex(`${t.arn}/${l.arn}`, 17)}`,
    ];
    return {
      TaskArn: t.arn,
      Status: taskStatus(t),
      ...(t.name !== undefined ? { Name: t.name } : {}),
      ...(current ? { CurrentTaskExecutionArn: current.arn } : {}),
      SourceLocationArn: t.source.arn,
      DestinationLocationArn: t.destination.arn,
      ...(t.cloudWatchLogGroupArn !== undefined ? { CloudWatchLogGroupArn: t.cloudWatchLogGroupArn } : {}),
      SourceNetworkInterfaceArns: eni(t.source),
      DestinationNetworkInterfaceArns: eni(t.destination),
      Options: { ...t.options },
      Excludes: t.excludes ?? [],
      Includes: t.includes ?? [],
      CreationTime: t.creationTime,
      ...(t.taskReportConfig ? { TaskReportConfig: structuredClone(t.taskReportConfig) } : {}),
      TaskMode: t.taskMode,
    } satisfies DescribeTaskResponse;
  }

  listTasks(ctx: CallContext, input: ListTasksRequest): ListTasksResponse {
    const mine = [...this.tasks.values()].filter(
      (t) => t.accountId === ctx.accountId && t.region === ctx.region,
    );
    const filtered = mine.filter((t) =>
      (input.Filters ?? []).every((f: TaskFilter) =>
        f.Name === 'LocationId'
          ? [t.source.arn, t.destination.arn].some((arn) => matches(arn, f.Operator, f.Values ?? [], false))
          : matches(String(t.creationTime.getTime() / 1000), f.Operator, f.Values ?? [], true),
      ),
    );
    const page = pageOf(filtered, this.paging(`tasks:${JSON.stringify(input.Filters ?? [])}`, input));
    return {
      Tasks: page.items.map((t) => ({
        TaskArn: t.arn,
        Status: taskStatus(t),
        ...(t.name !== undefined ? { Name: t.name } : {}),
        TaskMode: t.taskMode,
      })),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies ListTasksResponse;
  }

  deleteTask(ctx: CallContext, input: DeleteTaskRequest): void {
    const t = this.task(ctx, input.TaskArn);
    if (t.executions.some((e) => RUNNING.includes(e.status)))
      throw dataSyncErrors.invalid(`Task ${t.arn} has an execution running; cancel it first.`);
    this.tasks.delete(t.arn);
  }

  // ---- executions ----

  startTaskExecution(ctx: CallContext, input: StartTaskExecutionRequest): StartTaskExecutionResponse {
    const task = this.task(ctx, input.TaskArn);
    const running = task.executions.find((e) => RUNNING.includes(e.status));
    // "For each task, you can only run one task execution at a time."
    if (running)
      throw dataSyncErrors.invalid(
        `Task ${task.arn} already has execution ${running.arn} in status ${running.status}; only one execution per task runs at a time.`,
      );
    const options = checkOptions({ ...task.options, ...input.OverrideOptions });
    const taskReportConfig = checkTaskReport(input.TaskReportConfig) ?? task.taskReportConfig;
    const now = this.model.now();
    const arn = `${task.arn}/execution/exec-${stableHex(`${task.arn}/exec/${this.counter++}`, 17)}`;
    const failureAt = this.pendingFailures.findIndex(
      (f) => f.taskArn === undefined || f.taskArn === task.arn,
    );
    const failure = failureAt >= 0 ? this.pendingFailures.splice(failureAt, 1)[0] : undefined;
    const verifyAt = this.pendingVerification.findIndex(
      (f) => f.taskArn === undefined || f.taskArn === task.arn,
    );
    const verificationErrors = verifyAt >= 0 ? this.pendingVerification.splice(verifyAt, 1)[0]!.files : 0;
    const execution: Execution = {
      arn,
      task,
      options,
      status: 'QUEUED',
      startTime: now,
      phaseStart: now.getTime(),
      phaseEnd: now.getTime() + this.model.timing.dataSyncQueuedMs,
      estimate: { files: 0, bytes: 0, filesToDelete: 0, sourceFiles: 0 },
      transferred: { files: 0, bytes: 0, deleted: 0, verified: 0 },
      result: { PrepareStatus: 'PENDING', TransferStatus: 'PENDING', VerifyStatus: 'PENDING' },
      ...(failure ? { failure } : {}),
      verificationErrors,
      ...(taskReportConfig ? { taskReportConfig } : {}),
      tags: checkTags(input.Tags),
    };
    task.executions.push(execution);
    this.model.timeline.at(execution.phaseEnd, (at) => this.launch(execution, at));
    return { TaskExecutionArn: arn } satisfies StartTaskExecutionResponse;
  }

  describeTaskExecution(
    ctx: CallContext,
    input: DescribeTaskExecutionRequest,
  ): DescribeTaskExecutionResponse {
    const e = this.execution(ctx, input.TaskExecutionArn);
    const progress = this.progress(e);
    return {
      TaskExecutionArn: e.arn,
      Status: e.status,
      Options: { ...e.options },
      Excludes: e.task.excludes ?? [],
      Includes: e.task.includes ?? [],
      StartTime: e.startTime,
      ...(e.launchTime ? { LaunchTime: e.launchTime } : {}),
      ...(e.endTime ? { EndTime: e.endTime } : {}),
      EstimatedFilesToTransfer: e.estimate.files,
      EstimatedBytesToTransfer: e.estimate.bytes,
      EstimatedFilesToDelete: e.estimate.filesToDelete,
      FilesTransferred: progress.files,
      BytesWritten: progress.bytes,
      BytesTransferred: progress.bytes,
      BytesCompressed: progress.bytes,
      FilesDeleted: e.transferred.deleted,
      FilesSkipped: 0,
      FilesVerified: e.transferred.verified,
      FilesPrepared: e.estimate.files,
      FilesListed: { AtSource: e.estimate.sourceFiles, AtDestinationForDelete: e.estimate.filesToDelete },
      FilesFailed: {
        Prepare: 0,
        Transfer: 0,
        Verify: e.result.VerifyStatus === 'ERROR' ? e.verificationErrors : 0,
        Delete: 0,
      },
      Result: { ...e.result },
      ...(e.taskReportConfig
        ? {
            TaskReportConfig: structuredClone(e.taskReportConfig),
            // The report is written when the execution ends.
            ReportResult: { Status: e.status === 'SUCCESS' || e.status === 'ERROR' ? 'SUCCESS' : 'PENDING' },
          }
        : {}),
      TaskMode: 'BASIC',
    } satisfies DescribeTaskExecutionResponse;
  }

  /** Files-transferred and bytes so far: linear over the TRANSFERRING phase. */
  private progress(e: Execution): { files: number; bytes: number } {
    if (e.status !== 'TRANSFERRING') return { files: e.transferred.files, bytes: e.transferred.bytes };
    const span = Math.max(1, e.phaseEnd - e.phaseStart);
    const fraction = Math.min(1, Math.max(0, (this.model.now().getTime() - e.phaseStart) / span));
    return { files: Math.floor(e.estimate.files * fraction), bytes: Math.floor(e.estimate.bytes * fraction) };
  }

  cancelTaskExecution(ctx: CallContext, input: CancelTaskExecutionRequest): void {
    const e = this.execution(ctx, input.TaskExecutionArn);
    if (!RUNNING.includes(e.status) || e.status === 'CANCELLING')
      throw dataSyncErrors.invalid(
        `Execution ${e.arn} is ${e.status}; only a running execution can be cancelled.`,
      );
    const progress = this.progress(e);
    e.transferred.files = progress.files;
    e.transferred.bytes = progress.bytes;
    e.status = 'CANCELLING';
    this.model.timeline.at(this.model.now().getTime() + this.model.timing.dataSyncCancelMs, (at) =>
      this.finish(e, at, { ErrorCode: 'OpCancelled', ErrorDetail: 'The task execution was cancelled.' }),
    );
  }

  listTaskExecutions(ctx: CallContext, input: ListTaskExecutionsRequest): ListTaskExecutionsResponse {
    const tasks =
      input.TaskArn !== undefined
        ? [this.task(ctx, input.TaskArn)]
        : [...this.tasks.values()].filter((t) => t.accountId === ctx.accountId && t.region === ctx.region);
    const all = tasks.flatMap((t) => t.executions);
    const page = pageOf(all, this.paging(`executions:${input.TaskArn}`, input));
    return {
      TaskExecutions: page.items.map((e) => ({
        TaskExecutionArn: e.arn,
        Status: e.status,
        TaskMode: 'BASIC',
      })),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies ListTaskExecutionsResponse;
  }

  // ---- tags ----

  tagResource(ctx: CallContext, input: TagResourceRequest): void {
    const target = this.taggable(ctx, input.ResourceArn);
    for (const tag of checkTags(input.Tags)) {
      const existing = target.tags.find((t) => t.Key === tag.Key);
      if (existing) existing.Value = tag.Value;
      else target.tags.push(tag);
    }
  }

  untagResource(ctx: CallContext, input: UntagResourceRequest): void {
    const target = this.taggable(ctx, input.ResourceArn);
    target.tags = target.tags.filter((t) => !(input.Keys ?? []).includes(t.Key ?? ''));
  }

  listTagsForResource(ctx: CallContext, input: ListTagsForResourceRequest): ListTagsForResourceResponse {
    const target = this.taggable(ctx, input.ResourceArn);
    const page = pageOf(target.tags, this.paging(`tags:${input.ResourceArn}`, input));
    return {
      Tags: page.items.map((t) => ({ ...t })),
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
    } satisfies ListTagsForResourceResponse;
  }

  // ---- execution phases on the timeline ----

  private launch(e: Execution, at: Date): void {
    if (e.status !== 'QUEUED') return;
    e.status = 'LAUNCHING';
    e.launchTime = at;
    this.next(e, at, this.model.timing.dataSyncLaunchingMs, (t) => this.prepare(e, t));
  }

  private prepare(e: Execution, at: Date): void {
    if (e.status !== 'LAUNCHING') return;
    if (this.failsIn(e, 'LAUNCHING', at)) return;
    const source = this.fileSystemOf(e.task.source);
    const dest = this.fileSystemOf(e.task.destination);
    if (!source || !dest) {
      this.finish(e, at, {
        ErrorCode: 'InvalidLocation',
        ErrorDetail: `The ${!source ? 'source' : 'destination'} file system no longer exists.`,
      });
      return;
    }
    e.status = 'PREPARING';
    e.snapshot = { batches: [...this.store.content(source).batches] };
    const all = e.options.TransferMode === 'ALL';
    const diff = differences(e.snapshot, all ? { batches: [] } : this.store.content(dest));
    const sourceTotals = e.snapshot.batches.reduce((n, b) => n + b.files, 0);
    e.estimate = {
      files: diff.filesToTransfer,
      bytes: diff.bytesToTransfer,
      filesToDelete: e.options.PreserveDeletedFiles === 'REMOVE' ? diff.filesToDelete : 0,
      sourceFiles: sourceTotals,
    };
    this.next(e, at, this.model.timing.dataSyncPreparingMs, (t) => this.transfer(e, t));
  }

  private transfer(e: Execution, at: Date): void {
    if (e.status !== 'PREPARING') return;
    e.result.PrepareStatus = 'SUCCESS';
    e.result.PrepareDuration = at.getTime() - e.phaseStart;
    if (this.failsIn(e, 'PREPARING', at)) return;
    e.status = 'TRANSFERRING';
    const timing = this.model.timing;
    const rate =
      e.options.BytesPerSecond && e.options.BytesPerSecond > 0
        ? Math.min(e.options.BytesPerSecond, timing.dataSyncBytesPerSecond)
        : timing.dataSyncBytesPerSecond;
    const ms = Math.max(timing.dataSyncMinPhaseMs, Math.ceil((e.estimate.bytes / rate) * 1000));
    this.next(e, at, ms, (t) => this.transferred(e, t));
  }

  private transferred(e: Execution, at: Date): void {
    if (e.status !== 'TRANSFERRING') return;
    const dest = this.fileSystemOf(e.task.destination);
    const protection = dest?.FileSystemProtection?.ReplicationOverwriteProtection;
    if (!dest || protection === 'REPLICATING' || protection === 'DISABLED') {
      e.result.TransferStatus = 'ERROR';
      this.finish(e, at, {
        ErrorCode: 'OpNotSupported',
        ErrorDetail: `Transfer failed: destination ${e.task.destination.fileSystem.fileSystemId} is ${dest ? 'read-only (a replication destination)' : 'gone'}.`,
      });
      return;
    }
    if (this.failsIn(e, 'TRANSFERRING', at)) return;
    this.store.setContent(
      dest,
      copyContent(e.snapshot!, this.store.content(dest), e.options.PreserveDeletedFiles === 'REMOVE'),
      at,
    );
    e.transferred = {
      files: e.estimate.files,
      bytes: e.estimate.bytes,
      deleted: e.estimate.filesToDelete,
      verified: 0,
    };
    e.result.TransferStatus = 'SUCCESS';
    e.result.TransferDuration = at.getTime() - e.phaseStart;
    if (e.options.VerifyMode === 'NONE') {
      e.result.VerifyStatus = 'SUCCESS';
      this.finish(e, at);
      return;
    }
    e.status = 'VERIFYING';
    const timing = this.model.timing;
    const bytes =
      e.options.VerifyMode === 'POINT_IN_TIME_CONSISTENT'
        ? e.snapshot!.batches.reduce((n, b) => n + Math.max(0, b.bytes), 0)
        : e.estimate.bytes;
    const ms = Math.max(
      timing.dataSyncMinPhaseMs,
      Math.ceil((bytes / timing.dataSyncVerifyBytesPerSecond) * 1000),
    );
    this.next(e, at, ms, (t) => this.verified(e, t));
  }

  /**
   * POINT_IN_TIME_CONSISTENT "checks the entire source and destination" at the end: a source that
   * changed during the copy, or a destination that differs, fails verification.
   */
  private verified(e: Execution, at: Date): void {
    if (e.status !== 'VERIFYING') return;
    e.result.VerifyDuration = at.getTime() - e.phaseStart;
    if (this.failsIn(e, 'VERIFYING', at)) return;
    let differing = e.verificationErrors;
    if (e.options.VerifyMode === 'POINT_IN_TIME_CONSISTENT') {
      const source = this.fileSystemOf(e.task.source);
      const dest = this.fileSystemOf(e.task.destination);
      if (source && dest) {
        const diff = differences(this.store.content(source), this.store.content(dest));
        const extra = e.options.PreserveDeletedFiles === 'REMOVE' ? diff.extra : [];
        differing += [...diff.missing, ...extra].reduce((n, b) => n + Math.max(1, Math.abs(b.files)), 0);
      }
    }
    if (differing > 0) {
      e.verificationErrors = differing;
      e.result.VerifyStatus = 'ERROR';
      this.finish(e, at, {
        ErrorCode: 'VerificationFailure',
        ErrorDetail: `Verification failed: ${differing} file(s) differ between source and destination.`,
      });
      return;
    }
    e.transferred.verified = e.estimate.sourceFiles;
    e.result.VerifyStatus = 'SUCCESS';
    this.finish(e, at);
  }

  private failsIn(e: Execution, phase: Phase, at: Date): boolean {
    if (!e.failure || (e.failure.phase ?? 'TRANSFERRING') !== phase) return false;
    if (phase === 'PREPARING') e.result.PrepareStatus = 'ERROR';
    if (phase === 'TRANSFERRING') e.result.TransferStatus = 'ERROR';
    if (phase === 'VERIFYING') e.result.VerifyStatus = 'ERROR';
    this.finish(e, at, {
      ErrorCode: e.failure.errorCode ?? 'InternalError',
      ErrorDetail:
        e.failure.errorDetail ?? `The task execution failed while ${phase.toLowerCase()} (injected).`,
    });
    return true;
  }

  private finish(e: Execution, at: Date, error?: { ErrorCode: string; ErrorDetail: string }): void {
    e.status = error ? 'ERROR' : 'SUCCESS';
    e.endTime = at;
    e.result.TotalDuration = at.getTime() - e.startTime.getTime();
    if (error) {
      e.result.ErrorCode = error.ErrorCode;
      e.result.ErrorDetail = error.ErrorDetail;
    }
  }

  private next(e: Execution, at: Date, ms: number, run: (at: Date) => void): void {
    e.phaseStart = at.getTime();
    e.phaseEnd = at.getTime() + ms;
    this.model.timeline.at(e.phaseEnd, run);
  }

  private fileSystemOf(l: EfsLocation): EstateFileSystem | undefined {
    return this.store.fileSystems(l.fileSystem).find((f) => f.FileSystemId === l.fileSystem.fileSystemId);
  }

  // ---- lookups ----

  private location(ctx: CallContext, arn: string | undefined): EfsLocation {
    const l = this.locations.get(arn ?? '');
    if (!l || l.accountId !== ctx.accountId || l.region !== ctx.region)
      throw dataSyncErrors.invalid(`Location ${arn} is not found.`);
    return l;
  }

  private task(ctx: CallContext, arn: string | undefined): Task {
    const t = this.tasks.get(arn ?? '');
    if (!t || t.accountId !== ctx.accountId || t.region !== ctx.region)
      throw dataSyncErrors.invalid(`Task ${arn} is not found.`);
    return t;
  }

  private execution(ctx: CallContext, arn: string | undefined): Execution {
    const taskArn = (arn ?? '').replace(/\/execution\/.*$/, '');
    const e = this.tasks.get(taskArn)?.executions.find((x) => x.arn === arn);
    if (!e || e.task.accountId !== ctx.accountId || e.task.region !== ctx.region)
      throw dataSyncErrors.invalid(`Task execution ${arn} is not found.`);
    return e;
  }

  private taggable(ctx: CallContext, arn: string | undefined): { tags: TagListEntry[] } {
    if (/:location\//.test(arn ?? '')) return this.location(ctx, arn);
    if (/\/execution\//.test(arn ?? '')) return this.execution(ctx, arn);
    return this.task(ctx, arn);
  }

  private paging(scope: string, input: { NextToken?: string; MaxResults?: number }) {
    return {
      token: input.NextToken,
      limit: input.MaxResults,
      defaultSize: this.model.options.defaultPageSize,
      maxSize: 100,
      scope,
      invalidToken: () => dataSyncErrors.invalid('Invalid NextToken.'),
      invalidLimit: (n: number) => dataSyncErrors.invalid(`MaxResults ${n} must be between 1 and 100.`),
    };
  }
}

function taskStatus(t: Task): DescribeTaskResponse['Status'] {
  const current = t.executions.at(-1);
  if (current?.status === 'QUEUED') return 'QUEUED';
  if (current && RUNNING.includes(current.status)) return 'RUNNING';
  return 'AVAILABLE';
}

// Patterns of the DataSync API model (LogGroupArn, S3BucketArn, IamRoleArn, S3Subdirectory).
const PARTITION = '(aws|aws-cn|aws-us-gov|aws-eusc|aws-iso|aws-iso-b)';
const LOG_GROUP_ARN = new RegExp(
  `^arn:${PARTITION}:logs:([a-z\\-0-9]+):([0-9]{12}):log-group:([^:\\*]*)(:\\*)?$`,
);
const S3_BUCKET_ARN = new RegExp(
  `^arn:${PARTITION}:s3:[a-z\\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\\-.]{1,63}$|^arn:${PARTITION}:s3-outposts:[a-z\\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\\-]{1,63}$|^arn:${PARTITION}:s3:::[a-zA-Z0-9.\\-_]{1,255}$`,
);
const IAM_ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::[0-9]{12}:role/.*$`);
const S3_SUBDIRECTORY = /^[a-zA-Z0-9_\-+./()\p{Zs}]*$/u;

/** TaskReportConfig as DataSync checks it: an S3 destination with a bucket and a role, known enums. */
function checkTaskReport(config: TaskReportConfig | undefined): TaskReportConfig | undefined {
  if (config === undefined) return undefined;
  const s3 = config.Destination?.S3;
  if (!s3?.S3BucketArn || !s3.BucketAccessRoleArn)
    throw dataSyncErrors.invalid(
      'TaskReportConfig.Destination.S3 needs S3BucketArn and BucketAccessRoleArn.',
    );
  if (!S3_BUCKET_ARN.test(s3.S3BucketArn))
    throw dataSyncErrors.invalid(`S3BucketArn '${s3.S3BucketArn}' is not an S3 bucket or access point ARN.`);
  if (!IAM_ROLE_ARN.test(s3.BucketAccessRoleArn))
    throw dataSyncErrors.invalid(`BucketAccessRoleArn '${s3.BucketAccessRoleArn}' is not an IAM role ARN.`);
  if (
    s3.Subdirectory !== undefined &&
    (s3.Subdirectory.length > 4096 || !S3_SUBDIRECTORY.test(s3.Subdirectory))
  )
    throw dataSyncErrors.invalid(
      `Subdirectory '${s3.Subdirectory}' has characters DataSync does not accept.`,
    );
  if (config.OutputType !== undefined && !['SUMMARY_ONLY', 'STANDARD'].includes(config.OutputType))
    throw dataSyncErrors.invalid(`OutputType '${config.OutputType}' must be SUMMARY_ONLY or STANDARD.`);
  if (
    config.ReportLevel !== undefined &&
    !['ERRORS_ONLY', 'SUCCESSES_AND_ERRORS'].includes(config.ReportLevel)
  )
    throw dataSyncErrors.invalid(
      `ReportLevel '${config.ReportLevel}' must be ERRORS_ONLY or SUCCESSES_AND_ERRORS.`,
    );
  return structuredClone(config);
}

/** Basic mode option rules of the DataSync Options reference. */
function checkOptions(options: Options): Options {
  if (options.BytesPerSecond !== undefined && options.BytesPerSecond < -1)
    throw dataSyncErrors.invalid('BytesPerSecond must be -1 (no limit) or more.');
  if (options.LogLevel !== undefined && !['OFF', 'BASIC', 'TRANSFER'].includes(options.LogLevel))
    throw dataSyncErrors.invalid(`LogLevel '${options.LogLevel}' must be OFF, BASIC or TRANSFER.`);
  if (options.Atime === 'BEST_EFFORT' && options.Mtime !== 'PRESERVE')
    throw dataSyncErrors.invalid('Atime BEST_EFFORT needs Mtime PRESERVE.');
  if (options.Atime === 'NONE' && options.Mtime !== 'NONE')
    throw dataSyncErrors.invalid('Atime NONE needs Mtime NONE.');
  if (options.PreserveDeletedFiles === 'REMOVE' && options.TransferMode === 'ALL')
    throw dataSyncErrors.invalid(
      'PreserveDeletedFiles REMOVE cannot be used with TransferMode ALL (DataSync does not scan the destination when it transfers all data).',
    );
  if (options.PreserveDevices === 'PRESERVE')
    throw dataSyncErrors.invalid('PreserveDevices PRESERVE is not supported for Amazon EFS.');
  return options;
}

function checkTags(tags: TagListEntry[] | undefined): TagListEntry[] {
  const list = tags ?? [];
  if (list.length > 50) throw dataSyncErrors.invalid('At most 50 tags.');
  for (const t of list) {
    if (!t.Key || !/^[a-zA-Z0-9\s+=._:/-]{1,256}$/.test(t.Key))
      throw dataSyncErrors.invalid(
        `Tag key '${t.Key}' may use letters, digits, spaces and + = . _ : / - only.`,
      );
    if (t.Value !== undefined && !/^[a-zA-Z0-9\s+=._:@/-]{0,256}$/.test(t.Value))
      throw dataSyncErrors.invalid(
        `Tag value '${t.Value}' may use letters, digits, spaces and + = . _ : @ / - only.`,
      );
  }
  return list.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' }));
}

function normaliseSubdirectory(sub: string | undefined): string {
  if (sub === undefined || sub === '' || sub === '/') return '/';
  if (!/^[a-zA-Z0-9_\-+./()\p{Zs}]*$/u.test(sub))
    throw dataSyncErrors.invalid(`Subdirectory '${sub}' has characters DataSync does not accept.`);
  return `/${sub.replace(/^\/+|\/+$/g, '')}/`;
}

function matches(value: string, operator: string | undefined, values: string[], numeric: boolean): boolean {
  const num = (s: string) => Number(s);
  switch (operator) {
    case 'Equals':
      return values.some((v) => v === value);
    case 'NotEquals':
      return values.every((v) => v !== value);
    case 'In':
      return values.includes(value);
    case 'Contains':
      return values.some((v) => value.includes(v));
    case 'NotContains':
      return values.every((v) => !value.includes(v));
    case 'BeginsWith':
      return values.some((v) => value.startsWith(v));
    case 'LessThan':
    case 'LessThanOrEqual':
    case 'GreaterThan':
    case 'GreaterThanOrEqual': {
      if (!numeric) throw dataSyncErrors.invalid(`Operator ${operator} applies to CreationTime only.`);
      const [a, b] = [num(value), num(values[0] ?? 'NaN')];
      return operator === 'LessThan'
        ? a < b
        : operator === 'LessThanOrEqual'
          ? a <= b
          : operator === 'GreaterThan'
            ? a > b
            : a >= b;
    }
    default:
      throw dataSyncErrors.invalid(`Unknown filter operator ${operator}.`);
  }
}
