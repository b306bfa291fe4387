import type { ApplicationGroup, ConsumerReport } from '../../domain/consumers.ts';
import type {
  ApplicationCutoverStatus,
  ApproverRole,
  CutoverOrder,
  CutoverVerdict,
} from '../../domain/cutover-approval.ts';
import type { ChangeRecord, ConsumerWaiver } from '../../domain/cutover-change.ts';
import type { ApplicationCutoverPlan } from '../../domain/cutover-plan.ts';
import type { JobRecord } from '../../domain/job.ts';
import type { MigrationState } from '../../domain/migration-state.ts';

/**
 * The cutover phase as its callers (the CLI, the Slack listeners) see it. Every method takes the
 * actor (a Slack user ID or `cli:<name>`) and checks who may do it; every write is persisted before
 * it is announced through the phase's IoHost (`cutover.*` message codes, data below).
 *
 * Flow: review (plans every application fresh, stores the plans, verified → cutover_pending) →
 * setOrder (admin; optional, default: applications by name) → approve / reject (owner or admin,
 * bound to the plan's digest) → apply (queues the durable `cutover` job for one application; it
 * records each change with its inverse, calls AWS, watches, and rolls the application back by
 * itself when a deployment or update fails) → status; rollback (owner or admin) at any time;
 * waive (admin, with a reason) for a consumer that will not be changed. The migration is cut_over
 * when every consumer is verified or waived.
 */
export interface CutoverPhase {
  /** The last stored consumer report; undefined before the first discovery. */
  consumers(migrationId: string): Promise<ConsumerReport | undefined>;
  /**
   * Discovers consumers now (when `rediscover` or none is stored), describes each fresh, plans every
   * application (or only `app`) and stores the plans (a new revision for each review). Dry run:
   * changes nothing in AWS.
   */
  review(
    migrationId: string,
    input: { actor: string; app?: string; rediscover?: boolean; instanceRefresh?: boolean },
  ): Promise<CutoverReview>;
  /** Admin only: the order applications are cut over in (each still approved on its own). */
  setOrder(migrationId: string, input: { actor: string; apps: string[] }): Promise<CutoverOrder>;
  /**
   * The owner (resolved Slack user) or an admin approves the plan with this digest. A double click
   * returns the first verdict (`created: false`).
   */
  approve(
    migrationId: string,
    input: { actor: string; app: string; planDigest: string },
  ): Promise<{ verdict: CutoverVerdict; created: boolean }>;
  /** As approve; `reason` is required. */
  reject(
    migrationId: string,
    input: { actor: string; app: string; planDigest: string; reason: string },
  ): Promise<{ verdict: CutoverVerdict; created: boolean }>;
  /**
   * Queues the `cutover` job for one approved application (the approval must cover the stored plan's
   * digest). A second request while it runs returns the same job (`created: false`).
   */
  apply(
    migrationId: string,
    input: { actor: string; app: string; planDigest: string },
  ): Promise<QueuedCutover>;
  /** Owner or admin: queues the rollback of one application (its changes' inverses, in reverse order). */
  rollback(
    migrationId: string,
    input: { actor: string; app: string; reason?: string },
  ): Promise<QueuedCutover>;
  /** Admin only, with a reason: the consumer counts as done without a change; logged and reported. */
  waive(
    migrationId: string,
    input: { actor: string; consumerId: string; reason: string },
  ): Promise<{ waiver: ConsumerWaiver; created: boolean }>;
  status(migrationId: string): Promise<CutoverStatus>;
}

/** Who may act on an application, as the phase resolved it (owner tag → Slack user). */
export interface ApplicationOwner {
  app: string;
  /** The `owner` tag as written. */
  ownerTag?: string;
  /** The Slack user the tag resolved to (a user ID as is, an email through users.lookupByEmail). */
  ownerUserId?: string;
  /** Why there is no owner user: unresolvable tag, no tag; admins approve instead. */
  fallbackReason?: string;
}

export interface CutoverReview {
  migrationId: string;
  sourceFileSystemId: string;
  targetFileSystemId: string;
  report: ConsumerReport;
  groups: ApplicationGroup[];
  plans: ApplicationCutoverPlan[];
  owners: ApplicationOwner[];
  order?: CutoverOrder;
}

export interface QueuedCutover {
  jobId: string;
  migrationId: string;
  app: string;
  kind: 'apply' | 'rollback';
  created: boolean;
}

export interface ApplicationStatus {
  app: string;
  status: ApplicationCutoverStatus;
  owner: ApplicationOwner;
  plan?: { revision: number; digest: string; plannedAt: string };
  verdict?: CutoverVerdict;
  changes: ChangeRecord[];
  job?: JobRecord;
}

export interface CutoverStatus {
  migrationId: string;
  fileSystemId: string;
  targetFileSystemId?: string;
  state: MigrationState;
  applications: ApplicationStatus[];
  waivers: ConsumerWaiver[];
  /** Consumers neither verified nor waived. */
  consumersRemaining: number;
  order?: CutoverOrder;
  discoveredAt?: string;
}

/**
 * IoHost message codes and their data, for the Slack thread reporter (one message per consumer,
 * updated in place) and the CLI printer.
 */
export const CutoverMessageCodes = {
  /** A consumer's change moved: data CutoverChangeProgress. */
  change: 'cutover.change',
  /** An application finished (cut_over, failed, rolled_back): data CutoverApplicationProgress. */
  application: 'cutover.application',
  /** A deployment or update failed and the job rolls the application back by itself. */
  autoRollback: 'cutover.auto_rollback',
} as const;

export interface CutoverChangeProgress {
  migrationId: string;
  app: string;
  consumerId: string;
  name: string;
  status: ChangeRecord['status'];
  /** A person-readable line: "deployment ecs-svc/123 IN_PROGRESS, 1/2 tasks on :4". */
  detail: string;
}

export interface CutoverApplicationProgress {
  migrationId: string;
  app: string;
  status: ApplicationCutoverStatus;
  detail: string;
}

/** Re-exported for callers that show who approved with which role. */
export type { ApproverRole };
