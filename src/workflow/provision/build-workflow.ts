import type { LifecyclePolicy } from '@aws-sdk/client-efs';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import { awsErrorCode, summariseAwsError } from '../../aws/aws-errors.ts';
import { existingAccessPointId, existingFileSystemId } from '../../aws/efs-writer.ts';
import type { IEfsWriter } from './ports.ts';
import {
  BUILD_STEPS,
  BuildResourceKeys as Keys,
  buildMappingOf,
  planBuild,
  rewritePolicyArns,
  type BuildMapping,
  type BuildPlan,
  type BuildStep,
} from '../../domain/build-plan.ts';
import type { Clock } from '../../domain/clock.ts';
import { keyProblems } from '../../domain/decision.ts';
import { BadInputError } from '../../domain/errors.ts';
import { AWS_MANAGED_EFS_KEY_ALIAS } from '../../domain/inventory.ts';
import { LeaseLostError, type CompensationStep } from '../../domain/job.ts';
import type { MigrationRecord, MigrationRepository } from '../../domain/migration.ts';
import type { IoHost } from '../io-host.ts';
import type { JobContext, JobHandler } from '../jobs/index.ts';
import { BuildBlockedError, BuildStepError } from './build-errors.ts';

/**
 * The build of one encrypted twin, as the `build` job's handler. Every step first looks at what
 * the migration record says exists (and, for what AWS makes idempotent only by token, at what
 * AWS says exists), makes what is missing, and persists each resource ID the moment it exists,
 * before announcing it. A crash, a retry or a second replica therefore resumes where the record
 * stands and never makes a second file system, mount target or access point.
 *
 * Order: lifecycle and backup policy right after the file system is available; the file system
 * policy last, once, because it must name the twin's access points (new IDs) and they exist only
 * then. Its purpose is NFS client access (ClientMount, ClientWrite, ClientRootAccess), so the
 * twin has no clients to protect before it; putting it once at the end avoids a second put.
 */

export interface BuildWorkflowDeps {
  migrations: MigrationRepository;
  writerFor(accountId: string, region: string): Promise<IEfsWriter>;
  clock: Clock;
  io: IoHost;
  /** Delay between lifecycle polls (default 5 s; AWS makes a file system in seconds). */
  pollMs?: number;
  /** Upper bound on waiting for `available` (default 10 min). */
  maxWaitMs?: number;
}

/** What the build job returns: the mapping, and what could not be copied. */
export interface BuildResult extends Record<string, unknown> {
  migrationId: string;
  mapping: BuildMapping;
}

/** Codes an endpoint gives for a call it does not implement (moto has no backup policy calls). */
const UNSUPPORTED_CODES = new Set([
  'NotImplemented',
  'NotImplementedError',
  'UnknownOperationException',
  'InvalidAction',
  'UnsupportedOperation',
]);

/**
 * Whether the endpoint does not implement the call at all. AWS always answers EFS calls with a
 * modelled JSON error; an emulator without the route answers 404/501, or an HTML page the SDK
 * cannot parse (moto 5.2 on PutBackupPolicy: HTTP 500, SyntaxError). Never true for a modelled error.
 */
function isUnsupportedCall(e: unknown): boolean {
  const s = summariseAwsError(e);
  if (UNSUPPORTED_CODES.has(s.code) || s.httpStatusCode === 501) return true;
  if (s.code === 'SyntaxError' && /not valid JSON|Deserialization error/i.test(s.message)) return true;
  return s.httpStatusCode === 404 && !/NotFound$/.test(s.code);
}

