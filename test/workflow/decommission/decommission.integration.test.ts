/**
 * Decommission against the local estate (decommission-fixture.ts): each guard refuses on its own;
 * a crash after the mount targets are deleted resumes on a new phase and runner and finishes; a
 * double confirm deletes once; the backup comes first and a failed one stops everything; the twin
 * is never touched.
 */
import {
  DescribeTaskCommand,
  ListLocationsCommand,
  ListTasksCommand,
  StartTaskExecutionCommand,
} from '@aws-sdk/client-datasync';
import { afterEach, describe, expect, it } from 'vitest';
import { DecommissionRefusedError } from '../../../src/domain/decommission.ts';
import { waitFor } from '../../harness/wait-for.ts';
import { createStatusQuery, formatDetail } from '../../../src/workflow/status/index.ts';
import type { estateDoc } from './decommission-fixture.ts';
import {
  ROLE,
  SOURCE,
  TWIN,
  bound,
  createDyingRunner,
  exists,
  noConsumers,
  runner,
  start,
  withDataSync,
  type Setup,
} from './decommission-fixture.ts';

let setup: Setup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

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

  it('passes once that execution has finished, though the task still names it as its most recent', async () => {
    setup = await start();
    const { ds, taskArn } = await withDataSync(setup);
    const exec = await ds.send(new StartTaskExecutionCommand({ TaskArn: taskArn }));
    setup.clock.advance(3_600_000);
    const task = await ds.send(new DescribeTaskCommand({ TaskArn: taskArn }));
    expect(task).toMatchObject({ Status: 'AVAILABLE', CurrentTaskExecutionArn: exec.TaskExecutionArn });
    const check = await setup.phase().check(setup.id);
    expect(check.guards.filter((g) => !g.pass).map((g) => g.id)).toEqual(['confirmation']);
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
    const status = createStatusQuery({
      migrations: setup.estate.store.migrations,
      events: setup.estate.store.events,
      jobs: setup.estate.store.jobs,
      clock: setup.estate.clock,
    });
    const detail = formatDetail(await status.detail(SOURCE));
    expect(detail).toContain(`decommission: confirmed by U_ADMIN`);
    expect(detail).toMatch(/recovery point arn:aws:backup:/);
    expect(detail).toMatch(/DeleteFileSystem fs-07070707070707071 \[AWS request /);
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

  it('never deletes a source whose twin does not carry the link tags of this migration', async () => {
    setup = await start({ twinMigrationTag: '999999999999:eu-west-1:fs-09090909090909091' });
    const phase = setup.phase();
    const q = await phase.request(setup.id, 'U_ADMIN', SOURCE);
    expect((await runner(setup, phase).tick()).failed).toEqual([q.jobId]);
    const job = await setup.estate.store.jobs.getJob(q.jobId);
    expect(job!.lastError).toMatchObject({ code: 'NotOwnSource', step: 'guards' });
    expect(job!.lastError!.message).toContain('link tags');
    expect(await exists(setup, SOURCE)).toBe(true);
    expect(setup.estate.server.stats().byOperation['efs:DeleteAccessPoint']).toBeUndefined();
  });

  it('never decommissions a twin: a file system with no migration of its own is refused by ID', async () => {
    setup = await start();
    await expect(setup.phase().resolve(TWIN)).rejects.toThrow(/no migration for this file system/);
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
