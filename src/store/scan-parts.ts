import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  BatchWriteCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { LimitFunction } from 'p-limit';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';
import { splitBytes } from './item-size.ts';

/**
 * A streamed scan's data items. Values (file system records, failures) are gzipped JSON arrays in
 * groups of at most GROUP_RAW_BYTES of JSON, so neither writer nor reader ever holds more than a
 * group's text; a group's gzip is split into pieces that fit an item. Each piece carries its SHA-256
 * and how many pieces its group has; the header (written last) carries, per kind, the number of
 * pieces and the SHA-256 of their `sk sha256` lines in key order, so a reader knows it saw them all.
 */

/** JSON text per group before gzip: bounds the memory of writing and reading, not the item size. */
export const GROUP_RAW_BYTES = 1024 * 1024;
/** BatchWriteItem takes at most 25 put requests. */
export const BATCH_WRITE_ITEMS = 25;
const BATCH_WRITE_ATTEMPTS = 8;

export interface PartsDigest {
  count: number;
  sha256: string;
}

export class ScanDataInconsistentError extends EfsEncryptError {
  constructor(scanId: string, detail: string) {
    super(
      ErrorCode.RecordNotFound,
      `The stored data of scan ${scanId} is incomplete (${detail}). Run the scan again.`,
    );
  }
}

export class ScanWriteIncompleteError extends EfsEncryptError {
  constructor(scanId: string, unprocessed: number) {
    super(
      ErrorCode.Internal,
      `The store did not accept ${unprocessed} item(s) of scan ${scanId} after ${BATCH_WRITE_ATTEMPTS} attempts (throttled). Run the scan again, or raise the table's write capacity.`,
    );
  }
}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface PartItem {
  pk: string;
  sk: string;
  data: Uint8Array;
  sha256: string;
  pieces: number;
}

/**
 * The items of `values`, group by group: a group closes when its JSON reaches GROUP_RAW_BYTES.
 * `keyOf(group, piece)` names each item.
 */
export async function* packGroups(
  pk: string,
  values: Iterable<unknown>,
  keyOf: (group: number, piece: number) => string,
  pieceBytes: number,
): AsyncGenerator<PartItem> {
  let texts: string[] = [];
  let bytes = 0;
  let group = 0;
  const close = async function* (): AsyncGenerator<PartItem> {
    const zipped = new Uint8Array(await gzipAsync(Buffer.from(`[${texts.join(',')}]`, 'utf8')));
    const pieces = splitBytes(zipped, pieceBytes);
    for (const [piece, data] of pieces.entries())
      yield { pk, sk: keyOf(group, piece), data, sha256: sha256(data), pieces: pieces.length };
    group++;
    texts = [];
    bytes = 0;
  };
  for (const value of values) {
    const text = JSON.stringify(value);
    if (texts.length > 0 && bytes + text.length > GROUP_RAW_BYTES) yield* close();
    texts.push(text);
    bytes += text.length + 1;
  }
  if (texts.length > 0) yield* close();
}

/** Puts items through BatchWriteItem, 25 at a time, retrying what the table leaves unprocessed. */
export async function batchPut(
  doc: DynamoDBDocumentClient,
  tableName: string,
  scanId: string,
  items: PartItem[],
  limit: LimitFunction,
): Promise<void> {
  const batches: PartItem[][] = [];
  for (let at = 0; at < items.length; at += BATCH_WRITE_ITEMS)
    batches.push(items.slice(at, at + BATCH_WRITE_ITEMS));
  await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        let requests = batch.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt >= BATCH_WRITE_ATTEMPTS) throw new ScanWriteIncompleteError(scanId, requests.length);
          // Unprocessed items mean the table is throttling: back off before asking again.
          if (attempt > 0) await delay(Math.min(1000, 25 * 2 ** attempt));
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
      }),
    ),
  );
}

/** What a header says about one kind of part, from the (sk, sha256) of each piece written. */
export function digestOf(written: { sk: string; sha256: string }[]): PartsDigest {
  const sorted = [...written].sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
  const hash = createHash('sha256');
  for (const w of sorted) hash.update(`${w.sk} ${w.sha256}\n`);
  return { count: sorted.length, sha256: hash.digest('hex') };
}

/**
 * The values under `prefix`, one group at a time, in key order, checked piece by piece and, at the
 * end, against the header's digest. A page holds at most 1 MB, so memory stays at a page and a group.
 */
export async function* readGroups<T>(
  doc: DynamoDBDocumentClient,
  tableName: string,
  scanId: string,
  pk: string,
  prefix: string,
  expected: PartsDigest,
): AsyncGenerator<T[]> {
  const hash = createHash('sha256');
  let count = 0;
  let pending: Uint8Array[] = [];
  let pendingGroup: string | undefined;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const sk = String(item.sk);
      const data = item.data as Uint8Array;
      const digest = sha256(data);
      if (digest !== item.sha256) throw new ScanDataInconsistentError(scanId, `checksum mismatch in ${sk}`);
      hash.update(`${sk} ${digest}\n`);
      count++;
      const group = sk.slice(0, sk.lastIndexOf('#'));
      if (pendingGroup !== undefined && group !== pendingGroup)
        throw new ScanDataInconsistentError(scanId, `a piece of ${pendingGroup} is missing`);
      pendingGroup = group;
      pending.push(data);
      if (pending.length === Number(item.pieces)) {
        const text = (await gunzipAsync(Buffer.concat(pending))).toString('utf8');
        pending = [];
        pendingGroup = undefined;
        yield JSON.parse(text) as T[];
      }
    }
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  if (pendingGroup !== undefined)
    throw new ScanDataInconsistentError(scanId, `a piece of ${pendingGroup} is missing`);
  if (count !== expected.count)
    throw new ScanDataInconsistentError(scanId, `${count} of ${expected.count} chunks found`);
  if (hash.digest('hex') !== expected.sha256)
    throw new ScanDataInconsistentError(scanId, 'checksum mismatch');
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
