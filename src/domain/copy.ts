import type { MigrationMethod } from './migration.ts';
import type { MigrationState } from './migration-state.ts';

/**
 * The copy phase as data: which state each copy moves the migration through, the DataSync and EFS
 * replication calls it makes (the dry run prints them; the workflow sends them), and the progress
 * arithmetic. Pure: no I/O. Inputs use AWS's member names.
 *
 * AWS rules applied here (aws-models/datasync and the DataSync/EFS references):
 * - CreateLocationEfs `Ec2Config` takes a subnet ARN and 1–5 security group ARNs; the subnet must be
 *   in an Availability Zone where the file system has a mount target. `InTransitEncryption` must be
 *   TLS1_2 with an access point or a file system access role; the bot always asks for TLS1_2, so the
 *   data is encrypted on the wire too.
 * - CreateTask: EFS to EFS runs in BASIC mode only (ENHANCED is for S3 transfers); Basic mode
 *   requires Mtime PRESERVE with Atime BEST_EFFORT; REMOVE cannot be combined with TransferMode ALL.
 * - StartTaskExecution: "For each task, you can only run one task execution at a time"; options per
 *   execution go in OverrideOptions.
 */

export const COPY_KINDS = ['initial', 'incremental', 'final'] as const;
export type CopyKind = (typeof COPY_KINDS)[number];

export function isCopyKind(value: unknown): value is CopyKind {
  return typeof value === 'string' && (COPY_KINDS as readonly string[]).includes(value);
}

export const COPY_KIND_LABELS: Record<CopyKind, string> = {
  initial: 'Initial copy',
  incremental: 'Incremental sync',
  final: 'Final sync',
};

/** The state a copy of this kind runs in, and the states it may start from. */
export const COPY_STATES: Record<
  CopyKind,
  { from: MigrationState[]; running: MigrationState; done: MigrationState }
> = {
  initial: { from: ['target_ready'], running: 'copying', done: 'synced' },
  incremental: { from: ['synced'], running: 'copying', done: 'synced' },
  // A final sync that found differences leaves the migration in final_sync; it may run again.
  final: { from: ['synced', 'final_sync'], running: 'final_sync', done: 'verified' },
};

/** The buttons a file system's copy may offer, by what they do (labels are the thread's). */
export type CopyAction =
  'start' | 'sync' | 'final' | 'confirm_writes_stopped' | 'record_initial' | 'record_final' | 'retry';

/**
 * Which copy actions apply to a migration in `state` copied by `method`: the one rule the copy
 * phase's status() and the Slack copy message both use. Nothing while a copy job runs; only Retry
 * after a failed copy that can be retried; otherwise what the state machine allows next (COPY_STATES).
 * EC2 + rsync is run by a person from the runbook, so it offers the passes to record instead.
 */
export function copyActionsFor(
  method: MigrationMethod,
  state: MigrationState,
  options: { jobRunning?: boolean; canRetry?: boolean } = {},
): CopyAction[] {
  if (options.canRetry) return ['retry'];
  if (options.jobRunning) return [];
  if (method === 'rsync') {
    if (state === 'target_ready' || state === 'copying') return ['record_initial'];
    if (state === 'synced' || state === 'final_sync') return ['record_final'];
    return [];
  }
  const final: CopyAction = method === 'replication' ? 'confirm_writes_stopped' : 'final';
  if (state === 'target_ready') return ['start'];
  if (state === 'synced') return ['sync', final];
  if (state === 'final_sync') return [final];
  return [];
}

/** The states a copy job runs in (copying, final_sync): a failure there is the copy's to retry. */
export const COPY_RUNNING_STATES: readonly MigrationState[] = [
  ...new Set(Object.values(COPY_STATES).map((r) => r.running)),
];

/**
 * Whether Retry applies: the migration failed while a copy ran, and the latest copy job failed
 * (a job still open, or one that succeeded, has nothing to retry). The one rule the copy phase's
 * status() and `status`'s next step use.
 */
