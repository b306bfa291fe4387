import { summariseAwsError } from '../../aws/aws-errors.ts';
import { BuildResourceKeys, TWIN_TAGS, migrationTagValue } from '../../domain/build-plan.ts';
import type { Clock } from '../../domain/clock.ts';
import { CopyResourceKeys } from '../../domain/copy.ts';
import {
  allGuardsPass,
  backupIdempotencyToken,
  evaluateGuards,
  DecommissionRefusedError,
  DecommissionResourceKeys as Keys,
  type DecommissionStep,
} from '../../domain/decommission.ts';
import { BadInputError } from '../../domain/errors.ts';
import { LeaseLostError } from '../../domain/job.ts';
import type { MigrationEventLog, MigrationRecord, MigrationRepository } from '../../domain/migration.ts';
import type { IoHost } from '../io-host.ts';
import type { JobContext, JobHandler } from '../jobs/index.ts';
import { AwsStepError, StepBlockedError } from '../step-errors.ts';
import { readDecommissionFacts, type FactReaders } from './read-facts.ts';
import type { BackupSettings, IBackupClient, IDecommissionDataSync, IDecommissionEfs } from './ports.ts';

/** An AWS call of a deletion step failed (FileSystemInUse, AccessDenied…): code and request ID kept. */
export class DecommissionStepError extends AwsStepError<DecommissionStep> {}

/** The deletion cannot go on until a person fixes something (a guard, a failed backup, ownership). */
export class DecommissionBlockedError extends StepBlockedError<DecommissionStep> {
  constructor(step: DecommissionStep, reason: string, blockCode = 'DecommissionBlocked') {
    super(step, reason, blockCode);
  }
}

export interface DecommissionJobDeps {
  migrations: MigrationRepository;
  events: MigrationEventLog;
  readersFor(accountId: string, region: string): Promise<Omit<FactReaders, 'events' | 'clock' | 'idleHours'>>;
  backupFor?(accountId: string, region: string): Promise<IBackupClient>;
  backup?: BackupSettings;
  clock: Clock;
  io: IoHost;
  idleHours: number;
  pollMs: number;
  maxWaitMs: number;
}

const NOT_FOUND = new Set(['AccessPointNotFound', 'MountTargetNotFound', 'FileSystemNotFound']);

/**
 * The `decommission` job: re-checks every guard, takes the backup, then deletes the source's access
 * points, mount targets (waiting until each is gone), the file system (waiting until EFS answers
 * FileSystemNotFound), and the migration's DataSync task and locations. Each deletion is persisted
 * `started` before its call and `done` (with its request ID and time) after it, so a crash resumes
 * at the call it stopped at and a second run never calls a deletion that was done. A refusal
 * leaves the migration in decommission_pending and fails the job: Retry queues the next generation.
 */
