import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import { RATE_LIMIT_MIDDLEWARE_NAME } from '../../src/aws/rate-limit.ts';
import { AccountAccessError, NoRegionError } from '../../src/aws/aws-errors.ts';
import type { SdkEfsClient } from '../../src/aws/efs.ts';
import type { SdkKmsClient } from '../../src/aws/kms.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { NO_AWS_FILES } from '../harness/sdk-env.ts';
import { ErrorCode, ResponseIncompleteError } from '../../src/domain/errors.ts';

const stsMock = mockClient(STSClient);
const saved = { ...process.env };
let factory: AccountClients | undefined;

beforeEach(() => {
  stsMock.reset();
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  Object.assign(process.env, NO_AWS_FILES);
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_REGION;
});
afterEach(() => {
  factory?.destroy();
  process.env = { ...saved };
});

const base = { roleName: 'EfsEncryptRole', rateLimitPerSecond: 10 };
const sdkOf = (c: { efs: unknown; kms: unknown }) => ({
  efs: (c.efs as SdkEfsClient).sdk,
  kms: (c.kms as SdkKmsClient).sdk,
});

function assumeRoleAnswers() {
  let n = 0;
  stsMock.on(AssumeRoleCommand).callsFake(() => ({
    Credentials: {
      AccessKeyId: `ASIA${++n}`,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  }));
}

describe('createAccountClients', () => {
  it("scans the caller's own account, without AssumeRole, when no accounts are configured", async () => {
    stsMock
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999988887777', Arn: 'arn:aws:iam::999988887777:user/ops' });
    factory = createAccountClients({ ...base, accounts: [], regions: ['eu-west-1', 'us-east-1'] });
    expect(await factory.listTargets()).toEqual({
      accounts: ['999988887777'],
      regions: ['eu-west-1', 'us-east-1'],
    });
    const clients = await factory.clientsFor('999988887777', 'us-east-1');
    expect(clients).toMatchObject({ accountId: '999988887777', region: 'us-east-1' });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect((await sdkOf(clients).efs.config.credentials()).accessKeyId).toBe('AKIDEXAMPLE');
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('enters each configured account through its role, once per account, with adaptive retries', async () => {
    assumeRoleAnswers();
    factory = createAccountClients({
      ...base,
      accounts: ['111122223333', '444455556666'],
      regions: ['eu-west-1'],
      externalId: 'ext-1',
    });
    expect(await factory.listTargets()).toEqual({
      accounts: ['111122223333', '444455556666'],
      regions: ['eu-west-1'],
    });
    const a1 = await factory.clientsFor('111122223333', 'eu-west-1');
    const a1again = await factory.clientsFor('111122223333', 'eu-west-2');
    const a2 = await factory.clientsFor('444455556666', 'eu-west-1');
    const { efs, kms } = sdkOf(a1);
    expect((await efs.config.credentials()).accessKeyId).toBe('ASIA1');
    expect((await kms.config.credentials()).accessKeyId).toBe('ASIA1');
    expect((await sdkOf(a1again).efs.config.credentials()).accessKeyId).toBe('ASIA1');
    expect((await sdkOf(a2).efs.config.credentials()).accessKeyId).toBe('ASIA2');
    expect(await efs.config.region()).toBe('eu-west-1');
    expect(await efs.config.maxAttempts()).toBe(8);
    expect(((await efs.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      'arn:aws:iam::111122223333:role/EfsEncryptRole',
      'arn:aws:iam::444455556666:role/EfsEncryptRole',
    ]);
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]!.args[0].input.ExternalId).toBe('ext-1');
  });

  it('drops a released pair from the cache without closing the shared pool, and keeps the credentials', async () => {
    assumeRoleAnswers();
    factory = createAccountClients({ ...base, accounts: ['111122223333'], regions: ['eu-west-1'] });
    const first = await factory.clientsFor('111122223333', 'eu-west-1');
    const other = await factory.clientsFor('111122223333', 'eu-west-2');
    expect(await factory.clientsFor('111122223333', 'eu-west-1')).toBe(first);
    first.release();
    await Promise.resolve();
    const again = await factory.clientsFor('111122223333', 'eu-west-1');
    expect(again).not.toBe(first);
    expect(sdkOf(again).efs).not.toBe(sdkOf(first).efs);
    // The account was entered once: its credentials outlive the pair's clients.
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    // The other pair's clients, and the connection pool they share, are untouched.
    expect(await factory.clientsFor('111122223333', 'eu-west-2')).toBe(other);
    expect(sdkOf(first).efs.config.requestHandler).toBe(sdkOf(again).efs.config.requestHandler);
    // Releasing stale clients again does not drop the pair's new ones.
    first.release();
    await Promise.resolve();
    expect(await factory.clientsFor('111122223333', 'eu-west-1')).toBe(again);
  });

  it('fails clientsFor with AccountAccessError when the role cannot be assumed, and tries again next time', async () => {
    stsMock.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'not authorized',
      }),
    );
    factory = createAccountClients({ ...base, accounts: ['111122223333'], regions: ['eu-west-1'] });
    await expect(factory.clientsFor('111122223333', 'eu-west-1')).rejects.toBeInstanceOf(AccountAccessError);
    await expect(factory.clientsFor('111122223333', 'eu-west-1')).rejects.toMatchObject({
      awsCode: 'AccessDenied',
    });
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('fails listTargets with AccountAccessError when GetCallerIdentity answers without an account, and asks again next time', async () => {
    stsMock.on(GetCallerIdentityCommand).resolvesOnce({}).resolves({ Account: '999988887777' });
    factory = createAccountClients({ ...base, accounts: [], regions: ['eu-west-1'] });
    const error = await factory.listTargets().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountAccessError);
    expect(error).toMatchObject({ awsCode: ErrorCode.ResponseIncomplete });
    expect((error as AccountAccessError).cause).toBeInstanceOf(ResponseIncompleteError);
    expect((error as AccountAccessError).userMessage).toContain(
      'sts:GetCallerIdentity answered without an account ID, which efs-encrypt needs. Try again',
    );
    expect((await factory.listTargets()).accounts).toEqual(['999988887777']);
  });

  it("falls back to the SDK's region when none is configured, and says what to set when there is none", async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '999988887777' });
    factory = createAccountClients({ ...base, accounts: [], regions: [] });
    await expect(factory.listTargets()).rejects.toBeInstanceOf(NoRegionError);
    await expect(factory.listTargets()).rejects.toThrow(/EFS_ENCRYPT_REGIONS/);
    process.env.AWS_REGION = 'ap-southeast-2';
    expect(await factory.listTargets()).toEqual({ accounts: ['999988887777'], regions: ['ap-southeast-2'] });
  });

  it("resolves each command's middleware once per client, and concurrent calls still keep their own input, answer and rate-limit slot", async () => {
    assumeRoleAnswers();
    // Answers DescribeMountTargets with the file system ID the request named, so crossed wires show.
    const echo = {
      handle: async (request: { query?: Record<string, string | string[] | null> }) => {
        const fileSystemId = String(request.query?.FileSystemId);
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: new TextEncoder().encode(
              JSON.stringify({
                MountTargets: [
                  {
                    MountTargetId: `fsmt-of-${fileSystemId}`,
                    FileSystemId: fileSystemId,
                    SubnetId: 'subnet-1',
                    LifeCycleState: 'available',
                    OwnerId: '111122223333',
                  },
                ],
              }),
            ),
          },
        };
      },
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
    };
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
    factory = createAccountClients({
      ...base,
      rateLimitPerSecond: 1000,
      accounts: ['111122223333'],
      regions: ['eu-west-1'],
      clientOverrides: { requestHandler: echo },
    });
    const { efs } = sdkOf(await factory.clientsFor('111122223333', 'eu-west-1'));
    expect(efs.config.cacheMiddleware).toBe(true);
    const ids = ['fs-1', 'fs-2', 'fs-3', 'fs-4', 'fs-5'];
    const answers = await Promise.all(
      ids.map((id) => efs.send(new DescribeMountTargetsCommand({ FileSystemId: id }))),
    );
    expect(answers.map((a) => a.MountTargets?.[0]?.MountTargetId)).toEqual(ids.map((id) => `fsmt-of-${id}`));
    // Every call went through the rate limiter installed before the first call was resolved.
    expect(factory.stats.byBucket()).toEqual({ '111122223333/eu-west-1/DescribeMountTargets': 5 });
  });

  it("pages a listing with the SDK's paginator, every page a call under the rate limiter and its counters", async () => {
    assumeRoleAnswers();
    // Three pages of DescribeFileSystems, chained by Marker/NextMarker as EFS does.
    const markers: (string | undefined)[] = [];
    const paged = {
      handle: async (request: { query?: Record<string, string | string[] | null> }) => {
        const marker = request.query?.Marker ? String(request.query.Marker) : undefined;
        markers.push(marker);
        const page = marker === undefined ? 1 : Number(marker.slice('page-'.length));
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: new TextEncoder().encode(
              JSON.stringify({
                FileSystems: [{ FileSystemId: `fs-${page}`, LifeCycleState: 'available' }],
                ...(page < 3 ? { NextMarker: `page-${page + 1}` } : {}),
              }),
            ),
          },
        };
      },
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
    };
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
    const clock = new ManualClock();
    const waits: number[] = [];
    factory = createAccountClients({
      ...base,
      rateLimitPerSecond: 10,
      accounts: ['111122223333'],
      regions: ['eu-west-1'],
      clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
      clientOverrides: { requestHandler: paged },
    });
    const { efs } = await factory.clientsFor('111122223333', 'eu-west-1');
    const fileSystems = await efs.listFileSystems();
    expect(fileSystems.map((f) => f.FileSystemId)).toEqual(['fs-1', 'fs-2', 'fs-3']);
    expect(markers).toEqual([undefined, 'page-2', 'page-3']);
    // Burst 1 at 10 per second: the second and third pages each waited for their slot.
    expect(waits).toEqual([100, 100]);
    expect(factory.stats.byBucket()).toEqual({ '111122223333/eu-west-1/DescribeFileSystems': 3 });
    // Writers are built on the very SDK client the reader pages with (same limiter, same credentials).
    expect((await factory.sdkClientsFor('111122223333', 'eu-west-1')).efs).toBe(efs.sdk);
  });

  it('puts other clients under the same rate limit and counters', async () => {
    factory = createAccountClients({ ...base, accounts: ['111122223333'], regions: ['eu-west-1'] });
    const answered = {
      handle: async () => ({
        response: {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: new TextEncoder().encode('{"FileSystems":[]}'),
        },
      }),
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
    };
    const other = new EFSClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 's' },
      requestHandler: answered,
    });
    try {
      expect(factory.limit(other, '111122223333', 'eu-west-1')).toBe(other);
      expect(other.middlewareStack.identify().some((m) => m.startsWith(RATE_LIMIT_MIDDLEWARE_NAME))).toBe(
        true,
      );
      await other.send(new DescribeFileSystemsCommand({}));
      expect(factory.stats.byOperation()).toEqual({ DescribeFileSystems: { apiCalls: 1, throttles: 0 } });
    } finally {
      other.destroy();
    }
  });
});
