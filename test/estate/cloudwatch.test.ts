import { afterEach, describe, expect, test } from 'vitest';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  paginateGetMetricData,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateLocationEfsCommand,
  CreateTaskCommand,
  DescribeTaskExecutionCommand,
  StartTaskExecutionCommand,
} from '@aws-sdk/client-datasync';
import { CreateFileSystemCommand, CreateMountTargetCommand } from '@aws-sdk/client-efs';
import { ManualClock } from '../../src/domain/clock.ts';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';
import { BASE_CREDENTIALS } from './helpers.ts';
import {
  ACCOUNT,
  KEY,
  REGION,
  SG_NFS,
  SOURCE,
  SUBNET_A,
  WRITE_ESTATE,
  startWriteHarness,
  type WriteHarness,
} from './write-fixture.ts';

const NOW = new Date('2026-01-10T09:00:00Z');
const MIN = 60_000;
const ref = { accountId: ACCOUNT, region: REGION, fileSystemId: SOURCE };

let h: WriteHarness | undefined;
let extra: EstateServer | undefined;
afterEach(async () => {
  await h?.server.close();
  await extra?.close();
  h = undefined;
  extra = undefined;
});

function cloudWatch(endpoint: string) {
  return new CloudWatchClient({ region: REGION, endpoint, credentials: BASE_CREDENTIALS, maxAttempts: 1 });
}

const efsQuery = (id: string, metric: string, fileSystemId = SOURCE, stat = 'Sum'): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/EFS',
      MetricName: metric,
      Dimensions: [{ Name: 'FileSystemId', Value: fileSystemId }],
    },
    Period: 60,
    Stat: stat,
  },
});

const lastMinutes = (n: number, now = NOW) => ({
  StartTime: new Date(now.getTime() - n * MIN),
  EndTime: now,
});

