/**
 * Decommission against the local estate: the real SDK clients (EFS, KMS, DataSync, CloudWatch,
 * Backup) reach the estate through AWS_ENDPOINT_URL; the store is the embedded DynamoDB; consumer
 * discovery is a fake of the phase's port. Each guard refuses on its own; a crash after the mount
 * targets are deleted resumes on a new phase and runner and finishes; a double confirm deletes once;
 * the backup comes first and a failed one stops everything; the twin is never touched.
 */
import {
  CreateLocationEfsCommand,
  CreateTaskCommand,
  DataSyncClient,
  ListLocationsCommand,
  ListTasksCommand,
  StartTaskExecutionCommand,
} from '@aws-sdk/client-datasync';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { afterEach, describe, expect, it } from 'vitest';
import { backupClientsFrom } from '../../../src/aws/backup.ts';
import { activityReadersFrom } from '../../../src/aws/cloudwatch.ts';
import { decommissionClientsFrom } from '../../../src/aws/efs-deleter.ts';
import { TWIN_TAGS } from '../../../src/domain/build-plan.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { ConsumerReport } from '../../../src/domain/consumers.ts';
import { DECOMMISSION_JOB_KIND, DecommissionRefusedError } from '../../../src/domain/decommission.ts';
import { migrationId as migrationIdOf } from '../../../src/domain/inventory.ts';
import {
  createDecommissionPhase,
  type BackupSettings,
  type DecommissionPhase,
  type IDecommissionEfs,
} from '../../../src/workflow/decommission/index.ts';
import { RecordingIoHost } from '../../../src/workflow/io-host.ts';
import { dyingAfter } from '../../harness/dying-handler.ts';
import { waitFor } from '../../harness/wait-for.ts';
import { skipAheadRunner } from '../../harness/job-runners.ts';
import {
  FIXTURE_REGION,
  startLocalEstate,
  twoZoneVpc,
  type LocalEstate,
} from '../../harness/migration-fixture.ts';

const ACCOUNT = '777777777777';
const REGION = FIXTURE_REGION;
const KEY = '77777777-0000-4000-8000-000000000001';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`;
const SOURCE = 'fs-07070707070707071';
const TWIN = 'fs-07070707070707072';
const SUBNET_A = 'subnet-070707070707070a1';
const SUBNET_B = 'subnet-070707070707070b1';
const SG = 'sg-07070707070707071';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/backup`;
const CUT_OVER_AT = new Date('2026-06-01T09:00:00Z');

function estateDoc(o: { keyState?: string; sourceActivity?: boolean; replication?: boolean } = {}) {
  return {
    callerAccountId: ACCOUNT,
    accounts: [
      {
        accountId: ACCOUNT,
        regions: {
          [REGION]: {
            ...twoZoneVpc({
              vpcId: 'vpc-07070707070707070',
              subnetIds: [SUBNET_A, SUBNET_B],
              defaultGroupId: 'sg-07070707070707070',
              nfsGroupId: SG,
              cidrPrefix: '10.7',
            }),
            keys: [{ KeyId: KEY, ...(o.keyState ? { KeyState: o.keyState } : {}) }],
            backupVaults: [{ BackupVaultName: 'keep' }, { BackupVaultName: 'broken', failJobs: true }],
            fileSystems: [
              {
                FileSystemId: SOURCE,
                Name: 'ledger',
                MountTargets: [
                  { SubnetId: SUBNET_A, SecurityGroups: [SG] },
                  { SubnetId: SUBNET_B, SecurityGroups: [SG] },
                ],
                AccessPoints: [
                  { AccessPointId: 'fsap-07070707070707071', RootDirectory: { Path: '/ledger' } },
                ],
                ...(o.sourceActivity
                  ? {
                      Activity: {
                        ClientConnections: 2,
                        TotalIOBytes: 4096,
                        since: '2026-06-02T08:00:00Z',
                        until: '2026-06-02T08:30:00Z',
                      },
                    }
                  : {}),
                ...(o.replication
                  ? {
                      Replications: [
                        { Destinations: [{ FileSystemId: 'fs-07070707070707079', Region: REGION }] },
                      ],
                    }
                  : {}),
              },
              {
                FileSystemId: TWIN,
                Name: 'ledger-encrypted',
                Encrypted: true,
                KmsKeyId: KEY,
                Tags: [
                  { Key: TWIN_TAGS.sourceFileSystemId, Value: SOURCE },
                  { Key: TWIN_TAGS.migrationId, Value: `${ACCOUNT}:${REGION}:${SOURCE}` },
                ],
                MountTargets: [{ SubnetId: SUBNET_A, SecurityGroups: [SG] }],
                AccessPoints: [
                  { AccessPointId: 'fsap-07070707070707072', RootDirectory: { Path: '/ledger' } },
                ],
              },
            ],
          },
        },
      },
    ],
  };
}

