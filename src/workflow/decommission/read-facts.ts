import { summariseAwsError } from '../../aws/aws-errors.ts';
import { BuildResourceKeys } from '../../domain/build-plan.ts';
import { lastMinutes, type FileSystemActivityReader } from '../../domain/client-activity.ts';
import type { Clock } from '../../domain/clock.ts';
import { CopyResourceKeys } from '../../domain/copy.ts';
import type {
  ConsumerFacts,
  CopyFacts,
  DecommissionFacts,
  IdleFacts,
  ReadFailure,
  TwinFacts,
} from '../../domain/decommission.ts';
import type { MigrationEventLog, MigrationRecord } from '../../domain/migration.ts';
import type { ConsumerDiscovery, IDecommissionDataSync, IDecommissionEfs } from './ports.ts';

/**
 * Reads every fact the guards judge, live, at the moment it is asked (DESIGN.md: "Decommission
 * re-checks every guard at the moment of deletion"). A read that fails becomes a ReadFailure, which
 * its guard refuses on: nothing unread ever passes.
 */

export interface FactReaders {
  efs: IDecommissionEfs;
  dataSync?: IDecommissionDataSync;
  activity: FileSystemActivityReader;
  consumers: ConsumerDiscovery;
  events: MigrationEventLog;
  clock: Clock;
  idleHours: number;
}

const failure = (e: unknown): ReadFailure => {
  const s = summariseAwsError(e);
  return { error: { code: s.code, message: s.message } };
};

async function attempt<T extends object>(read: () => Promise<T>): Promise<T | ReadFailure> {
  try {
    return await read();
  } catch (e) {
    return failure(e);
  }
}

export async function readDecommissionFacts(
  r: FactReaders,
  record: MigrationRecord,
  typedFileSystemId?: string,
): Promise<DecommissionFacts> {
  const now = r.clock.now();
  const twinId = record.resources[BuildResourceKeys.targetFileSystemId];
  const events = await r.events.listEvents(record.id);
  const cutOverAt = events.filter((e) => e.to === 'cut_over').at(-1)?.at;
  const [twin, copy, consumers, idle] = await Promise.all([
    twinId ? attempt(() => readTwin(r.efs, twinId)) : Promise.resolve(undefined),
    attempt(() => readCopy(r, record)),
    attempt(() => readConsumers(r.consumers, record.id)),
    attempt(() => readIdle(r.activity, record.fileSystemId, now, r.idleHours)),
  ]);
  const intended = record.resources[BuildResourceKeys.targetKmsKeyArn];
  return {
    migrationId: record.id,
    accountId: record.accountId,
    region: record.region,
    fileSystemId: record.fileSystemId,
    state: record.state,
    ...(cutOverAt ? { cutOverAt } : {}),
    ...(intended ? { intendedKeyArn: intended } : {}),
    ...(twinId ? { twinFileSystemId: twinId } : {}),
    twin,
    copy,
    consumers,
    idle,
    idleHours: r.idleHours,
    now: now.toISOString(),
    ...(typedFileSystemId !== undefined ? { typedFileSystemId } : {}),
  };
}

async function readTwin(efs: IDecommissionEfs, twinId: string): Promise<TwinFacts> {
  const fs = await efs.describeFileSystem(twinId);
  if (!fs)
    throw Object.assign(new Error(`the twin ${twinId} does not exist`), { name: 'FileSystemNotFound' });
  const key = fs.KmsKeyId ? (await efs.describeKey(fs.KmsKeyId)).KeyMetadata : undefined;
  return {
    fileSystemId: twinId,
    encrypted: fs.Encrypted === true,
    ...(fs.KmsKeyId ? { kmsKeyId: fs.KmsKeyId } : {}),
    ...(fs.LifeCycleState ? { lifeCycleState: fs.LifeCycleState } : {}),
    tags: Object.fromEntries((fs.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    ...(key
      ? { key: { ...(key.Arn ? { arn: key.Arn } : {}), ...(key.KeyState ? { keyState: key.KeyState } : {}) } }
      : {}),
  };
}

async function readCopy(r: FactReaders, record: MigrationRecord): Promise<CopyFacts> {
  const taskArn = record.resources[CopyResourceKeys.taskArn];
  let running: string | undefined;
  if (taskArn && r.dataSync) {
    const task = await r.dataSync.describeTask(taskArn);
    // CurrentTaskExecutionArn names the most recent execution, finished or not (the DataSync API
    // model); the task's Status says whether one runs. Anything but AVAILABLE counts as running.
    if (task.CurrentTaskExecutionArn && task.Status !== 'AVAILABLE') running = task.CurrentTaskExecutionArn;
  }
  const replication = await r.efs.describeReplication(record.fileSystemId);
  const summary = record.resources[CopyResourceKeys.verification];
  return {
    verificationClean: record.facts.verificationClean === true,
    ...(summary ? { verificationSummary: summary } : {}),
    ...(running ? { runningExecutionArn: running } : {}),
    ...(replication
      ? {
          replication: {
            sourceFileSystemId: replication.SourceFileSystemId ?? '',
            destinations: (replication.Destinations ?? []).map((d) => d.FileSystemId ?? ''),
          },
        }
      : {}),
  };
}

async function readConsumers(discovery: ConsumerDiscovery, migrationId: string): Promise<ConsumerFacts> {
  const report = await discovery.discover(migrationId);
  return {
    consumers: report.consumers.map((c) => ({ kind: c.kind, name: c.name })),
    unreadable: report.unreadable.map((u) => ({ service: u.service, operation: u.operation, code: u.code })),
  };
}

async function readIdle(
  reader: FileSystemActivityReader,
  fileSystemId: string,
  now: Date,
  idleHours: number,
): Promise<IdleFacts> {
  const window = lastMinutes(now, Math.round(idleHours * 60));
  const activity = await reader.recentActivity(fileSystemId, window);
  return {
    windowStart: window.start.toISOString(),
    windowEnd: window.end.toISOString(),
    peakConnections: Math.max(0, ...activity.minutes.map((m) => m.clientConnections)),
    totalIOBytes: activity.minutes.reduce((n, m) => n + m.totalIOBytes, 0),
    ...(activity.lastConnectionAt ? { lastConnectionAt: activity.lastConnectionAt.toISOString() } : {}),
  };
}
