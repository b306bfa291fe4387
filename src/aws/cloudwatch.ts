import { CloudWatchClient, paginateGetMetricData, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  activityOf,
  type ActivityMinute,
  type ActivityWindow,
  type FileSystemActivity,
  type FileSystemActivityReader,
} from '../domain/client-activity.ts';
import type { AccountClients } from './account-clients.ts';
import { serviceClientsFrom } from './service-clients.ts';

/**
 * A file system's recent activity from CloudWatch: GetMetricData for `AWS/EFS` `ClientConnections`
 * and `TotalIOBytes` (dimension `FileSystemId`, statistic Sum, 1-minute period), every page read
 * (the SDK's paginator). A minute CloudWatch has no data for had no client and no I/O.
 */
export class SdkFileSystemActivityReader implements FileSystemActivityReader {
  constructor(readonly sdk: CloudWatchClient) {}

  async recentActivity(fileSystemId: string, window: ActivityWindow): Promise<FileSystemActivity> {
    const query = (id: string, metric: string): MetricDataQuery => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/EFS',
          MetricName: metric,
          Dimensions: [{ Name: 'FileSystemId', Value: fileSystemId }],
        },
        Period: 60,
        Stat: 'Sum',
      },
    });
    const byMinute = new Map<number, ActivityMinute>();
    const minute = (t: Date) => {
      let m = byMinute.get(t.getTime());
      if (!m) {
        m = { at: t, clientConnections: 0, totalIOBytes: 0 };
        byMinute.set(t.getTime(), m);
      }
      return m;
    };
    for await (const page of paginateGetMetricData(
      { client: this.sdk },
      {
        MetricDataQueries: [query('connections', 'ClientConnections'), query('io', 'TotalIOBytes')],
        StartTime: window.start,
        EndTime: window.end,
        ScanBy: 'TimestampAscending',
      },
    )) {
      for (const r of page.MetricDataResults ?? []) {
        (r.Timestamps ?? []).forEach((t, i) => {
          const v = r.Values?.[i] ?? 0;
          if (r.Id === 'connections') minute(t).clientConnections += v;
          else if (r.Id === 'io') minute(t).totalIOBytes += v;
        });
      }
    }
    return activityOf(fileSystemId, window, [...byMinute.values()]);
  }
}

/** Activity readers over the account clients' credentials, rate limit and call counters. */
export function activityReadersFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  readerFor(accountId: string, region: string): Promise<FileSystemActivityReader>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new CloudWatchClient(config));
  return {
    readerFor: async (accountId, region) =>
      new SdkFileSystemActivityReader(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
