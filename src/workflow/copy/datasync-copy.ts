import type { DescribeTaskExecutionCommandOutput } from '@aws-sdk/client-datasync';
import {
  copyProgressOf,
  createTaskInput,
  dataSyncExtrasFor,
  startExecutionInput,
  type DataSyncSettings,
  CopyResourceKeys as Keys,
  DATASYNC_TAGS,
  dataSyncTags,
  dataSyncTaskName,
  dataSyncVerdict,
  efsLocationInput,
  formatCopyProgress,
  type DataSyncNetwork,
} from '../../domain/copy.ts';
import { checkNetworkPath, parseBandwidthLimit } from '../../domain/decision.ts';
import type { MigrationDecision } from '../../domain/migration.ts';
import { CopyBlockedError } from './copy-errors.ts';
import { builtTwinIdOf, requestIds, type CopySession } from './copy-session.ts';
import type { IDataSyncClient, SourceNetwork } from './ports.ts';

/**
 * A DataSync copy of one file system into its encrypted twin, as one copy job runs it. Every ARN
 * is recorded the moment it exists, before the next call; DataSync has no client token, so a
 * crash between a create and its record is recovered by finding the resource by its tags (the
 * locations) or its name (the task). One execution per task: a running one is followed, never
 * doubled; a finished one this job started but never recorded (its answer lost) is adopted. The
 * execution ARN is recorded per job, so a restarted job resumes polling it.
 */

export interface DataSyncCopyDeps {
  dataSyncFor(accountId: string, region: string): Promise<IDataSyncClient>;
  network: SourceNetwork;
  /** Delay between DescribeTaskExecution polls. */
  pollMs: number;
  /** The log group and task report every task gets (config); unset: neither. */
  settings?: DataSyncSettings;
}

/** The decision's bandwidth limit in bytes per second (checked when the decision was recorded). */
export function bandwidthOf(decision: Pick<MigrationDecision, 'constraints'>): number | undefined {
  const text = decision.constraints?.bandwidthLimit;
  if (!text?.trim()) return undefined;
  const parsed = parseBandwidthLimit(text);
  return 'bytesPerSecond' in parsed ? parsed.bytesPerSecond : undefined;
}

export interface MethodOutcome {
  /** Set by a final sync whose verification proved the copy. */
  verificationClean?: boolean;
  /** One line for the record and the thread. */
  summary: string;
  /** What the method does not carry (replication), for the thread. */
  notCarried?: string[];
  resources?: Record<string, string>;
}

const RUNNING = new Set(['QUEUED', 'LAUNCHING', 'PREPARING', 'TRANSFERRING', 'VERIFYING', 'CANCELLING']);

