import type { CutoverOrder, CutoverVerdict } from './cutover-approval.ts';
import type { ConsumerChangePlan } from './cutover-calls.ts';
import type { ChangeRecord, ChangeStatus, ConsumerWaiver } from './cutover-change.ts';
import type { ApplicationCutoverPlan } from './cutover-plan.ts';

/**
 * The cutover's records in the migration's partition, as the workflows see them; src/store/
 * implements it over DynamoDB and workflow tests may implement it in memory. Every write is
 * conditional: plans and the order on their version, verdicts and waivers once (the second write
 * finds the first), change records on their version.
 */

export interface StoredPlan {
  app: string;
  /** Equals plan.revision: 1 for the first plan, +1 per review. */
  version: number;
  digest: string;
  plan: ApplicationCutoverPlan;
}

export interface StoredOrder extends CutoverOrder {
  version: number;
}

export interface ChangePatch {
  status?: ChangeStatus;
  /** Merged into the stored outputs. */
  outputs?: Record<string, string>;
  callsDone?: number;
  /** `null` clears it. */
  lastError?: { code: string; message: string; at: string } | null;
  /** Appended. */
  awsRequestIds?: string[];
}

export interface CutoverRepository {
  /** `expectedVersion` is the stored plan's version, 0 when none; `plan.revision` must be one more. */
  putPlan(migrationId: string, plan: ApplicationCutoverPlan, expectedVersion: number): Promise<StoredPlan>;
  getPlan(migrationId: string, app: string): Promise<StoredPlan | undefined>;
  listPlans(migrationId: string): Promise<StoredPlan[]>;

  putOrder(migrationId: string, order: CutoverOrder, expectedVersion: number): Promise<StoredOrder>;
  getOrder(migrationId: string): Promise<StoredOrder | undefined>;

  /** Once per plan digest: a second approval or rejection (a double click) returns the first. */
  recordVerdict(verdict: CutoverVerdict): Promise<{ verdict: CutoverVerdict; created: boolean }>;
  getVerdict(migrationId: string, app: string, planDigest: string): Promise<CutoverVerdict | undefined>;
  listVerdicts(migrationId: string, app?: string): Promise<CutoverVerdict[]>;

  /**
   * Records a consumer's change `planned`, with its inverse, before any call. Returns the existing
   * record when this plan already recorded it; replaces a `rolled_back` record of an earlier plan;
   * refuses (RecordAlreadyExistsError) while another plan's change to the consumer is unfinished.
   */
  planChange(input: {
    migrationId: string;
    app: string;
    planDigest: string;
    change: ConsumerChangePlan;
    actor: string;
  }): Promise<{ record: ChangeRecord; created: boolean }>;
  /** Checks the status transition, then one conditional write on the version. */
  updateChange(
    migrationId: string,
    consumerId: string,
    expectedVersion: number,
    patch: ChangePatch,
    actor: string,
  ): Promise<ChangeRecord>;
  getChange(migrationId: string, consumerId: string): Promise<ChangeRecord | undefined>;
  listChanges(migrationId: string, app?: string): Promise<ChangeRecord[]>;

  /** Once per consumer: a second waiver returns the first. */
  waiveConsumer(waiver: ConsumerWaiver): Promise<{ waiver: ConsumerWaiver; created: boolean }>;
  listWaivers(migrationId: string): Promise<ConsumerWaiver[]>;
}
