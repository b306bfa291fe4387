import { describe, expect, it } from 'vitest';
import { createCallPool } from '../../src/aws/call-pool.ts';
import { deferred } from '../harness/deferred.ts';

/**
 * Issue 19: calls past their rate-limit token run at most `size` at once, and new work holds back
 * while `backlog` or more wait, so a CPU-bound scan does not line up thousands of calls.
 */

/** Every pending callback runs before this resolves. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a call pool', () => {
  it('runs at most `size` calls at once, the rest in order as slots free', async () => {
    const pool = createCallPool(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const calls = gates.map((g, i) =>
      pool.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect([pool.running, pool.waiting]).toEqual([2, 1]);
    gates[0]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(calls)).toEqual([0, 1, 2]);
  });

  it('lets new work start at once while fewer than `backlog` calls wait', async () => {
    const pool = createCallPool(1, 2);
    const gate = deferred();
    void pool.run(() => gate.promise);
    void pool.run(() => gate.promise);
    // One running, one waiting: under the backlog.
    let flowing = false;
    await pool.whenFlowing().then(() => (flowing = true));
    expect(flowing).toBe(true);
    gate.resolve();
  });

  it('holds new work while `backlog` calls wait, and lets one piece go per call that ends', async () => {
    const pool = createCallPool(1, 2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const calls = gates.map((g) => pool.run(() => g.promise));
    await settle();
    // One running, three waiting.
    const released: number[] = [];
    for (const work of [0, 1, 2]) void pool.whenFlowing().then(() => released.push(work));
    await settle();
    expect(released).toEqual([]);

    gates[0]!.resolve();
    await settle();
    // Two wait now: still at the backlog.
    expect(released).toEqual([]);
    gates[1]!.resolve();
    await settle();
    // One waits: one piece of held work goes, not all three at once.
    expect(released).toEqual([0]);
    gates[2]!.resolve();
    await settle();
    expect(released).toEqual([0, 1]);
    gates[3]!.resolve();
    await Promise.all(calls);
    await settle();
    // Nothing runs or waits any more: whatever is still held goes.
    expect(released).toEqual([0, 1, 2]);
  });

  it('a call that fails frees its slot and lets held work go like one that succeeds', async () => {
    const pool = createCallPool(1, 1);
    const gate = deferred();
    const failing = pool.run(async () => {
      await gate.promise;
      throw new Error('ThrottlingException');
    });
    const next = pool.run(async () => 'next');
    let released = false;
    void pool.whenFlowing().then(() => (released = true));
    gate.resolve();
    await expect(failing).rejects.toThrow('ThrottlingException');
    expect(await next).toBe('next');
    await settle();
    expect(released).toBe(true);
  });

  it('refuses a size or backlog below 1', () => {
    expect(() => createCallPool(0)).toThrow(/at least 1/);
    expect(() => createCallPool(4, 0)).toThrow(/at least 1/);
  });
});
