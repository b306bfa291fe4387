import type { CopyProgressSample } from './copy.ts';
import { EfsEncryptError, ErrorCode } from './errors.ts';
import type { FileSystemRecord } from './inventory.ts';
import type { MigrationFacts, MigrationState } from './migration-state.ts';

/**
 * What the store keeps about one file system's migration, and the errors its optimistic writes
 * raise. Pure types and rules; the DynamoDB repository in src/store/ implements the interfaces
 * below, and workflow tests can implement them in memory.
 */

/** How data moves to the encrypted twin (DESIGN.md, workflow phases). */
export type MigrationMethod = 'datasync' | 'rsync' | 'replication';

/** What a person decided for one file system: the input of the build phase. */
export interface MigrationDecision {
  /** KMS key ID, ARN or alias the twin is encrypted with. */
  targetKmsKeyId: string;
  method: MigrationMethod;
  /** Slack user ID (or `cli:<user>`) of whoever decided. */
  decidedBy: string;
  decidedAt: string;
  note?: string;
  /** The key as the person gave it (ID, ARN, alias name or alias ARN); `targetKmsKeyId` is then its ARN. */
  targetKeyAsGiven?: string;
  /** Who manages the target key (AWS: `aws/elasticfilesystem`; CUSTOMER: a customer-managed key). */
  keyManager?: 'AWS' | 'CUSTOMER';
  constraints?: DecisionConstraints;
  /** For DataSync and rsync: where the copy agent can reach both file systems over NFS. */
  networkPath?: { availabilityZone?: string; subnetId: string; securityGroupIds: string[] };
  /** Stricter security groups for the twin's mount targets; unset copies the source's per AZ. */
  targetSecurityGroupIds?: string[];
}

/** Optional limits a person sets on a migration; free text, shown to whoever runs the copy. */
export interface DecisionConstraints {
  /** e.g. "Sat 02:00-06:00 UTC". */
  maintenanceWindow?: string;
  /** e.g. "5 GiB/day". */
  expectedChangeRate?: string;
  /**
   * DataSync's bandwidth cap for this file system, e.g. "50 MiB/s" (parseBandwidthLimit), so a
   * copy does not drain a bursting source's credits; unset: as fast as DataSync goes.
   */
  bandwidthLimit?: string;
  notes?: string;
}

/** The decision item, versioned on its own: two people deciding at once cannot both win. */
export interface DecisionRecord {
  migrationId: string;
  /** 1 on the first decision, +1 on each change. */
  version: number;
  decision: MigrationDecision;
  updatedAt: string;
}

/** The inventory snapshot of the source as last observed. */
export interface SnapshotRecord {
  migrationId: string;
  observedAt: string;
  /** The scan that observed it, when it came from one. */
  scanId?: string;
  fileSystem: FileSystemRecord;
}

/**
 * The event of the latest change, kept on the record itself: the state write and the event write
 * are two items (no transactions in the embedded server), so the next change re-appends this
 * event idempotently and the audit log survives a crash between the two writes.
 */
export type ChangeSummary = Omit<MigrationEvent, 'migrationId'>;

