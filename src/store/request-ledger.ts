import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.ts';
import { REQUEST_CLAIM_TTL_SECONDS, type RequestLedger } from '../domain/request-ledger.ts';
import { isConditionalCheckFailed } from './document-client.ts';
import { Keys } from './table.ts';

/**
 * One small item per handled request (`REQUEST#<fingerprint>`), put only if absent. `expiresAt`
 * (epoch seconds) is the attribute a deployed table's TTL deletes on; the embedded store
 * (dynalite) has no TTL, so there the items stay, a few hundred bytes each, and `at` says when.
 */
export class DynamoRequestLedger implements RequestLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async claim(fingerprint: string, detail: { kind: string; actor: string }): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: Keys.request(fingerprint),
            sk: Keys.requestClaim,
            kind: detail.kind.slice(0, 64),
            actor: detail.actor.slice(0, 64),
            at: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + REQUEST_CLAIM_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }
}
