import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import pLimit, { type LimitFunction } from 'p-limit';
import type { FileSystemRecord, ScanFailure, ScanRecord } from '../domain/inventory.ts';
import { queryAll } from './document-client.ts';
import { ItemTooLargeError, MAX_PIECE_BYTES, itemSize, joinBytes, unpackJson } from './item-size.ts';
import {
  batchPut,
  digestOf,
  packGroups,
  readGroups,
  ScanDataInconsistentError,
  sha256,
  type PartItem,
  type PartsDigest,
} from './scan-parts.ts';
import { GSI1, Keys } from './table.ts';

/**
 * Scans in their own partitions (`SCAN#<scanId>`). A scan is written as it runs: each account and
 * region's file systems go to the store in batches as they are read, as gzipped groups split into items
 * of a bounded size (400 KB item limit; scan-parts.ts), through BatchWriteItem. The HEADER item is
 * written last and names the generation its items belong to: it is the mark of a stored scan, so a
 * reader never sees a half-written one (a scan that crashed before it has no header, and is no
 * scan), and re-saving a scan (started, then finished) swaps generations in one put.
 *
 * Scans stored before streaming (one gzipped payload of file systems and failures, `payloadSha256`
 * in the header) are still read.
 */

type ScanSummary = Omit<ScanRecord, 'fileSystems'>;

interface HeaderBase extends Omit<ScanSummary, 'failures'> {
  /** Absent when they did not fit the header; they are always in the chunks. */
  failures?: ScanFailure[];
  fileSystemCount: number;
  generation: string;
}

/** A scan stored in one payload (before streaming). */
interface LegacyScanHeader extends HeaderBase {
  chunkCount: number;
  payloadBytes: number;
  payloadSha256: string;
}

/** A scan stored pair by pair. */
interface StreamedScanHeader extends HeaderBase {
  format: 2;
  fileSystemParts: PartsDigest;
  failureParts: PartsDigest;
}

type ScanHeader = LegacyScanHeader | StreamedScanHeader;

interface ScanPayload {
  fileSystems: FileSystemRecord[];
  failures: ScanFailure[];
}

/** A stored scan: its summary at once, its file systems read from the store as they are consumed. */
export interface StoredScan {
  summary: ScanSummary;
  /** In the scan's order; throws ScanDataInconsistentError if the stored items do not add up. */
  fileSystems(): AsyncIterable<FileSystemRecord>;
}

/** Receives a running scan's file systems as its pairs finish; nothing is visible before finish. */
export interface StoreScanWriter {
  /**
   * Records of one pair, at `position` in the scan's order of pairs. A pair may come in several
   * batches, each written after the last one's promise resolved; they are read back in that order.
   */
  writeFileSystems(position: number, records: FileSystemRecord[]): Promise<void>;
  /** Writes the header: from now on the scan is stored (and, with finishedAt, the latest). */
  finish(summary: ScanSummary): Promise<void>;
  /** Deletes what was written (best effort): a scan that will not finish leaves nothing behind. */
  abandon(): Promise<void>;
}

export { ScanDataInconsistentError };

export interface ScanRepositoryOptions {
  /** Largest chunk in bytes (default MAX_PIECE_BYTES); tests lower it to force many chunks. */
  chunkBytes?: number;
  /** Chunk writes in flight at once. */
  writeConcurrency?: number;
  /** Pairs whose file systems are packed (JSON, gzip) and written at once (default 4). */
  packConcurrency?: number;
}

/**
 * Where scans are kept. It matches the scan workflow's ScanRepository port structurally (the store
 * imports no workflow); the composition root checks the fit where it hands the store in.
 */