export function copyCanRetry(
  migration: { state: MigrationState; failedFrom?: MigrationState },
  latestCopyJob: { status: string } | undefined,
): boolean {
  return (
    migration.state === 'failed' &&
    latestCopyJob?.status === 'failed' &&
    migration.failedFrom !== undefined &&
    COPY_RUNNING_STATES.includes(migration.failedFrom)
  );
}

/** The copy kinds the actions start (what Review copy shows the dry run of), in order. */
export function copyKindsOf(actions: readonly CopyAction[]): CopyKind[] {
  const kinds = new Set<CopyKind>();
  for (const a of actions) {
    if (a === 'start') kinds.add('initial');
    if (a === 'sync') kinds.add('incremental');
    if (a === 'final' || a === 'confirm_writes_stopped') kinds.add('final');
  }
  return COPY_KINDS.filter((k) => kinds.has(k));
}

/** Why a copy of `kind` cannot start from `state`, or undefined when it can. */
export function copyStartProblem(
  kind: CopyKind,
  state: MigrationState,
  fileSystemId: string,
): string | undefined {
  const rule = COPY_STATES[kind];
  if (rule.from.includes(state)) return undefined;
  const hint: Record<CopyKind, string> = {
    initial: 'the encrypted twin must be built and validated first (target_ready)',
    incremental: 'run the initial copy first; an incremental sync follows a finished copy (synced)',
    final: 'the final sync follows a finished copy (synced)',
  };
  return `${fileSystemId} is ${state}; ${COPY_KIND_LABELS[kind].toLowerCase()} cannot start: ${hint[kind]}.`;
}

/** Keys of what the copy records in the migration's resources. */
export const CopyResourceKeys = {
  /** The copy kind requested for job generation N (the job record carries no payload). */
  request: (generation: number) => `copyRequest:${generation}`,
  /** Set with the transition that finished job generation N: a resumed job knows it is done. */
  done: (generation: number) => `copyDone:${generation}`,
  sourceLocationArn: 'dataSyncSourceLocationArn',
  destinationLocationArn: 'dataSyncDestinationLocationArn',
  taskArn: 'dataSyncTaskArn',
  /** The execution a copy job started or adopted: a restarted job resumes polling it. */
  execution: (jobId: string) => `dataSyncExecution:${jobId}`,
  /** The latest execution of any job, for status. */
  latestExecution: 'dataSyncExecutionArn',
  replicationDestination: 'replicationDestinationFileSystemId',
  /** ISO time the person confirmed writes stopped (replication's final sync waits past it). */
  writesStoppedAt: 'writesStoppedAt',
  /** ISO time of the request of an incremental replication sync: it waits for a sync after it. */
  syncRequestedAt: (generation: number) => `replicationSyncRequestedAt:${generation}`,
  lastReplicatedTimestamp: 'replicationLastReplicatedTimestamp',
  /** The summary of the latest verification, as one line. */
  verification: 'verification',
  /** EC2 + rsync: the one-time nonce of the latest runbook's verify.sh (a new runbook replaces it). */
  rsyncVerifyNonce: 'rsyncVerifyNonce',
  /** EC2 + rsync: the nonce of the last recorded verify.sh summary: it is not accepted again. */
  rsyncVerifyNonceUsed: 'rsyncVerifyNonceUsed',
  /** SHA-256 of the summary recorded with that nonce: the same summary again is a double submission. */
  rsyncVerifySummarySha256: 'rsyncVerifySummarySha256',
} as const;

/** Tag keys on the DataSync locations and task (DataSync tag keys allow `:`). */
export const DATASYNC_TAGS = {
  migrationId: 'efs-encrypt:migration-id',
  role: 'efs-encrypt:location-role',
} as const;

export interface Tag {
  Key: string;
  Value: string;
}