export interface MigrationRecord {
  /** `FS#<account>#<region>#<fileSystemId>`, from migrationId(). */
  id: string;
  accountId: string;
  region: string;
  fileSystemId: string;
  state: MigrationState;
  /** 1 when created, +1 on every change; every write is conditional on it. */
  version: number;
  /** What the guards of the state machine look at. */
  facts: MigrationFacts;
  /** IDs of what the migration made or uses: `targetFileSystemId`, `dataSyncTaskArn`, … */
  resources: Record<string, string>;
  /** Set while `state` is `failed`: the state a retry resumes from. */
  failedFrom?: MigrationState;
  /** Set while `state` is `failed`. */
  lastError?: { code: string; message: string; at: string };
  lastChange?: ChangeSummary;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

/** Known event kinds; workflows may add their own. */
export type MigrationEventKind =
  | 'created'
  | 'transition'
  | 'updated'
  | 'decision'
  | 'snapshot'
  | 'aws_call'
  | 'refused'
  | 'note'
  | (string & {});

/** One entry of the append-only audit log of a migration: who, what, when, AWS request IDs. */
export interface MigrationEvent {
  migrationId: string;
  /** Unique within the migration and sortable by time. */
  eventId: string;
  at: string;
  actor: string;
  kind: MigrationEventKind;
  from?: MigrationState;
  to?: MigrationState;
  /** The migration version this event belongs to, when it changed the record. */
  version?: number;
  detail?: string;
  awsRequestIds?: string[];
  correlationId?: string;
  data?: Record<string, unknown>;
}

export interface NewMigration {
  accountId: string;
  region: string;
  fileSystemId: string;
  /** Defaults to `discovered`. */
  state?: MigrationState;
  facts?: MigrationFacts;
  actor: string;
}

export interface TransitionRequest {
  /** The version the caller read; the write fails with VersionConflictError if it moved on. */
  expectedVersion: number;
  to: MigrationState;
  /** Merged into the stored facts before the guard is checked. */
  facts?: MigrationFacts;
  /** Merged into the stored resources. */
  resources?: Record<string, string>;
  actor: string;
  detail?: string;
  awsRequestIds?: string[];
  correlationId?: string;
  /** Required context when moving to `failed`. */
  error?: { code: string; message: string };
}

export interface UpdateRequest {
  expectedVersion: number;
  facts?: MigrationFacts;
  resources?: Record<string, string>;
  actor: string;
  detail?: string;
  awsRequestIds?: string[];
  correlationId?: string;
}

export type NewEvent = Omit<MigrationEvent, 'migrationId' | 'eventId' | 'at'> & { at?: string };

export interface MigrationRepository {
  /** Fails with RecordAlreadyExistsError if the migration exists. */
  createMigration(input: NewMigration): Promise<MigrationRecord>;
  getMigration(id: string): Promise<MigrationRecord | undefined>;
  listMigrations(filter?: { state?: MigrationState }): Promise<MigrationRecord[]>;
  /** Checks the state machine, then one conditional write; returns the new record. */
  transitionMigration(id: string, request: TransitionRequest): Promise<MigrationRecord>;
  /** Records facts or resources without changing state (still versioned). */
  updateMigration(id: string, request: UpdateRequest): Promise<MigrationRecord>;
  getDecision(id: string): Promise<DecisionRecord | undefined>;
  /** `expectedVersion` is the decision's own version; 0 when there is none yet. */
  putDecision(id: string, decision: MigrationDecision, expectedVersion: number): Promise<DecisionRecord>;
  getSnapshot(id: string): Promise<SnapshotRecord | undefined>;
  /** Keeps the newest observation; an older one is ignored (returns false). */
  putSnapshot(id: string, snapshot: Omit<SnapshotRecord, 'migrationId'>): Promise<boolean>;
  /**
   * The latest progress sample of a running copy, for `status`. Kept beside the record, not in it:
   * progress is advisory, so it neither moves the record's version (no state write can lose a race
   * to it) nor enters the audit log. Keeps the newest sample; an older one is ignored (false).
   */
  putCopyProgress(id: string, sample: CopyProgressSample): Promise<boolean>;
  getCopyProgress(id: string): Promise<CopyProgressSample | undefined>;
}

export interface MigrationEventLog {
  appendEvent(id: string, event: NewEvent): Promise<MigrationEvent>;
  /** Oldest first. */
  listEvents(id: string): Promise<MigrationEvent[]>;
}

/**
 * A conditional write lost: someone else changed the record since the caller read it (two clicks,
 * two replicas, a Slack retry). Carries the record as it now is, so the caller can re-render it.
 */
export class VersionConflictError<T = MigrationRecord> extends EfsEncryptError {
  constructor(
    readonly recordId: string,
    readonly expectedVersion: number,
    readonly current: T | undefined,
    readonly currentVersion: number | undefined,
  ) {
    super(
      ErrorCode.VersionConflict,
      currentVersion === undefined
        ? `${recordId} does not exist (expected version ${expectedVersion}); it may have been removed. Reload and try again.`
        : `${recordId} was changed by someone else (you had version ${expectedVersion}, it is now ${currentVersion}). Reload it and try again if still needed.`,
    );
  }
}

export class RecordNotFoundError extends EfsEncryptError {
  constructor(readonly recordId: string) {
    super(ErrorCode.RecordNotFound, `${recordId} was not found. Run a scan first, or check the ID.`);
  }
}

export class RecordAlreadyExistsError<T = MigrationRecord> extends EfsEncryptError {
  constructor(
    readonly recordId: string,
    readonly current: T | undefined,
  ) {
    super(ErrorCode.RecordAlreadyExists, `${recordId} already exists; load it instead of creating it again.`);
  }
}

/** Audit events `status <fs-id>` shows by default (a constant here so `--help` needs no workflow). */
export const DEFAULT_DETAIL_EVENTS = 10;
