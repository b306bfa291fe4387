import type { FinalizeRequestMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import { systemClock, type Clock } from '../domain/clock.ts';
import { isThrottlingError } from './aws-errors.ts';

/**
 * Client-side rate limiting per (account, region, operation). AWS publishes no EFS API rates and
 * throttles per account, region and operation, so the bot paces itself below the observed limit
 * instead of leaning on retries. It sits after the SDK's retry middleware, so every attempt,
 * retries included, waits for a token; the SDK's adaptive retry still backs off on throttles.
 */

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TokenBucketOptions {
  ratePerSecond: number;
  /** Tokens available at once. 1 spaces calls evenly, which no server-side window can object to. */
  burst?: number;
  clock?: Clock;
  sleep?: Sleep;
}

/**
 * A token bucket whose balance may go negative: each caller reserves the next free slot at once
 * and then waits for it, so waiters are served in arrival order and never race for a token.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private tokens: number;
  private lastRefill: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0))
      throw new RangeError(`ratePerSecond must be positive, got ${options.ratePerSecond}`);
    this.ratePerSecond = options.ratePerSecond;
    this.burst = Math.max(1, options.burst ?? 1);
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.tokens = this.burst;
    this.lastRefill = this.clock.now().getTime();
  }

  /** Takes a token now and returns how many milliseconds the caller must wait before using it. */
  reserve(): number {
    const now = this.clock.now().getTime();
    const elapsed = Math.max(0, now - this.lastRefill);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.lastRefill = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
  }

  /** Waits for a token; resolves with the time waited. */
  async take(): Promise<number> {
    const wait = this.reserve();
    if (wait > 0) await this.sleep(wait);
    return wait;
  }
}

export interface RateLimitKey {
  accountId: string;
  region: string;
  operation: string;
}

/** One bucket per (account, region, operation), created on first use. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly options: TokenBucketOptions) {}

  bucket(key: RateLimitKey): TokenBucket {
    const id = `${key.accountId}/${key.region}/${key.operation}`;
    let bucket = this.buckets.get(id);
    if (!bucket) {
      bucket = new TokenBucket(this.options);
      this.buckets.set(id, bucket);
    }
    return bucket;
  }

  acquire(key: RateLimitKey): Promise<number> {
    return this.bucket(key).take();
  }
}

export interface CallCounts {
  apiCalls: number;
  throttles: number;
}

/** Two running totals as one (this thread's clients and the scan workers', say). */
export function addCallCounts(a: CallCounts, b: CallCounts): CallCounts {
  return { apiCalls: a.apiCalls + b.apiCalls, throttles: a.throttles + b.throttles };
}

/** Counts every attempt that reached the wire, and the ones AWS throttled. */
export class CallStats {
  private counts: CallCounts = { apiCalls: 0, throttles: 0 };
  private readonly perOperation = new Map<string, CallCounts>();
  private readonly perBucket = new Map<string, number>();

  /** `scope` is `<account>/<region>`: with the operation it names the rate-limit bucket. */
  record(operation: string, throttled: boolean, scope?: string): void {
    if (scope) {
      const bucket = `${scope}/${operation}`;
      this.perBucket.set(bucket, (this.perBucket.get(bucket) ?? 0) + 1);
    }
    const op = this.perOperation.get(operation) ?? { apiCalls: 0, throttles: 0 };
    op.apiCalls++;
    this.counts.apiCalls++;
    if (throttled) {
      op.throttles++;
      this.counts.throttles++;
    }
    this.perOperation.set(operation, op);
  }

  snapshot(): CallCounts {
    return { ...this.counts };
  }

  /** Attempts per rate-limit bucket (`<account>/<region>/<operation>`): what sets a scan's time floor. */
  byBucket(): Record<string, number> {
    return Object.fromEntries(this.perBucket);
  }

  byOperation(): Record<string, CallCounts> {
    return Object.fromEntries([...this.perOperation].map(([k, v]) => [k, { ...v }]));
  }
}

export interface RateLimitBinding {
  accountId: string;
  region: string;
  limiter: RateLimiter;
  stats?: CallStats;
}

export const RATE_LIMIT_MIDDLEWARE_NAME = 'efsEncryptRateLimitMiddleware';

function rateLimitMiddleware<I extends object, O extends MetadataBearer>(
  binding: RateLimitBinding,
): FinalizeRequestMiddleware<I, O> {
  return (next, context) => async (args) => {
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    await binding.limiter.acquire({ accountId: binding.accountId, region: binding.region, operation });
    try {
      const result = await next(args);
      binding.stats?.record(operation, false, `${binding.accountId}/${binding.region}`);
      return result;
    } catch (e) {
      binding.stats?.record(operation, isThrottlingError(e), `${binding.accountId}/${binding.region}`);
      throw e;
    }
  };
}

/**
 * Installs the limiter on an SDK v3 client, right after its retry middleware so that it runs once
 * per attempt. Idempotent: installing twice replaces the first.
 */
export function applyRateLimit<I extends object, O extends MetadataBearer>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  binding: RateLimitBinding,
): void {
  client.middlewareStack.addRelativeTo(rateLimitMiddleware<I, O>(binding), {
    name: RATE_LIMIT_MIDDLEWARE_NAME,
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    override: true,
  });
}

/** The rate limiter and call counters every SDK client of one set of account clients shares. */
export interface CallLimits {
  limiter: RateLimiter;
  stats: CallStats;
}

export function createCallLimits(options: {
  rateLimitPerSecond: number;
  rateLimitBurst?: number;
  clock?: Clock;
  sleep?: Sleep;
}): CallLimits {
  return {
    limiter: new RateLimiter({
      ratePerSecond: options.rateLimitPerSecond,
      burst: options.rateLimitBurst ?? 1,
      clock: options.clock,
      sleep: options.sleep,
    }),
    stats: new CallStats(),
  };
}