export interface DataSyncTaskOptions {
  VerifyMode: 'POINT_IN_TIME_CONSISTENT' | 'ONLY_FILES_TRANSFERRED';
  OverwriteMode: 'ALWAYS';
  Atime: 'BEST_EFFORT';
  Mtime: 'PRESERVE';
  Uid: 'INT_VALUE';
  Gid: 'INT_VALUE';
  PreserveDeletedFiles: 'PRESERVE' | 'REMOVE';
  PreserveDevices: 'NONE';
  PosixPermissions: 'PRESERVE';
  TransferMode: 'CHANGED';
  TaskQueueing: 'ENABLED';
  /** The decision's bandwidth limit; absent: DataSync's default (-1, as fast as it can). */
  BytesPerSecond?: number;
  /** TRANSFER when a CloudWatch log group is configured: every file transferred and verified is logged. */
  LogLevel?: 'TRANSFER';
}

/**
 * Site-wide DataSync settings (src/config.ts). `{account}` and `{region}` in an ARN stand for the
 * migration's account and region, so one setting serves tasks in every account: a task's log
 * group must be in its own account and region.
 */
export interface DataSyncSettings {
  cloudWatchLogGroupArn?: string;
  /** Where DataSync writes a task report of every execution, and the role it uploads it with. */
  taskReport?: { s3BucketArn: string; subdirectory?: string; bucketAccessRoleArn: string };
}

/** What one migration's DataSync calls add to the defaults: the site settings and its bandwidth limit. */
export interface DataSyncExtras extends DataSyncSettings {
  bytesPerSecond?: number;
}

const forMigration = (arn: string, m: { accountId: string; region: string }) =>
  arn.replaceAll('{account}', m.accountId).replaceAll('{region}', m.region);

export function dataSyncExtrasFor(
  settings: DataSyncSettings | undefined,
  migration: { accountId: string; region: string },
  bytesPerSecond: number | undefined,
): DataSyncExtras {
  const report = settings?.taskReport;
  return {
    ...(settings?.cloudWatchLogGroupArn
      ? { cloudWatchLogGroupArn: forMigration(settings.cloudWatchLogGroupArn, migration) }
      : {}),
    ...(report
      ? {
          taskReport: {
            s3BucketArn: report.s3BucketArn,
            ...(report.subdirectory ? { subdirectory: forMigration(report.subdirectory, migration) } : {}),
            bucketAccessRoleArn: forMigration(report.bucketAccessRoleArn, migration),
          },
        }
      : {}),
    ...(bytesPerSecond !== undefined ? { bytesPerSecond } : {}),
  };
}

export interface TaskReportConfigInput {
  Destination: { S3: { S3BucketArn: string; Subdirectory?: string; BucketAccessRoleArn: string } };
  OutputType: 'STANDARD';
  ReportLevel: 'SUCCESSES_AND_ERRORS';
}

/**
 * A STANDARD report of successes and errors: the full list of what was transferred, verified,
 * skipped and deleted, kept in S3 as the copy's evidence (DataSync "task reports").
 */
export function taskReportConfigOf(extras: DataSyncExtras): TaskReportConfigInput | undefined {
  const r = extras.taskReport;
  if (!r) return undefined;
  return {
    Destination: {
      S3: {
        S3BucketArn: r.s3BucketArn,
        ...(r.subdirectory ? { Subdirectory: r.subdirectory } : {}),
        BucketAccessRoleArn: r.bucketAccessRoleArn,
      },
    },
    OutputType: 'STANDARD',
    ReportLevel: 'SUCCESSES_AND_ERRORS',
  };
}

/**
 * Options that keep data and metadata: POSIX permissions, numeric owners, mtime (and atime as far
 * as possible), only changed files. Initial and incremental passes verify what they transferred and
 * keep files deleted at the source (the source is still live); the final pass, with writes stopped,
 * removes them and verifies the whole of both file systems at the end.
 */
