import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DescribeLifecycleConfigurationCommand, EFSClient } from '@aws-sdk/client-efs';
import type { FinalizeRequestMiddleware, HttpRequest, MetadataBearer } from '@smithy/types';
import { Readable } from 'node:stream';
import { reuseSigner } from '../../src/aws/reused-signer.ts';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** An EFS client whose requests are answered at once and kept, signed as they went out. */
function clientAnswering(region: string, credentials: () => Promise<Credentials>) {
  const sent: HttpRequest[] = [];
  const client = new EFSClient({
    region,
    credentials,
    requestHandler: {
      async handle(request: HttpRequest) {
        sent.push(request);
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: Readable.from([Buffer.from('{"LifecyclePolicies":[]}')]),
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
  const authorizations = () => sent.map((r) => r.headers.authorization);
  return { client, call, authorizations };
}

// Within the SDK's five-minute refresh window: it asks the provider again on every call, as for
// AssumeRole credentials about to expire.
const soon = new Date('2026-03-01T12:01:00Z');
const first: Credentials = {
  accessKeyId: 'AKIAFIRST',
  secretAccessKey: 'first',
  sessionToken: 's1',
  expiration: soon,
};
const refreshed: Credentials = {
  accessKeyId: 'AKIASECOND',
  secretAccessKey: 'second',
  sessionToken: 's2',
  expiration: soon,
};

describe('reuseSigner', () => {
  beforeEach(() => {
    // Only the clock: the signing date (and so every signature) is the same for both clients.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('builds the signer once per client instead of once per call', async () => {
    const { client, call } = clientAnswering('eu-west-1', async () => first);
    const makeSigner = vi.fn(client.config.signer);
    client.config.signer = makeSigner;
    reuseSigner(client);
    await call();
    await call();
    await call();
    expect(makeSigner).toHaveBeenCalledTimes(1);
  });

  it('signs exactly as the SDK does, with credentials refreshed between calls', async () => {
    let current = first;
    const sdk = clientAnswering('ap-south-1', async () => current);
    const reused = clientAnswering('ap-south-1', async () => current);
    reuseSigner(reused.client);
    for (const creds of [first, first, refreshed, refreshed]) {
      current = creds;
      await sdk.call();
      await reused.call();
    }
    expect(reused.authorizations()).toEqual(sdk.authorizations());
    // Refreshed credentials sign with their own key: the signature changes with them.
    const [a, , c] = reused.authorizations();
    expect(c).toContain('Credential=AKIASECOND/20260301/ap-south-1/elasticfilesystem/aws4_request');
    expect(c!.split('Signature=')[1]).not.toEqual(a!.split('Signature=')[1]);
  });

  it('derives a new signing key when the day changes', async () => {
    const sdk = clientAnswering('us-west-2', async () => first);
    const reused = clientAnswering('us-west-2', async () => first);
    reuseSigner(reused.client);
    await sdk.call();
    await reused.call();
    vi.setSystemTime(new Date('2026-03-02T00:00:01Z'));
    await sdk.call();
    await reused.call();
    expect(reused.authorizations()).toEqual(sdk.authorizations());
    expect(reused.authorizations()[1]).toContain('Credential=AKIAFIRST/20260302/us-west-2/');
  });
});