const noConsumers = (id: string): ConsumerReport => ({
  migrationId: id,
  accountId: ACCOUNT,
  region: REGION,
  fileSystemId: SOURCE,
  discoveredAt: '2026-06-02T10:00:00Z',
  consumers: [],
  checklist: [],
  unreadable: [],
});

interface Setup {
  estate: LocalEstate;
  id: string;
  phase(backup?: BackupSettings, wrapEfs?: (efs: IDecommissionEfs) => IDecommissionEfs): DecommissionPhase;
  io: RecordingIoHost;
  discovered: ConsumerReport[];
  efs: EFSClient;
  close(): Promise<void>;
}

let setup: Setup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

async function start(o: Parameters<typeof estateDoc>[0] = {}): Promise<Setup> {
  const clock = new ManualClock(CUT_OVER_AT);
  const estate = await startLocalEstate({ estate: estateDoc(o), name: 'decommission', clock });
  const id = migrationIdOf(ACCOUNT, REGION, SOURCE);
  const m = estate.store.migrations;
  let rec = await m.createMigration({
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: SOURCE,
    state: 'cutover_pending',
    facts: { verificationClean: true, targetValidated: true, hasDecision: true },
    actor: 'test',
  });
  rec = await m.updateMigration(id, {
    expectedVersion: rec.version,
    resources: { targetFileSystemId: TWIN, targetKmsKeyArn: KEY_ARN, verification: 'clean: 0 differences' },
    actor: 'test',
  });
  await m.transitionMigration(id, {
    expectedVersion: rec.version,
    to: 'cut_over',
    facts: { consumersRemaining: 0 },
    actor: 'test',
  });
  clock.advance(25 * 3_600_000);
  const io = new RecordingIoHost();
  const discovered: ConsumerReport[] = [noConsumers(id)];
  const deleters = decommissionClientsFrom(estate.accounts);
  const cloudWatch = activityReadersFrom(estate.accounts);
  const backups = backupClientsFrom(estate.accounts);
  const efs = new EFSClient({});
  const s: Setup = {
    estate,
    id,
    io,
    discovered,
    efs,
    phase: (backup, wrapEfs = (e) => e) =>
      createDecommissionPhase({
        migrations: m,
        events: estate.store.events,
        jobs: estate.store.jobs,
        readersFor: async (a, r) => ({
          efs: wrapEfs(await deleters.efsFor(a, r)),
          dataSync: await deleters.dataSyncFor(a, r),
          activity: await cloudWatch.readerFor(a, r),
          consumers: { discover: async () => discovered.at(-1)! },
        }),
        backupFor: backups.clientFor,
        ...(backup ? { backup } : {}),
        clock,
        io,
        idleHours: 24,
        pollMs: 1_000,
      }),
    async close() {
      efs.destroy();
      deleters.destroy();
      cloudWatch.destroy();
      backups.destroy();
      await estate.close();
    },
  };
  return s;
}

