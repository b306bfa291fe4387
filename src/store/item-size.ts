import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';

/**
 * DynamoDB items are capped at 400 KB (409,600 bytes), counting attribute names as well as values.
 * Large values are stored as gzipped JSON and split into pieces of at most MAX_PIECE_BYTES, which
 * leaves ~55 KB for keys, names and bookkeeping attributes of the item that carries the piece.
 */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;
export const MAX_PIECE_BYTES = 350_000;

export class ItemTooLargeError extends EfsEncryptError {
  constructor(what: string, bytes: number) {
    super(
      ErrorCode.BadInput,
      `${what} is ${bytes} bytes once stored, over the ${MAX_PIECE_BYTES}-byte budget of a DynamoDB item (400 KB limit). Trim it before storing.`,
    );
  }
}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export async function packJson(value: unknown): Promise<Uint8Array> {
  return new Uint8Array(await gzipAsync(Buffer.from(JSON.stringify(value), 'utf8')));
}

export async function unpackJson<T>(bytes: Uint8Array): Promise<T> {
  return JSON.parse((await gunzipAsync(bytes)).toString('utf8')) as T;
}

export function splitBytes(bytes: Uint8Array, maxBytes = MAX_PIECE_BYTES): Uint8Array[] {
  if (maxBytes < 1) throw new RangeError('maxBytes must be positive');
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += maxBytes) pieces.push(bytes.subarray(at, at + maxBytes));
  return pieces.length ? pieces : [new Uint8Array(0)];
}

export function joinBytes(pieces: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(pieces));
}

/**
 * The size DynamoDB charges an item (a native JS document as lib-dynamodb marshals it), following
 * "Item sizes and formats" in the DynamoDB developer guide: names and strings in UTF-8 bytes,
 * numbers about one byte per two digits plus one, binary as is, 3 bytes per list or map plus one
 * per element, 1 byte for booleans and null.
 */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value)
      .replace(/^-|\.|e.*$/gi, '')
      .replace(/^0+/, '').length;
    return Math.ceil(digits / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((n: number, v) => n + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    let size = 3;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      size += 1 + Buffer.byteLength(k, 'utf8') + valueSize(v);
    }
    return size;
  }
  return 0;
}