export function createDecommissionHandler(deps: DecommissionJobDeps): JobHandler {
  return async (ctx: JobContext) => {
    const migrationId = ctx.job.migrationId;
    let record = await mustGet(deps.migrations, migrationId);
    if (record.state === 'decommissioned') return { migrationId, decommissioned: true };
    if (record.state !== 'decommission_pending')
      throw new DecommissionBlockedError(
        'guards',
        `${record.fileSystemId} is ${record.state}, not decommission_pending.`,
      );
    const readers = await deps.readersFor(record.accountId, record.region);
    const notify = (code: string, message: string, level: 'info' | 'error' = 'info', data: object = {}) =>
      deps.io.notify({ level, code, message, time: deps.clock.now(), data: { migrationId, ...data } });
    const persist = async (
      resources: Record<string, string>,
      detail: string,
      awsRequestIds: string[] = [],
    ) => {
      record = await deps.migrations.updateMigration(migrationId, {
        expectedVersion: record.version,
        resources,
        actor: ctx.job.requestedBy,
        correlationId: ctx.job.jobId,
        detail,
        ...(awsRequestIds.length ? { awsRequestIds } : {}),
      });
    };
    const step = async (name: DecommissionStep, run: () => Promise<void>) => {
      try {
        await run();
      } catch (e) {
        if (e instanceof LeaseLostError || e instanceof AwsStepError || e instanceof StepBlockedError)
          throw e;
        throw new DecommissionStepError(name, name, e);
      }
      await ctx.checkpoint(name);
    };
    try {
      // Until the file system's deletion began, every guard is read again now; after it, there is
      // nothing left to protect and the job only finishes what it started.
      const fsDeletionBegun = record.resources[Keys.deletion('DeleteFileSystem', record.fileSystemId)];
      if (!fsDeletionBegun)
        await step('guards', async () => {
          const facts = await readDecommissionFacts(
            { ...readers, events: deps.events, clock: deps.clock, idleHours: deps.idleHours },
            record,
            record.facts.confirmedFileSystemId,
          );
          const guards = evaluateGuards(facts);
          await deps.events.appendEvent(migrationId, {
            actor: ctx.job.requestedBy,
            kind: 'decommission_guards',
            correlationId: ctx.job.jobId,
            detail: allGuardsPass(guards) ? 'every guard passed' : 'a guard refused',
            data: { guards },
          });
          if (!allGuardsPass(guards)) {
            const refused = new DecommissionRefusedError(record.fileSystemId, guards);
            throw new DecommissionBlockedError('guards', refused.userMessage, 'DecommissionRefused');
          }
          await checkOwnership(deps.migrations, readers.efs, record);
        });
      await notify('decommission.started', `Decommissioning ${record.fileSystemId}`);
      if (deps.backup) await step('backup', () => takeBackup());
      // Once the file system's deletion is done, its access points and mount targets were gone (they
      // come first): a resumed job must not describe them on a file system EFS no longer knows. A
      // deletion only started may have failed (FileSystemInUse: run them again) or gone through
      // before the crash (then EFS answers FileSystemNotFound: nothing is left of them).
      const fsDeleted =
        record.resources[Keys.deletion('DeleteFileSystem', record.fileSystemId)]?.startsWith('done');
      const orNoneIfDeleted = async <T>(read: () => Promise<T[]>): Promise<T[]> => {
        try {
          return await read();
        } catch (e) {
          if (fsDeletionBegun && summariseAwsError(e).code === 'FileSystemNotFound') return [];
          throw e;
        }
      };
      if (!fsDeleted) {
        await step('access-points', async () => {
          for (const ap of await orNoneIfDeleted(() => readers.efs.describeAccessPoints(record.fileSystemId)))
            await deleteOnce('DeleteAccessPoint', ap.AccessPointId!, () =>
              readers.efs.deleteAccessPoint(ap.AccessPointId!),
            );
        });
        await step('mount-targets', async () => {
          for (const mt of await orNoneIfDeleted(() => readers.efs.describeMountTargets(record.fileSystemId)))
            await deleteOnce('DeleteMountTarget', mt.MountTargetId!, () =>
              readers.efs.deleteMountTarget(mt.MountTargetId!),
            );
        });
        await step('wait-mount-targets', () =>
          waitUntil(
            'mount targets to be deleted',
            async () =>
              (await orNoneIfDeleted(() => readers.efs.describeMountTargets(record.fileSystemId))).length ===
              0,
          ),
        );
      }
      await step('file-system', () =>
        deleteOnce('DeleteFileSystem', record.fileSystemId, () =>
          readers.efs.deleteFileSystem(record.fileSystemId),
        ),
      );
      await step('wait-file-system', () =>
        waitUntil(
          'the file system to be deleted',
          async () => (await readers.efs.describeFileSystem(record.fileSystemId)) === undefined,
        ),
      );
      await step('datasync', async () => {
        const ds = readers.dataSync;
        const task = record.resources[CopyResourceKeys.taskArn];
        const locations = [CopyResourceKeys.sourceLocationArn, CopyResourceKeys.destinationLocationArn]
          .map((k) => record.resources[k])
          .filter((v): v is string => !!v);
        if (!ds) return;
        if (task) await deleteOnce('DeleteTask', task, () => ds.deleteTask(task));
        for (const l of locations) await deleteOnce('DeleteLocation', l, () => ds.deleteLocation(l));
      });
      record = await deps.migrations.transitionMigration(migrationId, {
        expectedVersion: record.version,
        to: 'decommissioned',
        facts: {
          targetValidated: true,
          verificationClean: true,
          sourceUnreferenced: true,
          fileSystemId: record.fileSystemId,
        },
        actor: ctx.job.requestedBy,
        correlationId: ctx.job.jobId,
        detail: `${record.fileSystemId} deleted; its encrypted twin ${record.resources[BuildResourceKeys.targetFileSystemId]} replaces it`,
      });
      await notify('decommission.succeeded', `${record.fileSystemId} is decommissioned`);
      return { migrationId, decommissioned: true };
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      const s =
        e instanceof AwsStepError || e instanceof StepBlockedError ? e.toJobError() : summariseAwsError(e);
      await notify(
        'decommission.failed',
        `Decommission of ${record.fileSystemId} stopped: ${s.message}`,
        'error',
        {
          error: s,
        },
      );
      throw e;
    }

    /** A deletion called at most once to completion: `started` before, `done|requestId|time` after. */
    async function deleteOnce(
      operation: string,
      resourceId: string,
      call: () => Promise<{ $metadata: { requestId?: string } }>,
    ) {
      const key = Keys.deletion(operation, resourceId);
      if (record.resources[key]?.startsWith('done')) return;
      if (record.resources[key] !== 'started')
        await persist({ [key]: 'started' }, `${operation} ${resourceId} starting`);
      let requestId = '';
      try {
        requestId = (await call()).$metadata.requestId ?? '';
      } catch (e) {
        const code = summariseAwsError(e).code;
        // Resumed after the call went through: what it deleted is gone.
        const gone =
          NOT_FOUND.has(code) ||
          (operation.startsWith('Delete') &&
            code === 'InvalidRequestException' &&
            /not (found|exist)|does not exist/i.test(summariseAwsError(e).message));
        if (!gone) throw new DecommissionStepError(stepOf(operation), operation, e);
      }
      const at = deps.clock.now().toISOString();
      await persist(
        { [key]: `done|${requestId}|${at}` },
        `${operation} ${resourceId}`,
        requestId ? [requestId] : [],
      );
      await notify('decommission.deleted', `${operation} ${resourceId}`, 'info', {
        operation,
        resourceId,
        requestId,
      });
    }

    async function waitUntil(what: string, done: () => Promise<boolean>) {
      const deadline = deps.clock.now().getTime() + deps.maxWaitMs;
      while (!(await done())) {
        if (deps.clock.now().getTime() > deadline)
          throw new DecommissionBlockedError(
            'wait-file-system',
            `Gave up waiting for ${what}.`,
            'DecommissionTimeout',
          );
        await ctx.sleep(deps.pollMs);
      }
    }

    async function takeBackup() {
      const settings = deps.backup!;
      if (record.resources[Keys.recoveryPointArn]) return;
      const backup = await deps.backupFor!(record.accountId, record.region);
      let jobId = record.resources[Keys.backupJobId];
      if (!jobId) {
        let out;
        try {
          out = await backup.startBackupJob({
            BackupVaultName: settings.vaultName,
            IamRoleArn: settings.roleArn.replaceAll('{account}', record.accountId),
            ResourceArn: `arn:aws:elasticfilesystem:${record.region}:${record.accountId}:file-system/${record.fileSystemId}`,
            IdempotencyToken: backupIdempotencyToken(record.id),
            Lifecycle: { DeleteAfterDays: settings.retentionDays },
            RecoveryPointTags: { [TWIN_TAGS.migrationId]: migrationTagValue(record) },
          });
        } catch (e) {
          throw new DecommissionStepError('backup', 'StartBackupJob', e);
        }
        jobId = out.BackupJobId!;
        await persist(
          { [Keys.backupJobId]: jobId },
          `StartBackupJob ${jobId}`,
          out.$metadata.requestId ? [out.$metadata.requestId] : [],
        );
        await notify(
          'decommission.backup',
          `Backup ${jobId} of ${record.fileSystemId} started in ${settings.vaultName}`,
        );
      }
      const deadline = deps.clock.now().getTime() + deps.maxWaitMs;
      for (;;) {
        const job = await backup.describeBackupJob(jobId);
        if (job.State === 'COMPLETED' && job.RecoveryPointArn) {
          await persist(
            { [Keys.recoveryPointArn]: job.RecoveryPointArn },
            `backup ${jobId} completed: ${job.RecoveryPointArn}`,
          );
          await notify('decommission.backup', `Recovery point ${job.RecoveryPointArn} recorded`, 'info', {
            recoveryPointArn: job.RecoveryPointArn,
          });
          return;
        }
        if (
          job.State === 'FAILED' ||
          job.State === 'ABORTED' ||
          job.State === 'EXPIRED' ||
          job.State === 'PARTIAL'
        )
          throw new DecommissionBlockedError(
            'backup',
            `Backup job ${jobId} ended ${job.State}${job.StatusMessage ? `: ${job.StatusMessage}` : ''}; nothing was deleted.`,
            'BackupFailed',
          );
        if (deps.clock.now().getTime() > deadline)
          throw new DecommissionBlockedError(
            'backup',
            `Backup job ${jobId} is still ${job.State}; nothing was deleted. Retry later.`,
            'BackupTimeout',
          );
        await ctx.sleep(deps.pollMs);
      }
    }
  };
}

