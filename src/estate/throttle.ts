/**
 * Token buckets, one per key (account, region and operation), refilled from an injected clock so
 * tests can drain and refill a bucket without waiting.
 */
import type { Clock } from '../domain/clock.ts';

export interface BucketSettings {
  /** Tokens added per second. */
  tps: number;
  /** Bucket size: how many calls may arrive at once after a quiet spell. */
  burst: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly settings: BucketSettings,
    private readonly clock: Clock,
  ) {
    if (!(settings.tps > 0) || !(settings.burst >= 1))
      throw new RangeError('tps must be above 0 and burst at least 1');
  }

  /** Takes one token for `key`; false when the bucket is empty (the call is throttled). */
  take(key: string): boolean {
    const now = this.clock.now().getTime();
    const bucket = this.buckets.get(key) ?? { tokens: this.settings.burst, at: now };
    bucket.tokens = Math.min(
      this.settings.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.settings.tps,
    );
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
