import { afterEach, describe, expect, it, vi } from 'vitest';
import { DescribeLifecycleConfigurationCommand, EFSClient, type EFSClientConfig } from '@aws-sdk/client-efs';
import type { FinalizeRequestMiddleware, HttpRequest, MetadataBearer } from '@smithy/types';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { compactClientConfig, withFastProperties } from '../../src/aws/fast-properties.ts';

// V8's own answer to "is this object in fast mode", compiled after the flag that allows it is set.
setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

type Answer = { status: number; body: string; headers?: Record<string, string> };

/** An EFS client whose requests are answered from `answers` in turn (the last one repeats) and kept. */
function clientAnswering(answers: Answer[], config: EFSClientConfig = {}) {
  const sent: HttpRequest[] = [];
  const client = new EFSClient({
    region: 'eu-west-1',
    retryMode: 'adaptive',
    maxAttempts: 8,
    cacheMiddleware: true,
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    ...config,
    requestHandler: {
      async handle(request: HttpRequest) {
        const answer = answers[Math.min(sent.length, answers.length - 1)]!;
        sent.push(request);
        return {
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/json', ...answer.headers },
            body: Readable.from([Buffer.from(answer.body)]),
          },
        };
      },
    },
  });
  // The invocation ID is random and signed: made the same for every call so signatures compare.
  const sameInvocationId: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => (args) => {
    (args.request as HttpRequest).headers['amz-sdk-invocation-id'] = 'same-for-every-call';
    return next(args);
  };
  client.middlewareStack.addRelativeTo(sameInvocationId as never, {
    name: 'sameInvocationId',
    relation: 'after',
    toMiddleware: 'retryMiddleware',
  });
  const call = () => client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: 'fs-1' }));
  return { client, sent, call };
}

const ok: Answer = { status: 200, body: '{"LifecyclePolicies":[{"TransitionToIA":"AFTER_30_DAYS"}]}' };
const throttled: Answer = {
  status: 429,
  body: '{"ErrorCode":"ThrottlingException","Message":"Rate exceeded"}',
  headers: { 'x-amzn-errortype': 'ThrottlingException' },
};

describe('compactClientConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.useRealTimers();
  });

  it('turns an SDK client configuration back into fast mode, same object, same members', () => {
    const { client } = clientAnswering([ok]);
    const config = client.config;
    const before = Object.getOwnPropertyDescriptors(config);
    // What the SDK leaves: a hash-table object, copied three times on every call.
    expect(hasFastProperties(config)).toBe(false);
    compactClientConfig(client);
    expect(hasFastProperties(client.config)).toBe(true);
    expect(client.config).toBe(config);
    expect(Object.getOwnPropertyDescriptors(config)).toEqual(before);
    expect(Object.keys(config)).toEqual(Object.keys(before));
    // The credentials are still the SDK's accessor (its setter normalises a new provider).
    expect(typeof Object.getOwnPropertyDescriptor(config, 'credentials')!.get).toBe('function');
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
  });

  it('stays fast through calls (the signer adds its Region and name on the first)', async () => {
    const { client, call } = clientAnswering([ok]);
    compactClientConfig(client);
    await call();
    await call();
    expect(hasFastProperties(client.config)).toBe(true);
  });

  it('signs and answers exactly as the SDK does', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T12:00:00Z'));
    const sdk = clientAnswering([ok]);
    const compact = clientAnswering([ok]);
    compactClientConfig(compact.client);
    expect(await compact.call()).toEqual(await sdk.call());
    expect(compact.sent.map((r) => r.headers)).toEqual(sdk.sent.map((r) => r.headers));
    expect(compact.sent[0]!.headers.authorization).toContain(
      'Credential=AKIAEXAMPLE/20260301/eu-west-1/elasticfilesystem/aws4_request',
    );
    expect(hasFastProperties(compact.client.config)).toBe(true);
  });

  it('keeps adaptive retries: a throttled call is retried', async () => {
    // The retry's back-off and the adaptive rate limiter's wait run on the fake clock.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout'] });
    const { client, sent, call } = clientAnswering([throttled, ok]);
    compactClientConfig(client);
    let settled = false;
    const answer = call().finally(() => (settled = true));
    while (!settled) await vi.advanceTimersByTimeAsync(100);
    const out = await answer;
    expect(out.LifecyclePolicies).toEqual([{ TransitionToIA: 'AFTER_30_DAYS' }]);
    expect(sent).toHaveLength(2);
    expect(out.$metadata.attempts).toBe(2);
    expect((await client.config.retryStrategy()).constructor.name).toBe('AdaptiveRetryStrategy');
    expect(hasFastProperties(client.config)).toBe(true);
  });

  it('resolves the endpoint from AWS_ENDPOINT_URL as before', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:4599');
    const { client, sent, call } = clientAnswering([ok]);
    compactClientConfig(client);
    await call();
    expect(sent[0]).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 4599 });
    expect(sent[0]!.path).toBe('/2015-02-01/file-systems/fs-1/lifecycle-configuration');
    expect(hasFastProperties(client.config)).toBe(true);
  });
});

describe('withFastProperties', () => {
  it('turns any dictionary-mode object fast, keeping its members and their order', () => {
    const object: Record<string, number> = {};
    for (let i = 0; i < 64; i++) Object.assign(object, { [`key${i}`]: i });
    delete object.key3;
    expect(hasFastProperties(object)).toBe(false);
    const keys = Object.keys(object);
    expect(withFastProperties(object)).toBe(object);
    expect(hasFastProperties(object)).toBe(true);
    expect(Object.keys(object)).toEqual(keys);
    expect(object.key63).toBe(63);
  });
});
