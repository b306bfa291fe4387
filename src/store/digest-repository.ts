import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Digest, DigestRecord } from '../domain/digest.ts';
import { isConditionalCheckFailed } from './document-client.ts';
import { ItemTooLargeError, MAX_PIECE_BYTES, packJson, unpackJson } from './item-size.ts';
import { GSI1, Keys } from './table.ts';

/**
 * Digests in their own partitions: `DIGEST#<slot ISO>` for a scheduled one (listed on gsi1 under
 * `DIGEST_SLOT` by slot, which is how "since the last digest" is found), `DIGEST#<digest ID>` for
 * one asked for on demand. One item each; the content gzipped (a digest of a large estate lists
 * many file systems).
 */
export class DynamoDigestRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims a scheduled slot: true for exactly one caller. A claim left `claimed` since before
   * `staleBefore` (its replica died between claiming and posting) may be taken over, as an expired
   * job lease may; a posted or failed slot never is.
   */
  async claimSlot(input: {
    slot: string;
    digestId: string;
    claimedBy: string;
    claimedAt: string;
    staleBefore: string;
  }): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: Keys.digest(input.slot),
            sk: Keys.digestItem,
            gsi1pk: Keys.digestSlots,
            gsi1sk: input.slot,
            digestId: input.digestId,
            kind: 'scheduled',
            slot: input.slot,
            claimedBy: input.claimedBy,
            claimedAt: input.claimedAt,
            status: 'claimed',
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :claimed AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':stale': input.staleBefore },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  /** An on-demand digest's record, written once. */
  async createOnDemand(input: { digestId: string; claimedBy: string; claimedAt: string }): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: Keys.digest(input.digestId),
          sk: Keys.digestItem,
          kind: 'on_demand',
          status: 'claimed',
          ...input,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** Stores the content, still conditional on this holder's claim (a takeover wins). */
  async saveContent(key: string, claimedBy: string, digest: Digest): Promise<void> {
    const data = await packJson(digest);
    if (data.byteLength > MAX_PIECE_BYTES)
      throw new ItemTooLargeError(`Digest ${digest.digestId}`, data.byteLength);
    await this.update(key, claimedBy, 'SET #data = :data', { ':data': data });
  }

  async markPosted(
    key: string,
    claimedBy: string,
    posted: { channel: string; messageTs: string; postedAt: string },
  ): Promise<void> {
    await this.update(
      key,
      claimedBy,
      'SET #status = :posted, channel = :channel, messageTs = :ts, postedAt = :at',
      {
        ':posted': 'posted',
        ':channel': posted.channel,
        ':ts': posted.messageTs,
        ':at': posted.postedAt,
      },
    );
  }

  async markFailed(key: string, claimedBy: string, error: { code: string; message: string }): Promise<void> {
    await this.update(key, claimedBy, 'SET #status = :failed, #error = :error', {
      ':failed': 'failed',
      ':error': error,
    });
  }

  async get(key: string): Promise<DigestRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: Keys.digest(key), sk: Keys.digestItem },
        ConsistentRead: true,
      }),
    );
    return out.Item ? this.recordOf(out.Item) : undefined;
  }

  /** The latest scheduled slot strictly before `slot` (any status: a slot that was claimed counts as done). */
  async latestSlotBefore(slot: string): Promise<string | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :list AND gsi1sk < :slot',
        ExpressionAttributeValues: { ':list': Keys.digestSlots, ':slot': slot },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return out.Items?.[0]?.slot as string | undefined;
  }

  private async update(
    key: string,
    claimedBy: string,
    expression: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: Keys.digest(key), sk: Keys.digestItem },
        UpdateExpression: expression,
        ConditionExpression: 'claimedBy = :holder',
        ExpressionAttributeNames: {
          ...(expression.includes('#status') ? { '#status': 'status' } : {}),
          ...(expression.includes('#data') ? { '#data': 'data' } : {}),
          ...(expression.includes('#error') ? { '#error': 'error' } : {}),
        },
        ExpressionAttributeValues: { ...values, ':holder': claimedBy },
      }),
    );
  }

  private async recordOf(item: Record<string, unknown>): Promise<DigestRecord> {
    const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, data, ...rest } = item;
    const record = rest as unknown as DigestRecord;
    return data ? { ...record, digest: await unpackJson<Digest>(data as Uint8Array) } : record;
  }
}