export function dataSyncOptionsFor(kind: CopyKind, extras: DataSyncExtras = {}): DataSyncTaskOptions {
  const final = kind === 'final';
  return {
    VerifyMode: final ? 'POINT_IN_TIME_CONSISTENT' : 'ONLY_FILES_TRANSFERRED',
    OverwriteMode: 'ALWAYS',
    Atime: 'BEST_EFFORT',
    Mtime: 'PRESERVE',
    Uid: 'INT_VALUE',
    Gid: 'INT_VALUE',
    PreserveDeletedFiles: final ? 'REMOVE' : 'PRESERVE',
    // Devices and special files are not supported for EFS locations.
    PreserveDevices: 'NONE',
    PosixPermissions: 'PRESERVE',
    TransferMode: 'CHANGED',
    TaskQueueing: 'ENABLED',
    // A limit keeps the copy from draining a bursting source's credits (and its clients' throughput).
    ...(extras.bytesPerSecond !== undefined ? { BytesPerSecond: extras.bytesPerSecond } : {}),
    ...(extras.cloudWatchLogGroupArn ? { LogLevel: 'TRANSFER' as const } : {}),
  };
}

/** StartTaskExecution's input: the kind's options, and the report (so a task made before the setting gets it too). */
export function startExecutionInput(
  taskArn: string,
  kind: CopyKind,
  extras: DataSyncExtras = {},
): { TaskArn: string; OverrideOptions: DataSyncTaskOptions; TaskReportConfig?: TaskReportConfigInput } {
  const report = taskReportConfigOf(extras);
  return {
    TaskArn: taskArn,
    OverrideOptions: dataSyncOptionsFor(kind, extras),
    ...(report ? { TaskReportConfig: report } : {}),
  };
}

export interface DataSyncNetwork {
  accountId: string;
  region: string;
  subnetId: string;
  securityGroupIds: string[];
}

export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export const subnetArn = (n: { accountId: string; region: string }, subnetId: string) =>
  `arn:${partitionOfRegion(n.region)}:ec2:${n.region}:${n.accountId}:subnet/${subnetId}`;
export const securityGroupArn = (n: { accountId: string; region: string }, groupId: string) =>
  `arn:${partitionOfRegion(n.region)}:ec2:${n.region}:${n.accountId}:security-group/${groupId}`;
export const efsFileSystemArn = (n: { accountId: string; region: string }, fileSystemId: string) =>
  `arn:${partitionOfRegion(n.region)}:elasticfilesystem:${n.region}:${n.accountId}:file-system/${fileSystemId}`;

/** The task's name: DataSync names allow letters, digits, spaces and `+ = . _ : @ / -`. */
export function dataSyncTaskName(m: { accountId: string; region: string; fileSystemId: string }): string {
  return `efs-encrypt ${m.fileSystemId} ${m.accountId}:${m.region}`;
}

export function dataSyncTags(
  m: { accountId: string; region: string; fileSystemId: string },
  role?: 'source' | 'destination',
): Tag[] {
  return [
    { Key: DATASYNC_TAGS.migrationId, Value: `${m.accountId}:${m.region}:${m.fileSystemId}` },
    ...(role ? [{ Key: DATASYNC_TAGS.role, Value: role }] : []),
    { Key: 'Name', Value: role ? `efs-encrypt ${m.fileSystemId} ${role}` : dataSyncTaskName(m) },
  ];
}

export interface EfsLocationInput {
  EfsFilesystemArn: string;
  Subdirectory: '/';
  Ec2Config: { SubnetArn: string; SecurityGroupArns: string[] };
  InTransitEncryption: 'TLS1_2';
  Tags: Tag[];
}

export function efsLocationInput(
  migration: { accountId: string; region: string; fileSystemId: string },
  fileSystemId: string,
  role: 'source' | 'destination',
  network: DataSyncNetwork,
): EfsLocationInput {
  return {
    EfsFilesystemArn: efsFileSystemArn(migration, fileSystemId),
    Subdirectory: '/',
    Ec2Config: {
      SubnetArn: subnetArn(network, network.subnetId),
      SecurityGroupArns: network.securityGroupIds.slice(0, 5).map((g) => securityGroupArn(network, g)),
    },
    InTransitEncryption: 'TLS1_2',
    Tags: dataSyncTags(migration, role),
  };
}

export interface CreateTaskInput {
  SourceLocationArn: string;
  DestinationLocationArn: string;
  Name: string;
  Options: DataSyncTaskOptions;
  TaskMode: 'BASIC';
  Tags: Tag[];
  CloudWatchLogGroupArn?: string;
  TaskReportConfig?: TaskReportConfigInput;
}

