import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import type { AccountClients } from '../../src/aws/account-clients.ts';
import { lazyAccountClients } from '../../src/aws/lazy-account-clients.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { NO_AWS_FILES } from '../harness/sdk-env.ts';

const stsMock = mockClient(STSClient);
const saved = { ...process.env };
let clients: AccountClients | undefined;

beforeEach(() => {
  stsMock.reset();
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIA1',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:1';
  Object.assign(process.env, NO_AWS_FILES);
  delete process.env.AWS_PROFILE;
});
afterEach(() => {
  clients?.destroy();
  process.env = { ...saved };
});

/** Answers every EFS call with one empty page of file systems. */
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

describe('lazyAccountClients', () => {
  it('limits and counts a client before any account client exists, on the limiter and counters the clients made later use', async () => {
    const clock = new ManualClock();
    const waits: number[] = [];
    clients = lazyAccountClients({
      roleName: 'EfsEncryptRole',
      accounts: ['111122223333'],
      regions: ['eu-west-1'],
      rateLimitPerSecond: 10,
      clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
      clientOverrides: { requestHandler: answered },
    });
    const stats = clients.stats;
    const other = new EFSClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 's' },
      requestHandler: answered,
    });
    try {
      expect(clients.limit(other, '111122223333', 'eu-west-1')).toBe(other);
      await other.send(new DescribeFileSystemsCommand({}));
      expect(stsMock.calls()).toHaveLength(0);

      // Made now, on first use: the account's EFS reader shares the bucket `other` just used.
      const { efs } = await clients.clientsFor('111122223333', 'eu-west-1');
      expect(await efs.listFileSystems()).toEqual([]);
      expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
      // 10 per second, burst 1: the reader's call waited for the slot after `other`'s.
      expect(waits).toEqual([100]);
      expect(clients.stats).toBe(stats);
      expect(stats.byBucket()).toEqual({ '111122223333/eu-west-1/DescribeFileSystems': 2 });
    } finally {
      other.destroy();
    }
  });
});
