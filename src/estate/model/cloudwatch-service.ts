/**
 * CloudWatch's read side for the metrics EFS publishes (namespace `AWS/EFS`, dimension
 * `FileSystemId`): `ClientConnections` (Count: one connection per mounted client, in each
 * minute) and `TotalIOBytes` (Bytes of I/O in each minute), from the estate file's `Activity` of
 * each file system. Only what the estate file (or `control.setActivity`) says is activity: the
 * estate's own DataSync executions and replication of a file system are not clients of it.
 *
 * Rules applied (aws-models/cloudwatch GetMetricData / GetMetricStatistics, and the errors AWS is
 * seen to send for them):
 * - StartTime inclusive, EndTime exclusive; StartTime rounded down to the whole minute (less than
 *   15 days ago); data points start at the rounded StartTime and step by Period.
 * - GetMetricData: 1–500 MetricDataQueries with unique Ids (a lowercase letter, then letters,
 *   digits, `_`), each either MetricStat or Expression; StartTime equal to EndTime →
 *   `ValidationError` "The parameter StartTime must not equal parameter EndTime.", after it →
 *   "The parameter EndTime must be greater than StartTime."; ScanBy TimestampDescending by
 *   default; MaxDatapoints pages with NextToken (`InvalidNextToken` for a token it did not issue).
 * - GetMetricStatistics: Statistics (1–5) or ExtendedStatistics but not both
 *   (`InvalidParameterCombination`), StartTime before EndTime (`InvalidParameterValue`), at most
 *   1,440 data points (`InvalidParameterCombination`).
 * - Period: a multiple of 60 (EFS publishes one-minute data; 1, 5, 10, 20 and 30 are for
 *   high-resolution custom metrics and find nothing here).
 * - A minute has data only when the file system had activity in it; a metric with no data gives
 *   empty Timestamps/Values (StatusCode Complete), as CloudWatch does for a quiet file system.
 */
