/**
 * A store holding migrations in several states, written through the real repositories (the same
 * conditional writes and audit log the phases use): one discovered, one decided, one whose build
 * failed after creating the twin, one synced by DataSync with a clean verification, and one
 * excluded in another account and region.
 */
import { BuildResourceKeys } from '../../../src/domain/build-plan.ts';
import { CopyResourceKeys } from '../../../src/domain/copy.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import type { JobKind, JobUpdate } from '../../../src/domain/job.ts';
import type { MigrationDecision, MigrationRecord } from '../../../src/domain/migration.ts';
import type { Store } from '../../../src/store/index.ts';
import { fileSystem } from '../../harness/scan-fixtures.ts';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
export const OTHER_ACCOUNT = '222222222222';
export const OTHER_REGION = 'us-east-1';
export const ADMIN = 'U0ADMIN01';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-0000-4000-8000-000000000001`;

export const FS = {
  fresh: 'fs-0000000000000000a',
  decided: 'fs-0000000000000000b',
  broken: 'fs-0000000000000000c',
  synced: 'fs-0000000000000000d',
  excluded: 'fs-0000000000000000e',
} as const;
export const TWIN = { broken: 'fs-0000000000000001c', synced: 'fs-0000000000000001d' } as const;
export const IDS = {
  fresh: migrationId(ACCOUNT, REGION, FS.fresh),
  decided: migrationId(ACCOUNT, REGION, FS.decided),
  broken: migrationId(ACCOUNT, REGION, FS.broken),
  synced: migrationId(ACCOUNT, REGION, FS.synced),
  excluded: migrationId(OTHER_ACCOUNT, OTHER_REGION, FS.excluded),
};
export const FAILURE = {
  code: 'MountTargetConflict',
  message: 'A mount target already exists in eu-west-1b for fs-0000000000000001c.',
};
export const VERIFICATION = 'DataSync verified: 1,200 files, no differences';
export const BUILD_REQUEST_ID = 'req-build-0001';

const decision = (method: MigrationDecision['method']): MigrationDecision => ({
  targetKmsKeyId: KEY_ARN,
  targetKeyAsGiven: 'alias/efs-twins',
  keyManager: 'CUSTOMER',
  method,
  decidedBy: ADMIN,
  decidedAt: '2026-05-01T09:00:00.000Z',
  constraints: { maintenanceWindow: 'Sat 02:00-06:00 UTC' },
});

async function decided(
  store: Store,
  accountId: string,
  region: string,
  fileSystemId: string,
  name: string,
  method: MigrationDecision['method'],
) {
  const { migrations } = store;
  const m = await migrations.createMigration({
    accountId,
    region,
    fileSystemId,
    state: 'in_scope',
    actor: ADMIN,
  });
  await migrations.putSnapshot(m.id, {
    observedAt: '2026-05-01T08:00:00.000Z',
    fileSystem: fileSystem({ fileSystemId, accountId, region, name }),
  });
  await migrations.putDecision(m.id, decision(method), 0);
  return migrations.transitionMigration(m.id, {
    expectedVersion: m.version,
    to: 'decided',
    facts: { hasDecision: true },
    actor: ADMIN,
    detail: `decided: ${method}`,
  });
}

/** A decided migration through a successful build: target_creating, then target_ready with `resources`. */
async function built(store: Store, m: MigrationRecord, resources: Record<string, string>) {
  const { migrations } = store;
  const creating = await migrations.transitionMigration(m.id, {
    expectedVersion: m.version,
    to: 'target_creating',
    facts: { hasDecision: true },
    actor: ADMIN,
  });
  return migrations.transitionMigration(m.id, {
    expectedVersion: creating.version,
    to: 'target_ready',
    facts: { targetValidated: true },
    resources,
    actor: 'bot:runner',
  });
}

/** The migration's generation-1 job of `kind`, as its runner left it (`update`). */
async function job(store: Store, kind: JobKind, migrationId: string, update: JobUpdate) {
  const { job: created } = await store.jobs.createJob({
    kind,
    migrationId,
    generation: 1,
    requestedBy: ADMIN,
  });
  return store.jobs.updateJob(created.jobId, created.version, update);
}

export async function seedStatusStore(store: Store): Promise<void> {
  const { migrations } = store;
  const fresh = await migrations.createMigration({
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: FS.fresh,
    actor: 'scan',
  });
  await migrations.putSnapshot(fresh.id, {
    observedAt: '2026-05-01T08:00:00.000Z',
    fileSystem: fileSystem({ fileSystemId: FS.fresh, name: 'scratch' }),
  });

  await decided(store, ACCOUNT, REGION, FS.decided, 'payroll', 'rsync');

  // The build created the twin, then failed on a mount target: failed from target_creating.
  let broken = await decided(store, ACCOUNT, REGION, FS.broken, 'media', 'datasync');
  broken = await migrations.transitionMigration(broken.id, {
    expectedVersion: broken.version,
    to: 'target_creating',
    facts: { hasDecision: true },
    resources: {
      [BuildResourceKeys.targetFileSystemId]: TWIN.broken,
      [BuildResourceKeys.buildStep]: 'create-file-system',
    },
    actor: ADMIN,
    detail: 'CreateFileSystem',
    awsRequestIds: [BUILD_REQUEST_ID],
  });
  await job(store, 'build', broken.id, {
    status: 'failed',
    lastError: { ...FAILURE, step: 'mount-targets' },
  });
  await migrations.transitionMigration(broken.id, {
    expectedVersion: broken.version,
    to: 'failed',
    actor: 'bot:runner',
    error: FAILURE,
    detail: 'build failed',
  });

  // Built, validated, copied once by DataSync with a clean verification: synced.
  let synced = await built(store, await decided(store, ACCOUNT, REGION, FS.synced, 'uploads', 'datasync'), {
    [BuildResourceKeys.targetFileSystemId]: TWIN.synced,
    [BuildResourceKeys.targetKmsKeyArn]: KEY_ARN,
    [BuildResourceKeys.mountTarget('eu-west-1a')]: 'fsmt-0000000000000001d',
  });
  synced = await migrations.updateMigration(synced.id, {
    expectedVersion: synced.version,
    resources: { [CopyResourceKeys.request(1)]: 'initial' },
    actor: ADMIN,
    detail: 'Initial copy requested (job generation 1)',
  });
  synced = await migrations.transitionMigration(synced.id, {
    expectedVersion: synced.version,
    to: 'copying',
    actor: 'bot:runner',
  });
  await job(store, 'copy', synced.id, { status: 'succeeded', step: 'verified' });
  await migrations.transitionMigration(synced.id, {
    expectedVersion: synced.version,
    to: 'synced',
    resources: { [CopyResourceKeys.verification]: VERIFICATION, [CopyResourceKeys.done(1)]: 'true' },
    actor: 'bot:runner',
    detail: 'Initial copy done',
  });

  const excluded = await migrations.createMigration({
    accountId: OTHER_ACCOUNT,
    region: OTHER_REGION,
    fileSystemId: FS.excluded,
    actor: 'scan',
  });
  await migrations.transitionMigration(excluded.id, {
    expectedVersion: excluded.version,
    to: 'excluded',
    facts: { exclusionReason: 'scratch space' },
    actor: ADMIN,
    detail: 'excluded: scratch space',
  });
}

export const COPYING = {
  fileSystemId: 'fs-0000000000000000f',
  twin: 'fs-0000000000000001f',
  id: migrationId(ACCOUNT, REGION, 'fs-0000000000000000f'),
  executionArn: `arn:aws:datasync:${REGION}:${ACCOUNT}:task/task-0000000000000000f/execution/exec-0000000000000000f`,
} as const;

/** The process that runs seedCopyingMigration's copy job. */
export const COPYING_HOLDER = { host: 'bot-host-1', pid: 4286, instance: 'bot-instance', started: 'boot:77' };

/**
 * Apart from seedStatusStore (whose counts the status tests assert): a migration whose initial
 * DataSync copy is running, with the progress sample its job stored at `sampledAt`.
 */
export async function seedCopyingMigration(store: Store, sampledAt: Date): Promise<void> {
  const { migrations } = store;
  let m = await built(
    store,
    await decided(store, ACCOUNT, REGION, COPYING.fileSystemId, 'archive', 'datasync'),
    {
      [BuildResourceKeys.targetFileSystemId]: COPYING.twin,
    },
  );
  m = await migrations.updateMigration(m.id, {
    expectedVersion: m.version,
    resources: { [CopyResourceKeys.request(1)]: 'initial' },
    actor: ADMIN,
  });
  // Held by a bot process on another host, its lease renewed five minutes past the sample.
  const running = await job(store, 'copy', m.id, {
    status: 'running',
    step: 'start-execution',
    leaseOwner: `bot:${COPYING_HOLDER.host}:${COPYING_HOLDER.pid}`,
    leaseExpiresAt: new Date(sampledAt.getTime() + 5 * 60_000).toISOString(),
    leaseHolder: COPYING_HOLDER,
  });
  await migrations.transitionMigration(m.id, {
    expectedVersion: m.version,
    to: 'copying',
    resources: {
      [CopyResourceKeys.execution(running.jobId)]: COPYING.executionArn,
      [CopyResourceKeys.latestExecution]: COPYING.executionArn,
    },
    actor: 'bot:runner',
  });
  await migrations.putCopyProgress(m.id, {
    method: 'datasync',
    jobId: running.jobId,
    kind: 'initial',
    sampledAt: sampledAt.toISOString(),
    staleAfterMs: 75_000,
    executionArn: COPYING.executionArn,
    progress: {
      phase: 'TRANSFERRING',
      filesTransferred: 1234,
      filesEstimated: 3000,
      bytesTransferred: 4.2 * 1024 ** 3,
      bytesEstimated: 10 * 1024 ** 3,
      elapsedMs: 430_000,
      etaMs: 720_000,
      percent: 42,
    },
  });
}
