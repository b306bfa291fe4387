import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { SdkFileSystemActivityReader } from '../../src/aws/cloudwatch.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { lastMinutes } from '../../src/domain/client-activity.ts';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { motoServerAvailable, startMotoServer, type MotoServer } from './moto-server.ts';

/**
 * Conformance tier for the final-sync client check: the CloudWatch adapter (GetMetricData for
 * AWS/EFS ClientConnections and TotalIOBytes, Sum per minute) against moto_server seeded with the
 * same minutes the local estate serves from a file system's Activity, so both emulators must give
 * the bot the same answer, and the same error for a window AWS refuses.
 * Difference tolerated: moto lets PutMetricData write the AWS/ namespace (AWS reserves it); it is
 * only how the seed gets there.
 */
const available = motoServerAvailable();
if (!available)
  console.log('conformance tier skipped: moto_server is not on PATH (pip install "moto[server]")');

const FS = 'fs-0c0c0c0c0c0c0c0c1';
const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'AKIDCONFORMANCE', secretAccessKey: 'conformance' };
const MIN = 60_000;

describe.skipIf(!available)('CloudWatch client check: moto_server and the local estate agree', () => {
  let moto: MotoServer;
  let estate: EstateServer;
  let motoClient: CloudWatchClient;
  let estateClient: CloudWatchClient;
  // Whole minutes, so both emulators bucket the same minutes.
  const now = new Date(Math.floor(Date.now() / MIN) * MIN + 30_000);
  const connectedFrom = new Date(Math.floor(now.getTime() / MIN) * MIN - 6 * MIN);
  const connectedUntil = new Date(connectedFrom.getTime() + 3 * MIN);

  beforeAll(async () => {
    moto = await startMotoServer();
    motoClient = new CloudWatchClient({
      region: REGION,
      endpoint: moto.endpoint,
      credentials,
      maxAttempts: 1,
    });
    for (let t = connectedFrom.getTime(); t < connectedUntil.getTime(); t += MIN)
      await motoClient.send(
        new PutMetricDataCommand({
          Namespace: 'AWS/EFS',
          MetricData: [
            {
              MetricName: 'ClientConnections',
              Dimensions: [{ Name: 'FileSystemId', Value: FS }],
              Timestamp: new Date(t),
              Value: 2,
              Unit: 'Count',
            },
            {
              MetricName: 'TotalIOBytes',
              Dimensions: [{ Name: 'FileSystemId', Value: FS }],
              Timestamp: new Date(t),
              Value: 4096,
              Unit: 'Bytes',
            },
          ],
        }),
      );
    estate = await startEstateServer({
      estate: parseEstate(
        {
          accounts: [
            {
              accountId: '121212121212',
              regions: {
                [REGION]: {
                  fileSystems: [
                    {
                      FileSystemId: FS,
                      CreationTime: '2026-01-01T00:00:00Z',
                      Activity: {
                        ClientConnections: 2,
                        TotalIOBytes: 4096,
                        since: connectedFrom.toISOString(),
                        until: connectedUntil.toISOString(),
                      },
                    },
                  ],
                },
              },
            },
          ],
        },
        'conformance',
      ),
      clock: new ManualClock(now),
    });
    estateClient = new CloudWatchClient({
      region: REGION,
      endpoint: estate.endpoint,
      credentials,
      maxAttempts: 1,
    });
  }, 60_000);

  afterAll(async () => {
    motoClient?.destroy();
    estateClient?.destroy();
    await estate?.close();
    await moto?.close();
  });

  it('recentActivity reads the same minutes, connections, bytes and last connection from both', async () => {
    const window = lastMinutes(now, 15);
    const fromMoto = await new SdkFileSystemActivityReader(motoClient).recentActivity(FS, window);
    const fromEstate = await new SdkFileSystemActivityReader(estateClient).recentActivity(FS, window);
    expect(fromMoto.minutes).toHaveLength(3);
    expect(fromMoto.minutes[0]).toEqual({ at: connectedFrom, clientConnections: 2, totalIOBytes: 4096 });
    expect(fromMoto.lastConnectionAt).toEqual(new Date(connectedUntil.getTime() - MIN));
    expect(fromEstate).toEqual(fromMoto);
  });

  it('a window AWS refuses is refused alike (ValidationError, StartTime equal to EndTime)', async () => {
    const input = {
      MetricDataQueries: [
        {
          Id: 'c',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/EFS',
              MetricName: 'ClientConnections',
              Dimensions: [{ Name: 'FileSystemId', Value: FS }],
            },
            Period: 60,
            Stat: 'Sum',
          },
        },
      ],
      StartTime: now,
      EndTime: now,
    };
    const errorOf = (c: CloudWatchClient) =>
      c.send(new GetMetricDataCommand(input)).then(
        () => undefined,
        (e: Error & { Code?: string }) => ({ code: e.Code ?? e.name, message: e.message }),
      );
    const [m, e] = [await errorOf(motoClient), await errorOf(estateClient)];
    expect(m).toEqual({ code: 'ValidationError', message: expect.stringContaining('must not equal') });
    expect(e).toEqual(m);
  });
});
