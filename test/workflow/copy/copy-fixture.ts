/**
 * The copy phase against the local estate: a source and its already-built encrypted twin (mount
 * targets in the same zones), a second pair whose security group admits no NFS, the embedded store
 * holding each migration at target_ready with its decision, and the real SDK clients (EFS, EC2,
 * DataSync) reaching the estate through AWS_ENDPOINT_URL. Estate and runner share one ManualClock.
 */
import type { AccountClients } from '../../../src/aws/account-clients.ts';
import { activityReadersFrom } from '../../../src/aws/cloudwatch.ts';
import { dataSyncClientsFrom } from '../../../src/aws/datasync.ts';
import { createDirectories, type Directories } from '../../../src/aws/directory-clients.ts';
import { replicationClientsFrom } from '../../../src/aws/efs-replication.ts';
import { ManualClock, type Clock } from '../../../src/domain/clock.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import type { MigrationMethod } from '../../../src/domain/migration.ts';
import type { EstateServer } from '../../../src/estate/index.ts';
import type { Store } from '../../../src/store/index.ts';
import {
  createCopyPhase,
  type CopyPhase,
  type CopyPhaseDeps,
  type IDataSyncClient,
} from '../../../src/workflow/copy/index.ts';
import { RecordingIoHost, type IoHost, type IoMessage } from '../../../src/workflow/io-host.ts';
import { rsyncRunbookFor, type RsyncRunbook } from '../../../src/workflow/copy/rsync/index.ts';
import type { JobHandler, JobRunner } from '../../../src/workflow/jobs/index.ts';
import { scanLocalEstate, startLocalEstate, twoZoneVpc } from '../../harness/migration-fixture.ts';
import { skipAheadRunner } from '../../harness/job-runners.ts';

export const ACCOUNT = '666666666666';
export const REGION = 'eu-west-1';
const VPC = 'vpc-06060606060606060';
export const SUBNET_A = 'subnet-060606060606060a1';
export const SUBNET_B = 'subnet-060606060606060b1';
export const SG_NFS = 'sg-06060606060606061';
export const SG_CLOSED = 'sg-06060606060606062';
export const KEY = '66666666-0000-4000-8000-000000000001';
export const SOURCE = 'fs-06060606060606061';
export const TWIN = 'fs-06060606060606062';
export const CLOSED_SOURCE = 'fs-06060606060606063';
export const CLOSED_TWIN = 'fs-06060606060606064';
/** 10 GiB: about 50 s of TRANSFERRING at the estate's 200 MiB/s, so a copy spans many polls. */
export const SOURCE_BYTES = 10 * 1024 ** 3;
export const LEASE_MS = 10_000;
export const POLL_MS = 1_000;

const network = twoZoneVpc({
  vpcId: VPC,
  subnetIds: [SUBNET_A, SUBNET_B],
  defaultGroupId: 'sg-06060606060606060',
  nfsGroupId: SG_NFS,
  cidrPrefix: '10.6',
});

