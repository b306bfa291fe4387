import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { REQUEST_CLAIM_TTL_SECONDS } from '../../src/domain/request-ledger.ts';
import { openStore, type Store } from '../../src/store/index.ts';

describe('DynamoRequestLedger (embedded store)', () => {
  let store: Store;
  const clock = new ManualClock(new Date('2026-02-01T10:00:00Z'));

  beforeAll(async () => {
    store = await openStore({ clock });
  });
  afterAll(async () => {
    await store.close();
  });

  it('claims a fingerprint once, even when two claims race; another fingerprint is its own', async () => {
    const claims = await Promise.all(
      Array.from({ length: 5 }, () =>
        store.requests.claim('a'.repeat(64), { kind: 'command build', actor: 'U1' }),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.requests.claim('a'.repeat(64), { kind: 'command build', actor: 'U1' })).toBe(false);
    expect(await store.requests.claim('b'.repeat(64), { kind: 'command build', actor: 'U1' })).toBe(true);
  });

  it('stores a small item with its time and a TTL attribute a deployed table expires it on', async () => {
    const { DynamoDBClient, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
    await store.requests.claim('c'.repeat(64), { kind: 'command scan', actor: 'U2' });
    const client = new DynamoDBClient({
      endpoint: store.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: store.tableName,
        Key: { pk: { S: `REQUEST#${'c'.repeat(64)}` }, sk: { S: 'CLAIM' } },
        ConsistentRead: true,
      }),
    );
    client.destroy();
    expect(Item).toMatchObject({
      kind: { S: 'command scan' },
      actor: { S: 'U2' },
      at: { S: '2026-02-01T10:00:00.000Z' },
      expiresAt: { N: String(Date.parse('2026-02-01T10:00:00Z') / 1000 + REQUEST_CLAIM_TTL_SECONDS) },
    });
    expect(JSON.stringify(Item).length).toBeLessThan(400);
  });
});