export class DynamoScanRepository {
  private readonly chunkBytes: number;
  private readonly writeConcurrency: number;
  /** Shared by every writer of this repository: the store's write load stays bounded whatever the pairs. */
  private readonly writeLimit: LimitFunction;
  /**
   * Shared by every writer too. The pairs of a scan tend to finish together (each paced by the same
   * rate limits), and each packs its file systems into JSON and gzip before writing: 100 at once
   * took RSS from 250 to 290 MiB in the last second of a 10,000-file-system scan (zlib's buffers
   * alone over 20 MiB). A few at a time keeps that to a few pairs' worth.
   */
  private readonly packLimit: LimitFunction;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: ScanRepositoryOptions = {},
  ) {
    this.chunkBytes = Math.min(options.chunkBytes ?? MAX_PIECE_BYTES, MAX_PIECE_BYTES);
    this.writeConcurrency = options.writeConcurrency ?? 8;
    this.writeLimit = pLimit(this.writeConcurrency);
    this.packLimit = pLimit(options.packConcurrency ?? 4);
  }

  beginScan(scanId: string): StoreScanWriter {
    const pk = Keys.scan(scanId);
    const generation = randomUUID();
    const written: { sk: string; sha256: string }[] = [];
    /** Per position: the group its next batch starts at; and the positions being written now. */
    const nextGroup = new Map<number, number>();
    const writing = new Set<number>();
    let fileSystemCount = 0;
    let state: 'open' | 'finished' | 'abandoned' = 'open';

    const put = async (items: AsyncIterable<PartItem>, into: typeof written) => {
      // Flushed a batch at a time: a pair's JSON is never all in memory at once, only its groups.
      let batch: PartItem[] = [];
      const flush = async () => {
        const out = batch;
        batch = [];
        await batchPut(this.doc, this.tableName, scanId, out, this.writeLimit);
        for (const item of out) into.push({ sk: item.sk, sha256: item.sha256 });
      };
      for await (const item of items) {
        batch.push(item);
        if (batch.length >= BATCH_ITEMS_PER_FLUSH) await flush();
      }
      if (batch.length) await flush();
    };
    const mustBeOpen = (what: string) => {
      if (state !== 'open') throw new RangeError(`scan ${scanId} is ${state}: cannot ${what}`);
    };

    return {
      writeFileSystems: async (position, records) => {
        mustBeOpen('write file systems');
        if (!Number.isInteger(position) || position < 0)
          throw new RangeError(`position ${position} of scan ${scanId} is not a non-negative integer`);
        if (writing.has(position))
          throw new RangeError(
            `position ${position} of scan ${scanId} is being written: write its next records after`,
          );
        if (records.length === 0) return;
        writing.add(position);
        try {
          // A pair written in several batches continues its groups where the last batch ended.
          const first = nextGroup.get(position) ?? 0;
          let groups = 0;
          await this.packLimit(() =>
            put(
              packGroups(
                pk,
                records,
                (g, p) => {
                  groups = Math.max(groups, g + 1);
                  return Keys.scanPart(generation, position, first + g, p);
                },
                this.chunkBytes,
              ),
              written,
            ),
          );
          nextGroup.set(position, first + groups);
          fileSystemCount += records.length;
        } finally {
          writing.delete(position);
        }
      },
      finish: async (summary) => {
        mustBeOpen('finish');
        // Failures go in the header; only when too many to fit are they written as parts.
        const failureItems: { sk: string; sha256: string }[] = [];
        const inHeader = itemSize({ failures: summary.failures }) <= HEADER_FAILURES_BYTES;
        if (!inHeader)
          await put(
            packGroups(
              pk,
              summary.failures,
              (g, p) => Keys.scanFailurePart(generation, g, p),
              this.chunkBytes,
            ),
            failureItems,
          );
        const header: StreamedScanHeader = {
          ...summary,
          ...(inHeader ? {} : { failures: undefined }),
          format: 2,
          fileSystemCount,
          generation,
          fileSystemParts: digestOf(written),
          failureParts: digestOf(failureItems),
        };
        await this.putHeader(header);
        state = 'finished';
      },
      abandon: async () => {
        if (state !== 'open') return;
        state = 'abandoned';
        await this.deleteGeneration(scanId, generation);
      },
    };
  }

  /** A whole scan at once (a scan that was not streamed, a re-save): the same items as a streamed one. */
  async saveScan(scan: ScanRecord): Promise<void> {
    const { fileSystems, ...summary } = scan;
    const writer = this.beginScan(scan.scanId);
    try {
      await writer.writeFileSystems(0, fileSystems);
      await writer.finish(summary);
    } catch (e) {
      await writer.abandon().catch(() => undefined);
      throw e;
    }
  }

  /** The header, put last; the generation it replaces (a re-save) is deleted after. */
  private async putHeader(header: ScanHeader): Promise<void> {
    const item: Record<string, unknown> = {
      ...header,
      pk: Keys.scan(header.scanId),
      sk: Keys.scanHeader,
      gsi1pk: Keys.scanList,
      gsi1sk: Keys.scanListSort(header.startedAt, header.scanId),
    };
    // Failures that did not fit were written as parts (finish), so the header always fits.
    const size = itemSize(item);
    if (size > MAX_PIECE_BYTES) throw new ItemTooLargeError(`The header of scan ${header.scanId}`, size);
    const previous = await this.getHeader(header.scanId);
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
    if (previous && previous.generation !== header.generation)
      await this.deleteGeneration(header.scanId, previous.generation);
  }

  async getScan(scanId: string): Promise<ScanRecord | undefined> {
    // A concurrent re-save can delete the generation we just read the header of; read once more.
    for (let attempt = 0; ; attempt++) {
      const header = await this.getHeader(scanId);
      if (!header) return undefined;
      try {
        const failures = await this.failuresOf(header);
        const fileSystems: FileSystemRecord[] = [];
        for await (const fs of this.fileSystemsOf(header)) fileSystems.push(fs);
        return { ...summaryOf(header), failures, fileSystems };
      } catch (e) {
        if (!(e instanceof ScanDataInconsistentError) || attempt >= 1) throw e;
      }
    }
  }

  /** The scan's summary now and its file systems as they are read: nothing holds the inventory. */
  async openScan(scanId: string): Promise<StoredScan | undefined> {
    const header = await this.getHeader(scanId);
    if (!header) return undefined;
    const failures = await this.failuresOf(header);
    return {
      summary: { ...summaryOf(header), failures },
      fileSystems: () => this.fileSystemsOf(header),
    };
  }

  async getLatestScan(): Promise<ScanRecord | undefined> {
    const scanId = await this.latestScanId();
    return scanId === undefined ? undefined : this.getScan(scanId);
  }

  async openLatestScan(): Promise<StoredScan | undefined> {
    const scanId = await this.latestScanId();
    return scanId === undefined ? undefined : this.openScan(scanId);
  }

  /** The newest scan with a finishedAt: a header written by a finished scan. */
  private async latestScanId(): Promise<string | undefined> {
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
      if (newest) return String(newest.scanId);
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
      headers.map(async (header) => ({ ...summaryOf(header), failures: await this.failuresOf(header) })),
    );
  }

  /** The groups of one kind of a streamed scan's parts (`prefix`), checked against the header's digest. */
  private partsOf<T>(header: StreamedScanHeader, prefix: string, expected: PartsDigest): AsyncGenerator<T[]> {
    return readGroups<T>(this.doc, this.tableName, header.scanId, Keys.scan(header.scanId), prefix, expected);
  }

  private async failuresOf(header: ScanHeader): Promise<ScanFailure[]> {
    if (header.failures) return header.failures;
    // Too many failures to keep in the header: they are in the chunks.
    if (!isStreamed(header)) return (await this.readPayload(header)).failures;
    const failures: ScanFailure[] = [];
    for await (const group of this.partsOf<ScanFailure>(
      header,
      Keys.scanFailurePartPrefix(header.generation),
      header.failureParts,
    ))
      failures.push(...group);
    return failures;
  }

  private async *fileSystemsOf(header: ScanHeader): AsyncGenerator<FileSystemRecord> {
    if (!isStreamed(header)) {
      yield* (await this.readPayload(header)).fileSystems;
      return;
    }
    for await (const group of this.partsOf<FileSystemRecord>(
      header,
      Keys.scanPartPrefix(header.generation),
      header.fileSystemParts,
    ))
      yield* group;
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

  /** A scan stored before streaming: one payload in `chunkCount` chunks. */
  private async readPayload(header: LegacyScanHeader): Promise<ScanPayload> {
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
    await Promise.all(
      stale.map((item) =>
        this.writeLimit(() =>
          this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: item.sk } })),
        ),
      ),
    );
  }
}

/** Failures kept in a streamed scan's header up to this size (the rest of the header is small). */
const HEADER_FAILURES_BYTES = MAX_PIECE_BYTES - 50_000;

/** Items gathered before a BatchWriteItem round: enough to fill batches, few enough to stay small. */
const BATCH_ITEMS_PER_FLUSH = 25;

function isStreamed(header: ScanHeader): header is StreamedScanHeader {
  return (header as Partial<StreamedScanHeader>).format === 2;
}

function summaryOf(header: ScanHeader): ScanSummary {
  const {
    fileSystemCount: _c,
    generation: _g,
    chunkCount: _n,
    payloadBytes: _b,
    payloadSha256: _s,
    format: _f,
    fileSystemParts: _p,
    failureParts: _fp,
    failures,
    ...rest
  } = header as Partial<LegacyScanHeader & StreamedScanHeader> & HeaderBase;
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    ...summary
  } = rest as typeof rest & Record<string, unknown>;
  return { ...(summary as Omit<ScanSummary, 'failures'>), failures: failures ?? [] };
}