export const COPY_ESTATE = {
  callerAccountId: ACCOUNT,
  accounts: [
    {
      accountId: ACCOUNT,
      regions: {
        [REGION]: {
          ...network,
          securityGroups: [
            ...network.securityGroups,
            {
              GroupId: SG_CLOSED,
              GroupName: 'ssh-only',
              VpcId: VPC,
              IpPermissions: [
                { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.6.0.0/16' }] },
              ],
            },
          ],
          keys: [{ KeyId: KEY, Aliases: ['alias/twin-key'] }],
          fileSystems: [
            {
              FileSystemId: SOURCE,
              Name: 'payments',
              SizeInBytes: { Value: SOURCE_BYTES },
              MountTargets: [
                { SubnetId: SUBNET_A, SecurityGroups: [SG_NFS] },
                { SubnetId: SUBNET_B, SecurityGroups: [SG_NFS] },
              ],
            },
            {
              FileSystemId: TWIN,
              Name: 'payments-encrypted',
              Encrypted: true,
              KmsKeyId: KEY,
              SizeInBytes: { Value: 0 },
              MountTargets: [
                { SubnetId: SUBNET_A, SecurityGroups: [SG_NFS] },
                { SubnetId: SUBNET_B, SecurityGroups: [SG_NFS] },
              ],
            },
            {
              FileSystemId: CLOSED_SOURCE,
              Name: 'closed',
              MountTargets: [{ SubnetId: SUBNET_A, SecurityGroups: [SG_CLOSED] }],
            },
            {
              FileSystemId: CLOSED_TWIN,
              Name: 'closed-encrypted',
              Encrypted: true,
              KmsKeyId: KEY,
              SizeInBytes: { Value: 0 },
              MountTargets: [{ SubnetId: SUBNET_A, SecurityGroups: [SG_CLOSED] }],
            },
          ],
        },
      },
    },
  ],
};

export interface CopyHarness {
  clock: ManualClock;
  server: EstateServer;
  store: Store;
  accounts: AccountClients;
  io: RecordingIoHost;
  phase: CopyPhase;
  /**
   * A runner with the copy handler (or another), stopped after the test unless `dies`: a runner
   * whose handler never returns is left alone, as a dead process would be.
   */
  runner(owner: string, handler?: JobHandler, options?: { dies?: boolean }): JobRunner;
  /** Seeds a migration at target_ready with its decision and the twin's IDs. */
  seed(method: MigrationMethod, source?: string, twin?: string): Promise<string>;
  ref(fileSystemId: string): { accountId: string; region: string; fileSystemId: string };
  /**
   * The EC2 + rsync runbook of a seeded migration, as Post runbook makes it: the first call scans
   * the estate and records the source's inventory snapshot (the metered size included); each call
   * issues and stores a new verification nonce.
   */
  runbook(migrationId: string): Promise<RsyncRunbook>;
  close(): Promise<void>;
}

export interface CopyHarnessOptions {
  /**
   * Runs on every message the copy announces, after it is recorded and before the copy goes on:
   * a test reads the store mid-copy here, as another process would while the job polls.
   */
  tap?: (msg: IoMessage) => Promise<void>;
  /** The copy's progress write interval (the phase's default when unset). */
  progressEveryMs?: number;
  /** DataSync's log group and task report (config). */
  dataSyncSettings?: CopyPhaseDeps['dataSyncSettings'];
  /** Wraps each DataSync client the copy gets (a test loses an answer AWS sent). */
  wrapDataSync?: (client: IDataSyncClient) => IDataSyncClient;
}

export async function startCopyHarness(options: CopyHarnessOptions = {}): Promise<CopyHarness> {
  const estate = await startLocalEstate({
    estate: COPY_ESTATE,
    name: 'copy-fixture',
    clock: new ManualClock(new Date('2026-06-01T09:00:00Z')),
  });
  const { clock, server, store, accounts } = estate;
  const io = new RecordingIoHost();
  const tapped: IoHost = {
    async notify(msg) {
      await io.notify(msg);
      await options.tap?.(msg);
    },
  };
  const { phase, destroy } = copyPhaseOver(estate, options.tap ? tapped : io, {
    ...(options.progressEveryMs !== undefined ? { progressEveryMs: options.progressEveryMs } : {}),
    ...(options.dataSyncSettings ? { dataSyncSettings: options.dataSyncSettings } : {}),
    ...(options.wrapDataSync ? { wrapDataSync: options.wrapDataSync } : {}),
  });
  const runners: JobRunner[] = [];
  const ref = (fileSystemId: string) => ({ accountId: ACCOUNT, region: REGION, fileSystemId });

  return {
    clock,
    server,
    store,
    accounts,
    io,
    phase,
    ref,
    runner(owner, handler = phase.handler, options = {}) {
      const r = copyRunner(estate, owner, handler);
      if (!options.dies) runners.push(r);
      return r;
    },
    seed: (method, source = SOURCE, twin = TWIN) => seedMigration(store, server, clock, method, source, twin),
    async runbook(id) {
      if (!(await store.migrations.getSnapshot(id))) {
        const scan = await scanLocalEstate(estate, 'U0ADMIN');
        const { fileSystemId } = (await store.migrations.getMigration(id))!;
        await store.migrations.putSnapshot(id, {
          observedAt: scan.finishedAt ?? scan.startedAt,
          scanId: scan.scanId,
          fileSystem: scan.fileSystems.find((f) => f.fileSystemId === fileSystemId)!,
        });
      }
      return rsyncRunbookFor({ store, accounts, clock }, id, 'U0ADMIN');
    },
    async close() {
      for (const r of runners.splice(0)) await r.stop();
      destroy();
      await estate.close();
    },
  };
}

/** Where the copy phase runs: the estate's account clients, store and clock. */
export interface CopyGround {
  accounts: AccountClients;
  store: Store;
  clock: ManualClock;
}

/**
 * The copy phase over the estate's clients (DataSync, EFS replication, the network directory), as
 * src/cli/slack-services.ts wires it, reporting to `io`; `destroy` ends the clients it made.
 */
export function copyPhaseOver(
  ground: CopyGround,
  io: IoHost,
  options: Pick<CopyPhaseDeps, 'progressEveryMs' | 'dataSyncSettings'> & {
    wrapDataSync?: (client: IDataSyncClient) => IDataSyncClient;
  } = {},
): { phase: CopyPhase; destroy(): void } {
  const directories: Directories = createDirectories(ground.accounts, { clock: ground.clock });
  const dataSync = dataSyncClientsFrom(ground.accounts);
  const cloudWatch = activityReadersFrom(ground.accounts);
  const { wrapDataSync, ...phaseOptions } = options;
  const phase = createCopyPhase({
    migrations: ground.store.migrations,
    jobs: ground.store.jobs,
    clock: ground.clock,
    io,
    dataSyncFor: async (accountId, region) => {
      const client = await dataSync.clientFor(accountId, region);
      return wrapDataSync ? wrapDataSync(client) : client;
    },
    replicationFor: replicationClientsFrom(ground.accounts),
    network: directories.network,
    activityFor: cloudWatch.readerFor,
    pollMs: POLL_MS,
    ...phaseOptions,
  });
  return {
    phase,
    destroy() {
      dataSync.destroy();
      cloudWatch.destroy();
      directories.destroy();
    },
  };
}

/** A runner of copy jobs named `owner`, its waits skipped ahead on the estate's clock. */
export function copyRunner(ground: CopyGround, owner: string, handler: JobHandler): JobRunner {
  return skipAheadRunner({
    jobs: ground.store.jobs,
    clock: ground.clock,
    kind: 'copy',
    handler,
    owner,
    leaseMs: LEASE_MS,
  });
}

/** A migration at target_ready with its decision and its twin's IDs, as a finished build leaves it. */
export async function seedMigration(
  store: Store,
  server: EstateServer,
  clock: Clock,
  method: MigrationMethod,
  source = SOURCE,
  twin = TWIN,
): Promise<string> {
  const ref = (fileSystemId: string) => ({ accountId: ACCOUNT, region: REGION, fileSystemId });
  const created = await store.migrations.createMigration({
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: source,
    state: 'target_ready',
    facts: { hasDecision: true, targetValidated: true },
    actor: 'U0ADMIN',
  });
  await store.migrations.putDecision(
    created.id,
    {
      targetKmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`,
      method,
      decidedBy: 'U0ADMIN',
      decidedAt: clock.now().toISOString(),
    },
    0,
  );
  const mountTargets = server.control.fileSystem(ref(twin))!.MountTargets;
  await store.migrations.updateMigration(created.id, {
    expectedVersion: created.version,
    resources: {
      targetFileSystemId: twin,
      ...Object.fromEntries(
        mountTargets.map((mt) => [`mountTarget:${mt.AvailabilityZoneName}`, mt.MountTargetId]),
      ),
    },
    actor: 'U0ADMIN',
    detail: 'seeded: twin built',
  });
  return migrationId(ACCOUNT, REGION, source);
}

/** What a verify.sh was bound to (its runbook), and the source's bytes it counted. */
export interface SummaryBinding {
  migrationId: string;
  nonce: string;
  sourceFileSystemId?: string;
  targetFileSystemId?: string;
  /** Bytes counted at the source (default SOURCE_BYTES, the estate's metered size). */
  sourceBytes?: number;
}

/**
 * What verify.sh (src/workflow/copy/rsync/scripts/verify.sh) bound to `binding` prints at its
 * end, in the code fence an admin pastes it into Slack with: CLEAN with no differences, else
 * DIFFERENT listing them.
 */
export function verifySummary(differences: string[], binding: SummaryBinding): string {
  const bytes = binding.sourceBytes ?? SOURCE_BYTES;
  const differ = differences.length > 0;
  return [
    '```',
    '== efs-encrypt verification summary ==',
    `migration: ${binding.migrationId}`,
    `source file system: ${binding.sourceFileSystemId ?? SOURCE}`,
    `target file system: ${binding.targetFileSystemId ?? TWIN}`,
    `nonce: ${binding.nonce}`,
    'source: /mnt/efs-src',
    'target: /mnt/efs-dst',
    `entries: source 1200, target ${1200 - differences.length}`,
    `bytes: source ${bytes}, target ${differ ? bytes - 2 : bytes}`,
    `manifests: source sha256 ${'a'.repeat(64)}, target sha256 ${(differ ? 'b' : 'a').repeat(64)}`,
    'compared: type mode owner size mtime symlink content hardlink xattrs acls',
    `differences: ${differences.length}`,
    ...(differ ? ['first differences:', ...differences.map((d) => `  ${d}`)] : []),
    `result: ${differ ? 'DIFFERENT' : 'CLEAN'}`,
    '== end of summary ==',
    '```',
  ].join('\n');
}

export { dyingAfter } from '../../harness/dying-handler.ts';
export { waitFor } from '../../harness/wait-for.ts';
