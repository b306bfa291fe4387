import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeLifecycleConfigurationCommand, EFSClient } from '@aws-sdk/client-efs';
import type { HttpRequest } from '@smithy/types';
import { Readable } from 'node:stream';
import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import { sharedConfigLoaders } from '../../src/aws/shared-config-loaders.ts';
import { NO_AWS_FILES } from '../harness/sdk-env.ts';

const stsMock = mockClient(STSClient);
const saved = { ...process.env };
let factory: AccountClients | undefined;

beforeEach(() => {
  // In place before the shared loaders' first lookup in this file (they look up once a process).
  Object.assign(process.env, NO_AWS_FILES, { AWS_USE_FIPS_ENDPOINT: 'true' });
  delete process.env.AWS_ENDPOINT_URL;
  stsMock.reset();
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIA1',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
});
afterEach(() => {
  factory?.destroy();
  process.env = { ...saved };
});

const sent: HttpRequest[] = [];
const requestHandler = {
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
};

describe('sharedConfigLoaders', () => {
  it('gives every client of createAccountClients the same lookups instead of its own', async () => {
    factory = createAccountClients({
      accounts: ['111122223333', '444455556666'],
      regions: ['eu-west-1', 'us-east-1'],
      roleName: 'EfsEncryptRole',
      rateLimitPerSecond: 10,
      clientOverrides: { requestHandler },
    });
    const shared = sharedConfigLoaders();
    const a = await factory.sdkClientsFor('111122223333', 'eu-west-1');
    const b = await factory.sdkClientsFor('444455556666', 'us-east-1');
    for (const client of [a.efs, a.kms, b.efs, b.kms]) {
      // (useFipsEndpoint and userAgentAppId are wrapped by the SDK's resolvers: no identity to compare.)
      expect(client.config.useDualstackEndpoint).toBe(shared.useDualstackEndpoint);
      expect(client.config.authSchemePreference).toBe(shared.authSchemePreference);
    }
  });

  it('resolves what the SDK resolves on its own: AWS_USE_FIPS_ENDPOINT picks the FIPS endpoint', async () => {
    sent.length = 0;
    const config = {
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler,
    };
    const own = new EFSClient(config);
    const withShared = new EFSClient({ ...config, ...sharedConfigLoaders() });
    for (const client of [own, withShared])
      await client.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: 'fs-1' }));
    expect(sent.map((r) => r.hostname)).toEqual([
      'elasticfilesystem-fips.us-east-1.amazonaws.com',
      'elasticfilesystem-fips.us-east-1.amazonaws.com',
    ]);
    expect(await withShared.config.useDualstackEndpoint()).toBe(await own.config.useDualstackEndpoint());
    expect(await withShared.config.authSchemePreference()).toEqual(await own.config.authSchemePreference());
  });
});
