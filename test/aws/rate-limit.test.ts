import { afterEach, describe, expect, it } from 'vitest';
import { DescribeFileSystemsCommand, EFSClient, ThrottlingException } from '@aws-sdk/client-efs';
import type { HttpRequest, HttpResponse, RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { ManualClock } from '../../src/domain/clock.ts';
import { applyRateLimit, CallStats, RateLimiter, TokenBucket } from '../../src/aws/rate-limit.ts';

/** A sleeper that moves the manual clock instead of waiting, and remembers each wait. */
function fakeTime() {
  const clock = new ManualClock();
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  return { clock, waits, sleep };
}

describe('TokenBucket', () => {
  it('spaces calls evenly at the rate when burst is 1', async () => {
    const { clock, waits, sleep } = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 10, clock, sleep });
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(waits).toEqual([100, 100, 100, 100]);
  });

  it('queues concurrent callers in arrival order, each one slot later', () => {
    const { clock, sleep } = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 10, clock, sleep });
    expect([1, 2, 3, 4, 5].map(() => bucket.reserve())).toEqual([0, 100, 200, 300, 400]);
  });

  it('allows a burst, then the steady rate, and never saves up more than the burst', async () => {
    const { clock, waits, sleep } = fakeTime();
    const bucket = new TokenBucket({ ratePerSecond: 5, burst: 3, clock, sleep });
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(waits).toEqual([200, 200]);
    clock.advance(60_000);
    expect([1, 2, 3, 4].map(() => bucket.reserve())).toEqual([0, 0, 0, 200]);
  });

  it('ends every wait on a multiple of the period, so buckets of one rate release their calls together', () => {
    const { clock, sleep } = fakeTime();
    const start = clock.now().getTime(); // a multiple of 100 ms
    const releases = (bucket: TokenBucket) =>
      [1, 2, 3].map(() => clock.now().getTime() + bucket.reserve() - start);
    clock.advance(37);
    const a = new TokenBucket({ ratePerSecond: 10, clock, sleep });
    expect(releases(a)).toEqual([37, 200, 300]);
    clock.advance(20);
    const b = new TokenBucket({ ratePerSecond: 10, clock, sleep });
    expect(releases(b)).toEqual([57, 200, 300]);
    // A call after a late release waits a full period from it, not from when it was due.
    clock.advance(300 - 57);
    expect(releases(a)).toEqual([400, 500, 600]);
  });

  it('never releases two calls of one bucket less than a period apart, whatever the arrival times', () => {
    for (const rate of [1, 3, 7, 10, 40]) {
      const { clock, sleep } = fakeTime();
      const bucket = new TokenBucket({ ratePerSecond: rate, clock, sleep });
      const releases: number[] = [];
      for (let i = 0; i < 200; i++) {
        clock.advance((i * 7919) % 97); // arrivals at uneven times, often faster than the rate
        releases.push(clock.now().getTime() + bucket.reserve());
      }
      releases.sort((x, y) => x - y);
      const gaps = releases.slice(1).map((t, i) => t - releases[i]!);
      // Whole milliseconds: a period of 1000/3 ms may round down by under 1 ms.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor(1000 / rate) - 1);
    }
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(/ratePerSecond/);
  });
});

describe('RateLimiter', () => {
  it('keeps one bucket per account, region and operation', () => {
    const { clock, sleep } = fakeTime();
    const limiter = new RateLimiter({ ratePerSecond: 10, clock, sleep });
    const key = { accountId: '111122223333', region: 'eu-west-1', operation: 'DescribeFileSystems' };
    expect(limiter.bucket(key).reserve()).toBe(0);
    expect(limiter.bucket(key).reserve()).toBe(100);
    expect(limiter.bucket({ ...key, operation: 'DescribeMountTargets' }).reserve()).toBe(0);
    expect(limiter.bucket({ ...key, region: 'eu-west-2' }).reserve()).toBe(0);
    expect(limiter.bucket({ ...key, accountId: '444455556666' }).reserve()).toBe(0);
  });
});