import type {
  Datapoint,
  GetMetricDataInput,
  GetMetricDataOutput,
  GetMetricStatisticsInput,
  GetMetricStatisticsOutput,
  MetricDataQuery,
  MetricDataResult,
  StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import type { EstateActivity, EstateFileSystem } from '../types.ts';
import { AwsApiError } from './api-error.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

const MINUTE = 60_000;

export const cloudWatchErrors = {
  validation: (message: string) => new AwsApiError('ValidationError', message, 400),
  invalidValue: (message: string) => new AwsApiError('InvalidParameterValue', message, 400),
  missing: (name: string) => new AwsApiError('MissingParameter', `The parameter ${name} is required.`, 400),
  combination: (message: string) => new AwsApiError('InvalidParameterCombination', message, 400),
  invalidNextToken: () => new AwsApiError('InvalidNextToken', 'The NextToken is not valid.', 400),
  internal: (message: string) => new AwsApiError('InternalServiceError', message, 500, 'Receiver'),
  throttling: () => new AwsApiError('Throttling', 'Rate exceeded', 400),
};

/** Query error code → JSON shape, from aws-models/cloudwatch (`error.code` of each shape). */
export const CLOUDWATCH_ERROR_SHAPES = {
  InvalidParameterValue: { type: 'com.amazonaws.cloudwatch#InvalidParameterValueException' },
  MissingParameter: { type: 'com.amazonaws.cloudwatch#MissingRequiredParameterException' },
  InvalidParameterCombination: {
    type: 'com.amazonaws.cloudwatch#InvalidParameterCombinationException',
  },
  InvalidNextToken: { type: 'com.amazonaws.cloudwatch#InvalidNextToken' },
  InternalServiceError: { type: 'com.amazonaws.cloudwatch#InternalServiceFault', messageMember: 'Message' },
  ValidationError: { type: 'com.amazon.coral.validate#ValidationException' },
  Throttling: { type: 'Throttling' },
} as const;

interface MetricDefinition {
  unit: StandardUnit;
  perMinute(a: EstateActivity): number;
}

/** The AWS/EFS metrics the estate publishes, by name. */
const EFS_METRICS: Record<string, MetricDefinition> = {
  ClientConnections: { unit: 'Count', perMinute: (a) => a.ClientConnections },
  TotalIOBytes: { unit: 'Bytes', perMinute: (a) => a.TotalIOBytes },
};

const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
type StatisticName = (typeof STATISTICS)[number];

interface MetricRef {
  Namespace?: string | undefined;
  MetricName?: string | undefined;
  Dimensions?: { Name?: string | undefined; Value?: string | undefined }[] | undefined;
}

/** One period's minute values (only minutes with data). */
interface Bucket {
  start: Date;
  values: number[];
}

export class CloudWatchService {
  constructor(private readonly model: EstateModel) {}

  getMetricData(ctx: CallContext, input: GetMetricDataInput): GetMetricDataOutput {
    const queries = input.MetricDataQueries;
    if (!queries) throw cloudWatchErrors.missing('MetricDataQueries');
    if (queries.length === 0)
      throw cloudWatchErrors.validation('The collection MetricDataQueries must not be empty.');
    if (queries.length > 500)
      throw cloudWatchErrors.validation(
        `The collection MetricDataQueries must not have a size greater than 500 (got ${queries.length}).`,
      );
    const { start, end } = this.window(input.StartTime, input.EndTime, 'data');
    const ids = new Set<string>();
    queries.forEach((q, i) => {
      const at = `MetricDataQueries.member.${i + 1}`;
      if (!q.Id) throw cloudWatchErrors.missing(`${at}.Id`);
      if (!/^[a-z][a-zA-Z0-9_]*$/.test(q.Id) || q.Id.length > 255)
        throw cloudWatchErrors.validation(
          `The value ${q.Id} for parameter ${at}.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.`,
        );
      if (ids.has(q.Id))
        throw cloudWatchErrors.validation(`The value ${q.Id} for parameter ${at}.Id is used more than once.`);
      ids.add(q.Id);
      if (q.MetricStat && q.Expression)
        throw cloudWatchErrors.validation(
          `Exactly one of ${at}.MetricStat and ${at}.Expression must be given, not both.`,
        );
      if (!q.MetricStat && !q.Expression)
        throw cloudWatchErrors.validation(`The parameter ${at}.MetricStat is required.`);
      if (q.Expression)
        throw cloudWatchErrors.validation(
          `${at}.Expression: the estate does not evaluate metric math or Metrics Insights queries; use MetricStat.`,
        );
      const stat = q.MetricStat!;
      if (!stat.Metric) throw cloudWatchErrors.missing(`${at}.MetricStat.Metric`);
      if (stat.Period === undefined) throw cloudWatchErrors.missing(`${at}.MetricStat.Period`);
      if (!stat.Stat) throw cloudWatchErrors.missing(`${at}.MetricStat.Stat`);
      checkPeriod(stat.Period, `${at}.MetricStat.Period`);
    });
    const maxDatapoints = input.MaxDatapoints ?? 100_800;
    if (!Number.isInteger(maxDatapoints) || maxDatapoints < 1)
      throw cloudWatchErrors.validation('The parameter MaxDatapoints must be a positive integer.');
    const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';

    const full = queries
      .filter((q) => q.ReturnData !== false)
      .map((q) => this.series(ctx, q, start, end, descending));
    const offset = input.NextToken ? this.readToken(input.NextToken, input) : 0;
    // Pages cut the concatenation of every series at MaxDatapoints, as CloudWatch pages by data points.
    let skip = offset;
    let room = maxDatapoints;
    let more = false;
    const results: MetricDataResult[] = full.map((r) => {
      const n = r.Timestamps!.length;
      const from = Math.min(skip, n);
      skip -= from;
      const take = Math.min(room, n - from);
      room -= take;
      const partial = from + take < n;
      if (partial) more = true;
      return {
        ...r,
        Timestamps: r.Timestamps!.slice(from, from + take),
        Values: r.Values!.slice(from, from + take),
        StatusCode: partial ? 'PartialData' : 'Complete',
      } satisfies MetricDataResult;
    });
    return {
      MetricDataResults: results,
      ...(more ? { NextToken: this.token(offset + maxDatapoints, input) } : {}),
      Messages: [],
    } satisfies GetMetricDataOutput;
  }

  getMetricStatistics(ctx: CallContext, input: GetMetricStatisticsInput): GetMetricStatisticsOutput {
    if (!input.Namespace) throw cloudWatchErrors.missing('Namespace');
    if (!input.MetricName) throw cloudWatchErrors.missing('MetricName');
    if (input.Period === undefined) throw cloudWatchErrors.missing('Period');
    const stats = input.Statistics ?? [];
    const extended = input.ExtendedStatistics ?? [];
    if (stats.length > 0 && extended.length > 0)
      throw cloudWatchErrors.combination(
        'Parameters Statistics and ExtendedStatistics are mutually exclusive; give one of them.',
      );
    if (stats.length === 0 && extended.length === 0)
      throw cloudWatchErrors.missing('Statistics or ExtendedStatistics');
    if (extended.length > 0)
      throw cloudWatchErrors.invalidValue(
        'The estate does not compute percentile statistics; use Statistics (Sum, Average, Minimum, Maximum, SampleCount).',
      );
    if (stats.length > 5)
      throw cloudWatchErrors.validation('The collection Statistics must not have a size greater than 5.');
    for (const s of stats)
      if (!(STATISTICS as readonly string[]).includes(s))
        throw cloudWatchErrors.validation(
          `The value ${s} for parameter Statistics is invalid: use one of ${STATISTICS.join(', ')}.`,
        );
    checkPeriod(input.Period, 'Period');
    const { start, end } = this.window(input.StartTime, input.EndTime, 'statistics');
    const points = Math.ceil((end.getTime() - start.getTime()) / (input.Period * 1000));
    if (points > 1440)
      throw cloudWatchErrors.combination(
        `You have requested up to ${points} datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
      );
    const metric = { Namespace: input.Namespace, MetricName: input.MetricName, Dimensions: input.Dimensions };
    const found = this.lookup(ctx, metric, input.Unit);
    const Datapoints: Datapoint[] = found
      ? this.buckets(found.activity, found.definition, start, end, input.Period).map((b) => {
          const point: Datapoint = { Timestamp: b.start, Unit: found.definition.unit };
          for (const s of stats) point[s as StatisticName] = statistic(s as StatisticName, b.values);
          return point;
        })
      : [];
    return { Label: input.MetricName, Datapoints } satisfies GetMetricStatisticsOutput;
  }

  // ---------------------------------------------------------------------------------------------

  private window(startTime: unknown, endTime: unknown, operation: 'data' | 'statistics') {
    if (startTime === undefined) throw cloudWatchErrors.missing('StartTime');
    if (endTime === undefined) throw cloudWatchErrors.missing('EndTime');
    const startRaw = asDate(startTime, 'StartTime');
    const end = asDate(endTime, 'EndTime');
    if (operation === 'statistics' && startRaw.getTime() >= end.getTime())
      throw cloudWatchErrors.invalidValue('The parameter StartTime must be less than the parameter EndTime.');
    if (startRaw.getTime() === end.getTime())
      throw cloudWatchErrors.validation('The parameter StartTime must not equal parameter EndTime.');
    if (startRaw.getTime() > end.getTime())
      throw cloudWatchErrors.validation('The parameter EndTime must be greater than StartTime.');
    // "Start time less than 15 days ago - Round down to the nearest whole minute."
    const start = new Date(Math.floor(startRaw.getTime() / MINUTE) * MINUTE);
    return { start, end };
  }

  private series(
    ctx: CallContext,
    q: MetricDataQuery,
    start: Date,
    end: Date,
    descending: boolean,
  ): MetricDataResult {
    const stat = q.MetricStat!;
    const name = stat.Stat!;
    if (!(STATISTICS as readonly string[]).includes(name))
      throw cloudWatchErrors.validation(
        `The estate does not compute the statistic ${name}; use one of ${STATISTICS.join(', ')}.`,
      );
    const found = this.lookup(ctx, stat.Metric!, stat.Unit);
    const buckets = found ? this.buckets(found.activity, found.definition, start, end, stat.Period!) : [];
    if (descending) buckets.reverse();
    return {
      Id: q.Id!,
      Label: q.Label ?? stat.Metric!.MetricName ?? q.Id!,
      Timestamps: buckets.map((b) => b.start),
      Values: buckets.map((b) => statistic(name as StatisticName, b.values)),
      StatusCode: 'Complete',
    } satisfies MetricDataResult;
  }

  /** The file system and metric a query names, when the estate publishes it (else no data). */
  private lookup(
    ctx: CallContext,
    metric: MetricRef,
    unit: string | undefined,
  ): { activity: EstateActivity; definition: MetricDefinition } | undefined {
    if (metric.Namespace !== 'AWS/EFS') return undefined;
    const definition = EFS_METRICS[metric.MetricName ?? ''];
    if (!definition || (unit !== undefined && unit !== definition.unit)) return undefined;
    const dimensions = metric.Dimensions ?? [];
    // CloudWatch matches the exact dimension set: AWS/EFS publishes these per FileSystemId only.
    if (dimensions.length !== 1 || dimensions[0]!.Name !== 'FileSystemId') return undefined;
    const fs: EstateFileSystem | undefined = this.model
      .region(ctx)
      .fileSystems.find((f) => f.FileSystemId === dimensions[0]!.Value);
    if (!fs?.Activity) return undefined;
    return {
      activity: { ...fs.Activity, since: fs.Activity.since ?? fs.CreationTime },
      definition,
    };
  }

  /**
   * The periods from `start` (minute-aligned) stepping by `periodSeconds` before `end`, each with
   * the minutes in it that had activity and have begun by the estate's now; periods without data
   * are left out, as CloudWatch leaves them out.
   */
  private buckets(
    activity: EstateActivity,
    definition: MetricDefinition,
    start: Date,
    end: Date,
    periodSeconds: number,
  ): Bucket[] {
    const now = this.model.now().getTime();
    const since = activity.since?.getTime() ?? -Infinity;
    const until = activity.until?.getTime() ?? Infinity;
    const value = definition.perMinute(activity);
    const out: Bucket[] = [];
    // Sub-minute periods are for high-resolution custom metrics; EFS publishes per minute.
    if (periodSeconds < 60) return out;
    const periodMs = periodSeconds * 1000;
    // Only the overlap of [start, end), the activity and the minutes begun by now can hold data.
    const first = Math.max(start.getTime(), Math.floor(since / MINUTE) * MINUTE);
    const last = Math.min(end.getTime(), until, now + 1);
    if (first >= last) return out;
    const firstPeriod = start.getTime() + Math.floor((first - start.getTime()) / periodMs) * periodMs;
    for (let p = firstPeriod; p < last; p += periodMs) {
      const values: number[] = [];
      for (let m = Math.max(p, first); m < Math.min(p + periodMs, last); m += MINUTE) values.push(value);
      if (values.length > 0) out.push({ start: new Date(p), values });
    }
    return out;
  }

  private token(offset: number, input: GetMetricDataInput): string {
    return Buffer.from(JSON.stringify({ offset, request: requestKey(input) })).toString('base64url');
  }

  private readToken(token: string, input: GetMetricDataInput): number {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        offset?: unknown;
        request?: unknown;
      };
      if (typeof parsed.offset === 'number' && parsed.offset > 0 && parsed.request === requestKey(input))
        return parsed.offset;
    } catch {
      // fall through: not one of ours
    }
    throw cloudWatchErrors.invalidNextToken();
  }
}

function checkPeriod(period: number, name: string): void {
  if (!Number.isInteger(period) || period < 1)
    throw cloudWatchErrors.validation(`The parameter ${name} must be a positive integer.`);
  if (period % 60 !== 0 && ![1, 5, 10, 20, 30].includes(period))
    throw cloudWatchErrors.validation(
      `The parameter ${name} must be 1, 5, 10, 20, 30 or a multiple of 60 (got ${period}).`,
    );
}

function asDate(value: unknown, name: string): Date {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'number'
        ? new Date(value * 1000)
        : new Date(String(value));
  if (Number.isNaN(date.getTime()))
    throw cloudWatchErrors.validation(`The parameter ${name} is not a valid timestamp.`);
  return date;
}

function statistic(name: StatisticName, values: number[]): number {
  switch (name) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'SampleCount':
      return values.length;
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
  }
}

/** What a NextToken is bound to: the same queries and window (a token of another request is refused). */
function requestKey(input: GetMetricDataInput): string {
  return JSON.stringify([input.MetricDataQueries, input.StartTime, input.EndTime, input.ScanBy ?? null]);
}
