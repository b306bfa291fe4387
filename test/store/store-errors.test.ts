/**
 * The store's coded failures against the real DynamoDB API (embedded dynalite): an audit event ID
 * two writers both made, and a query that pages past its bound.
 */
import type * as NodeCrypto from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { ErrorCode, EventAlreadyExistsError, QueryTooLargeError } from '../../src/domain/errors.ts';
import { migrationId } from '../../src/domain/inventory.ts';
import { createDocumentClient, queryAll } from '../../src/store/document-client.ts';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../src/store/embedded-dynamodb.ts';
import { createRepositories } from '../../src/store/open-store.ts';
import { ensureTable } from '../../src/store/table.ts';

// Two replicas collide only if their clocks, sequence counters and random parts all agree; the
// random part is pinned while `pinned.on` so the collision can be made on purpose.
const pinned = vi.hoisted(() => ({ on: false }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof NodeCrypto>();
  const randomBytes = (n: number) => (pinned.on ? Buffer.alloc(n, 7) : real.randomBytes(n));
  return { ...real, randomBytes };
});

const TABLE = 'efs-encrypt-errors';
let server: EmbeddedDynamoDb;
let client: DynamoDBClient;

beforeAll(async () => {
  server = await startEmbeddedDynamoDb();
  client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureTable(client, TABLE, { create: true, pollMs: 50 });
});
afterAll(async () => {
  client?.destroy();
  await server?.close();
});

describe('the event log', () => {
  it('refuses an event whose ID another writer already stored, keeping the first, with EventAlreadyExistsError', async () => {
    const clock = new ManualClock(new Date('2026-03-01T09:00:00Z'));
    const first = createRepositories(client, TABLE, { clock });
    const second = createRepositories(client, TABLE, { clock });
    const id = migrationId('111122223333', 'eu-west-1', 'fs-0collide');
    pinned.on = true;
    try {
      const kept = await first.events.appendEvent(id, { actor: 'U1', kind: 'note', detail: 'first' });
      const err = await second.events.appendEvent(id, { actor: 'U2', kind: 'note', detail: 'second' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EventAlreadyExistsError);
      expect(err).toMatchObject({
        code: ErrorCode.EventAlreadyExists,
        migrationId: id,
        eventId: kept.eventId,
      });
      expect((err as EventAlreadyExistsError).userMessage).toContain(
        'this change was not recorded. Try again',
      );
      expect(await first.events.listEvents(id)).toEqual([kept]);
    } finally {
      pinned.on = false;
    }
  });
});

describe('queryAll', () => {
  it('stops a query that pages past its bound with QueryTooLargeError, and returns every page within it', async () => {
    const { events } = createRepositories(client, TABLE, { clock: new ManualClock() });
    const id = migrationId('111122223333', 'eu-west-1', 'fs-0pages');
    for (const detail of ['a', 'b', 'c']) await events.appendEvent(id, { actor: 'U1', kind: 'note', detail });
    const doc = createDocumentClient(client);
    const query = {
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': id },
      Limit: 1,
    };
    // Three items a page each, and a fourth, empty page that ends the query.
    expect(await queryAll(doc, query, 4)).toHaveLength(3);
    const err = await queryAll(doc, query, 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(QueryTooLargeError);
    expect(err).toMatchObject({ code: ErrorCode.QueryTooLarge, tableName: TABLE, maxPages: 2 });
  });
});
