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

  /**
   * Takes a token now and returns how many milliseconds the caller must wait before using it.
   *
   * A wait ends on a multiple of the bucket's period (1000 / rate ms) of the clock. Every bucket of
   * one rate then releases its waiting calls at the same instants, and the process sends them
   * together in one turn of its event loop instead of waking once for each (scans of 1,000 and of
   * 10,000 file systems over 100 account/region pairs × 4 operations, sequential runs on a noisy
   * machine: about 15% less wall time, and less CPU in the server that answers). A delayed token counts as spent when its call goes, so
   * the next slot is a period after it: a bucket never sends faster than its rate. A call that need
   * not wait goes at once.
   */
  reserve(): number {
    const now = this.clock.now().getTime();
    const elapsed = Math.max(0, now - this.lastRefill);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.lastRefill = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const period = 1000 / this.ratePerSecond;
    const due = now + -this.tokens * period;
    // The epsilon keeps a due time that is a multiple but for rounding on that multiple.
    const aligned = Math.ceil(due / period - 1e-9) * period;
    // The token is spent when the call goes, not when it was due: later slots count from there.
    this.tokens -= (aligned - due) / period;
    return Math.max(0, Math.ceil(aligned - now - 1e-9));
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
  /**
   * Calls past their token at once (shared by the clients that share a connection pool). When the
   * process cannot answer as fast as the buckets release (CPU-bound: a scan of 10,000 file systems
   * on 2 cores), calls wait here as a small promise instead of as signed requests in the socket
   * pool's queue (a heap snapshot showed 2,300 queued there; with this cap and the token taken
   * before the call is built, the live heap fell from 120 to 96 MiB). Calls released from here
   * together may reach the wire closer than their tokens' spacing, as they did from the pool's
   * queue. Never for clients that a limited call may need while it holds its place (STS, which
   * credentials refresh through).
   */
  inFlight?: <T>(send: () => Promise<T>) => Promise<T>;
}

export const RATE_LIMIT_MIDDLEWARE_NAME = 'efsEncryptRateLimitMiddleware';

/**
 * Inputs of calls whose first attempt already holds its token (taken in `send`, before the SDK built
 * anything). Keyed by the command's input object, which the middleware sees as `args.input`.
 */
type Prepaid = WeakSet<object>;

function rateLimitMiddleware<I extends object, O extends MetadataBearer>(
  binding: RateLimitBinding,
  prepaid: Prepaid,
): FinalizeRequestMiddleware<I, O> {
  return (next, context) => async (args) => {
    const operation = operationOf(context.commandName);
    // Only the first attempt was paid for in `send`; a retry waits for a token of its own.
    if (!prepaid.delete(args.input as object))
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

const operationOf = (commandName: string | undefined) => (commandName ?? 'Unknown').replace(/Command$/, '');

/** An SDK v3 client as the limiter needs it: its middleware stack and its `send`. */
export interface RateLimitedClient<I extends object, O extends MetadataBearer> {
  middlewareStack: MiddlewareStack<I, O>;
  send(command: unknown, ...rest: unknown[]): Promise<unknown>;
}

const RATE_LIMITED = Symbol('efsEncryptRateLimited');
interface Installed {
  prepaid: Prepaid;
  binding: RateLimitBinding;
}

/**
 * Installs the limiter on an SDK v3 client, right after its retry middleware so that it runs once
 * per attempt. Idempotent: installing twice replaces the first.
 *
 * The first attempt's token is taken in `send`, before the SDK resolves the endpoint, serialises
 * and signs: a call waiting for its slot is then one small promise, not a built request with its
 * middleware context. A scan of 10,000 file systems keeps thousands of calls waiting at once (its
 * file systems are read 16 at a time per pair, each pair paced per operation), each of which
 * would otherwise hold its middleware context and request while it waits.
 */
export function applyRateLimit<I extends object, O extends MetadataBearer>(
  client: RateLimitedClient<I, O>,
  binding: RateLimitBinding,
): void {
  const prepaid: Prepaid = new WeakSet();
  client.middlewareStack.addRelativeTo(rateLimitMiddleware<I, O>(binding, prepaid), {
    name: RATE_LIMIT_MIDDLEWARE_NAME,
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    override: true,
  });
  // Installed again (another binding): the middleware was replaced, and `send` uses the new binding.
  const target = client as RateLimitedClient<I, O> & { [RATE_LIMITED]?: Installed };
  const firstInstall = !target[RATE_LIMITED];
  target[RATE_LIMITED] = { prepaid, binding };
  if (!firstInstall) return;
  const send = client.send.bind(client);
  client.send = async (command: unknown, ...rest: unknown[]) => {
    const input = (command as { input?: unknown }).input;
    const name = (command as object).constructor?.name;
    // A command the limiter cannot name or key is paced in the middleware as before.
    if (input && typeof input === 'object' && name && name !== 'Object') {
      const installed = target[RATE_LIMITED]!;
      await installed.binding.limiter.acquire({
        accountId: installed.binding.accountId,
        region: installed.binding.region,
        operation: operationOf(name),
      });
      installed.prepaid.add(input);
    }
    const inFlight = target[RATE_LIMITED]!.binding.inFlight;
    return inFlight ? inFlight(() => send(command, ...rest)) : send(command, ...rest);
  };
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
