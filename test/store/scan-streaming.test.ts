import { DeleteItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSystemRecord } from '../../src/domain/inventory.ts';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../../src/store/embedded-dynamodb.ts';
import { createRepositories, ScanDataInconsistentError, type Store } from '../../src/store/index.ts';
import { ensureTable } from '../../src/store/table.ts';
import { Keys } from '../../src/store/table.ts';
import { scanRecord } from '../../bench/scan-records.ts';

/**
 * Issue 19: a scan is written to the store pair by pair, through BatchWriteItem, as it runs; the
 * header, written last, is what makes it a stored (and, finished, the latest) scan.
 */

const TABLE = 'scan-streaming';
let server: EmbeddedDynamoDb;
let client: DynamoDBClient;
let scans: Store['scans'];
const commands: string[] = [];

beforeAll(async () => {
  server = await startEmbeddedDynamoDb();
  client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String((context as { commandName?: string }).commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  await ensureTable(client, TABLE, { create: true });
  // Small pieces: a pair's group spans several items, as a large region's would.
  scans = createRepositories(client, TABLE, { scans: { chunkBytes: 20_000 } }).scans;
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

async function chunkItems(scanId: string) {
  const out = await client.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
      ExpressionAttributeValues: { ':pk': { S: Keys.scan(scanId) }, ':chunk': { S: 'CHUNK#' } },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('a scan streamed to the store', () => {
  it('stores each pair through BatchWriteItem as it is written, and is no scan until it finishes', async () => {
    const earlier = scanRecord('streamed-earlier', '2026-02-01T00:00:00.000Z', 5);
    await scans.saveScan(earlier);
    const scan = scanRecord('streamed', '2026-02-02T00:00:00.000Z', 600, { seed: 11 });
    const first = scan.fileSystems.slice(0, 400);
    const second = scan.fileSystems.slice(400);

    const writer = scans.beginScan(scan.scanId);
    commands.length = 0;
    // The second pair finishes first: its place in the scan, not its arrival, orders it.
    await writer.writeFileSystems(1, second);
    expect(commands).toContain('BatchWriteItemCommand');
    expect(commands).not.toContain('PutItemCommand');
    const afterOnePair = (await chunkItems(scan.scanId)).length;
    expect(afterOnePair).toBeGreaterThan(1);
    await writer.writeFileSystems(0, first);
    expect((await chunkItems(scan.scanId)).length).toBeGreaterThan(afterOnePair);

    // Every pair written, no header: as after a crash here, there is no such scan.
    expect(await scans.getScan(scan.scanId)).toBeUndefined();
    expect(await scans.openScan(scan.scanId)).toBeUndefined();
    expect((await scans.getLatestScan())?.scanId).toBe(earlier.scanId);
    expect((await scans.listScans(50)).map((s) => s.scanId)).not.toContain(scan.scanId);

    const { fileSystems: _all, ...summary } = scan;
    await writer.finish(summary);
    expect(await scans.getScan(scan.scanId)).toEqual(scan);
    expect((await scans.getLatestScan())?.scanId).toBe(scan.scanId);
    const stored = await scans.openLatestScan();
    expect(stored?.summary).toEqual(summary);
    expect(await collect(stored!.fileSystems())).toEqual(scan.fileSystems);
  });

  it('abandoning a scan removes what it wrote', async () => {
    const scan = scanRecord('abandoned', '2026-02-03T00:00:00.000Z', 50);
    const writer = scans.beginScan(scan.scanId);
    await writer.writeFileSystems(0, scan.fileSystems);
    expect((await chunkItems(scan.scanId)).length).toBeGreaterThan(0);
    await writer.abandon();
    expect(await chunkItems(scan.scanId)).toEqual([]);
    await expect(writer.writeFileSystems(1, scan.fileSystems)).rejects.toThrow(/abandoned/);
  });

  it('continues a pair written in batches, each after the last, and reads the pair back in order', async () => {
    const scan = scanRecord('batched', '2026-02-04T00:00:00.000Z', 300, { seed: 3 });
    const writer = scans.beginScan(scan.scanId);
    // Pair 1 in three batches (each split over several items), pair 0 in one, out of order.
    await writer.writeFileSystems(1, scan.fileSystems.slice(100, 110));
    await writer.writeFileSystems(1, scan.fileSystems.slice(110, 280));
    await writer.writeFileSystems(0, scan.fileSystems.slice(0, 100));
    await writer.writeFileSystems(1, []);
    await writer.writeFileSystems(1, scan.fileSystems.slice(280));
    const { fileSystems, ...summary } = scan;
    await writer.finish(summary);
    expect(await scans.getScan(scan.scanId)).toEqual(scan);
    const stored = await scans.openScan(scan.scanId);
    expect((await collect(stored!.fileSystems())).map((f) => f.fileSystemId)).toEqual(
      fileSystems.map((f) => f.fileSystemId),
    );
  });

  it("refuses a pair's next batch while its last is still being written (it would take the same keys)", async () => {
    const writer = scans.beginScan('overlap');
    const records: FileSystemRecord[] = scanRecord('overlap', '2026-02-04T00:00:00.000Z', 2).fileSystems;
    const first = writer.writeFileSystems(3, records);
    await expect(writer.writeFileSystems(3, records)).rejects.toThrow(/position 3 .* is being written/);
    await first;
    // Once the first is through, the next continues the pair.
    await writer.writeFileSystems(3, records);
    await writer.abandon();
  });

  it('a reader that finds a part missing says the stored scan is incomplete', async () => {
    const scan = scanRecord('damaged', '2026-02-05T00:00:00.000Z', 300, { seed: 5 });
    await scans.saveScan(scan);
    const items = await chunkItems(scan.scanId);
    expect(items.length).toBeGreaterThan(2);
    const victim = items[1]!;
    await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: victim.pk!, sk: victim.sk! } }));
    const stored = await scans.openScan(scan.scanId);
    await expect(collect(stored!.fileSystems())).rejects.toBeInstanceOf(ScanDataInconsistentError);
    await expect(scans.getScan(scan.scanId)).rejects.toBeInstanceOf(ScanDataInconsistentError);
  });
});

