import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CliIo } from '../cli-io.ts';

/** Pieces gathered per write: few system calls, and still a bounded buffer. */
const WRITE_BYTES = 64 * 1024;

/**
 * A streamed inventory (pieces of text) to `--out FILE` or stdout, as it is read from the store:
 * the whole text is never in memory. `count()` is the number of file systems once all is written.
 */
export async function writeInventoryStream(
  io: CliIo,
  scanId: string,
  pieces: AsyncIterable<string>,
  count: () => number,
  out: string | undefined,
): Promise<void> {
  if (out) {
    // pipeline waits on the file's backpressure and turns its errors (no such directory…) into a rejection.
    await pipeline(Readable.from(batched(pieces)), createWriteStream(out));
    io.err(`Wrote ${count()} file systems to ${out} (scan ${scanId}).\n`);
  } else for await (const text of batched(pieces)) io.out(text);
}

async function* batched(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= WRITE_BYTES) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** Counts the file systems as they pass on their way to the output. */
export function counted<T>(items: AsyncIterable<T>): { items: AsyncIterable<T>; count: () => number } {
  let n = 0;
  return {
    items: (async function* () {
      for await (const item of items) {
        n++;
        yield item;
      }
    })(),
    count: () => n,
  };
}
