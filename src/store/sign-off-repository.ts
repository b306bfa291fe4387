import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import type { SignOffRecord } from '../domain/sign-off.ts';
import type { DynamoEventLog } from './event-log.ts';
import { queryAll, withoutKeys } from './document-client.ts';

/**
 * Application sign-offs in the migration's partition (`FS#…`), append-only:
 * `SIGNOFF#<app>#<at>#<unique>`, each written once (attribute_not_exists) and followed by an audit
 * event whose ID derives from it, so a retry after a crash between the two writes is harmless.
 */
const PREFIX = 'SIGNOFF#';

export class DynamoSignOffRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly events: DynamoEventLog,
  ) {}

  async appendSignOff(record: SignOffRecord): Promise<SignOffRecord> {
    const unique = randomBytes(4).toString('hex');
    const sk = `${PREFIX}${record.app}#${record.at}#${unique}`;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...record, pk: record.migrationId, sk },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await this.events.putOnce({
      migrationId: record.migrationId,
      eventId: `${record.at}#sign-off#${unique}`,
      at: record.at,
      actor: record.by,
      kind: record.decision === 'signed_off' ? 'sign_off' : 'sign_off_concerns',
      detail:
        record.decision === 'signed_off'
          ? `${record.app} signed off (${record.role})`
          : `${record.app} concerns (${record.role}): ${record.text ?? ''}${record.components.length ? ` [${record.components.join(', ')}]` : ''}`,
      data: { signOff: record },
    });
    return record;
  }

  /** Oldest first. */
  async listSignOffs(migrationId: string): Promise<SignOffRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': migrationId, ':prefix': PREFIX },
      ConsistentRead: true,
    });
    return items
      .map((i) => withoutKeys<SignOffRecord>(i))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}
