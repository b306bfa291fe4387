import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.ts';
import type { CopyProgressSample } from '../domain/copy.ts';
import type { FileSystemRecord } from '../domain/inventory.ts';
import { migrationId } from '../domain/inventory.ts';
import {
  RecordAlreadyExistsError,
  RecordNotFoundError,
  VersionConflictError,
  type ChangeSummary,
  type DecisionRecord,
  type MigrationDecision,
  type MigrationRecord,
  type MigrationRepository,
  type NewMigration,
  type SnapshotRecord,
  type TransitionRequest,
  type UpdateRequest,
} from '../domain/migration.ts';
import { transition, type MigrationState } from '../domain/migration-state.ts';
import { changeEventId, type DynamoEventLog } from './event-log.ts';
import { isConditionalCheckFailed, queryAll, withoutKeys } from './document-client.ts';
import { ItemTooLargeError, MAX_PIECE_BYTES, packJson, unpackJson } from './item-size.ts';
import { GSI1, Keys } from './table.ts';

/**
 * Migrations in their own partitions (`FS#<account>#<region>#<fileSystemId>`): the state item,
 * the decision, the inventory snapshot and the event log. Every change of the state item is ONE
 * conditional put on its version, so of any number of writers holding the same version exactly
 * one wins and the rest get VersionConflictError with the record as it now is.
 */
