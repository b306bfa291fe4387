import { EfsEncryptError, ErrorCode } from './errors.ts';

/**
 * Durable jobs (DESIGN.md: "jobs leased through conditional writes, so several bot replicas share
 * the work safely"). Pure types and the lease rule; the DynamoDB repository lives in src/store/,
 * the runner in src/workflow/jobs/.
 */

export type JobKind = 'build' | 'copy' | 'cutover' | (string & {});
/**
 * The kinds the phases register their handlers for. Here, not only in the phases, so a reader of
 * jobs (status) need not load a phase and the AWS SDK clients it brings.
 */
export const BUILD_JOB_KIND = 'build';
export const COPY_JOB_KIND = 'copy';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** The error a job failed with, as shown next to a Retry button. */
export interface JobError {
  code: string;
  message: string;
  awsRequestId?: string;
  /** The step that was running when it failed. */
  step?: string;
}

/**
 * One undo action, recorded when the thing it undoes was made (saga-style, as
 * temporalio/samples-typescript's saga sample does). Never executed automatically: a later
 * rollback command shows them as a dry run first. Listed in the order they must run.
 */
export interface CompensationStep {
  /** e.g. `DeleteAccessPoint`, `DeleteMountTarget`, `DeleteFileSystem`. */
  operation: string;
  /** The resource the call deletes. */
  resourceId: string;
  accountId: string;
  region: string;
  /** Why it exists, for the dry run: e.g. `access point for fsap-0123 on the twin`. */
  description: string;
}

