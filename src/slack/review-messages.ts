import type { Block } from '#blocks/limits.ts';

/**
 * The blocks of the cutover review messages this process posted or saw clicked, so a rejection
 * submitted from a modal (whose payload carries no message) can show its verdict in place.
 * Bounded and in-process only: on another replica, or after a restart, the verdict is posted as a
 * reply in the thread instead (cutover-verdict.ts), never lost.
 */
export class ReviewMessageCache {
  private readonly entries = new Map<string, Block[]>();

  constructor(private readonly max = 500) {}

  static key(channel: string, messageTs: string): string {
    return `${channel}/${messageTs}`;
  }

  remember(channel: string, messageTs: string, blocks: Block[]): void {
    const key = ReviewMessageCache.key(channel, messageTs);
    this.entries.delete(key);
    this.entries.set(key, blocks);
    // Oldest first out: a Map iterates in insertion order.
    for (const old of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(old);
    }
  }

  get(channel: string, messageTs: string): Block[] | undefined {
    return this.entries.get(ReviewMessageCache.key(channel, messageTs));
  }
}

/** One per process: the review listener, the buttons and the modals share it. */
export const reviewMessages = new ReviewMessageCache();