export class DynamoMigrationRepository implements MigrationRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly events: DynamoEventLog,
    private readonly clock: Clock,
  ) {}

  async createMigration(input: NewMigration): Promise<MigrationRecord> {
    const id = migrationId(input.accountId, input.region, input.fileSystemId);
    const at = this.now();
    const state = input.state ?? 'discovered';
    const change: ChangeSummary = {
      eventId: changeEventId(at, 1),
      at,
      actor: input.actor,
      kind: 'created',
      to: state,
      version: 1,
    };
    const record: MigrationRecord = {
      id,
      accountId: input.accountId,
      region: input.region,
      fileSystemId: input.fileSystemId,
      state,
      version: 1,
      facts: { ...input.facts, fileSystemId: input.fileSystemId },
      resources: {},
      lastChange: change,
      createdAt: at,
      updatedAt: at,
      updatedBy: input.actor,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.stateItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if (isConditionalCheckFailed(e)) throw new RecordAlreadyExistsError(id, await this.getMigration(id));
      throw e;
    }
    await this.events.putOnce({ ...change, migrationId: id });
    return record;
  }

  async getMigration(id: string): Promise<MigrationRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: id, sk: Keys.migrationState },
        ConsistentRead: true,
      }),
    );
    return out.Item ? withoutKeys<MigrationRecord>(out.Item) : undefined;
  }

  /** Through the sparse index, so eventually consistent: a just-created migration may lag. */
  async listMigrations(filter: { state?: MigrationState } = {}): Promise<MigrationRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :list',
      ...(filter.state
        ? {
            FilterExpression: '#state = :state',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':list': Keys.migrationList, ':state': filter.state },
          }
        : { ExpressionAttributeValues: { ':list': Keys.migrationList } }),
    });
    return items.map((item) => withoutKeys<MigrationRecord>(item));
  }

  async transitionMigration(id: string, request: TransitionRequest): Promise<MigrationRecord> {
    const current = await this.expectVersion(id, request.expectedVersion);
    const facts = { ...current.facts, ...request.facts, fileSystemId: current.fileSystemId };
    const leavingFailed = current.state === 'failed';
    if (request.to === 'failed') facts.failedFrom = current.state;
    // Throws InvalidTransitionError before anything is written.
    transition(current.state, request.to, facts);
    if (leavingFailed) delete facts.failedFrom;

    const at = this.now();
    const version = current.version + 1;
    const next: MigrationRecord = {
      ...current,
      state: request.to,
      version,
      facts,
      resources: { ...current.resources, ...request.resources },
      failedFrom: request.to === 'failed' ? current.state : undefined,
      lastError:
        request.to === 'failed'
          ? {
              code: request.error?.code ?? 'unknown',
              message: request.error?.message ?? request.detail ?? 'no error was recorded',
              at,
            }
          : undefined,
      lastChange: {
        eventId: changeEventId(at, version),
        at,
        actor: request.actor,
        kind: 'transition',
        from: current.state,
        to: request.to,
        version,
        detail: request.detail,
        awsRequestIds: request.awsRequestIds,
        correlationId: request.correlationId,
        ...(request.to === 'failed' && request.error ? { data: { error: request.error } } : {}),
      },
      updatedAt: at,
      updatedBy: request.actor,
    };
    return this.replace(current, next);
  }

  async updateMigration(id: string, request: UpdateRequest): Promise<MigrationRecord> {
    const current = await this.expectVersion(id, request.expectedVersion);
    const at = this.now();
    const version = current.version + 1;
    const next: MigrationRecord = {
      ...current,
      version,
      facts: { ...current.facts, ...request.facts, fileSystemId: current.fileSystemId },
      resources: { ...current.resources, ...request.resources },
      lastChange: {
        eventId: changeEventId(at, version),
        at,
        actor: request.actor,
        kind: 'updated',
        version,
        detail: request.detail,
        awsRequestIds: request.awsRequestIds,
        correlationId: request.correlationId,
        data: { facts: request.facts, resources: request.resources },
      },
      updatedAt: at,
      updatedBy: request.actor,
    };
    return this.replace(current, next);
  }

  async getDecision(id: string): Promise<DecisionRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: id, sk: Keys.migrationDecision },
        ConsistentRead: true,
      }),
    );
    return out.Item ? withoutKeys<DecisionRecord>(out.Item) : undefined;
  }

  async putDecision(
    id: string,
    decision: MigrationDecision,
    expectedVersion: number,
  ): Promise<DecisionRecord> {
    const at = this.now();
    const record: DecisionRecord = { migrationId: id, version: expectedVersion + 1, decision, updatedAt: at };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...record, pk: id, sk: Keys.migrationDecision },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const current = await this.getDecision(id);
      throw new VersionConflictError<DecisionRecord>(
        `The decision for ${id}`,
        expectedVersion,
        current,
        current?.version ?? 0,
      );
    }
    await this.events.appendEvent(id, {
      at,
      actor: decision.decidedBy,
      kind: 'decision',
      detail: `${decision.method} to ${decision.targetKmsKeyId}`,
      data: { decisionVersion: record.version, decision },
    });
    return record;
  }

  async getSnapshot(id: string): Promise<SnapshotRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: id, sk: Keys.migrationSnapshot },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { data, ...rest } = withoutKeys<Omit<SnapshotRecord, 'fileSystem'> & { data: Uint8Array }>(
      out.Item,
    );
    return { ...rest, fileSystem: await unpackJson<FileSystemRecord>(data) };
  }

  async putSnapshot(id: string, snapshot: Omit<SnapshotRecord, 'migrationId'>): Promise<boolean> {
    // Compressed: a file system with thousands of access points would not fit as a plain map.
    const data = await packJson(snapshot.fileSystem);
    if (data.byteLength > MAX_PIECE_BYTES)
      throw new ItemTooLargeError(`The inventory snapshot of ${id}`, data.byteLength);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: id,
            sk: Keys.migrationSnapshot,
            migrationId: id,
            observedAt: snapshot.observedAt,
            scanId: snapshot.scanId,
            data,
          },
          // A slow scan finishing late must not overwrite a newer observation.
          ConditionExpression: 'attribute_not_exists(pk) OR observedAt <= :observedAt',
          ExpressionAttributeValues: { ':observedAt': snapshot.observedAt },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  async putCopyProgress(id: string, sample: CopyProgressSample): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...sample, pk: id, sk: Keys.migrationCopyProgress },
          // Unversioned on purpose (advisory), but never older over newer: a late write from a
          // replica that lost its lease must not replace its successor's sample.
          ConditionExpression: 'attribute_not_exists(pk) OR sampledAt <= :sampledAt',
          ExpressionAttributeValues: { ':sampledAt': sample.sampledAt },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  async getCopyProgress(id: string): Promise<CopyProgressSample | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: id, sk: Keys.migrationCopyProgress },
        ConsistentRead: true,
      }),
    );
    return out.Item ? withoutKeys<CopyProgressSample>(out.Item) : undefined;
  }

  /** Reads the record and fails fast when the caller's version is already stale. */
  private async expectVersion(id: string, expectedVersion: number): Promise<MigrationRecord> {
    const current = await this.getMigration(id);
    if (!current) throw new RecordNotFoundError(id);
    if (current.version !== expectedVersion)
      throw new VersionConflictError(id, expectedVersion, current, current.version);
    return current;
  }

  /** The one conditional write, then the event (and the previous one, if a crash lost it). */
  private async replace(current: MigrationRecord, next: MigrationRecord): Promise<MigrationRecord> {
    if (current.lastChange) await this.events.putOnce({ ...current.lastChange, migrationId: current.id });
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.stateItem(next),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': current.version },
        }),
      );
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      // ReturnValuesOnConditionCheckFailure would save this read on AWS, but dynalite ignores it.
      const now = await this.getMigration(current.id);
      throw new VersionConflictError(current.id, current.version, now, now?.version);
    }
    if (next.lastChange) await this.events.putOnce({ ...next.lastChange, migrationId: next.id });
    return next;
  }

  private stateItem(record: MigrationRecord): Record<string, unknown> {
    return {
      ...record,
      pk: record.id,
      sk: Keys.migrationState,
      gsi1pk: Keys.migrationList,
      gsi1sk: record.id,
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