export interface JobRecord {
  /** `<kind>:<generation>:<migrationId>`, from jobIdOf(): the same request makes the same job. */
  jobId: string;
  kind: JobKind;
  migrationId: string;
  /** 1 for the first job of this kind on the migration, +1 for each retry. */
  generation: number;
  status: JobStatus;
  /** The last completed step. */
  step?: string;
  leaseOwner?: string;
  /** ISO time after which another runner may take the job. */
  leaseExpiresAt?: string;
  /**
   * The process holding the lease (absent on leases written before it was recorded): a runner on
   * the same host that finds this process gone takes the job at once instead of waiting for
   * `leaseExpiresAt`.
   */
  leaseHolder?: LeaseHolder;
  /** +1 on every write; every write is conditional on it. */
  version: number;
  /** How many times a runner has taken the job. */
  attempts: number;
  lastError?: JobError;
  result?: Record<string, unknown>;
  compensations: CompensationStep[];
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/**
 * Who holds a lease, precisely enough to tell on the same host whether that process still runs.
 * A PID alone is not enough: PIDs are reused, and a restarted CLI may get its predecessor's.
 */
export interface LeaseHolder {
  /** os.hostname() of the holder. */
  host: string;
  pid: number;
  /** Random per process: tells this process from an earlier one that had the same PID. */
  instance: string;
  /**
   * When the process started, as the OS reports it (Linux: `<boot id>:<start time in clock ticks>`
   * from /proc); a live PID whose start differs is another process. Absent where the OS does not say.
   */
  started?: string;
}

/** What a runner can tell about a lease holder: only processes on its own host can be checked. */
export type HolderLiveness = 'alive' | 'gone' | 'unknown';

export interface NewJob {
  kind: JobKind;
  migrationId: string;
  generation: number;
  requestedBy: string;
}

/** The fields a runner changes; everything else is fixed at creation. */
export type JobPatch = Partial<
  Pick<
    JobRecord,
    | 'status'
    | 'step'
    | 'leaseOwner'
    | 'leaseExpiresAt'
    | 'leaseHolder'
    | 'attempts'
    | 'lastError'
    | 'result'
    | 'compensations'
    | 'finishedAt'
  >
>;

/** A patch where `null` removes the field. */
export type JobUpdate = { [K in keyof JobPatch]?: JobPatch[K] | null };

export interface JobRepository {
  /** A conditional put: when the job already exists it is returned with `created: false`. */
  createJob(input: NewJob): Promise<{ job: JobRecord; created: boolean }>;
  getJob(jobId: string): Promise<JobRecord | undefined>;
  /** Queued and running jobs (a sparse index; eventually consistent). */
  listOpenJobs(): Promise<JobRecord[]>;
  /** Every job of a migration, oldest generation first (strongly consistent). */
  listJobsForMigration(migrationId: string, kind?: JobKind): Promise<JobRecord[]>;
  /**
   * One conditional write on `expectedVersion`; VersionConflictError<JobRecord> when the job moved
   * on. `null` in the patch removes a field (e.g. the lease when a job finishes).
   */
  updateJob(jobId: string, expectedVersion: number, patch: JobUpdate): Promise<JobRecord>;
}

export function jobIdOf(kind: JobKind, generation: number, migrationId: string): string {
  return `${kind}:${generation}:${migrationId}`;
}

export function parseJobId(jobId: string): { kind: string; generation: number; migrationId: string } {
  const m = /^([a-z_-]+):(\d+):(.+)$/.exec(jobId);
  if (!m) throw new BadJobIdError(jobId);
  return { kind: m[1] as string, generation: Number(m[2]), migrationId: m[3] as string };
}

export function isOpen(job: Pick<JobRecord, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running';
}

/**
 * Whether `owner` may take the job at `now`: queued, or running under a lease that has expired
 * (its runner died or stalled), or whose holder process is known to be gone (`holder` says
 * `gone`: it ran on this host and no longer runs, so waiting for the lease to expire would only
 * delay the resume). `ownLeases` also allows the owner's own unexpired leases: a runner that
 * restarts under the same name resumes what it held before the crash.
 */
export function isClaimable(
  job: JobRecord,
  now: Date,
  owner: string,
  ownLeases = false,
  holder: HolderLiveness = 'unknown',
): boolean {
  if (job.status === 'queued') return true;
  if (job.status !== 'running') return false;
  if (ownLeases && job.leaseOwner === owner) return true;
  if (holder === 'gone') return true;
  return leaseExpired(job, now);
}

function leaseExpired(job: Pick<JobRecord, 'leaseExpiresAt'>, now: Date): boolean {
  return !job.leaseExpiresAt || Date.parse(job.leaseExpiresAt) <= now.getTime();
}

/**
 * A running job as a person should read it: `running` only while a live runner holds it;
 * `interrupted` when its lease expired or its holder process is gone (the next run, or the bot's
 * next poll, resumes it from its last step).
 */
export type JobActivity = 'queued' | 'running' | 'interrupted' | 'succeeded' | 'failed';

export function jobActivityOf(
  job: Pick<JobRecord, 'status' | 'leaseExpiresAt'>,
  now: Date,
  holder: HolderLiveness,
): JobActivity {
  if (job.status !== 'running') return job.status;
  return holder === 'gone' || leaseExpired(job, now) ? 'interrupted' : 'running';
}

/** Who holds a job's lease, in words: `process 4286 on host build-1 (runner cli:build-1:4286)`. */
export function describeLeaseHolder(job: Pick<JobRecord, 'leaseOwner' | 'leaseHolder'>): string {
  const h = job.leaseHolder;
  if (h) return `process ${h.pid} on host ${h.host}${job.leaseOwner ? ` (runner ${job.leaseOwner})` : ''}`;
  return `runner ${job.leaseOwner ?? 'unknown'}`;
}

export class BadJobIdError extends EfsEncryptError {
  constructor(readonly jobId: string) {
    super(ErrorCode.BadInput, `"${jobId}" is not a job ID (expected <kind>:<generation>:<migration ID>).`);
  }
}

/** The runner no longer holds the job's lease (another runner took it); it must stop at once. */
export class LeaseLostError extends EfsEncryptError {
  constructor(
    readonly jobId: string,
    readonly owner: string,
  ) {
    super(
      ErrorCode.VersionConflict,
      `Job ${jobId} is no longer leased to ${owner}; another runner has taken it over.`,
    );
  }
}
