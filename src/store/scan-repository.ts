import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';
import type { FileSystemRecord, ScanFailure, ScanRecord } from '../domain/inventory.ts';
import { queryAll } from './document-client.ts';
import { MAX_PIECE_BYTES, itemSize, joinBytes, packJson, splitBytes, unpackJson } from './item-size.ts';
import { GSI1, Keys } from './table.ts';

/**
 * Scans in their own partitions (`SCAN#<scanId>`). The file systems and failures are stored as
 * gzipped JSON split into CHUNK items of a bounded size (400 KB item limit); the HEADER item is
 * written last and names the chunk generation it belongs to, so a reader never sees a half-written
 * scan, and re-saving a scan (started, then finished) swaps generations in one put.
 */

type ScanSummary = Omit<ScanRecord, 'fileSystems'>;

interface ScanHeader extends Omit<ScanSummary, 'failures'> {
  /** Absent when they did not fit the header; they are always in the chunks. */
  failures?: ScanFailure[];
  fileSystemCount: number;
  generation: string;
  chunkCount: number;
  payloadBytes: number;
  payloadSha256: string;
}

interface ScanPayload {
  fileSystems: FileSystemRecord[];
  failures: ScanFailure[];
}

export class ScanDataInconsistentError extends EfsEncryptError {
  constructor(scanId: string, detail: string) {
    super(
      ErrorCode.RecordNotFound,
      `The stored data of scan ${scanId} is incomplete (${detail}). Run the scan again.`,
    );
  }
}

export interface ScanRepositoryOptions {
  /** Largest chunk in bytes (default MAX_PIECE_BYTES); tests lower it to force many chunks. */
  chunkBytes?: number;
  /** Chunk writes in flight at once. */
  writeConcurrency?: number;
}

/**
 * Where scans are kept. It matches the scan workflow's ScanRepository port structurally (the store
 * imports no workflow); the composition root checks the fit where it hands the store in.
 */
export class DynamoScanRepository {
  private readonly chunkBytes: number;
  private readonly writeConcurrency: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: ScanRepositoryOptions = {},
  ) {
    this.chunkBytes = Math.min(options.chunkBytes ?? MAX_PIECE_BYTES, MAX_PIECE_BYTES);
    this.writeConcurrency = options.writeConcurrency ?? 8;
  }

  async saveScan(scan: ScanRecord): Promise<void> {
    const payload = await packJson({
      fileSystems: scan.fileSystems,
      failures: scan.failures,
    } satisfies ScanPayload);
    const chunks = splitBytes(payload, this.chunkBytes);
    const generation = randomUUID();
    const pk = Keys.scan(scan.scanId);

    const limit = pLimit(this.writeConcurrency);
    await Promise.all(
      chunks.map((data, index) =>
        limit(() =>
          this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk, sk: Keys.scanChunk(generation, index), data },
            }),
          ),
        ),
      ),
    );

    const { fileSystems: _fileSystems, ...summary } = scan;
    const header: ScanHeader = {
      ...summary,
      fileSystemCount: scan.fileSystems.length,
      generation,
      chunkCount: chunks.length,
      payloadBytes: payload.byteLength,
      payloadSha256: sha256(payload),
    };
    const item = {
      ...header,
      pk,
      sk: Keys.scanHeader,
      gsi1pk: Keys.scanList,
      gsi1sk: Keys.scanListSort(scan.startedAt, scan.scanId),
    };
    if (itemSize(item) > MAX_PIECE_BYTES) delete item.failures;

    const previous = await this.getHeader(scan.scanId);
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
    if (previous && previous.generation !== generation)
      await this.deleteGeneration(scan.scanId, previous.generation);
  }

  async getScan(scanId: string): Promise<ScanRecord | undefined> {
    // A concurrent re-save can delete the generation we just read the header of; read once more.
    for (let attempt = 0; ; attempt++) {
      const header = await this.getHeader(scanId);
      if (!header) return undefined;
      try {
        const payload = await this.readPayload(header);
        return { ...summaryOf(header), failures: payload.failures, fileSystems: payload.fileSystems };
      } catch (e) {
        if (!(e instanceof ScanDataInconsistentError) || attempt >= 1) throw e;
      }
    }
  }

  async getLatestScan(): Promise<ScanRecord | undefined> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    // Bounded: each page holds up to 1 MB of headers, so this covers any realistic history.
    for (let page = 0; page < 1_000; page++) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :list',
          FilterExpression: 'attribute_exists(finishedAt)',
          ExpressionAttributeValues: { ':list': Keys.scanList },
          ProjectionExpression: 'scanId',
          ScanIndexForward: false,
          ExclusiveStartKey,
        }),
      );
      const newest = out.Items?.[0];
      if (newest) return this.getScan(String(newest.scanId));
      ExclusiveStartKey = out.LastEvaluatedKey;
      if (!ExclusiveStartKey) return undefined;
    }
    return undefined;
  }

  async listScans(limit = 20): Promise<ScanSummary[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :list',
        ExpressionAttributeValues: { ':list': Keys.scanList },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const headers = (out.Items ?? []) as unknown as ScanHeader[];
    return Promise.all(
      headers.map(async (header) => {
        if (header.failures) return summaryOf(header);
        // Too many failures to keep in the header: they are in the chunks.
        const payload = await this.readPayload(header);
        return { ...summaryOf(header), failures: payload.failures };
      }),
    );
  }

  private async getHeader(scanId: string): Promise<ScanHeader | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: Keys.scan(scanId), sk: Keys.scanHeader },
        ConsistentRead: true,
      }),
    );
    return out.Item as ScanHeader | undefined;
  }

  private async readPayload(header: ScanHeader): Promise<ScanPayload> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': Keys.scan(header.scanId),
        ':prefix': Keys.scanChunkPrefix(header.generation),
      },
      ConsistentRead: true,
    });
    if (items.length !== header.chunkCount)
      throw new ScanDataInconsistentError(
        header.scanId,
        `${items.length} of ${header.chunkCount} chunks found`,
      );
    const payload = joinBytes(items.map((item) => item.data as Uint8Array));
    if (payload.byteLength !== header.payloadBytes || sha256(payload) !== header.payloadSha256)
      throw new ScanDataInconsistentError(header.scanId, 'checksum mismatch');
    return unpackJson<ScanPayload>(payload);
  }

  private async deleteGeneration(scanId: string, generation: string): Promise<void> {
    const pk = Keys.scan(scanId);
    const stale = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': Keys.scanChunkPrefix(generation) },
      ProjectionExpression: 'pk, sk',
    });
    const limit = pLimit(this.writeConcurrency);
    await Promise.all(
      stale.map((item) =>
        limit(() =>
          this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: item.sk } })),
        ),
      ),
    );
  }
}

function summaryOf(header: ScanHeader): ScanSummary {
  const {
    fileSystemCount: _c,
    generation: _g,
    chunkCount: _n,
    payloadBytes: _b,
    payloadSha256: _s,
    failures,
    ...rest
  } = header;
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    ...summary
  } = rest as typeof rest & Record<string, unknown>;
  return { ...(summary as Omit<ScanSummary, 'failures'>), failures: failures ?? [] };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
