import { InternalError } from '../../domain/errors.ts';

/**
 * Values produced out of order (file systems read concurrently), handed on in their order, a batch
 * at a time, as soon as a batch's run of indexes is complete (issue 19). A region's records then
 * reach the store while the region is still being read: a scan holds a few batches per region
 * instead of every record until its region ends (at 10,000 file systems, the whole inventory).
 *
 * Batches are handed on one at a time, in order; a value is released as soon as its batch is handed
 * on. Once handing on fails, nothing more is handed on and every later call rejects with that error.
 */
export interface InOrderBatches<T> {
  /**
   * The value at `index` (each of 0 … count − 1 once). Resolves once every batch handed on so far
   * is through: awaiting it holds the producer back while the consumer is behind.
   */
  put(index: number, value: T): Promise<void>;
  /** Hands on the last, shorter batch; resolves when every batch is through. */
  end(): Promise<void>;
}

export function inOrderBatches<T>(
  count: number,
  batchSize: number,
  handOn: (batch: T[]) => Promise<void>,
): InOrderBatches<T> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const waiting = new Map<number, T>();
  let next = 0;
  let batch: T[] = [];
  let tail: Promise<void> = Promise.resolve();

  const send = () => {
    const out = batch;
    batch = [];
    tail = tail.then(() => handOn(out));
  };

  return {
    put(index, value) {
      if (!Number.isInteger(index) || index < next || index >= count || waiting.has(index))
        throw new InternalError(`index ${index} is not a new one of 0 … ${count - 1}`);
      waiting.set(index, value);
      while (waiting.has(next)) {
        batch.push(waiting.get(next) as T);
        waiting.delete(next++);
        if (batch.length === batchSize) send();
      }
      return tail;
    },
    end() {
      if (next !== count || waiting.size > 0)
        throw new InternalError(`ended with ${count - next - waiting.size} of ${count} value(s) not yet put`);
      if (batch.length > 0) send();
      return tail;
    },
  };
}