export function createBuildHandler(deps: BuildWorkflowDeps): JobHandler {
  const pollMs = deps.pollMs ?? 5_000;
  const maxWaitMs = deps.maxWaitMs ?? 10 * 60_000;

  return async (ctx: JobContext): Promise<BuildResult> => {
    const migrationId = ctx.job.migrationId;
    const actor = ctx.job.requestedBy;
    const correlationId = ctx.job.jobId;
    let record = await mustGet(deps.migrations, migrationId);
    if (record.state === 'target_ready') return { migrationId, mapping: buildMappingOf(record) };

    const decision = (await deps.migrations.getDecision(migrationId))?.decision;
    const snapshot = (await deps.migrations.getSnapshot(migrationId))?.fileSystem;
    if (!decision || !snapshot)
      throw new BadInputError(
        `${migrationId} has no ${decision ? 'inventory snapshot' : 'decision'}; decide it (efs-encrypt plan) before building.`,
      );
    const plan = planBuild({ migrationId, fileSystem: snapshot, decision });

    // Enter target_creating: from decided (first build), from failed (retry), or already there (resume).
    if (
      record.state === 'decided' ||
      (record.state === 'failed' && record.failedFrom === 'target_creating')
    ) {
      record = await deps.migrations.transitionMigration(migrationId, {
        expectedVersion: record.version,
        to: 'target_creating',
        facts: { hasDecision: true },
        actor,
        correlationId,
        detail:
          record.state === 'failed' ? `build retried (${ctx.job.jobId})` : `build started (${ctx.job.jobId})`,
      });
    } else if (record.state !== 'target_creating') {
      throw new BadInputError(
        `${migrationId} is ${record.state}; only a decided migration (or a failed build) can be built.`,
      );
    }
    const writer = await deps.writerFor(record.accountId, record.region);
    await notify('info', 'build.started', `Building the encrypted twin of ${record.fileSystemId}`, undefined);

    let current: BuildStep = 'check-key';
    try {
      const keyArn = await step('check-key', () => checkKey());
      const twinId = await step('create-file-system', () => createFileSystem());
      await step('wait-file-system', () => waitFileSystem(twinId));
      await step('lifecycle-configuration', () => putLifecycle(twinId));
      await step('backup-policy', () => putBackup(twinId));
      await step('mount-targets', () => createMountTargets(twinId));
      await step('wait-mount-targets', () => waitMountTargets(twinId));
      await step('access-points', () => createAccessPoints(twinId));
      await step('file-system-policy', () => putPolicy(twinId));
      await step('validate', () => validate(twinId, keyArn));
      const mapping = buildMappingOf(record);
      await notify(
        'info',
        'build.succeeded',
        `Encrypted twin ${twinId} of ${record.fileSystemId} is ready`,
        'validate',
        { mapping },
      );
      return { migrationId, mapping };
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      await recordFailure(e);
      throw e;
    }

    // ---------------------------------------------------------------------------------------
    // Steps
    // ---------------------------------------------------------------------------------------

    async function step<T>(name: BuildStep, run: () => Promise<T>): Promise<T> {
      current = name;
      return run();
    }

    /** Persist first, then checkpoint the job, then announce (DESIGN.md: persisted before announced). */
    async function persist(
      name: BuildStep,
      resources: Record<string, string>,
      detail: string,
      extra: { awsRequestIds?: string[]; compensations?: CompensationStep[] } = {},
    ) {
      record = await deps.migrations.updateMigration(migrationId, {
        expectedVersion: record.version,
        resources: { ...resources, [Keys.buildStep]: name },
        actor,
        correlationId,
        detail,
        ...(extra.awsRequestIds?.length ? { awsRequestIds: extra.awsRequestIds } : {}),
      });
      await ctx.checkpoint(name, extra.compensations ? { compensations: extra.compensations } : undefined);
      await notify('progress', 'build.step.done', detail, name);
    }

    async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
      try {
        return await run();
      } catch (e) {
        throw new BuildStepError(current, operation, e);
      }
    }

    function undo(operation: string, resourceId: string, description: string): CompensationStep {
      return { operation, resourceId, accountId: record.accountId, region: record.region, description };
    }

    /** DescribeKey before anything is made: a key disabled since the decision stops the build here. */
    async function checkKey(): Promise<string> {
      let meta: KeyMetadata | undefined;
      try {
        meta = (await writer.describeKey(plan.intendedKeyArn)).KeyMetadata;
      } catch (e) {
        // The AWS-managed EFS key exists only after EFS first uses it; CreateFileSystem makes it.
        if (
          awsErrorCode(e) === 'NotFoundException' &&
          plan.intendedKeyArn.endsWith(`:${AWS_MANAGED_EFS_KEY_ALIAS}`)
        )
          return plan.intendedKeyArn;
        throw new BuildStepError('check-key', 'kms:DescribeKey', e);
      }
      const arn = meta?.Arn ?? plan.intendedKeyArn;
      const problems = keyProblems(
        {
          kind: 'found',
          key: {
            keyId: meta?.KeyId ?? '',
            arn,
            accountId: meta?.AWSAccountId ?? record.accountId,
            region: arn.split(':')[3] || record.region,
            keyState: meta?.KeyState ?? (meta?.Enabled ? 'Enabled' : 'Disabled'),
            keySpec: meta?.KeySpec,
            keyUsage: meta?.KeyUsage,
            keyManager: meta?.KeyManager,
            aliases: [],
            crossAccountAccess: true,
          },
        },
        record,
      );
      if (problems.length)
        throw new BuildBlockedError(
          'check-key',
          `${problems.join(' ')} Nothing was created for ${record.fileSystemId}; fix the key or change the decision, then retry.`,
          'KeyNotUsable',
        );
      return arn;
    }

    async function createFileSystem(): Promise<string> {
      const known = record.resources[Keys.targetFileSystemId];
      if (known) return known;
      let id: string | undefined;
      let arn: string | undefined;
      let requestId: string | undefined;
      let adopted = false;
      try {
        const out = await writer.createFileSystem(plan.createFileSystem);
        id = out.FileSystemId;
        arn = out.FileSystemArn;
        requestId = out.$metadata.requestId;
      } catch (e) {
        // Same CreationToken: an earlier attempt made it (a crash before it was recorded). Adopt it.
        if (awsErrorCode(e) !== 'FileSystemAlreadyExists')
          throw new BuildStepError('create-file-system', 'CreateFileSystem', e);
        // The model requires FileSystemId on the error; an endpoint that leaves it out (moto 5.2)
        // still lets us find the file system by its creation token.
        id =
          existingFileSystemId(e) ??
          (
            await call('DescribeFileSystems', () =>
              writer.findByCreationToken(plan.createFileSystem.CreationToken),
            )
          ).FileSystems?.[0]?.FileSystemId;
        if (!id) throw new BuildStepError('create-file-system', 'CreateFileSystem', e);
        adopted = true;
      }
      if (!id)
        throw new BuildBlockedError('create-file-system', 'CreateFileSystem returned no FileSystemId.');
      await persist(
        'create-file-system',
        { [Keys.targetFileSystemId]: id, ...(arn ? { [Keys.targetFileSystemArn]: arn } : {}) },
        adopted
          ? `Adopted encrypted file system ${id} for ${record.fileSystemId}: it already existed with this migration's creation token`
          : `Created encrypted file system ${id} for ${record.fileSystemId}`,
        {
          awsRequestIds: requestId ? [requestId] : [],
          compensations: [undo('DeleteFileSystem', id, `encrypted twin of ${record.fileSystemId}`)],
        },
      );
      return id;
    }

    async function waitFileSystem(twinId: string): Promise<void> {
      const started = deps.clock.now().getTime();
      for (;;) {
        const fs = await call('DescribeFileSystems', () => writer.describeFileSystem(twinId));
        if (!fs)
          throw new BuildBlockedError(
            'wait-file-system',
            `The twin ${twinId} no longer exists; it was deleted outside the bot. Clear it from the record before retrying.`,
            'FileSystemNotFound',
          );
        if (fs.LifeCycleState === 'available') {
          const arn = fs.FileSystemArn ?? record.resources[Keys.targetFileSystemArn];
          await persist(
            'wait-file-system',
            arn ? { [Keys.targetFileSystemArn]: arn } : {},
            `File system ${twinId} is available`,
          );
          return;
        }
        if (fs.LifeCycleState !== 'creating' && fs.LifeCycleState !== 'updating')
          throw new BuildBlockedError(
            'wait-file-system',
            `The twin ${twinId} is ${fs.LifeCycleState}, not available.`,
            'FileSystemNotAvailable',
          );
        await waitOrGiveUp(started, `file system ${twinId} to become available`);
      }
    }

    async function putLifecycle(twinId: string): Promise<void> {
      if (!plan.lifecyclePolicies) return;
      // The values are the source's, as EFS itself reported them (DescribeLifecycleConfiguration).
      const policies = plan.lifecyclePolicies as LifecyclePolicy[];
      const out = await call('PutLifecycleConfiguration', () =>
        writer.putLifecycleConfiguration({ FileSystemId: twinId, LifecyclePolicies: policies }),
      );
      await persist('lifecycle-configuration', {}, `Lifecycle configuration copied to ${twinId}`, {
        awsRequestIds: ids(out),
      });
    }

    async function putBackup(twinId: string): Promise<void> {
      if (!plan.backupStatus) {
        await notCopied(
          'backup-policy',
          'backupPolicy',
          'the source backup policy could not be read during the scan; the AWS default applies',
        );
        return;
      }
      try {
        const out = await writer.putBackupPolicy({
          FileSystemId: twinId,
          BackupPolicy: { Status: plan.backupStatus },
        });
        await persist('backup-policy', {}, `Backup policy ${plan.backupStatus} set on ${twinId}`, {
          awsRequestIds: ids(out),
        });
      } catch (e) {
        if (!isUnsupportedCall(e)) throw new BuildStepError('backup-policy', 'PutBackupPolicy', e);
        await notCopied(
          'backup-policy',
          'backupPolicy',
          `PutBackupPolicy is not supported by this endpoint (${summariseAwsError(e).code}); set backups to ${plan.backupStatus} by hand`,
        );
      }
    }

    async function notCopied(name: BuildStep, what: string, why: string): Promise<void> {
      record = await deps.migrations.updateMigration(migrationId, {
        expectedVersion: record.version,
        resources: { [Keys.notCopied(what)]: why, [Keys.buildStep]: name },
        actor,
        correlationId,
        detail: `Not copied: ${what}: ${why}`,
      });
      await ctx.checkpoint(name);
      await notify('warn', 'build.not_copied', `Not copied to the twin: ${what}: ${why}`, name, {
        what,
        why,
      });
    }

    async function createMountTargets(twinId: string): Promise<void> {
      if (plan.mountTargets.length === 0) return;
      let existing = await call('DescribeMountTargets', () => writer.describeMountTargets(twinId));
      for (const mt of plan.mountTargets) {
        const key = Keys.mountTarget(mt.availabilityZone);
        if (record.resources[key]) continue;
        const inAz = () =>
          existing.find(
            (m) => m.AvailabilityZoneName === mt.availabilityZone || m.SubnetId === mt.input.SubnetId,
          );
        let id = inAz()?.MountTargetId;
        let requestIds: string[] = [];
        if (!id) {
          try {
            const out = await writer.createMountTarget({ FileSystemId: twinId, ...mt.input });
            id = out.MountTargetId;
            requestIds = ids(out);
          } catch (e) {
            // One per AZ: a conflict means ours is already there (made before a crash). Adopt it.
            if (awsErrorCode(e) !== 'MountTargetConflict')
              throw new BuildStepError('mount-targets', 'CreateMountTarget', e);
            existing = await call('DescribeMountTargets', () => writer.describeMountTargets(twinId));
            id = inAz()?.MountTargetId;
            if (!id) throw new BuildStepError('mount-targets', 'CreateMountTarget', e);
          }
        }
        if (!id) throw new BuildBlockedError('mount-targets', 'CreateMountTarget returned no MountTargetId.');
        await persist(
          'mount-targets',
          { [key]: id },
          `Mount target ${id} in ${mt.availabilityZone} (subnet ${mt.input.SubnetId})`,
          {
            awsRequestIds: requestIds,
            compensations: [
              undo('DeleteMountTarget', id, `mount target of ${twinId} in ${mt.availabilityZone}`),
            ],
          },
        );
      }
    }

    async function waitMountTargets(twinId: string): Promise<void> {
      if (plan.mountTargets.length === 0) return;
      const started = deps.clock.now().getTime();
      const ours = new Set(
        plan.mountTargets.map((m) => record.resources[Keys.mountTarget(m.availabilityZone)]),
      );
      for (;;) {
        const listed = (await call('DescribeMountTargets', () => writer.describeMountTargets(twinId))).filter(
          (m) => ours.has(m.MountTargetId),
        );
        const bad = listed.find((m) => m.LifeCycleState !== 'creating' && m.LifeCycleState !== 'available');
        if (bad)
          throw new BuildBlockedError(
            'wait-mount-targets',
            `Mount target ${bad.MountTargetId} of ${twinId} is ${bad.LifeCycleState}.`,
            'MountTargetNotAvailable',
          );
        if (listed.length === ours.size && listed.every((m) => m.LifeCycleState === 'available')) {
          await persist('wait-mount-targets', {}, `Mount targets of ${twinId} are available`);
          return;
        }
        await waitOrGiveUp(started, `the mount targets of ${twinId} to become available`);
      }
    }

    async function createAccessPoints(twinId: string): Promise<void> {
      if (plan.accessPoints.length === 0) return;
      const existing = await call('DescribeAccessPoints', () => writer.describeAccessPoints(twinId));
      for (const ap of plan.accessPoints) {
        const key = Keys.accessPoint(ap.sourceAccessPointId);
        if (record.resources[key]) continue;
        let id = existing.find((a) => a.ClientToken === ap.input.ClientToken)?.AccessPointId;
        let requestIds: string[] = [];
        if (!id) {
          try {
            const out = await writer.createAccessPoint({ FileSystemId: twinId, ...ap.input });
            id = out.AccessPointId;
            requestIds = ids(out);
          } catch (e) {
            id = existingAccessPointId(e);
            if (!id) throw new BuildStepError('access-points', 'CreateAccessPoint', e);
          }
        }
        if (!id) throw new BuildBlockedError('access-points', 'CreateAccessPoint returned no AccessPointId.');
        await persist('access-points', { [key]: id }, `Access point ${ap.sourceAccessPointId} → ${id}`, {
          awsRequestIds: requestIds,
          compensations: [undo('DeleteAccessPoint', id, `twin of access point ${ap.sourceAccessPointId}`)],
        });
      }
    }

    async function putPolicy(twinId: string): Promise<void> {
      if (!plan.sourceFileSystemPolicy) return;
      const mapping = buildMappingOf(record);
      const rewrite = rewritePolicyArns(
        plan.sourceFileSystemPolicy,
        { source: record.fileSystemId, twin: twinId },
        mapping.accessPoints,
      );
      const out = await call('PutFileSystemPolicy', () =>
        writer.putFileSystemPolicy({ FileSystemId: twinId, Policy: rewrite.policy }),
      );
      await persist(
        'file-system-policy',
        rewrite.unmapped.length
          ? {
              [Keys.notCopied('policyAccessPoints')]:
                `the policy names access points of another file system, left as written: ${rewrite.unmapped.join(', ')}`,
            }
          : {},
        `File system policy copied to ${twinId} (${rewrite.replaced} ARN(s) rewritten to the twin's)`,
        { awsRequestIds: ids(out) },
      );
    }

    /** The safety check of DESIGN.md rule 1, recorded as the guard fact of target_ready. */
    async function validate(twinId: string, keyArnAtStart: string): Promise<void> {
      const fs = await call('DescribeFileSystems', () => writer.describeFileSystem(twinId));
      const keyArn = keyArnAtStart.includes(':alias/') ? await checkKey() : keyArnAtStart;
      const meta = (await call('kms:DescribeKey', () => writer.describeKey(keyArn))).KeyMetadata;
      const problems: string[] = [];
      if (!fs?.Encrypted) problems.push(`${twinId} reports Encrypted=${String(fs?.Encrypted ?? 'unknown')}`);
      const reportedKey = fs?.KmsKeyId;
      if (reportedKey !== (meta?.Arn ?? keyArn))
        problems.push(`${twinId} reports KmsKeyId ${reportedKey ?? 'none'}, not ${meta?.Arn ?? keyArn}`);
      if (meta?.KeyState !== 'Enabled')
        problems.push(`key ${keyArn} is ${meta?.KeyState ?? 'unknown'}, not Enabled`);
      if (problems.length)
        throw new BuildBlockedError(
          'validate',
          `The twin failed validation: ${problems.join('; ')}.`,
          'TwinValidationFailed',
        );
      record = await deps.migrations.transitionMigration(migrationId, {
        expectedVersion: record.version,
        to: 'target_ready',
        facts: { targetValidated: true },
        resources: { [Keys.targetKmsKeyArn]: meta?.Arn ?? keyArn, [Keys.buildStep]: 'validate' },
        actor,
        correlationId,
        detail: `Twin ${twinId} validated: Encrypted=true, KmsKeyId=${meta?.Arn ?? keyArn}, key Enabled`,
      });
      await ctx.checkpoint('validate');
    }

    async function waitOrGiveUp(started: number, what: string): Promise<void> {
      if (deps.clock.now().getTime() - started >= maxWaitMs)
        throw new BuildBlockedError(
          current,
          `Gave up waiting for ${what} after ${Math.round(maxWaitMs / 1000)} s; retry later.`,
          'WaitTimedOut',
        );
      await ctx.sleep(pollMs);
    }

    async function recordFailure(e: unknown): Promise<void> {
      const jobError =
        e instanceof BuildStepError || e instanceof BuildBlockedError
          ? e.toJobError()
          : { code: summariseAwsError(e).code, message: summariseAwsError(e).message };
      try {
        const latest = await mustGet(deps.migrations, migrationId);
        if (latest.state === 'target_creating')
          record = await deps.migrations.transitionMigration(migrationId, {
            expectedVersion: latest.version,
            to: 'failed',
            actor,
            correlationId,
            detail: `Build failed at step ${current}`,
            error: { code: jobError.code, message: jobError.message },
            ...(jobError.awsRequestId ? { awsRequestIds: [jobError.awsRequestId] } : {}),
          });
      } finally {
        await notify(
          'error',
          'build.failed',
          `Build of ${record.fileSystemId}'s twin failed at ${current}: ${jobError.message}`,
          current,
          { error: jobError },
        );
      }
    }

    function notify(
      level: 'info' | 'progress' | 'warn' | 'error',
      code: string,
      message: string,
      name: BuildStep | undefined,
      extra: Record<string, unknown> = {},
    ) {
      return deps.io.notify({
        level,
        code,
        message,
        time: deps.clock.now(),
        data: {
          migrationId,
          jobId: ctx.job.jobId,
          step: name,
          steps: BUILD_STEPS,
          resources: { ...record.resources },
          ...extra,
        },
      });
    }
  };
}

function ids(out: { $metadata?: { requestId?: string } }): string[] {
  return out.$metadata?.requestId ? [out.$metadata.requestId] : [];
}

async function mustGet(migrations: MigrationRepository, id: string): Promise<MigrationRecord> {
  const record = await migrations.getMigration(id);
  if (!record) throw new BadInputError(`${id} was not found; scan and decide it first.`);
  return record;
}

export type { BuildPlan };