describe('applyRateLimit on a real EFS client', () => {
  const clients: EFSClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });

  /**
   * The real client, serialiser and rest-json error parser, with the wire replaced by a handler
   * that throttles the first `throttleFirst` attempts (status 429, x-amzn-errortype as EFS sends).
   */
  function clientAnswering(throttleFirst: number) {
    const requests: { path: string; at: number }[] = [];
    const { clock, waits, sleep } = fakeTime();
    const requestHandler = {
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
      handle: async (request: HttpRequest): Promise<{ response: HttpResponse }> => {
        requests.push({ path: request.path, at: clock.now().getTime() });
        const throttled = requests.length <= throttleFirst;
        const body = throttled
          ? { ErrorCode: 'ThrottlingException', Message: 'Rate exceeded' }
          : { FileSystems: [{ FileSystemId: 'fs-0123456789abcdef0', LifeCycleState: 'available' }] };
        return {
          response: {
            statusCode: throttled ? 429 : 200,
            headers: {
              'content-type': 'application/json',
              ...(throttled ? { 'x-amzn-errortype': 'ThrottlingException' } : {}),
            },
            body: new TextEncoder().encode(JSON.stringify(body)),
          },
        };
      },
    };
    // Retry at once: the SDK's own backoff is real time, and the limiter is what is under test.
    const token = (n: number): RetryToken & { getRetryDelay(): number } => ({
      getRetryCount: () => n,
      getRetryDelay: () => 0,
    });
    const retryStrategy: RetryStrategyV2 = {
      acquireInitialRetryToken: async () => token(0),
      refreshRetryTokenForRetry: async (t: RetryToken, info: RetryErrorInfo) => {
        if (info.errorType !== 'THROTTLING' || t.getRetryCount() + 1 >= 5) throw info.error;
        return token(t.getRetryCount() + 1);
      },
      recordSuccess: () => {},
    };
    const client = new EFSClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler,
      retryStrategy,
    });
    clients.push(client);
    const stats = new CallStats();
    const limiter = new RateLimiter({ ratePerSecond: 10, clock, sleep });
    applyRateLimit(client, { accountId: '111122223333', region: 'eu-west-1', limiter, stats });
    return { client, stats, requests, waits };
  }

  it('makes every attempt, retries included, wait for a token, and counts calls and throttles', async () => {
    const { client, stats, requests, waits } = clientAnswering(2);
    const out = await client.send(new DescribeFileSystemsCommand({}));
    expect(out.FileSystems?.[0]?.FileSystemId).toBe('fs-0123456789abcdef0');
    expect(out.$metadata.attempts).toBe(3);
    expect(requests.map((r) => r.at - requests[0]!.at)).toEqual([0, 100, 200]);
    expect(waits).toEqual([100, 100]);
    expect(stats.snapshot()).toEqual({ apiCalls: 3, throttles: 2 });
    expect(stats.byOperation()).toEqual({ DescribeFileSystems: { apiCalls: 3, throttles: 2 } });
  });

  it('counts the final throttle when retries run out, and the SDK raises its real exception', async () => {
    const { client, stats } = clientAnswering(100);
    await expect(client.send(new DescribeFileSystemsCommand({}))).rejects.toBeInstanceOf(ThrottlingException);
    expect(stats.snapshot()).toEqual({ apiCalls: 5, throttles: 5 });
  });

  it("takes the first attempt's token before the SDK builds anything, and charges it to the command's bucket", async () => {
    const { client, stats, requests } = clientAnswering(0);
    let built = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        built++;
        return next(args);
      },
      { step: 'initialize', name: 'countBuilt' },
    );
    // A limiter whose waits last until released, on a clock that never moves: a waiting call stays waiting.
    const pending: (() => void)[] = [];
    const limiter = new RateLimiter({
      ratePerSecond: 10,
      clock: new ManualClock(),
      sleep: () => new Promise<void>((resolve) => pending.push(resolve)),
    });
    applyRateLimit(client, { accountId: '111122223333', region: 'eu-west-1', limiter, stats });
    const first = client.send(new DescribeFileSystemsCommand({}));
    const second = client.send(new DescribeFileSystemsCommand({}));
    await first;
    expect(requests).toHaveLength(1);
    // The second call waits for its slot without a middleware context, endpoint or request built.
    expect(built).toBe(1);
    expect(pending).toHaveLength(1);
    pending[0]!();
    await second;
    expect(built).toBe(2);
    expect(stats.byBucket()).toEqual({ '111122223333/eu-west-1/DescribeFileSystems': 2 });
  });

  it('installs once even when applied twice', async () => {
    const { client, stats } = clientAnswering(0);
    applyRateLimit(client, {
      accountId: '111122223333',
      region: 'eu-west-1',
      limiter: new RateLimiter({ ratePerSecond: 10 }),
      stats,
    });
    await client.send(new DescribeFileSystemsCommand({}));
    expect(stats.snapshot()).toEqual({ apiCalls: 1, throttles: 0 });
  });
});
