import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EFSClient, paginateDescribeFileSystems } from '@aws-sdk/client-efs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { serveEstate, stopEstate } from '../../src/cli/commands/estate.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import type { EstateServer } from '../../src/estate/server.ts';
import { BASE_CREDENTIALS } from './helpers.ts';

let server: EstateServer;
let printed = '';
beforeAll(async () => {
  server = await serveEstate({ estate: SAMPLE_ESTATE_PATH, port: 0 }, (t) => (printed += t));
});
afterAll(() => server.close());

test('estate serve prints the endpoint and serves the sample estate to the SDK', async () => {
  expect(printed).toContain(`export AWS_ENDPOINT_URL=${server.endpoint}`);
  expect(printed).toContain('base credentials act as 210987654321');
  const efs = new EFSClient({
    region: 'eu-west-1',
    endpoint: server.endpoint,
    credentials: BASE_CREDENTIALS,
  });
  const states = [];
  for await (const page of paginateDescribeFileSystems({ client: efs }, {})) {
    states.push(...page.FileSystems!.map((f) => f.LifeCycleState));
  }
  expect(states).toEqual(['available', 'available', 'deleting']);
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: BASE_CREDENTIALS,
  });
  await expect(
    sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::456789012345:role/efs-encrypt',
        RoleSessionName: 'scan',
      }),
    ),
  ).rejects.toMatchObject({ name: 'AccessDenied' });
});

test('estate serve --stats-file writes the calls it answered when it stops, per operation and bucket', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'estate-stats-'));
  const statsFile = join(dir, 'stats.json');
  const own = await serveEstate({ estate: SAMPLE_ESTATE_PATH, port: 0 }, () => {});
  try {
    const efs = new EFSClient({ region: 'eu-west-1', endpoint: own.endpoint, credentials: BASE_CREDENTIALS });
    const before = Date.now();
    for await (const page of paginateDescribeFileSystems({ client: efs }, {})) expect(page).toBeDefined();
    await stopEstate(own, { statsFile });
    const stats = JSON.parse(await readFile(statsFile, 'utf8'));
    expect(stats).toMatchObject({
      calls: 1,
      throttles: 0,
      byOperation: { 'efs:DescribeFileSystems': 1 },
      byBucket: { '210987654321/eu-west-1/efs:DescribeFileSystems': 1 },
    });
    expect(stats.firstCallAt).toBeGreaterThanOrEqual(before);
    expect(stats.lastCallAt).toBe(stats.firstCallAt);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // Stopped: the port no longer answers.
  await expect(fetch(own.endpoint)).rejects.toThrow();
});
