import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import type { EstateServer } from '../../../src/estate/index.ts';
import type { Store } from '../../../src/store/index.ts';
import { RecordingIoHost } from '../../../src/workflow/io-host.ts';
import type { BuildPhase } from '../../../src/workflow/provision/index.ts';
import type { JobHandler, JobRunner } from '../../../src/workflow/jobs/index.ts';
import { dyingAfter } from '../../harness/dying-handler.ts';
import { skipAheadRunner } from '../../harness/job-runners.ts';
import { waitFor } from '../../harness/wait-for.ts';
import {
  ACCOUNT,
  APP,
  AP_WEB,
  KEY,
  KEY_ARN,
  LEASE_MS,
  LOGS,
  REGION,
  buildEstate,
  buildPhaseOver,
  startBuildWorld,
  type BuildWorld,
} from './build-fixture.ts';

/**
 * The build against the local estate: real SDK clients through AWS_ENDPOINT_URL, the scan and
 * decide phases as they run in production, the embedded store, and the estate's lifecycle states
 * advancing on the same ManualClock the runner's waits move.
 */

const AP_1 = AP_WEB;
const AP_2 = 'fsap-06060606060606062';
const arn = (kind: string, id: string) => `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:${kind}/${id}`;

/** The fixture's app file system with a provisioned throughput, two access points and a file system policy naming one. */
const ESTATE = buildEstate({
  ThroughputMode: 'provisioned',
  ProvisionedThroughputInMibps: 64,
  AccessPoints: [
    {
      AccessPointId: AP_1,
      Name: 'web',
      Tags: [{ Key: 'team', Value: 'web' }],
      PosixUser: { Uid: 1001, Gid: 1001 },
      RootDirectory: {
        Path: '/web',
        CreationInfo: { OwnerUid: 1001, OwnerGid: 1001, Permissions: '750' },
      },
    },
    { AccessPointId: AP_2, Name: 'jobs', RootDirectory: { Path: '/jobs' } },
  ],
  Policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/web` },
        Action: ['elasticfilesystem:ClientMount'],
        Resource: arn('file-system', APP),
        Condition: {
          StringEquals: { 'elasticfilesystem:AccessPointArn': arn('access-point', AP_1) },
        },
      },
    ],
  }),
});

describe('build against the local estate', () => {
  let clock: ManualClock;
  let world: BuildWorld;
  let server: EstateServer;
  let store: Store;
  let io: RecordingIoHost;
  let phase: BuildPhase;
  const runners: JobRunner[] = [];

  beforeAll(() => {
    clock = new ManualClock(new Date('2026-05-01T09:00:00Z'));
  });

  beforeEach(async () => {
    world = await startBuildWorld({ estate: ESTATE, name: 'build-integration', clock });
    ({ server, store } = world);
    io = new RecordingIoHost();
    phase = buildPhaseOver(world, io);
  });

  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await world.close();
  });

  const runner = (owner: string, handler: JobHandler = phase.handler) => {
    const r = skipAheadRunner({ jobs: store.jobs, clock, kind: 'build', handler, owner, leaseMs: LEASE_MS });
    runners.push(r);
    return r;
  };

  const twinsOf = (sourceId: string) => world.twinsOf(sourceId);

  it('builds one twin that reports Encrypted=true with the intended key ARN, with the old → new access point mapping', async () => {
    const id = migrationId(ACCOUNT, REGION, APP);
    const [queued] = await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner('r1').tick()).succeeded).toEqual([queued!.jobId]);

    const status = await phase.status(id);
    expect(status.state).toBe('target_ready');
    const twinId = status.mapping.targetFileSystemId!;
    const twin = server.control.fileSystem({ accountId: ACCOUNT, region: REGION, fileSystemId: twinId });
    expect(twin).toMatchObject({
      Encrypted: true,
      KmsKeyId: KEY_ARN,
      LifeCycleState: 'available',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 64,
    });
    expect(status.mapping.targetKmsKeyArn).toBe(KEY_ARN);
    expect(twin?.Tags?.map((t) => t.Key)).not.toContain('aws:cloudformation:stack-name');
    expect(twin?.Tags).toContainEqual({ Key: 'Name', Value: 'app-encrypted' });

    expect(Object.keys(status.mapping.accessPoints).sort()).toEqual([AP_1, AP_2]);
    const newAp1 = status.mapping.accessPoints[AP_1]!;
    expect(newAp1).toMatch(/^fsap-/);
    expect(newAp1).not.toBe(AP_1);
    expect(Object.keys(status.mapping.mountTargets).sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    // The policy names the twin and its access point, not the source's.
    expect(twin?.Policy).toContain(arn('file-system', twinId));
    expect(twin?.Policy).toContain(arn('access-point', newAp1));
    expect(twin?.Policy).not.toContain(APP);
    expect(twin?.Policy).not.toContain(AP_1);
    expect(io.messages.at(-1)).toMatchObject({ code: 'build.succeeded', data: { migrationId: id } });
  });

  it('builds all decided file systems', async () => {
    const ids = [APP, LOGS].map((f) => migrationId(ACCOUNT, REGION, f));
    const queued = await phase.requestBuild(ids, 'U0ADMIN');
    expect(queued.every((q) => q.created)).toBe(true);
    expect((await runner('r1').tick()).succeeded.sort()).toEqual(queued.map((q) => q.jobId).sort());
    for (const id of ids) expect((await phase.status(id)).state).toBe('target_ready');
    expect(await twinsOf(LOGS)).toHaveLength(1);
  });

  it('resumes at mount targets after a crash right after the file system was recorded, making no second file system', async () => {
    const id = migrationId(ACCOUNT, REGION, APP);
    const [queued] = await phase.requestBuild([id], 'U0ADMIN');
    // The first replica dies right after it recorded the twin's ID: its checkpoints never return.
    const dying = dyingAfter(phase.handler, 'create-file-system');
    // Not stopped after the test: its pass never ends, as a dead process's would not.
    void skipAheadRunner({
      jobs: store.jobs,
      clock,
      kind: 'build',
      handler: dying,
      owner: 'dying',
      leaseMs: LEASE_MS,
    }).tick();
    await waitFor(async () => (await store.jobs.getJob(queued!.jobId))?.step === 'create-file-system');
    const recordedTwin = (await phase.status(id)).mapping.targetFileSystemId;
    expect(recordedTwin).toBeDefined();

    // Another replica starts: the lease is still live, so it leaves the job alone…
    const survivor = runner('survivor');
    expect((await survivor.resume()).ran).toEqual([]);
    // …until it expires; then it resumes at mount targets.
    clock.advance(61_000);
    expect((await survivor.tick()).succeeded).toEqual([queued!.jobId]);
    const status = await phase.status(id);
    expect(status.state).toBe('target_ready');
    expect(status.mapping.targetFileSystemId).toBe(recordedTwin);
    expect(await twinsOf(APP)).toHaveLength(1);
    expect((await store.jobs.getJob(queued!.jobId))?.attempts).toBe(2);
    // The survivor skipped the recorded file system and went on from there.
    const steps = io.messages
      .filter((m) => m.code === 'build.step.done')
      .map((m) => (m.data as { step: string }).step);
    expect(steps).not.toContain('create-file-system');
    expect(steps.slice(0, 2)).toEqual(['wait-file-system', 'lifecycle-configuration']);
  });

  it('a failed mount target moves the migration to failed with the AWS error; Retry resumes there', async () => {
    const id = migrationId(ACCOUNT, REGION, APP);
    server.control.failNext('CreateMountTarget', {
      code: 'InternalServerError',
      message: 'mount target service unavailable',
    });
    await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner('r1').tick()).failed).toHaveLength(1);
    const failed = await phase.status(id);
    expect(failed).toMatchObject({
      state: 'failed',
      canRetry: true,
      lastError: { code: 'InternalServerError' },
    });
    expect(failed.job?.lastError?.step).toBe('mount-targets');
    expect(failed.job?.lastError?.awsRequestId).toBeTruthy();

    await phase.retry(id, 'U0ADMIN');
    expect((await runner('r2').tick()).succeeded).toHaveLength(1);
    expect((await phase.status(id)).state).toBe('target_ready');
    expect(await twinsOf(APP)).toHaveLength(1);
  });

  it('a double request is one job, and two racing runners make one twin', async () => {
    const id = migrationId(ACCOUNT, REGION, APP);
    const [a, b] = await Promise.all([
      phase.requestBuild([id], 'U0ADMIN'),
      phase.requestBuild([id], 'U0ADMIN'),
    ]);
    expect(a![0]!.jobId).toBe(b![0]!.jobId);
    const reports = await Promise.all([runner('r1').tick(), runner('r2').tick()]);
    expect(reports.flatMap((r) => r.succeeded)).toHaveLength(1);
    expect(await twinsOf(APP)).toHaveLength(1);
  });

  it('a key disabled between decision and build fails clearly, before anything is created', async () => {
    const id = migrationId(ACCOUNT, REGION, APP);
    server.control.setKeyState(ACCOUNT, REGION, KEY, 'Disabled');
    await phase.requestBuild([id], 'U0ADMIN');
    expect((await runner('r1').tick()).failed).toHaveLength(1);
    const status = await phase.status(id);
    expect(status.state).toBe('failed');
    expect(status.lastError?.message).toMatch(/disabled/i);
    expect(status.lastError?.message).toContain('Nothing was created');
    expect(status.mapping.targetFileSystemId).toBeUndefined();
    expect(await twinsOf(APP)).toHaveLength(0);
    // Enabled again, Retry builds it.
    server.control.setKeyState(ACCOUNT, REGION, KEY, 'Enabled');
    await phase.retry(id, 'U0ADMIN');
    expect((await runner('r2').tick()).succeeded).toHaveLength(1);
  });
});
