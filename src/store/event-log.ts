import { randomBytes } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.ts';
import type { MigrationEvent, MigrationEventLog, NewEvent } from '../domain/migration.ts';
import { isConditionalCheckFailed, queryAll, withoutKeys } from './document-client.ts';
import { Keys } from './table.ts';
import { EventAlreadyExistsError } from '../domain/errors.ts';

/**
 * The append-only audit log of a migration: items `EVENT#<at>#<unique>` in the migration's
 * partition, so a query returns them oldest first. Events are only ever put, never updated.
 */
export class DynamoEventLog implements MigrationEventLog {
  private sequence = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async appendEvent(migrationId: string, event: NewEvent): Promise<MigrationEvent> {
    const at = event.at ?? this.clock.now().toISOString();
    // The counter keeps one process's events in order within a millisecond; the random part keeps
    // replicas from colliding.
    const eventId = `${at}#n${String(this.sequence++ % 1e6).padStart(6, '0')}${randomBytes(4).toString('hex')}`;
    const stored: MigrationEvent = { ...event, migrationId, eventId, at };
    const written = await this.putOnce(stored);
    if (!written) throw new EventAlreadyExistsError(migrationId, eventId);
    return stored;
  }

  /**
   * Puts an event whose ID is derived from the change it records; false when it is already there.
   * That makes re-appending the event of a record's last change safe (see ChangeSummary).
   */
  async putOnce(event: MigrationEvent): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...event, pk: event.migrationId, sk: `${Keys.eventPrefix}${event.eventId}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionalCheckFailed(e)) return false;
      throw e;
    }
  }

  async listEvents(migrationId: string): Promise<MigrationEvent[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': migrationId, ':prefix': Keys.eventPrefix },
      ConsistentRead: true,
    });
    return items.map((item) => withoutKeys<MigrationEvent>(item));
  }
}

/** The ID of the event that records version `version` of a record, changed at `at`. */
export function changeEventId(at: string, version: number): string {
  return `${at}#v${String(version).padStart(8, '0')}`;
}