describe('CloudWatch GetMetricData (AWS/EFS) through the real SDK client', () => {
  test('an active file system: one data point per minute, newest first, Sum of connections and bytes', async () => {
    h = await startWriteHarness();
    h.server.control.setActivity(ref, {
      ClientConnections: 3,
      TotalIOBytes: 4096,
      until: new Date(NOW.getTime() - 4 * MIN),
    });
    const out = await cloudWatch(h.server.endpoint).send(
      new GetMetricDataCommand({
        MetricDataQueries: [efsQuery('conn', 'ClientConnections'), efsQuery('io', 'TotalIOBytes')],
        ...lastMinutes(15),
      }),
    );
    const [conn, io] = out.MetricDataResults!;
    expect(conn!.Id).toBe('conn');
    expect(conn!.Label).toBe('ClientConnections');
    expect(conn!.StatusCode).toBe('Complete');
    // 08:45 … 08:55 (activity stopped at 08:56): 11 minutes, newest first.
    expect(conn!.Timestamps).toHaveLength(11);
    expect(conn!.Timestamps![0]).toEqual(new Date('2026-01-10T08:55:00Z'));
    expect(conn!.Timestamps!.at(-1)).toEqual(new Date('2026-01-10T08:45:00Z'));
    expect(new Set(conn!.Values)).toEqual(new Set([3]));
    expect(io!.Values![0]).toBe(4096);
    expect(out.NextToken).toBeUndefined();
  });

  test('activity from the estate file, rounded StartTime, wider periods, ascending order', async () => {
    const estate = structuredClone(WRITE_ESTATE) as typeof WRITE_ESTATE;
    const fs = estate.accounts[0]!.regions[REGION]!.fileSystems[0] as Record<string, unknown>;
    fs.Activity = { ClientConnections: 2, TotalIOBytes: 100, since: '2026-01-10T08:50:00Z' };
    extra = await startEstateServer({
      estate: parseEstate(estate, 'activity'),
      clock: new ManualClock(new Date('2026-01-10T09:00:30Z')),
    });
    const out = await cloudWatch(extra.endpoint).send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          {
            ...efsQuery('conn', 'ClientConnections'),
            MetricStat: { ...efsQuery('c', 'ClientConnections').MetricStat!, Period: 300 },
          },
        ],
        StartTime: new Date('2026-01-10T08:40:20Z'),
        EndTime: new Date('2026-01-10T09:05:00Z'),
        ScanBy: 'TimestampAscending',
      }),
    );
    const r = out.MetricDataResults![0]!;
    // Periods from 08:40 (rounded down); 08:50-08:54 and 08:55-08:59 full, 09:00 has begun.
    expect(r.Timestamps).toEqual([
      new Date('2026-01-10T08:50:00Z'),
      new Date('2026-01-10T08:55:00Z'),
      new Date('2026-01-10T09:00:00Z'),
    ]);
    expect(r.Values).toEqual([10, 10, 2]);
  });

  test('a quiet file system, another metric or another dimension set: empty series, Complete', async () => {
    h = await startWriteHarness();
    const out = await cloudWatch(h.server.endpoint).send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          efsQuery('conn', 'ClientConnections'),
          efsQuery('burst', 'BurstCreditBalance'),
          {
            Id: 'other',
            MetricStat: {
              ...efsQuery('x', 'TotalIOBytes').MetricStat!,
              Metric: { Namespace: 'AWS/EC2', MetricName: 'TotalIOBytes' },
            },
          },
        ],
        ...lastMinutes(15),
      }),
    );
    for (const r of out.MetricDataResults!) {
      expect(r.Timestamps).toEqual([]);
      expect(r.StatusCode).toBe('Complete');
    }
  });

  test("the estate's own DataSync execution reading the source is not a client", async () => {
    h = await startWriteHarness();
    const twin = (
      await h.efs.send(new CreateFileSystemCommand({ CreationToken: 'twin', Encrypted: true, KmsKeyId: KEY }))
    ).FileSystemId!;
    h.advance(DEFAULT_TIMING.fileSystemCreateMs);
    await h.efs.send(
      new CreateMountTargetCommand({ FileSystemId: twin, SubnetId: SUBNET_A, SecurityGroups: [SG_NFS] }),
    );
    h.advance(DEFAULT_TIMING.mountTargetCreateMs);
    const location = (fs: string) =>
      h!.dataSync.send(
        new CreateLocationEfsCommand({
          EfsFilesystemArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${fs}`,
          Ec2Config: {
            SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${SUBNET_A}`,
            SecurityGroupArns: [`arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${SG_NFS}`],
          },
        }),
      );
    const task = await h.dataSync.send(
      new CreateTaskCommand({
        SourceLocationArn: (await location(SOURCE)).LocationArn!,
        DestinationLocationArn: (await location(twin)).LocationArn!,
      }),
    );
    const exec = await h.dataSync.send(new StartTaskExecutionCommand({ TaskArn: task.TaskArn! }));
    h.advance(10 * MIN);
    const done = await h.dataSync.send(
      new DescribeTaskExecutionCommand({ TaskExecutionArn: exec.TaskExecutionArn! }),
    );
    expect(done.Status).toBe('SUCCESS');
    const now = h.clock.now();
    const out = await cloudWatch(h.server.endpoint).send(
      new GetMetricDataCommand({
        MetricDataQueries: [efsQuery('conn', 'ClientConnections'), efsQuery('io', 'TotalIOBytes')],
        ...lastMinutes(15, now),
      }),
    );
    expect(out.MetricDataResults!.flatMap((r) => r.Values)).toEqual([]);
  });

  test('MaxDatapoints pages with NextToken; the SDK paginator reads every page', async () => {
    h = await startWriteHarness();
    h.server.control.setActivity(ref, { ClientConnections: 1, TotalIOBytes: 10 });
    const client = cloudWatch(h.server.endpoint);
    const input: GetMetricDataCommandInput = {
      MetricDataQueries: [efsQuery('conn', 'ClientConnections'), efsQuery('io', 'TotalIOBytes')],
      ...lastMinutes(10),
      MaxDatapoints: 7,
    };
    const first = await client.send(new GetMetricDataCommand(input));
    expect(first.MetricDataResults![0]!.Values).toHaveLength(7);
    expect(first.MetricDataResults![0]!.StatusCode).toBe('PartialData');
    expect(first.NextToken).toBeDefined();
    let points = 0;
    let pages = 0;
    for await (const page of paginateGetMetricData({ client }, input)) {
      pages++;
      points += page.MetricDataResults!.reduce((n, r) => n + r.Values!.length, 0);
    }
    expect(pages).toBe(3);
    expect(points).toBe(20);
    await expect(
      client.send(new GetMetricDataCommand({ ...input, NextToken: 'not-a-token' })),
    ).rejects.toBeInstanceOf(InvalidNextToken);
  });

  test.each([
    [
      'equal times',
      { StartTime: NOW, EndTime: NOW },
      'The parameter StartTime must not equal parameter EndTime.',
    ],
    [
      'StartTime after EndTime',
      { StartTime: NOW, EndTime: new Date(NOW.getTime() - MIN) },
      'The parameter EndTime must be greater than StartTime.',
    ],
    ['no queries', { MetricDataQueries: [] }, 'must not be empty'],
    [
      '501 queries',
      { MetricDataQueries: Array.from({ length: 501 }, (_, i) => efsQuery(`q${i}`, 'ClientConnections')) },
      'greater than 500',
    ],
    [
      'an Id with a capital first',
      { MetricDataQueries: [efsQuery('Conn', 'ClientConnections')] },
      'Id is invalid',
    ],
    [
      'a duplicate Id',
      { MetricDataQueries: [efsQuery('a', 'ClientConnections'), efsQuery('a', 'TotalIOBytes')] },
      'more than once',
    ],
    ['neither MetricStat nor Expression', { MetricDataQueries: [{ Id: 'a' }] }, 'MetricStat is required'],
    [
      'a Period of 45 s',
      {
        MetricDataQueries: [
          { Id: 'a', MetricStat: { ...efsQuery('a', 'ClientConnections').MetricStat!, Period: 45 } },
        ],
      },
      'multiple of 60',
    ],
  ] as const)('%s: ValidationError as AWS sends it', async (_name, change, message) => {
    h = await startWriteHarness();
    const error = await cloudWatch(h.server.endpoint)
      .send(
        new GetMetricDataCommand({
          MetricDataQueries: [efsQuery('conn', 'ClientConnections')],
          ...lastMinutes(15),
          ...(change as Partial<GetMetricDataCommandInput>),
        }),
      )
      .catch((e: unknown) => e as Error & { Code?: string; $metadata?: { httpStatusCode?: number } });
    expect(error).toBeInstanceOf(Error);
    // CloudWatch's JSON errors name the shape (ValidationException) and keep the query code in
    // x-amzn-query-error, which the SDK exposes as Code (aws-sdk-js-v3 #8304, #7541).
    expect((error as Error).name).toBe('ValidationException');
    expect((error as { Code?: string }).Code).toBe('ValidationError');
    expect((error as Error).message).toContain(message);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
  });
});