export async function runDataSyncCopy(deps: DataSyncCopyDeps, s: CopySession): Promise<MethodOutcome> {
  const m = s.record();
  const twinId = builtTwinIdOf(m);
  const client = await deps.dataSyncFor(m.accountId, m.region);
  const extras = dataSyncExtrasFor(deps.settings, m, bandwidthOf(s.decision));

  let executionArn = m.resources[Keys.execution(s.ctx.job.jobId)];
  if (!executionArn) {
    const taskArn = await ensureTask();
    executionArn = await startOrFollow(taskArn);
  }
  const finished = await poll(executionArn);
  return conclude(finished);

  // ---------------------------------------------------------------------------------------------

  async function ensureTask(): Promise<string> {
    const r = s.record().resources;
    const recordedTask = r[Keys.taskArn];
    if (recordedTask) return recordedTask;
    const needsLocations = !r[Keys.sourceLocationArn] || !r[Keys.destinationLocationArn];
    const network = needsLocations ? await checkNetwork() : undefined;
    const source = r[Keys.sourceLocationArn] ?? (await ensureLocation('source', m.fileSystemId, network!));
    const destination =
      s.record().resources[Keys.destinationLocationArn] ??
      (await ensureLocation('destination', twinId, network!));
    const name = dataSyncTaskName(m);
    const found = (await s.call('task', 'ListTasks', () => client.listTasks())).find((t) => t.Name === name);
    if (found?.TaskArn) {
      await s.persist(
        'task',
        { [Keys.taskArn]: found.TaskArn },
        `Adopted DataSync task ${found.TaskArn} (${name}), made by an earlier attempt`,
      );
      return found.TaskArn;
    }
    const out = await s.call('task', 'CreateTask', () =>
      client.createTask(createTaskInput(m, { source, destination }, extras)),
    );
    if (!out.TaskArn) throw new CopyBlockedError('task', 'CreateTask returned no TaskArn.');
    await s.persist(
      'task',
      { [Keys.taskArn]: out.TaskArn },
      `DataSync task ${out.TaskArn} (${name}, Basic mode) created`,
      requestIds(out),
    );
    return out.TaskArn;
  }

  /**
   * DESIGN: the network path is checked before anything is made, and the problem named: a subnet
   * in an AZ where both file systems have a mount target, groups that admit NFS between them.
   */
  async function checkNetwork(): Promise<DataSyncNetwork> {
    const facts = await s.call('network', 'DescribeMountTargets/DescribeSubnets/DescribeSecurityGroups', () =>
      deps.network.describe(m),
    );
    const verdict = checkNetworkPath('datasync', facts);
    if (!verdict.ok || !verdict.path)
      throw new CopyBlockedError(
        'network',
        `${verdict.problems.join(' ')} Nothing was created.`,
        'NoNetworkPath',
      );
    const az = verdict.path.availabilityZone;
    const twinMountTargets = Object.keys(s.record().resources)
      .filter((k) => k.startsWith('mountTarget:'))
      .map((k) => k.slice('mountTarget:'.length));
    if (az && !twinMountTargets.includes(az))
      throw new CopyBlockedError(
        'network',
        `DataSync needs the twin ${twinId} to have a mount target in ${az} (where the copy runs, subnet ${verdict.path.subnetId}); it has them in ${twinMountTargets.join(', ') || 'no zone'}. Add one in ${az}, then retry. Nothing was created.`,
        'NoNetworkPath',
      );
    return {
      accountId: m.accountId,
      region: m.region,
      subnetId: verdict.path.subnetId,
      securityGroupIds: verdict.path.securityGroupIds,
    };
  }

  async function ensureLocation(
    role: 'source' | 'destination',
    fileSystemId: string,
    network: DataSyncNetwork,
  ): Promise<string> {
    const key = role === 'source' ? Keys.sourceLocationArn : Keys.destinationLocationArn;
    const step = `${role}-location`;
    const wanted = dataSyncTags(m, role);
    const hasTag = (tags: { Key?: string; Value?: string }[], k: string) =>
      tags.some((t) => t.Key === k && t.Value === wanted.find((w) => w.Key === k)?.Value);
    for (const l of await s.call(step, 'ListLocations', () => client.listEfsLocations(fileSystemId))) {
      if (!l.LocationArn) continue;
      const tags = await s.call(step, 'ListTagsForResource', () => client.listTags(l.LocationArn!));
      if (hasTag(tags, DATASYNC_TAGS.migrationId) && hasTag(tags, DATASYNC_TAGS.role)) {
        await s.persist(
          step,
          { [key]: l.LocationArn },
          `Adopted DataSync ${role} location ${l.LocationArn}, made by an earlier attempt`,
        );
        return l.LocationArn;
      }
    }
    const out = await s.call(step, 'CreateLocationEfs', () =>
      client.createLocationEfs(efsLocationInput(m, fileSystemId, role, network)),
    );
    if (!out.LocationArn) throw new CopyBlockedError(step, 'CreateLocationEfs returned no LocationArn.');
    await s.persist(
      step,
      { [key]: out.LocationArn },
      `DataSync ${role} location ${out.LocationArn} for ${fileSystemId} (subnet ${network.subnetId}, TLS)`,
      requestIds(out),
    );
    return out.LocationArn;
  }

  async function startOrFollow(taskArn: string): Promise<string> {
    const task = await s.call('start-execution', 'DescribeTask', () => client.describeTask(taskArn));
    const current = task.CurrentTaskExecutionArn;
    if (current && (task.Status === 'RUNNING' || task.Status === 'QUEUED')) {
      // "For each task, you can only run one task execution at a time": follow the running one.
      await s.persist(
        'start-execution',
        { [Keys.execution(s.ctx.job.jobId)]: current, [Keys.latestExecution]: current },
        `Following DataSync execution ${current}, already running on ${taskArn}`,
      );
      return current;
    }
    const lost = current ? await startedByThisJob(current) : undefined;
    if (lost) {
      // StartTaskExecution was carried out but its answer never reached the record (the process
      // died, or the connection did): that execution is this job's, finished or not. Starting
      // another would copy twice (and a final sync would verify a second point in time).
      await s.persist(
        'start-execution',
        { [Keys.execution(s.ctx.job.jobId)]: lost.arn, [Keys.latestExecution]: lost.arn },
        `Adopted DataSync execution ${lost.arn} (${lost.status}), started by an earlier attempt of this job whose answer was lost`,
      );
      return lost.arn;
    }
    const out = await s.call('start-execution', 'StartTaskExecution', () =>
      client.startTaskExecution(startExecutionInput(taskArn, s.kind, extras)),
    );
    if (!out.TaskExecutionArn)
      throw new CopyBlockedError('start-execution', 'StartTaskExecution returned no TaskExecutionArn.');
    await s.persist(
      'start-execution',
      {
        [Keys.execution(s.ctx.job.jobId)]: out.TaskExecutionArn,
        [Keys.latestExecution]: out.TaskExecutionArn,
      },
      `DataSync ${s.kind} execution ${out.TaskExecutionArn} started`,
      requestIds(out),
    );
    return out.TaskExecutionArn;
  }

  /**
   * The task's most recent execution when this job started it and never recorded it: no job
   * recorded it as the latest execution, and it started after this job was queued (AWS's StartTime
   * against the job's createdAt, both UTC; SigV4 already needs the host's clock right). An
   * execution of an earlier job, or one an operator ran before this job, is never adopted.
   */
  async function startedByThisJob(arn: string): Promise<{ arn: string; status: string } | undefined> {
    if (arn === s.record().resources[Keys.latestExecution]) return undefined;
    const e = await s.call('start-execution', 'DescribeTaskExecution', () =>
      client.describeTaskExecution(arn),
    );
    const queuedAt = Date.parse(s.ctx.job.createdAt);
    if (!e.StartTime || !(e.StartTime.getTime() >= queuedAt)) return undefined;
    return { arn, status: e.Status ?? 'unknown' };
  }

  async function poll(arn: string): Promise<DescribeTaskExecutionCommandOutput> {
    for (;;) {
      const e = await s.call('execution', 'DescribeTaskExecution', () => client.describeTaskExecution(arn));
      const progress = copyProgressOf(e, s.clock.now());
      // Stored (at a bounded rate) before it is announced, as everything the session persists.
      await s.recordProgress({ method: 'datasync', executionArn: arn, progress });
      await s.notify(
        'progress',
        'copy.progress',
        `${m.fileSystemId} ${s.kind}: ${formatCopyProgress(progress)}`,
        { executionArn: arn, progress },
      );
      if (!RUNNING.has(e.Status ?? '')) return e;
      await s.sleep(deps.pollMs);
    }
  }

  function conclude(e: DescribeTaskExecutionCommandOutput): MethodOutcome {
    const verdict = dataSyncVerdict(e);
    if (e.Status !== 'SUCCESS') {
      if (e.Result?.VerifyStatus === 'ERROR')
        throw new CopyBlockedError(
          'execution',
          verdict.problem ?? 'DataSync verification failed.',
          'VerificationFailed',
        );
      throw new CopyBlockedError(
        'execution',
        `DataSync execution ${e.TaskExecutionArn} ended ${e.Status}: ${e.Result?.ErrorCode ?? 'unknown error'}: ${e.Result?.ErrorDetail ?? 'no detail'}. Fix the cause, then Retry (the task and locations are reused).`,
        e.Result?.ErrorCode ?? 'ExecutionFailed',
      );
    }
    const moved = `${e.FilesTransferred ?? 0} file(s), ${e.BytesTransferred ?? 0} byte(s) transferred${e.FilesDeleted ? `, ${e.FilesDeleted} deleted` : ''}`;
    if (s.kind !== 'final')
      return { summary: `${moved}; transferred files verified (${e.Result?.VerifyStatus ?? 'unknown'})` };
    if (!verdict.clean)
      throw new CopyBlockedError(
        'execution',
        verdict.problem ?? 'DataSync did not verify the copy.',
        'VerificationFailed',
      );
    const line = `DataSync point-in-time verification SUCCESS of ${e.FilesVerified ?? 0} file(s) (${e.TaskExecutionArn})`;
    return {
      verificationClean: true,
      summary: `${moved}; ${line}`,
      resources: { [Keys.verification]: line },
    };
  }
}
