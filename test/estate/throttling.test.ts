import { afterEach, describe, expect, test } from 'vitest';
import { DescribeFileSystemsCommand, EFSClient, ThrottlingException } from '@aws-sdk/client-efs';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { ManualClock } from '../../src/domain/clock.ts';
import { ACCOUNT_A, BASE_CREDENTIALS, startHarness, type Harness } from './helpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.server.close();
  h = undefined;
});

describe('throttling: a token bucket per account, region and operation', () => {
  test('an empty bucket answers ThrottlingException until the clock refills it', async () => {
    const clock = new ManualClock();
    const startedAt = clock.now().getTime();
    h = await startHarness({ tps: 1, burst: 2, clock });
    const describe = () => h!.efs.send(new DescribeFileSystemsCommand({}));
    await describe();
    await describe();
    const throttled = describe();
    await expect(throttled).rejects.toBeInstanceOf(ThrottlingException);
    await expect(throttled).rejects.toMatchObject({
      $metadata: { httpStatusCode: 429 },
      message: 'Rate exceeded',
    });
    // Another operation has its own bucket.
    await expect(h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/payments-efs' }))).resolves.toBeDefined();
    clock.advance(1000);
    await expect(describe()).resolves.toBeDefined();
    expect(h.server.stats()).toEqual({
      calls: 5,
      throttles: 1,
      byOperation: { 'efs:DescribeFileSystems': 4, 'kms:DescribeKey': 1 },
      // The buckets that throttle, so a benchmark can find the busiest one (the throttled call counts).
      byBucket: {
        [`${ACCOUNT_A}/eu-west-1/efs:DescribeFileSystems`]: 4,
        [`${ACCOUNT_A}/eu-west-1/kms:DescribeKey`]: 1,
      },
      // By the estate's clock: how long a caller took to make its first call, and its last.
      firstCallAt: startedAt,
      lastCallAt: startedAt + 1000,
    });
    h.server.resetStats();
    expect(h.server.stats()).toEqual({ calls: 0, throttles: 0, byOperation: {}, byBucket: {} });
  });

  test('each protocol throttles with its own error: KMS ThrottlingException, EC2 RequestLimitExceeded', async () => {
    h = await startHarness({ tps: 1, burst: 1, clock: new ManualClock() });
    await h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/payments-efs' }));
    await expect(h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/payments-efs' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    await h.ec2.send(new DescribeSubnetsCommand({}));
    await expect(h.ec2.send(new DescribeSubnetsCommand({}))).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
      $metadata: { httpStatusCode: 503 },
    });
  });

  test('the SDK sees a real throttle: it retries, and the retry succeeds once the bucket refills', async () => {
    const clock = new ManualClock();
    h = await startHarness({ tps: 1, burst: 1, clock });
    await h.efs.send(new DescribeFileSystemsCommand({}));
    const retrying = new EFSClient({
      region: 'eu-west-1',
      endpoint: h.server.endpoint,
      credentials: BASE_CREDENTIALS,
      maxAttempts: 2,
    });
    // Runs inside the SDK's retry loop: before the second attempt, move the estate's clock on so
    // the bucket has a token again (the test waits for no bucket; only the SDK's own short backoff).
    let attempt = 0;
    retrying.middlewareStack.add(
      (next) => async (args) => {
        if (++attempt === 2) clock.advance(1000);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'advanceEstateClock', priority: 'low' },
    );
    const out = await retrying.send(new DescribeFileSystemsCommand({}));
    expect(out.$metadata.attempts).toBe(2);
    expect(h.server.stats()).toMatchObject({ calls: 3, throttles: 1 });
  });
});

describe('throttleEvery: a storm at any rate', () => {
  test('throttles every other call per account, region and operation, and refuses a nonsense setting', async () => {
    h = await startHarness({ throttleEvery: 2 });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++)
      outcomes.push(
        await h.efs.send(new DescribeFileSystemsCommand({})).then(
          () => 'ok',
          (e: Error) => e.name,
        ),
      );
    expect(outcomes).toEqual(['ok', 'ThrottlingException', 'ok', 'ThrottlingException']);
    // Another operation counts on its own: its first call passes.
    await expect(h.kms.send(new DescribeKeyCommand({ KeyId: 'alias/payments-efs' }))).resolves.toBeDefined();
    expect(h.server.stats()).toMatchObject({ calls: 5, throttles: 2 });
    await expect(startHarness({ throttleEvery: 1 })).rejects.toThrow(
      /throttleEvery must be an integer of at least 2/,
    );
  });
});