/** The migration's DataSync locations and task, made in the estate and recorded as the copy records them. */
async function withDataSync(s: Setup): Promise<{ ds: DataSyncClient; taskArn: string; locations: string[] }> {
  const ds = new DataSyncClient({});
  const arnOf = (fs: string) => `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${fs}`;
  const ec2Config = {
    SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${SUBNET_A}`,
    SecurityGroupArns: [`arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${SG}`],
  };
  const src = await ds.send(
    new CreateLocationEfsCommand({
      EfsFilesystemArn: arnOf(SOURCE),
      Ec2Config: ec2Config,
      InTransitEncryption: 'TLS1_2',
    }),
  );
  const dst = await ds.send(
    new CreateLocationEfsCommand({
      EfsFilesystemArn: arnOf(TWIN),
      Ec2Config: ec2Config,
      InTransitEncryption: 'TLS1_2',
    }),
  );
  const task = await ds.send(
    new CreateTaskCommand({
      SourceLocationArn: src.LocationArn,
      DestinationLocationArn: dst.LocationArn,
      Name: 'copy',
    }),
  );
  const rec = (await s.estate.store.migrations.getMigration(s.id))!;
  await s.estate.store.migrations.updateMigration(s.id, {
    expectedVersion: rec.version,
    resources: {
      dataSyncTaskArn: task.TaskArn!,
      dataSyncSourceLocationArn: src.LocationArn!,
      dataSyncDestinationLocationArn: dst.LocationArn!,
    },
    actor: 'test',
  });
  return { ds, taskArn: task.TaskArn!, locations: [src.LocationArn!, dst.LocationArn!] };
}

const runner = (s: Setup, phase: DecommissionPhase, owner = 'r1') =>
  skipAheadRunner({
    jobs: s.estate.store.jobs,
    clock: s.estate.clock,
    kind: DECOMMISSION_JOB_KIND,
    handler: phase.handler,
    owner,
    leaseMs: 60_000,
  });

async function exists(s: Setup, id: string): Promise<boolean> {
  try {
    const out = await s.efs.send(new DescribeFileSystemsCommand({ FileSystemId: id }));
    return out.FileSystems?.[0]?.LifeCycleState !== 'deleted';
  } catch (e) {
    if ((e as { name?: string }).name === 'FileSystemNotFound') return false;
    throw e;
  }
}

describe('decommission guards', () => {
  it('pass on an idle, cut over source with a valid twin; the check changes nothing', async () => {
    setup = await start();
    const phase = setup.phase();
    const check = await phase.check(setup.id);
    expect(check.guards.filter((g) => !g.pass).map((g) => g.id)).toEqual(['confirmation']);
    expect(check.ready).toBe(true);
    expect(check.guards.find((g) => g.id === 'idle')!.figures.join(' ')).toMatch(
      /ClientConnections Sum peak 0/,
    );
    expect(await exists(setup, SOURCE)).toBe(true);
  });

  const refusals: [string, Parameters<typeof estateDoc>[0], string, RegExp][] = [
    ['a connection seen', { sourceActivity: true }, 'idle', /last connection seen at 2026-06-02T08:29/],
    ['the key disabled', { keyState: 'Disabled' }, 'twin', /the key is Disabled/],
    ['the key pending deletion', { keyState: 'PendingDeletion' }, 'twin', /PendingDeletion/],
  ];
  for (const [what, doc, guard, figure] of refusals)
    it(`refuses with ${what}, and deletes nothing`, async () => {
      setup = await start(doc);
      const phase = setup.phase();
      const err = await phase.request(setup.id, 'U_ADMIN', SOURCE).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DecommissionRefusedError);
      const failed = (err as DecommissionRefusedError).guards.filter((g) => !g.pass);
      expect(failed.map((g) => g.id)).toEqual([guard]);
      expect(failed[0]!.figures.join(' ')).toMatch(figure);
      expect(await exists(setup, SOURCE)).toBe(true);
      expect(await setup.estate.store.jobs.listJobsForMigration(setup.id)).toEqual([]);
    });

  it('refuses while a consumer is found now, or discovery could not read a service', async () => {
    setup = await start();
    const phase = setup.phase();
    setup.discovered.push({
      ...noConsumers(setup.id),
      consumers: [
        {
          kind: 'lambda-function',
          id: 'arn:fn',
          name: 'ledger-writer',
          tags: {},
          references: [],
          functionArn: 'arn:fn',
          versions: ['$LATEST'],
          aliases: [],
        },
      ],
    });
    const e1 = (await phase
      .request(setup.id, 'U_ADMIN', SOURCE)
      .catch((e: unknown) => e)) as DecommissionRefusedError;
    expect(e1.guards.filter((g) => !g.pass).map((g) => g.id)).toEqual(['consumers']);
    setup.discovered.push({
      ...noConsumers(setup.id),
      unreadable: [
        { service: 'lambda', operation: 'ListFunctions', code: 'AccessDeniedException', message: 'no' },
      ],
    });
    const e2 = (await phase
      .request(setup.id, 'U_ADMIN', SOURCE)
      .catch((e: unknown) => e)) as DecommissionRefusedError;
    expect(e2.guards.filter((g) => !g.pass).map((g) => g.id)).toEqual(['consumers']);
    expect(await exists(setup, SOURCE)).toBe(true);
  });

  it('refuses a wrong typed ID', async () => {
    setup = await start();
    const e = (await setup
      .phase()
      .request(setup.id, 'U_ADMIN', TWIN)
      .catch((x: unknown) => x)) as DecommissionRefusedError;
    expect(e.guards.filter((g) => !g.pass).map((g) => g.id)).toEqual(['confirmation']);
  });

  it('refuses while a DataSync execution of the migration runs', async () => {
    setup = await start();
    const { ds, taskArn } = await withDataSync(setup);
    const exec = await ds.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
    const e = (await setup
      .phase()
      .request(setup.id, 'U_ADMIN', SOURCE)
      .catch((x: unknown) => x)) as DecommissionRefusedError;
    expect(e.guards.filter((g) => !g.pass).map((g) => g.id)).toEqual(['copy']);
    expect(e.userMessage).toContain(`DataSync execution ${exec.TaskExecutionArn} is still running`);
    ds.destroy();
  });

  it('refuses while the source is in a replication configuration', async () => {
    setup = await start({ replication: true });
    const e = (await setup
      .phase()
      .request(setup.id, 'U_ADMIN', SOURCE)
      .catch((x: unknown) => x)) as DecommissionRefusedError;
    expect(e.guards.filter((g) => !g.pass).map((g) => g.id)).toEqual(['copy']);
    expect(e.userMessage).toMatch(/replication configuration/);
  });
});

describe('decommission job', () => {
  it('backs up first, deletes access points, mount targets and the file system, logs each, and never touches the twin', async () => {
    setup = await start();
    const { ds, taskArn, locations } = await withDataSync(setup);
    const phase = setup.phase({ vaultName: 'keep', roleArn: ROLE, retentionDays: 35 });
    const calls = await phase.plan(setup.id);
    expect(calls.map((c) => c.operation)).toEqual([
      'StartBackupJob',
      'DeleteAccessPoint',
      'DeleteMountTarget',
      'DeleteMountTarget',
      'DeleteFileSystem',
      'DeleteTask',
      'DeleteLocation',
      'DeleteLocation',
    ]);
    const q = await phase.request(setup.id, 'U_ADMIN', SOURCE);
    const again = await phase.request(setup.id, 'U_ADMIN', SOURCE);
    expect(again).toEqual({ ...q, created: false });
    const report = await runner(setup, phase).tick();
    expect(report.succeeded).toEqual([q.jobId]);
    expect(await exists(setup, SOURCE)).toBe(false);
    expect(await exists(setup, TWIN)).toBe(true);
    const [entry] = await phase.log(SOURCE);
    expect(entry!.state).toBe('decommissioned');
    expect(entry!.recoveryPointArn).toMatch(/^arn:aws:backup:/);
    expect(entry!.confirmedBy).toBe('U_ADMIN');
    expect(entry!.steps.map((x) => x.operation)).toEqual([
      'DeleteAccessPoint',
      'DeleteMountTarget',
      'DeleteMountTarget',
      'DeleteFileSystem',
      'DeleteTask',
      'DeleteLocation',
      'DeleteLocation',
    ]);
    expect(entry!.steps.map((x) => x.resourceId).slice(-3)).toEqual([taskArn, ...locations]);
    expect(entry!.steps.every((x) => x.awsRequestId)).toBe(true);
    expect((await ds.send(new ListTasksCommand({}))).Tasks).toEqual([]);
    expect((await ds.send(new ListLocationsCommand({}))).Locations).toEqual([]);
    ds.destroy();
    const codes = setup.io.messages.map((m) => m.code);
    expect(codes.indexOf('decommission.backup')).toBeLessThan(codes.indexOf('decommission.deleted'));
    // A third confirm after it finished queues nothing and deletes nothing.
    expect((await phase.request(setup.id, 'U_ADMIN', SOURCE)).created).toBe(false);
    await runner(setup, phase, 'r2').tick();
    expect((await setup.estate.store.jobs.listJobsForMigration(setup.id)).length).toBe(1);
    const sent = setup.estate.server.stats().byOperation;
    expect([
      sent['efs:DeleteAccessPoint'],
      sent['efs:DeleteMountTarget'],
      sent['efs:DeleteFileSystem'],
    ]).toEqual([1, 2, 1]);
    expect(sent['backup:StartBackupJob']).toBe(1);
  });

  it('stops before any deletion when the backup fails; the migration stays decommission_pending', async () => {
    setup = await start();
    const phase = setup.phase({ vaultName: 'broken', roleArn: ROLE, retentionDays: 35 });
    const q = await phase.request(setup.id, 'U_ADMIN', SOURCE);
    const report = await runner(setup, phase).tick();
    expect(report.failed).toEqual([q.jobId]);
    const job = await setup.estate.store.jobs.getJob(q.jobId);
    expect(job!.lastError).toMatchObject({ code: 'BackupFailed', step: 'backup' });
    expect((await setup.estate.store.migrations.getMigration(setup.id))!.state).toBe('decommission_pending');
    expect(await exists(setup, SOURCE)).toBe(true);
    expect(setup.io.messages.some((m) => m.code === 'decommission.deleted')).toBe(false);
  });

  it('resumes after a crash once the mount targets are deleted, on a new phase and runner, and finishes', async () => {
    setup = await start();
    const first = setup.phase();
    const q = await first.request(setup.id, 'U_ADMIN', SOURCE);
    // The first runner "dies" right after the wait-mount-targets checkpoint.
    const dying = createDyingRunner(setup, first, 'wait-mount-targets');
    void dying.tick().catch(() => undefined);
    await waitFor(
      async () => (await setup!.estate.store.jobs.getJob(q.jobId))?.step === 'wait-mount-targets',
    );
    const mid = await setup.estate.store.migrations.getMigration(setup.id);
    expect(
      Object.keys(mid!.resources).filter((k) => k.startsWith('decommissionDelete:DeleteMountTarget')),
    ).toHaveLength(2);
    expect(await exists(setup, SOURCE)).toBe(true);
    setup.estate.clock.advance(120_000); // the dead runner's lease expires
    const second = setup.phase();
    const report = await runner(setup, second, 'r2').tick();
    expect(report.succeeded).toEqual([q.jobId]);
    expect(await exists(setup, SOURCE)).toBe(false);
    const [entry] = await second.log(SOURCE);
    expect(entry!.steps.filter((x) => x.operation === 'DeleteMountTarget')).toHaveLength(2);
    expect(entry!.steps.filter((x) => x.operation === 'DeleteAccessPoint')).toHaveLength(1);
    // Each deletion was sent once across both lives of the job.
    const sent = setup.estate.server.stats().byOperation;
    expect([
      sent['efs:DeleteAccessPoint'],
      sent['efs:DeleteMountTarget'],
      sent['efs:DeleteFileSystem'],
    ]).toEqual([1, 2, 1]);
  });

  it('shows FileSystemInUse with its request ID, stays decommission_pending, and Retry finishes', async () => {
    setup = await start();
    // A read that misses the mount targets: DeleteFileSystem then meets AWS's own refusal.
    const blind = setup.phase(undefined, (efs) => ({
      ...bound(efs),
      describeMountTargets: async () => [],
    }));
    const q = await blind.request(setup.id, 'U_ADMIN', SOURCE);
    expect((await runner(setup, blind).tick()).failed).toEqual([q.jobId]);
    const job = await setup.estate.store.jobs.getJob(q.jobId);
    expect(job!.lastError).toMatchObject({ code: 'FileSystemInUse', step: 'file-system' });
    expect(job!.lastError!.awsRequestId).toBeTruthy();
    expect((await setup.estate.store.migrations.getMigration(setup.id))!.state).toBe('decommission_pending');
    expect(await exists(setup, SOURCE)).toBe(true);
    const phase = setup.phase();
    const retried = await phase.retry(setup.id, 'U_ADMIN');
    expect(retried.created).toBe(true);
    expect((await runner(setup, phase, 'r2').tick()).succeeded).toEqual([retried.jobId]);
    expect(await exists(setup, SOURCE)).toBe(false);
    const [entry] = await phase.log(SOURCE);
    // The access point deleted by the first job is not deleted again.
    expect(entry!.steps.filter((x) => x.operation === 'DeleteAccessPoint')).toHaveLength(1);
  });

  it('refuses at the start of the job when a guard fails after the confirmation', async () => {
    setup = await start();
    const phase = setup.phase();
    const q = await phase.request(setup.id, 'U_ADMIN', SOURCE);
    setup.discovered.push({
      ...noConsumers(setup.id),
      consumers: [
        {
          kind: 'launch-template',
          id: 'lt-1',
          name: 'ledger-hosts',
          tags: {},
          references: [],
          launchTemplateId: 'lt-1',
          defaultVersion: 1,
          latestVersion: 1,
          versionsReferencing: [1],
          autoScalingGroups: [],
        },
      ],
    });
    const report = await runner(setup, phase).tick();
    expect(report.failed).toEqual([q.jobId]);
    expect((await setup.estate.store.jobs.getJob(q.jobId))!.lastError).toMatchObject({
      code: 'DecommissionRefused',
    });
    expect(await exists(setup, SOURCE)).toBe(true);
  });
});

/** The adapter's methods as plain functions, so a test can replace one. */
function bound(efs: IDecommissionEfs): IDecommissionEfs {
  return {
    describeFileSystem: (id) => efs.describeFileSystem(id),
    describeMountTargets: (id) => efs.describeMountTargets(id),
    describeAccessPoints: (id) => efs.describeAccessPoints(id),
    describeReplication: (id) => efs.describeReplication(id),
    describeKey: (id) => efs.describeKey(id),
    deleteAccessPoint: (id) => efs.deleteAccessPoint(id),
    deleteMountTarget: (id) => efs.deleteMountTarget(id),
    deleteFileSystem: (id) => efs.deleteFileSystem(id),
  };
}

/** A runner whose process dies (its checkpoint never returns) right after `step`. */
function createDyingRunner(s: Setup, phase: DecommissionPhase, step: string) {
  return skipAheadRunner({
    jobs: s.estate.store.jobs,
    clock: s.estate.clock,
    kind: DECOMMISSION_JOB_KIND,
    owner: 'dies',
    leaseMs: 60_000,
    handler: dyingAfter(phase.handler, step),
  });
}
