import type { ScanRecord } from '../domain/inventory.ts';
import type { RunningScanRegistry } from '../domain/running-scan.ts';
import type { ScanScope } from '../domain/scan-scope.ts';
import type { IoHost } from '../workflow/io-host.ts';
import type { ScanRepository } from '../workflow/scan/index.ts';
import type { DecideService } from '../workflow/decide/index.ts';
import type { BuildPhase } from '../workflow/provision/index.ts';
import type { MigrationEventLog, MigrationMethod, MigrationRecord } from '../domain/migration.ts';
import type { CopyPhase } from '../workflow/copy/index.ts';
import type { RsyncRunbook } from '../workflow/copy/rsync/index.ts';
import type { StatusQuery } from '../workflow/status/index.ts';
import type { ValidateWorkflow } from '../workflow/validate/index.ts';
import type { DigestPoster, SlotOutcome } from '../workflow/digest/index.ts';
import type { SignOffWorkflow } from '../workflow/signoff/index.ts';
import type { Digest } from '../domain/digest.ts';
import type { DigestSchedule } from '../domain/digest-schedule.ts';
import type { RequestLedger } from '../domain/request-ledger.ts';
import type { ConsumerReport } from '../domain/consumers.ts';
import type { CutoverPhase } from '../workflow/cutover/index.ts';
import type { DecommissionPhase } from '../workflow/decommission/index.ts';

/**
 * What the Slack app needs from the rest of the program, filled in by the composition root
 * (src/cli serve) and by tests with fakes. The Slack layer never builds workflows itself.
 */
export interface ScanService {
  /**
   * Runs one scan, reporting progress through `io`; resolves with the finished scan. `scope`
   * limits it to some of the configured accounts and regions (empty lists: all).
   */
  run(req: { requestedBy: string; io: IoHost; scope?: ScanScope }): Promise<ScanRecord>;
  /**
   * Refuses a scope naming accounts or regions that are not configured (a BadInputError saying
   * which are), before anything is posted; absent where the deployment cannot tell.
   */
  checkScope?(scope: ScanScope): Promise<void>;
}

export interface SlackServices {
  scan: ScanService;
  scans: ScanRepository;
  /** The store's running-scan claims, shared by replicas; absent: this process's own (no cross-replica join). */
  runningScans?: RunningScanRegistry;
  /** The decide phase (plan modal, key options); absent until the composition root provides it. */
  decide?: DecideService;
  /** The build phase (Review build, Build, Retry); absent until the composition root provides it. */
  build?: BuildService;
  /** The copy phase (Start copy, Sync again, Final sync, rsync runbook and passes, Retry); absent until provided. */
  copy?: CopyService;
  /** The cutover phase (Review cutover, Approve, Reject, Roll back, Waive); absent: those buttons say it is not available. */
  cutover?: CutoverService;
  /** Where each migration stands (`/efs-encrypt status`), read from the store; absent until provided. */
  status?: StatusService;
  /** Consumer discovery (Find consumers); absent until the composition root provides it. */
  consumers?: ConsumerService;
  /** The decommission phase (Decommission…, the typed confirmation, Retry); absent until provided. */
  decommission?: DecommissionService;
  /**
   * Requests already handled (conditional writes in the store), so a Slack redelivery does its
   * work once across replicas; absent: no deduplication (a test double without a store).
   */
  requests?: RequestLedger;
  /** The validation report (`/efs-encrypt validate`, its Export button); absent until provided. */
  validate?: ValidateService;
  /** Digests (`/efs-encrypt digest`, the schedule); absent until provided. */
  digest?: DigestService;
  /** Application sign-off (issue 16 §2): Signed off / Concerns in the migration's thread. */
  signOff?: Pick<SignOffWorkflow, 'record' | 'applications'>;
}

/**
 * What the Slack app needs of the digest phase. The poster is passed per call: it wraps the app's
 * own Web API client, which exists only once the app is made.
 */
export interface DigestService {
  postSlot(slot: Date, channel: string, poster: DigestPoster): Promise<SlotOutcome>;
  postOnDemand(
    channel: string,
    request: { requestedBy: string },
    poster: DigestPoster,
  ): Promise<{ digest: Digest; messageTs: string }>;
  /** When the bot process posts on its own (EFS_ENCRYPT_DIGEST_SCHEDULE). */
  schedule: DigestSchedule;
  /** EFS_ENCRYPT_DIGEST_CHANNEL; unset: no scheduled digest. */
  channel?: string;
}

/** What the Slack app needs of the validate phase: a fresh report (stored), or a stored one. */
export type ValidateService = Pick<ValidateWorkflow, 'run' | 'get'>;

/** What the Slack app needs to answer `/efs-encrypt status [fs-id]`: store reads only, no AWS call. */
export type StatusService = Pick<StatusQuery, 'overview' | 'detail'>;

