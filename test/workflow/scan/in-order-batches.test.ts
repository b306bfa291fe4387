import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inOrderBatches } from '../../../src/workflow/scan/in-order-batches.ts';
import { deferred } from '../../harness/deferred.ts';

/**
 * Issue 19: a region's records reach the store in batches while the region is still being read, in
 * the stored order whatever order they are read in.
 */

describe('inOrderBatches', () => {
  it('hands on each batch as soon as its indexes are all in, in order, whatever order they come in', async () => {
    const handed: number[][] = [];
    const batches = inOrderBatches<number>(7, 3, async (b) => void handed.push(b));
    void batches.put(2, 2);
    void batches.put(1, 1);
    expect(handed).toEqual([]);
    await batches.put(0, 0);
    expect(handed).toEqual([[0, 1, 2]]);
    await batches.put(4, 4);
    await batches.put(6, 6);
    expect(handed).toEqual([[0, 1, 2]]);
    await batches.put(3, 3);
    // 3 and 4 are in, 5 is not: no batch of 3 yet.
    expect(handed).toEqual([[0, 1, 2]]);
    await batches.put(5, 5);
    expect(handed).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    await batches.end();
    expect(handed).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('hands on one batch at a time, and a put waits for the batches before it', async () => {
    const gate = deferred();
    const handed: number[][] = [];
    const batches = inOrderBatches<number>(4, 2, async (b) => {
      handed.push(b);
      if (b[0] === 0) await gate.promise;
    });
    let firstThrough = false;
    const first = batches.put(1, 1);
    void batches.put(0, 0).then(() => (firstThrough = true));
    const second = batches.put(3, 3);
    const third = batches.put(2, 2);
    // Every pending callback runs before this resolves.
    await new Promise((resolve) => setImmediate(resolve));
    // The second batch is complete but waits for the first to be through.
    expect(handed).toEqual([[0, 1]]);
    expect(firstThrough).toBe(false);
    gate.resolve();
    await Promise.all([first, second, third, batches.end()]);
    expect(firstThrough).toBe(true);
    expect(handed).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('hands on nothing more once handing on fails, and every later put and the end reject with that error', async () => {
    const handed: number[][] = [];
    const batches = inOrderBatches<number>(6, 2, async (b) => {
      handed.push(b);
      if (b[0] === 2) throw new Error('store refused');
    });
    await batches.put(0, 0);
    await batches.put(1, 1);
    await batches.put(2, 2);
    await expect(batches.put(3, 3)).rejects.toThrow('store refused');
    await expect(batches.put(4, 4)).rejects.toThrow('store refused');
    await expect(batches.put(5, 5)).rejects.toThrow('store refused');
    await expect(batches.end()).rejects.toThrow('store refused');
    expect(handed).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('refuses an index twice, out of range, or an end before every index is in', () => {
    const batches = inOrderBatches<string>(3, 2, async () => undefined);
    void batches.put(1, 'b');
    expect(() => batches.put(1, 'b')).toThrow(/index 1 is not a new one/);
    expect(() => batches.put(3, 'd')).toThrow(/index 3/);
    expect(() => batches.put(-1, 'x')).toThrow(/index -1/);
    expect(() => batches.end()).toThrow(/2 of 3 value\(s\) not yet put/);
    expect(() => inOrderBatches(3, 0, async () => undefined)).toThrow(/batch size/);
  });

  it('an empty run ends with nothing handed on', async () => {
    const handed: unknown[] = [];
    await inOrderBatches(0, 5, async (b) => void handed.push(b)).end();
    expect(handed).toEqual([]);
  });

  it('for any order of arrival and batch size: every value once, in index order, full batches but the last', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }).chain((n) =>
          fc.tuple(
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
            fc.integer({ min: 1, max: 12 }),
          ),
        ),
        async ([order, size]) => {
          const handed: number[][] = [];
          const batches = inOrderBatches<number>(order.length, size, async (b) => void handed.push(b));
          await Promise.all(order.map((i) => batches.put(i, i)));
          await batches.end();
          expect(handed.flat()).toEqual(order.map((_, i) => i));
          expect(handed.slice(0, -1).every((b) => b.length === size)).toBe(true);
          expect(handed.every((b) => b.length >= 1 && b.length <= size)).toBe(true);
        },
      ),
    );
  });
});
