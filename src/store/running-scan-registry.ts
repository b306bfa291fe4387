import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { RunningScan, RunningScanRegistry } from '../domain/running-scan.ts';
import { isConditionalCheckFailed, queryAll, withoutKeys } from './document-client.ts';
import { Keys } from './table.ts';

/**
 * Running scans, one item per scope in a single partition (`RUNNING_SCAN`, sk = scope key): the
 * handful of live claims is one consistent query, and each claim is one conditional put that wins
 * only when no claim exists or the existing one has expired (ISO times compare as strings), so of
 * two replicas admitting the same scope exactly one runs it.
 */
export class DynamoRunningScanRegistry implements RunningScanRegistry {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(
    entry: RunningScan,
    now: Date,
  ): Promise<{ claimed: true } | { claimed: false; holder: RunningScan }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: Keys.runningScans, sk: entry.scopeKey, ...entry },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return { claimed: true };
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
      const out = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: Keys.runningScans, sk: entry.scopeKey },
          ConsistentRead: true,
        }),
      );
      // Released between the put and the get: claim again (the race is rare and the retry bounded by it).
      if (!out.Item) return this.claim(entry, now);
      return { claimed: false, holder: withoutKeys<RunningScan>(out.Item) };
    }
  }

  async listLive(now: Date): Promise<RunningScan[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'expiresAt >= :now',
      ExpressionAttributeValues: { ':pk': Keys.runningScans, ':now': now.toISOString() },
      ConsistentRead: true,
    });
    return items.map((item) => withoutKeys<RunningScan>(item));
  }

  async renew(
    scopeKey: string,
    admissionId: string,
    patch: { threadTs?: string; expiresAt: string },
  ): Promise<boolean> {
    const sets = ['expiresAt = :exp', ...(patch.threadTs ? ['threadTs = :ts'] : [])];
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: Keys.runningScans, sk: scopeKey },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'admissionId = :id',
          ExpressionAttributeValues: {
            ':id': admissionId,
            ':exp': patch.expiresAt,
            ...(patch.threadTs ? { ':ts': patch.threadTs } : {}),
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  async release(scopeKey: string, admissionId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: Keys.runningScans, sk: scopeKey },
          ConditionExpression: 'admissionId = :id',
          ExpressionAttributeValues: { ':id': admissionId },
        }),
      );
    } catch (e) {
      // Someone else's claim now (ours expired and was taken over): not ours to drop.
      if (!isConditionalCheckFailed(e)) throw e;
    }
  }
}
