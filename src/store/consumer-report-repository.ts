import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConsumerReport } from '../domain/consumers.ts';
import { isConditionalCheckFailed } from './document-client.ts';
import { ItemTooLargeError, MAX_PIECE_BYTES, packJson, unpackJson } from './item-size.ts';
import { Keys } from './table.ts';

/**
 * The last consumer report of each migration, one item beside its state (`CONSUMERS` in the
 * migration's partition), gzipped JSON: a file system with hundreds of consumers stays one item.
 * Not versioned with the migration: a report is an observation, like the inventory snapshot, so
 * the newest one wins and a slow discovery finishing late never replaces a newer one.
 */
export class DynamoConsumerReportRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putConsumerReport(report: ConsumerReport): Promise<boolean> {
    const data = await packJson(report);
    if (data.byteLength > MAX_PIECE_BYTES)
      throw new ItemTooLargeError(`The consumer report of ${report.migrationId}`, data.byteLength);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: report.migrationId,
            sk: Keys.migrationConsumers,
            discoveredAt: report.discoveredAt,
            consumerCount: report.consumers.length,
            data,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR discoveredAt <= :discoveredAt',
          ExpressionAttributeValues: { ':discoveredAt': report.discoveredAt },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  async getConsumerReport(migrationId: string): Promise<ConsumerReport | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: migrationId, sk: Keys.migrationConsumers },
        ConsistentRead: true,
      }),
    );
    return out.Item ? unpackJson<ConsumerReport>(out.Item.data as Uint8Array) : undefined;
  }
}