function stepOf(operation: string): DecommissionStep {
  if (operation === 'DeleteAccessPoint') return 'access-points';
  if (operation === 'DeleteMountTarget') return 'mount-targets';
  if (operation === 'DeleteFileSystem') return 'file-system';
  return 'datasync';
}

/**
 * Never deletes what is not the source of one of the bot's own migrations, never a twin: the source
 * carries no twin tag, is no stored migration's twin, and the twin's link tags name this source and
 * this migration.
 */
async function checkOwnership(
  migrations: MigrationRepository,
  efs: IDecommissionEfs,
  record: MigrationRecord,
): Promise<void> {
  const refuse = (why: string) => {
    throw new DecommissionBlockedError(
      'guards',
      `${record.fileSystemId} is not deleted: ${why}`,
      'NotOwnSource',
    );
  };
  const twinId = record.resources[BuildResourceKeys.targetFileSystemId];
  if (!twinId || twinId === record.fileSystemId) refuse('the migration records no separate twin');
  const all = await migrations.listMigrations();
  const asTwin = all.find((m) => m.resources[BuildResourceKeys.targetFileSystemId] === record.fileSystemId);
  if (asTwin) refuse(`it is the encrypted twin of ${asTwin.fileSystemId}`);
  const source = await efs.describeFileSystem(record.fileSystemId);
  const sourceTags = Object.fromEntries((source?.Tags ?? []).map((t) => [t.Key, t.Value]));
  if (sourceTags[TWIN_TAGS.sourceFileSystemId]) refuse('it carries the twin tag of the bot (it is a twin)');
  const twin = await efs.describeFileSystem(twinId!);
  const tags = Object.fromEntries((twin?.Tags ?? []).map((t) => [t.Key, t.Value]));
  if (
    tags[TWIN_TAGS.sourceFileSystemId] !== record.fileSystemId ||
    tags[TWIN_TAGS.migrationId] !== migrationTagValue(record)
  )
    refuse(
      `the twin ${twinId} does not carry the link tags naming ${record.fileSystemId} and this migration`,
    );
}

async function mustGet(migrations: MigrationRepository, id: string): Promise<MigrationRecord> {
  const record = await migrations.getMigration(id);
  if (!record) throw new BadInputError(`${id} was not found.`);
  return record;
}

export type { IDecommissionDataSync };