describe('pairs that finish together', () => {
  /** Writes 8 pairs at once and returns the most pairs whose parts were being written at one time. */
  async function mostPairsWrittenAtOnce(packConcurrency: number): Promise<{ most: number; stored: number }> {
    const counted = new DynamoDBClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const writing = new Map<number, number>();
    let most = 0;
    counted.middlewareStack.add(
      (next) => async (args) => {
        const requests =
          (args.input as { RequestItems?: Record<string, { PutRequest?: { Item?: { sk?: unknown } } }[]> })
            .RequestItems?.[TABLE] ?? [];
        const positions = new Set(
          requests
            .map((r) => r.PutRequest?.Item?.sk)
            .map((sk) => (typeof sk === 'string' ? sk : (sk as { S?: string } | undefined)?.S))
            .map((sk) => /#P(\d+)#/.exec(sk ?? '')?.[1])
            .filter((p): p is string => p !== undefined)
            .map(Number),
        );
        for (const p of positions) writing.set(p, (writing.get(p) ?? 0) + 1);
        most = Math.max(most, writing.size);
        try {
          return await next(args);
        } finally {
          for (const p of positions) {
            const left = writing.get(p)! - 1;
            if (left === 0) writing.delete(p);
            else writing.set(p, left);
          }
        }
      },
      { step: 'build', name: 'countPairsBeingWritten' },
    );
    try {
      const repo = createRepositories(counted, TABLE, {
        scans: { chunkBytes: 2_000, packConcurrency },
      }).scans;
      const scan = scanRecord(`together-${packConcurrency}`, '2026-02-05T00:00:00.000Z', 160, { seed: 5 });
      const writer = repo.beginScan(scan.scanId);
      await Promise.all(
        Array.from({ length: 8 }, (_, pair) =>
          writer.writeFileSystems(pair, scan.fileSystems.slice(pair * 20, pair * 20 + 20)),
        ),
      );
      const { fileSystems: _all, ...summary } = scan;
      await writer.finish(summary);
      const stored = await collect((await repo.openScan(scan.scanId))!.fileSystems());
      expect(stored).toEqual(scan.fileSystems);
      return { most, stored: stored.length };
    } finally {
      counted.destroy();
    }
  }

  it('packs and writes a few pairs at a time, so their JSON and gzip buffers are not all in memory at once', async () => {
    expect(await mostPairsWrittenAtOnce(2)).toEqual({ most: 2, stored: 160 });
    // Without the bound, the same eight pairs are written together.
    expect((await mostPairsWrittenAtOnce(8)).most).toBeGreaterThan(2);
  });
});
