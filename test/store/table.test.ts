import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableSetupError, ensureTable } from '../../src/store/table.ts';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../src/store/embedded-dynamodb.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('ensureTable', () => {
  let server: EmbeddedDynamoDb;
  let client: DynamoDBClient;
  beforeAll(async () => {
    server = await startEmbeddedDynamoDb();
    client = new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('says what to do when a configured table is missing and creation is not allowed', async () => {
    const err = await ensureTable(client, 'not-there', { create: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TableSetupError);
    expect((err as TableSetupError).userMessage).toMatch(
      /not-there does not exist.*infra\/.*EFS_ENCRYPT_TABLE/,
    );
    await expect(client.send(new DescribeTableCommand({ TableName: 'not-there' }))).rejects.toThrow(
      /not found/i,
    );
  });

  it('refuses a table with another key schema instead of writing into it', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'someone-elses',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const err = await ensureTable(client, 'someone-elses', { create: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TableSetupError);
    expect((err as Error).message).toContain(
      'key schema is id:HASH, expected pk:HASH,sk:RANGE; index gsi1 is missing',
    );
    await client.send(new DeleteTableCommand({ TableName: 'someone-elses' }));
  });
});

describe('ensureTable waiting', () => {
  // A dynalite whose tables stay CREATING for a minute, to prove the wait is bounded.
  const slow = dynalite({ createTableMs: 60_000 });
  let client: DynamoDBClient;
  beforeAll(async () => {
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const { port } = slow.address() as AddressInfo;
    client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials });
  });
  afterAll(async () => {
    client.destroy();
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('gives up after its timeout with the status it saw, sleeping through an injected sleep', async () => {
    const sleeps: number[] = [];
    const err = await ensureTable(client, 'slow-table', {
      create: true,
      timeoutMs: 1_000,
      pollMs: 400,
      sleep: async (ms) => void sleeps.push(ms),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TableSetupError);
    expect((err as Error).message).toBe(
      'DynamoDB table slow-table did not become ACTIVE within 1 s (status CREATING).',
    );
    expect(sleeps).toEqual([25, 50, 100, 200, 400, 400]);
  });
});