/** What the Slack app needs of the build phase (issue 5). Admin checks are the listeners'. */
export interface BuildService {
  phase: Pick<BuildPhase, 'planBuild' | 'requestBuild' | 'retry' | 'status'>;
  /** Resolves `all` and file system IDs to migrations. */
  listMigrations(): Promise<MigrationRecord[]>;
  /** The audit log: where each build's progress is shown in Slack is recorded there. */
  events: MigrationEventLog;
  /**
   * The build phase reports every build (codes `build.*`) to one IoHost; the Slack progress
   * reporter attaches to it here. Returns the detach function.
   */
  attachProgress(io: IoHost): () => void;
  /** Starts the job runner (resume unfinished builds, then poll); the app's start() calls it, after attaching the reporters. */
  startRunner?(): void;
  /** Runs queued jobs now on this replica, in the background (otherwise the runner's next poll does). */
  runNow?(jobIds: string[]): void;
  /** One pass of the job runner: queued jobs and jobs whose lease expired (the scheduled tick on Lambda). */
  tick?(): Promise<{ ran: string[]; succeeded: string[]; failed: string[]; unhandled?: string[] }>;
  /** Waits for the jobs this process is running (a Lambda invocation must not return before them). */
  settle?(): Promise<void>;
}

/**
 * What the Slack app needs of the copy phase (issue 6). Its jobs run on the build's job runner
 * (one runner per process, handlers for both kinds), started by the app's start().
 */
export interface CopyService {
  phase: Pick<
    CopyPhase,
    | 'startCopy'
    | 'confirmWritesStopped'
    | 'recordRsyncStatus'
    | 'checkRsyncSummary'
    | 'retry'
    | 'status'
    | 'plan'
    | 'checkClients'
  >;
  /** The decided method, or undefined when there is no decision. */
  methodOf(migrationId: string): Promise<MigrationMethod | undefined>;
  /**
   * The EC2 + rsync runbook of a built twin (reads the inventory snapshot and the twin's mount
   * targets); stores the new verification nonce of its verify.sh, recorded as `actor`'s.
   */
  runbook(migrationId: string, actor: string): Promise<RsyncRunbook>;
  /** The audit log: where each copy's message is shown in Slack is recorded there. */
  events: MigrationEventLog;
  /** Every copy reports (codes `copy.*`) to one IoHost; the Slack reporter attaches here. Returns the detach function. */
  attachProgress(io: IoHost): () => void;
  /** Runs queued copy jobs now on this replica, in the background (otherwise the runner's next poll does). */
  runNow?(jobIds: string[]): void;
}

/** What the Slack app needs to find who uses a migration's source (issue 14 §1). Admin checks are the listener's. */
export interface ConsumerService {
  /** Asks AWS now, stores the report and logs it in the migration's audit log. */
  discoverConsumers(
    migrationId: string,
    options: { actor: string; correlationId?: string },
  ): Promise<ConsumerReport>;
  /** The source's tags from the migration's snapshot (`app` and `owner` group the report). */
  fileSystemTags(migrationId: string): Promise<Record<string, string>>;
  /** Whether the bot tracks this migration (a refusal is recorded only under one that exists). */
  exists(migrationId: string): Promise<boolean>;
  /** The audit log, for refusals. */
  events: MigrationEventLog;
}

/**
 * What the Slack app needs of the cutover phase (issue 14). Who may approve, reject, roll back or
 * waive is the phase's decision (it throws UnauthorizedError); Review cutover is admins' (listeners).
 */
export interface CutoverService {
  phase: CutoverPhase;
  /** Resolves `/efs-encrypt cutover FS_ID` to its migration. */
  listMigrations(): Promise<MigrationRecord[]>;
  /** The audit log: which thread each migration's cutover messages go in is recorded there. */
  events: MigrationEventLog;
  /** The phase reports (codes `cutover.*`) to one IoHost; the Slack reporter attaches here. Returns the detach function. */
  attachProgress(io: IoHost): () => void;
  /** Runs queued cutover jobs now on this replica, in the background (otherwise the runner's next poll does). */
  runNow?(jobIds: string[]): void;
  /**
   * The Slack app hands over what only it has: owner lookup (users.lookupByEmail) and the admin
   * check (user groups through usergroups.users.list). Called once when the app is made.
   */
  bindSlack?(slack: {
    owners: { resolve(ownerTag?: string): Promise<{ userId?: string; fallbackReason?: string }> };
    isAdmin(userId: string): Promise<boolean>;
  }): void;
}

/** What the Slack app needs of the decommission phase (issue 15). Admin checks are the listeners'. */
export interface DecommissionService {
  phase: Pick<DecommissionPhase, 'resolve' | 'check' | 'plan' | 'request' | 'retry'>;
  /** The backup vault the deletion backs up to first (the modal says so), when configured. */
  backupVault?: string;
  /** The audit log: where each decommission's message lives is recorded there. */
  events: MigrationEventLog;
  /** Every decommission reports (codes `decommission.*`) to one IoHost; the Slack reporter attaches here. */
  attachProgress(io: IoHost): () => void;
  /** Runs queued jobs now on this replica, in the background (otherwise the runner's next poll does). */
  runNow?(jobIds: string[]): void;
}