describe('CloudWatch GetMetricStatistics (AWS/EFS)', () => {
  test('Sum, Maximum and SampleCount per period, with the unit', async () => {
    h = await startWriteHarness();
    h.server.control.setActivity(ref, {
      ClientConnections: 4,
      TotalIOBytes: 0,
      since: new Date(NOW.getTime() - 3 * MIN),
    });
    const out = await cloudWatch(h.server.endpoint).send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/EFS',
        MetricName: 'ClientConnections',
        Dimensions: [{ Name: 'FileSystemId', Value: SOURCE }],
        ...lastMinutes(10),
        Period: 600,
        Statistics: ['Sum', 'Maximum', 'SampleCount'],
      }),
    );
    expect(out.Label).toBe('ClientConnections');
    // 08:57, 08:58 and 08:59 (EndTime 09:00 is exclusive), in the one period from 08:50.
    expect(out.Datapoints).toEqual([
      { Timestamp: new Date('2026-01-10T08:50:00Z'), Sum: 12, Maximum: 4, SampleCount: 3, Unit: 'Count' },
    ]);
  });

  test('StartTime not before EndTime: InvalidParameterValue; both statistic kinds: InvalidParameterCombination', async () => {
    h = await startWriteHarness();
    const client = cloudWatch(h.server.endpoint);
    const base = {
      Namespace: 'AWS/EFS',
      MetricName: 'ClientConnections',
      Dimensions: [{ Name: 'FileSystemId', Value: SOURCE }],
      Period: 60,
    };
    const bad = await client
      .send(new GetMetricStatisticsCommand({ ...base, StartTime: NOW, EndTime: NOW, Statistics: ['Sum'] }))
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidParameterValueException);
    expect((bad as Error).message).toBe('The parameter StartTime must be less than the parameter EndTime.');
    await expect(
      client.send(
        new GetMetricStatisticsCommand({
          ...base,
          ...lastMinutes(5),
          Statistics: ['Sum'],
          ExtendedStatistics: ['p99'],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterCombinationException);
    await expect(
      client.send(new GetMetricStatisticsCommand({ ...base, ...lastMinutes(2000), Statistics: ['Sum'] })),
    ).rejects.toBeInstanceOf(InvalidParameterCombinationException);
  });
});

describe('estate file: Activity', () => {
  test.each([
    [{ ClientConnections: 1.5 }, /fileSystems\[0\]\.Activity\.ClientConnections: /],
    [{ ClientConnections: 1, Clients: 2 }, /Activity\.Clients: not a member/],
    [
      { ClientConnections: 1, since: '2026-01-10T09:00:00Z', until: '2026-01-10T08:00:00Z' },
      /Activity: Activity\.since must be before Activity\.until/,
    ],
  ])('is validated: %j', (activity, problem) => {
    const estate = structuredClone(WRITE_ESTATE) as typeof WRITE_ESTATE;
    const fs = estate.accounts[0]!.regions[REGION]!.fileSystems[0] as Record<string, unknown>;
    fs.Activity = activity;
    expect(() => parseEstate(estate, 'bad.json')).toThrow(problem);
  });

  test('is not part of DescribeFileSystems output', async () => {
    const estate = structuredClone(WRITE_ESTATE) as typeof WRITE_ESTATE;
    const fs = estate.accounts[0]!.regions[REGION]!.fileSystems[0] as Record<string, unknown>;
    fs.Activity = { ClientConnections: 1 };
    extra = await startEstateServer({ estate: parseEstate(estate, 'activity'), clock: new ManualClock(NOW) });
    const res = await fetchDescribe(extra.endpoint);
    expect(res).not.toContain('Activity');
    expect(res).toContain(SOURCE);
  });
});

async function fetchDescribe(endpoint: string): Promise<string> {
  const { EFSClient, DescribeFileSystemsCommand } = await import('@aws-sdk/client-efs');
  let raw = '';
  const efs = new EFSClient({ region: REGION, endpoint, credentials: BASE_CREDENTIALS, maxAttempts: 1 });
  efs.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const body = (out.response as { body?: unknown }).body;
      raw = typeof body === 'string' ? body : '';
      return out;
    },
    { step: 'deserialize', name: 'captureRaw' },
  );
  const out = await efs.send(new DescribeFileSystemsCommand({ FileSystemId: SOURCE }));
  return raw || JSON.stringify(out.FileSystems);
}
