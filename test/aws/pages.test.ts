import { describe, expect, it } from 'vitest';
import { collectPages } from '../../src/aws/pages.ts';

/** Pages as an SDK paginator yields them, recording how many were asked for. */
function pages(answers: { items: number[]; next?: string; last?: boolean }[]) {
  const asked = { count: 0 };
  async function* generate() {
    for (const a of answers) {
      asked.count++;
      yield a;
    }
  }
  return { iterable: generate(), asked };
}

describe('collectPages', () => {
  it('collects every page until the token runs out', async () => {
    const { iterable } = pages([{ items: [1, 2], next: 'a' }, { items: [3], next: 'b' }, { items: [4] }]);
    expect(await collectPages(iterable, (p) => p.items, { next: (p) => p.next })).toEqual([1, 2, 3, 4]);
  });

  it('stops on a token seen before, so an endpoint cycling through tokens cannot spin it forever', async () => {
    const { iterable, asked } = pages([
      { items: [1], next: 'a' },
      { items: [2], next: 'b' },
      { items: [3], next: 'a' },
      { items: [4], next: 'b' },
    ]);
    expect(await collectPages(iterable, (p) => p.items, { next: (p) => p.next })).toEqual([1, 2, 3]);
    expect(asked.count).toBe(3);
  });

  it('stops where the page says it is the last one, and after maxPages', async () => {
    const truncated = pages([{ items: [1], next: 'a', last: true }, { items: [2] }]);
    expect(
      await collectPages(truncated.iterable, (p) => p.items, { next: (p) => (p.last ? undefined : p.next) }),
    ).toEqual([1]);
    const endless = pages(Array.from({ length: 10 }, (_, i) => ({ items: [i], next: `t${i}` })));
    expect(
      await collectPages(endless.iterable, (p) => p.items, { next: (p) => p.next, maxPages: 3 }),
    ).toEqual([0, 1, 2]);
    expect(endless.asked.count).toBe(3);
  });
});
