import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import {
  reject as rejectVerdict,
  type CutoverOrder,
  type CutoverVerdict,
} from '../domain/cutover-approval.ts';
import {
  checkChangeTransition,
  waive,
  type ChangeRecord,
  type ConsumerWaiver,
} from '../domain/cutover-change.ts';
import type { ApplicationCutoverPlan } from '../domain/cutover-plan.ts';
import type { ChangePatch, CutoverRepository, StoredOrder, StoredPlan } from '../domain/cutover-records.ts';
import { InternalError } from '../domain/errors.ts';
import { RecordAlreadyExistsError, RecordNotFoundError, VersionConflictError } from '../domain/migration.ts';
import type { DynamoEventLog } from './event-log.ts';
import { isConditionalCheckFailed, queryAll, withoutKeys } from './document-client.ts';
import { ItemTooLargeError, MAX_PIECE_BYTES, packJson, unpackJson } from './item-size.ts';

/**
 * Cutover records in the migration's partition (`FS#…`), beside its state and event log:
 *
 * | item            | sk                                    | written                                  |
 * |-----------------|---------------------------------------|------------------------------------------|
 * | plan            | `CUTOVER#PLAN#<app>`                  | conditional on its version (= revision)  |
 * | order           | `CUTOVER#ORDER`                       | conditional on its version               |
 * | verdict         | `CUTOVER#VERDICT#<app>#<plan digest>` | once (attribute_not_exists)              |
 * | change record   | `CUTOVER#CHANGE#<consumer ID>`        | conditional on its version               |
 * | waiver          | `CUTOVER#WAIVER#<consumer ID>`        | once                                     |
 *
 * Each verdict, waiver and change write is followed by an audit event whose ID derives from what it
 * records, so writing it again (a retry after a crash between the two writes) is harmless.
 */

const PREFIX = {
  plan: 'CUTOVER#PLAN#',
  order: 'CUTOVER#ORDER',
  verdict: 'CUTOVER#VERDICT#',
  change: 'CUTOVER#CHANGE#',
  waiver: 'CUTOVER#WAIVER#',
} as const;

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

