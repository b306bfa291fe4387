import { describe, expect, it, vi } from 'vitest';
import { PacedSends } from '../../src/slack/paced-sends.ts';

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PacedSends', () => {
  it('has at most `concurrency` sends in flight, starts the rest in order as they end, and none synchronously', async () => {
    const sends = new PacedSends(2);
    const started: number[] = [];
    const gates = [gate(), gate(), gate(), gate()];
    const results = gates.map((g, i) =>
      sends.run(async () => {
        started.push(i);
        await g.opened;
        return i;
      }),
    );
    // Nothing starts in the caller's turn: the loop's pending I/O (acks) goes first.
    expect(started).toEqual([]);
    await nextTurn();
    expect(started).toEqual([0, 1]);
    expect(sends.pending).toBe(4);

    gates[1]!.open();
    await results[1];
    await vi.waitFor(() => expect(started).toEqual([0, 1, 2]));
    expect(sends.pending).toBe(3);
    for (const g of gates) g.open();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(sends.pending).toBe(0);
  });

  it('passes a failed send to its caller and goes on with the next', async () => {
    const sends = new PacedSends(1);
    const failed = sends.run(() => Promise.reject(new Error('expired_url')));
    const next = sends.run(async () => 'sent');
    await expect(failed).rejects.toThrow('expired_url');
    await expect(next).resolves.toBe('sent');
  });

  it('refuses a concurrency that would send nothing', () => {
    expect(() => new PacedSends(0)).toThrow('concurrency of 1 or more');
  });
});
