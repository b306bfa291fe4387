import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.ts';
import {
  WORK_CLAIM_TTL_SECONDS,
  type WorkClaimKey,
  type WorkClaimRecord,
  type WorkClaims,
} from '../domain/work-claim.ts';
import { isConditionalCheckFailed } from './document-client.ts';
import { Keys } from './table.ts';

/**
 * One item per work message (`WORK#<kind>#<correlationId>`), written only by conditional writes:
 * put if absent (or taking over a dead, invisible attempt), then updated or deleted only by the
 * attempt that holds it. `expiresAt` is the deployed table's TTL attribute.
 */
export class DynamoWorkClaims implements WorkClaims {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  private key(k: WorkClaimKey) {
    return { pk: Keys.work(k.kind, k.correlationId), sk: Keys.workClaim };
  }

  async claim(
    key: WorkClaimKey,
    a: { attempt: string; actor: string; leaseUntil: Date },
  ): Promise<{ claimed: true } | { claimed: false; current: WorkClaimRecord | undefined }> {
    const now = this.clock.now();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(key),
            kind: key.kind,
            actor: a.actor.slice(0, 64),
            status: 'running',
            attempt: a.attempt,
            leaseUntil: a.leaseUntil.toISOString(),
            visible: false,
            at: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + WORK_CLAIM_TTL_SECONDS,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR (#status = :running AND leaseUntil < :now AND visible = :false)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running', ':now': now.toISOString(), ':false': false },
        }),
      );
      return { claimed: true };
    } catch (e) {
      if (!isConditionalCheckFailed(e)) throw e;
    }
    const got = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(key), ConsistentRead: true }),
    );
    const item = got.Item as WorkClaimRecord | undefined;
    return {
      claimed: false,
      current: item && {
        status: item.status,
        attempt: item.attempt,
        leaseUntil: item.leaseUntil,
        visible: item.visible,
        at: item.at,
      },
    };
  }

  async markVisible(key: WorkClaimKey, attempt: string): Promise<void> {
    await this.update(key, attempt, 'SET visible = :true', { ':true': true });
  }

  async finish(key: WorkClaimKey, attempt: string, status: 'done' | 'failed', error?: string): Promise<void> {
    await this.update(
      key,
      attempt,
      `SET #status = :status, finishedAt = :at${error ? ', #error = :error' : ''}`,
      {
        ':status': status,
        ':at': this.clock.now().toISOString(),
        ...(error ? { ':error': error.slice(0, 1000) } : {}),
      },
      { '#status': 'status', ...(error ? { '#error': 'error' } : {}) },
    );
  }

  async release(key: WorkClaimKey, attempt: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: this.key(key),
        ConditionExpression: 'attempt = :attempt',
        ExpressionAttributeValues: { ':attempt': attempt },
      }),
    );
  }

  private async update(
    key: WorkClaimKey,
    attempt: string,
    expression: string,
    values: Record<string, unknown>,
    names?: Record<string, string>,
  ): Promise<void> {
    // Conditioned on the attempt: a sandbox that lost its claim (taken over) never writes over it.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(key),
        UpdateExpression: expression,
        ConditionExpression: 'attempt = :attempt',
        ExpressionAttributeValues: { ...values, ':attempt': attempt },
        ...(names ? { ExpressionAttributeNames: names } : {}),
      }),
    );
  }
}