export class DynamoCutoverRepository implements CutoverRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly events: DynamoEventLog,
    private readonly clock: Clock,
  ) {}

  async putPlan(
    migrationId: string,
    plan: ApplicationCutoverPlan,
    expectedVersion: number,
  ): Promise<StoredPlan> {
    if (plan.migrationId !== migrationId || plan.revision !== expectedVersion + 1)
      throw new InternalError(
        `plan revision ${plan.revision} of ${plan.migrationId} stored as version ${expectedVersion + 1} of ${migrationId}`,
      );
    // Compressed: a plan carries whole task definitions and user data.
    const data = await packJson(plan);
    if (data.byteLength > MAX_PIECE_BYTES)
      throw new ItemTooLargeError(`The cutover plan of ${plan.app}`, data.byteLength);
    const stored: StoredPlan = { app: plan.app, version: plan.revision, digest: plan.digest, plan };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: migrationId,
            sk: `${PREFIX.plan}${plan.app}`,
            app: plan.app,
            version: stored.version,
            digest: plan.digest,
            plannedAt: plan.plannedAt,
            data,
          },
          ...this.versionCondition(expectedVersion),
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const now = await this.getPlan(migrationId, plan.app);
      throw new VersionConflictError<StoredPlan>(
        `The cutover plan of ${plan.app}`,
        expectedVersion,
        now,
        now?.version,
      );
    }
    return stored;
  }

  async getPlan(migrationId: string, app: string): Promise<StoredPlan | undefined> {
    const item = await this.get(migrationId, `${PREFIX.plan}${app}`);
    return item ? this.planOf(item) : undefined;
  }

  async listPlans(migrationId: string): Promise<StoredPlan[]> {
    return Promise.all((await this.query(migrationId, PREFIX.plan)).map((item) => this.planOf(item)));
  }

  async putOrder(migrationId: string, order: CutoverOrder, expectedVersion: number): Promise<StoredOrder> {
    const stored: StoredOrder = { ...order, version: expectedVersion + 1 };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...stored, pk: migrationId, sk: PREFIX.order },
          ...this.versionCondition(expectedVersion),
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const now = await this.getOrder(migrationId);
      throw new VersionConflictError<StoredOrder>('The cutover order', expectedVersion, now, now?.version);
    }
    await this.events.putOnce({
      migrationId,
      eventId: `${order.chosenAt}#cutover-order#v${stored.version}`,
      at: order.chosenAt,
      actor: order.chosenBy,
      kind: 'cutover_order',
      detail: order.apps.join(' → '),
      data: { apps: order.apps, version: stored.version },
    });
    return stored;
  }

  async getOrder(migrationId: string): Promise<StoredOrder | undefined> {
    const item = await this.get(migrationId, PREFIX.order);
    return item ? withoutKeys<StoredOrder>(item) : undefined;
  }

  async recordVerdict(verdict: CutoverVerdict): Promise<{ verdict: CutoverVerdict; created: boolean }> {
    // A rejection without a reason is refused here too, whoever built it.
    if (verdict.decision === 'rejected')
      rejectVerdict(verdict, verdict.approver, verdict.role, verdict.at, verdict.reason);
    const sk = `${PREFIX.verdict}${verdict.app}#${verdict.planDigest}`;
    let stored = verdict;
    let created = true;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...verdict, pk: verdict.migrationId, sk },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const first = await this.getVerdict(verdict.migrationId, verdict.app, verdict.planDigest);
      if (!first) throw e;
      stored = first;
      created = false;
    }
    // For the first verdict, and again for a duplicate (harmless: same event ID).
    await this.events.putOnce({
      migrationId: stored.migrationId,
      eventId: `${stored.at}#cutover-${stored.decision}#${short(`${stored.app}#${stored.planDigest}`)}`,
      at: stored.at,
      actor: stored.approver,
      kind: stored.decision === 'approved' ? 'cutover_approved' : 'cutover_rejected',
      detail:
        stored.decision === 'approved'
          ? `${stored.app} plan ${stored.planRevision} approved (${stored.role})`
          : `${stored.app} plan ${stored.planRevision} rejected (${stored.role}): ${stored.reason}`,
      data: { verdict: stored },
    });
    return { verdict: stored, created };
  }

  async getVerdict(
    migrationId: string,
    app: string,
    planDigest: string,
  ): Promise<CutoverVerdict | undefined> {
    const item = await this.get(migrationId, `${PREFIX.verdict}${app}#${planDigest}`);
    return item ? withoutKeys<CutoverVerdict>(item) : undefined;
  }

  async listVerdicts(migrationId: string, app?: string): Promise<CutoverVerdict[]> {
    const items = await this.query(migrationId, app ? `${PREFIX.verdict}${app}#` : PREFIX.verdict);
    return items
      .map((item) => withoutKeys<CutoverVerdict>(item))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  async planChange(input: {
    migrationId: string;
    app: string;
    planDigest: string;
    change: ApplicationCutoverPlan['changes'][number];
    actor: string;
  }): Promise<{ record: ChangeRecord; created: boolean }> {
    const { migrationId, change } = input;
    const existing = await this.getChange(migrationId, change.consumerId);
    if (existing && existing.planDigest === input.planDigest) return { record: existing, created: false };
    if (existing && existing.status !== 'rolled_back')
      throw new RecordAlreadyExistsError<ChangeRecord>(
        `The change to ${change.consumerId} (${existing.status}, plan ${existing.planDigest.slice(0, 12)})`,
        existing,
      );
    const record: ChangeRecord = {
      migrationId,
      app: input.app,
      consumerId: change.consumerId,
      kind: change.kind,
      name: change.name,
      planDigest: input.planDigest,
      status: 'planned',
      version: (existing?.version ?? 0) + 1,
      calls: change.calls,
      inverse: change.inverse,
      outputs: {},
      callsDone: 0,
      awsRequestIds: [],
      updatedAt: this.now(),
      updatedBy: input.actor,
    };
    try {
      await this.putChange(record, existing?.version ?? 0);
    } catch (e) {
      if (!(e instanceof VersionConflictError)) throw e;
      const now = e.current as ChangeRecord | undefined;
      // Two replicas recording the same plan: the loser finds the winner's record.
      if (now?.planDigest === input.planDigest) return { record: now, created: false };
      throw e;
    }
    return { record, created: true };
  }

  async updateChange(
    migrationId: string,
    consumerId: string,
    expectedVersion: number,
    patch: ChangePatch,
    actor: string,
  ): Promise<ChangeRecord> {
    const current = await this.getChange(migrationId, consumerId);
    if (!current) throw new RecordNotFoundError(`The change to ${consumerId}`);
    if (current.version !== expectedVersion)
      throw new VersionConflictError<ChangeRecord>(
        `The change to ${consumerId}`,
        expectedVersion,
        current,
        current.version,
      );
    if (patch.status && patch.status !== current.status)
      checkChangeTransition(consumerId, current.status, patch.status);
    const next: ChangeRecord = {
      ...current,
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.callsDone !== undefined ? { callsDone: patch.callsDone } : {}),
      outputs: { ...current.outputs, ...patch.outputs },
      awsRequestIds: [...current.awsRequestIds, ...(patch.awsRequestIds ?? [])],
      version: current.version + 1,
      updatedAt: this.now(),
      updatedBy: actor,
    };
    if (patch.lastError === null) delete next.lastError;
    else if (patch.lastError) next.lastError = patch.lastError;
    await this.putChange(next, expectedVersion);
    return next;
  }

  async getChange(migrationId: string, consumerId: string): Promise<ChangeRecord | undefined> {
    const item = await this.get(migrationId, `${PREFIX.change}${consumerId}`);
    return item ? withoutKeys<ChangeRecord>(item) : undefined;
  }

  async listChanges(migrationId: string, app?: string): Promise<ChangeRecord[]> {
    const records = (await this.query(migrationId, PREFIX.change)).map((item) =>
      withoutKeys<ChangeRecord>(item),
    );
    return app ? records.filter((r) => r.app === app) : records;
  }

  async waiveConsumer(input: ConsumerWaiver): Promise<{ waiver: ConsumerWaiver; created: boolean }> {
    const waiver = waive(input);
    let stored = waiver;
    let created = true;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...waiver, pk: waiver.migrationId, sk: `${PREFIX.waiver}${waiver.consumerId}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const item = await this.get(waiver.migrationId, `${PREFIX.waiver}${waiver.consumerId}`);
      if (!item) throw e;
      stored = withoutKeys<ConsumerWaiver>(item);
      created = false;
    }
    await this.events.putOnce({
      migrationId: stored.migrationId,
      eventId: `${stored.at}#cutover-waiver#${short(stored.consumerId)}`,
      at: stored.at,
      actor: stored.waivedBy,
      kind: 'cutover_waived',
      detail: `${stored.consumerId}: ${stored.reason}`,
      data: { waiver: stored },
    });
    return { waiver: stored, created };
  }

  async listWaivers(migrationId: string): Promise<ConsumerWaiver[]> {
    return (await this.query(migrationId, PREFIX.waiver)).map((item) => withoutKeys<ConsumerWaiver>(item));
  }

  private async putChange(record: ChangeRecord, expectedVersion: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...record, pk: record.migrationId, sk: `${PREFIX.change}${record.consumerId}` },
          ...this.versionCondition(expectedVersion),
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const now = await this.getChange(record.migrationId, record.consumerId);
      throw new VersionConflictError<ChangeRecord>(
        `The change to ${record.consumerId}`,
        expectedVersion,
        now,
        now?.version,
      );
    }
    await this.events.putOnce({
      migrationId: record.migrationId,
      eventId: `${record.updatedAt}#cutover-change#${short(record.consumerId)}#v${String(record.version).padStart(6, '0')}`,
      at: record.updatedAt,
      actor: record.updatedBy,
      kind: 'cutover_change',
      detail: `${record.name} ${record.status}`,
      data: {
        consumerId: record.consumerId,
        app: record.app,
        status: record.status,
        version: record.version,
      },
    });
  }

  private versionCondition(expectedVersion: number) {
    return expectedVersion === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        };
  }

  private async planOf(item: Record<string, unknown>): Promise<StoredPlan> {
    const { data, app, version, digest } = withoutKeys<{
      data: Uint8Array;
      app: string;
      version: number;
      digest: string;
    }>(item);
    return { app, version, digest, plan: await unpackJson<ApplicationCutoverPlan>(data) };
  }

  private async get(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return out.Item;
  }

  private query(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    });
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