export function createTaskInput(
  migration: { accountId: string; region: string; fileSystemId: string },
  locations: { source: string; destination: string },
  extras: DataSyncExtras = {},
): CreateTaskInput {
  const report = taskReportConfigOf(extras);
  return {
    SourceLocationArn: locations.source,
    DestinationLocationArn: locations.destination,
    Name: dataSyncTaskName(migration),
    Options: dataSyncOptionsFor('initial', extras),
    TaskMode: 'BASIC',
    Tags: dataSyncTags(migration),
    ...(extras.cloudWatchLogGroupArn ? { CloudWatchLogGroupArn: extras.cloudWatchLogGroupArn } : {}),
    ...(report ? { TaskReportConfig: report } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------------

/** What DescribeTaskExecution reports, by AWS's member names. */
export interface ExecutionReport {
  Status?: string;
  StartTime?: Date;
  LaunchTime?: Date;
  /** When the execution ended (SUCCESS or ERROR); absent while it runs. */
  EndTime?: Date;
  EstimatedFilesToTransfer?: number;
  EstimatedBytesToTransfer?: number;
  FilesTransferred?: number;
  BytesTransferred?: number;
  FilesVerified?: number;
  Result?: {
    TransferStatus?: string;
    VerifyStatus?: string;
    ErrorCode?: string;
    ErrorDetail?: string;
    /** Milliseconds the execution ran, from StartTime to its end. */
    TotalDuration?: number;
  };
}

/** Statuses after which an execution changes no more. */
const FINISHED_STATUSES = ['SUCCESS', 'ERROR'];

/**
 * When a finished execution ended, by its own record: EndTime, else StartTime + TotalDuration;
 * undefined while it runs (or when AWS gave neither). A finished copy's elapsed time and
 * throughput are measured to this instant, not to whenever someone asks, so they stay fixed.
 */
export function executionEndOf(e: ExecutionReport): Date | undefined {
  if (!FINISHED_STATUSES.includes(e.Status ?? '')) return undefined;
  if (e.EndTime) return e.EndTime;
  if (e.StartTime && e.Result?.TotalDuration !== undefined)
    return new Date(e.StartTime.getTime() + e.Result.TotalDuration);
  return undefined;
}

export interface CopyProgress {
  phase: string;
  filesTransferred: number;
  filesEstimated: number;
  bytesTransferred: number;
  bytesEstimated: number;
  /** Bytes per second from launch to now (to the end, once finished); undefined before any byte moved. */
  throughputBytesPerSecond?: number;
  elapsedMs: number;
  /** Time left at the current throughput; 0 once the transfer finished; undefined when unknown. */
  etaMs?: number;
  /** 0..100 of the bytes estimate (files when there are no bytes). */
  percent: number;
}

/**
 * Progress of an execution as seen at `now`. A finished execution is measured to its own end
 * (executionEndOf), so asking later gives the same elapsed time and throughput.
 */
export function copyProgressOf(e: ExecutionReport, now: Date): CopyProgress {
  const end = executionEndOf(e);
  const until = end ?? now;
  const bytesTransferred = Math.max(0, e.BytesTransferred ?? 0);
  const bytesEstimated = Math.max(0, e.EstimatedBytesToTransfer ?? 0);
  const filesTransferred = Math.max(0, e.FilesTransferred ?? 0);
  const filesEstimated = Math.max(0, e.EstimatedFilesToTransfer ?? 0);
  const elapsedMs =
    end && e.Result?.TotalDuration !== undefined
      ? e.Result.TotalDuration
      : e.StartTime
        ? Math.max(0, until.getTime() - e.StartTime.getTime())
        : 0;
  const movingSince = e.LaunchTime ?? e.StartTime;
  const movingMs = movingSince ? until.getTime() - movingSince.getTime() : 0;
  const throughput = bytesTransferred > 0 && movingMs > 0 ? (bytesTransferred * 1000) / movingMs : undefined;
  const transferDone =
    e.Result?.TransferStatus === 'SUCCESS' || e.Status === 'VERIFYING' || e.Status === 'SUCCESS';
  const left = Math.max(0, bytesEstimated - bytesTransferred);
  const etaMs = transferDone ? 0 : throughput ? Math.round((left / throughput) * 1000) : undefined;
  const percent = transferDone
    ? 100
    : bytesEstimated > 0
      ? Math.min(100, Math.floor((bytesTransferred / bytesEstimated) * 100))
      : filesEstimated > 0
        ? Math.min(100, Math.floor((filesTransferred / filesEstimated) * 100))
        : 0;
  return {
    phase: e.Status ?? 'UNKNOWN',
    filesTransferred,
    filesEstimated,
    bytesTransferred,
    bytesEstimated,
    ...(throughput !== undefined ? { throughputBytesPerSecond: Math.round(throughput) } : {}),
    elapsedMs,
    ...(etaMs !== undefined ? { etaMs } : {}),
    percent,
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${sec}s` : `${sec}s`;
}

/** One line, e.g. `TRANSFERRING 42%: 1,200 of 3,000 files, 4.0 GiB of 9.5 GiB, 200.0 MiB/s, elapsed 25s, ETA 29s`. */
export function formatCopyProgress(p: CopyProgress): string {
  const parts = [
    `${p.filesTransferred.toLocaleString('en')} of ${p.filesEstimated.toLocaleString('en')} files`,
    `${formatBytes(p.bytesTransferred)} of ${formatBytes(p.bytesEstimated)}`,
    ...(p.throughputBytesPerSecond !== undefined ? [`${formatBytes(p.throughputBytesPerSecond)}/s`] : []),
    `elapsed ${formatDuration(p.elapsedMs)}`,
    `ETA ${p.etaMs === undefined ? 'unknown' : formatDuration(p.etaMs)}`,
  ];
  return `${p.phase} ${p.percent}%: ${parts.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// Progress samples: what a running copy last reported, kept for `status`
// ---------------------------------------------------------------------------------------------

/**
 * The latest progress of a running copy job as the store keeps it (one per migration, replaced by
 * newer samples), so `status` can say how far a copy is without calling AWS. Advisory: the copy
 * job writes it at a bounded rate and never fails because a write did not land.
 */
export type CopyProgressSample = CopyProgressSampleBase & CopyProgressReading;

/** What one poll of a copy method saw: a DataSync execution, or the replication's destination. */
export type CopyProgressReading =
  | { method: 'datasync'; executionArn: string; progress: CopyProgress }
  | {
      method: 'replication';
      destinationFileSystemId: string;
      /** The destination's Status (ENABLING, ENABLED, …). */
      status: string;
      lastReplicatedTimestamp?: string;
      /** What the job waits for, e.g. `a sync after 2026-06-01T09:00:00.000Z`. */
      waitingFor: string;
      elapsedMs: number;
    };

export interface CopyProgressSampleBase {
  /** The copy job that sampled it: status ignores a sample of an earlier job. */
  jobId: string;
  kind: CopyKind;
  /** ISO time of the poll the sample came from. */
  sampledAt: string;
  /**
   * Older than this, the sample is stale: the job would have written a newer one by then (its
   * write interval plus a few polls), so it has stopped sampling (a crash, a lost lease, a hang).
   */
  staleAfterMs: number;
}

/** `10:42 UTC`, or `2026-06-01 10:42 UTC` when not on `now`'s (UTC) day. */
export function utcTimeOfDay(at: Date, now: Date): string {
  const iso = at.toISOString();
  const day = iso.slice(0, 10);
  const time = `${iso.slice(11, 16)} UTC`;
  return day === now.toISOString().slice(0, 10) ? time : `${day} ${time}`;
}

/** How old the sample is at `now`, and whether that is older than the job would leave it. */
export function progressSampleAge(sample: CopyProgressSample, now: Date): { ageMs: number; stale: boolean } {
  const ageMs = Math.max(0, now.getTime() - new Date(sample.sampledAt).getTime());
  return { ageMs, stale: ageMs > sample.staleAfterMs };
}

/**
 * One line for `status`, e.g. `DataSync TRANSFERRING: 42% (4.2 GiB of 10.0 GiB, 1,234 of 3,000
 * files), ETA 12m 0s (about 10:54 UTC), as of 10:42 UTC`; a stale sample says how old it is.
 */
export function formatProgressSample(sample: CopyProgressSample, now: Date): string {
  const at = new Date(sample.sampledAt);
  const { ageMs, stale } = progressSampleAge(sample, now);
  const asOf = `as of ${utcTimeOfDay(at, now)}${
    stale ? ` (${formatDuration(ageMs)} ago; no newer sample, so the copy job may have stopped)` : ''
  }`;
  if (sample.method === 'replication') {
    const last = sample.lastReplicatedTimestamp
      ? `last synced ${sample.lastReplicatedTimestamp}`
      : 'not synced yet';
    return `Replication ${sample.status}: ${last}, waiting for ${sample.waitingFor}, ${asOf}`;
  }
  const p = sample.progress;
  const eta =
    p.etaMs === undefined
      ? 'ETA unknown'
      : p.etaMs === 0
        ? 'transfer done'
        : `ETA ${formatDuration(p.etaMs)} (about ${utcTimeOfDay(new Date(at.getTime() + p.etaMs), now)})`;
  return `DataSync ${p.phase}: ${p.percent}% (${formatBytes(p.bytesTransferred)} of ${formatBytes(p.bytesEstimated)}, ${p.filesTransferred.toLocaleString('en')} of ${p.filesEstimated.toLocaleString('en')} files), ${eta}, ${asOf}`;
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

export interface DataSyncVerdict {
  /** Only a SUCCESS execution whose verification reported SUCCESS is clean. */
  clean: boolean;
  problem?: string;
}

/** Whether a finished DataSync execution proves the copy (VerifyStatus SUCCESS on SUCCESS). */
export function dataSyncVerdict(e: ExecutionReport & { FilesFailed?: { Verify?: number } }): DataSyncVerdict {
  if (e.Status === 'SUCCESS' && e.Result?.VerifyStatus === 'SUCCESS') return { clean: true };
  if (e.Result?.VerifyStatus === 'ERROR') {
    const n = e.FilesFailed?.Verify;
    return {
      clean: false,
      problem: `DataSync verification found ${n ? `${n} file(s)` : 'files'} that differ between source and twin${e.Result.ErrorDetail ? ` (${e.Result.ErrorDetail})` : ''}. The copy is not verified: make sure nothing writes to the source, then run the final sync again.`,
    };
  }
  return {
    clean: false,
    problem: `The execution ended ${e.Status ?? 'unknown'} with verification ${e.Result?.VerifyStatus ?? 'unknown'}; not verified.`,
  };
}

/**
 * What EFS replication does not carry, as the EFS user guide says:
 * - "EFS replication does not support sockets and named pipes, or FIFOs, and does not replicate
 *   them to the destination file system" (Amazon EFS replication);
 * - after the configuration is deleted "Amazon EFS might write some data to a lost+found directory
 *   in the root directory of the destination file system", named
 *   `efs-replication-lost+found-<source file system ID>-<TIMESTAMP>` (Deleting replication configurations).
 */
export function replicationNotCarried(sourceFileSystemId: string): string[] {
  return [
    'Sockets and named pipes (FIFOs) are not replicated: recreate any the applications need on the twin.',
    `EFS may leave a directory efs-replication-lost+found-${sourceFileSystemId}-<timestamp> at the twin's root after the replication is deleted: inspect it, then remove it.`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Dry run
// ---------------------------------------------------------------------------------------------

export interface PlannedCopyCall {
  operation: string;
  input: Record<string, unknown>;
  /** Why the call is made, or when it is skipped. */
  note?: string;
}

export interface CopyPlanInput {
  migration: { accountId: string; region: string; fileSystemId: string };
  method: MigrationMethod;
  kind: CopyKind;
  twinFileSystemId: string;
  /** For DataSync; undefined when the decision recorded none (the copy checks it first). */
  network?: DataSyncNetwork;
  /** ARNs already recorded, which the copy reuses instead of creating. */
  recorded?: { sourceLocationArn?: string; destinationLocationArn?: string; taskArn?: string };
  /** DataSync: the bandwidth limit, log group and task report the calls carry. */
  extras?: DataSyncExtras;
}

/** The exact calls a copy would make, in order; `<…>` stands for what is known only once made. */
export function planCopyCalls(p: CopyPlanInput): PlannedCopyCall[] {
  const m = p.migration;
  if (p.method === 'rsync')
    return [
      {
        operation: 'none',
        input: {},
        note: 'EC2 + rsync runs from the runbook; the bot records what verify.sh reports.',
      },
    ];
  if (p.method === 'replication') {
    if (p.kind === 'initial')
      return [
        {
          operation: 'efs:UpdateFileSystemProtection',
          input: { FileSystemId: p.twinFileSystemId, ReplicationOverwriteProtection: 'DISABLED' },
          note: 'the twin becomes a replication destination (read-only while replicating)',
        },
        {
          operation: 'efs:CreateReplicationConfiguration',
          input: {
            SourceFileSystemId: m.fileSystemId,
            Destinations: [{ FileSystemId: p.twinFileSystemId, Region: m.region }],
          },
        },
        {
          operation: 'efs:DescribeReplicationConfigurations',
          input: { FileSystemId: m.fileSystemId },
          note: 'until Destinations[0].Status is ENABLED with a LastReplicatedTimestamp',
        },
      ];
    if (p.kind === 'incremental')
      return [
        {
          operation: 'efs:DescribeReplicationConfigurations',
          input: { FileSystemId: m.fileSystemId },
          note: 'until LastReplicatedTimestamp passes the request time (replication is continuous)',
        },
      ];
    return [
      {
        operation: 'efs:DescribeReplicationConfigurations',
        input: { FileSystemId: m.fileSystemId },
        note: 'until LastReplicatedTimestamp is after the time writes stopped (T0)',
      },
      {
        operation: 'efs:DeleteReplicationConfiguration',
        input: { SourceFileSystemId: m.fileSystemId },
        note: 'the twin becomes writable',
      },
      {
        operation: 'efs:UpdateFileSystemProtection',
        input: { FileSystemId: p.twinFileSystemId, ReplicationOverwriteProtection: 'ENABLED' },
        note: 'only if EFS has not re-enabled it already',
      },
    ];
  }
  const network = p.network;
  const calls: PlannedCopyCall[] = [];
  if (!network)
    calls.push({
      operation: 'ec2:DescribeSubnets, ec2:DescribeSecurityGroups',
      input: {},
      note: 'the network path is checked first; no path was recorded with the decision',
    });
  const net = network ?? {
    accountId: m.accountId,
    region: m.region,
    subnetId: '<subnet>',
    securityGroupIds: ['<security group>'],
  };
  const rec = p.recorded ?? {};
  if (!rec.sourceLocationArn)
    calls.push({
      operation: 'datasync:CreateLocationEfs',
      input: { ...efsLocationInput(m, m.fileSystemId, 'source', net) },
    });
  if (!rec.destinationLocationArn)
    calls.push({
      operation: 'datasync:CreateLocationEfs',
      input: { ...efsLocationInput(m, p.twinFileSystemId, 'destination', net) },
    });
  if (!rec.taskArn)
    calls.push({
      operation: 'datasync:CreateTask',
      input: {
        ...createTaskInput(
          m,
          {
            source: rec.sourceLocationArn ?? '<source location>',
            destination: rec.destinationLocationArn ?? '<destination location>',
          },
          p.extras,
        ),
      },
    });
  calls.push({
    operation: 'datasync:StartTaskExecution',
    input: { ...startExecutionInput(rec.taskArn ?? '<task>', p.kind, p.extras) },
    note: 'only when the task has no execution running (one per task); otherwise that execution is followed',
  });
  calls.push({
    operation: 'datasync:DescribeTaskExecution',
    input: { TaskExecutionArn: '<execution>' },
    note: 'polled for progress until SUCCESS or ERROR',
  });
  return calls;
}
