import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetAliasCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ApprovalMismatchError } from '../../../src/domain/cutover-approval.ts';
import { LeaseLostError } from '../../../src/domain/job.ts';
import {
  ADMIN,
  CARD_BATCH_FS,
  JENKINS_AP,
  JENKINS_FS,
  MERCHANT_FS,
  PAYMENTS,
  PLATFORM,
  REGION,
  THUMBNAILER_AP,
  consumers,
  startCutoverWorld,
  type CutoverWorld,
  thumbnailerMigration,
} from './cutover-fixture.ts';

let world: CutoverWorld;
beforeEach(async () => {
  world = await startCutoverWorld();
});
afterEach(() => world.close());

async function ecsIn(account: string) {
  const sdk = await world.accounts.sdkClientsFor(account, REGION);
  return new ECSClient({ ...sdk.clientConfig });
}

async function jenkinsMigration() {
  return world.verifiedMigration({
    accountId: PLATFORM,
    fileSystemId: JENKINS_FS,
    accessPoints: [JENKINS_AP],
    tags: { app: 'jenkins', owner: 'platform-team' },
    consumers: [consumers.jenkins],
  });
}

/** Reviews, approves as the owner, applies; returns the queued job. */
/** After a rollback: `live` back on version 2, and $LATEST mounting the source's access point again. */
async function expectThumbnailerRestored(lambda: LambdaClient) {
  const alias = await lambda.send(
    new GetAliasCommand({ FunctionName: 'merchant-thumbnailer', Name: 'live' }),
  );
  expect(alias.FunctionVersion).toBe('2');
  const latest = await lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: 'merchant-thumbnailer' }),
  );
  expect(latest.FileSystemConfigs![0]!.Arn).toContain(THUMBNAILER_AP);
}

async function approvedApply(migrationId: string, app: string, approver: string) {
  const phase = world.phase();
  const review = await phase.review(migrationId, { actor: ADMIN });
  const plan = review.plans.find((p) => p.app === app)!;
  await phase.approve(migrationId, { actor: approver, app, planDigest: plan.digest });
  const queued = await phase.apply(migrationId, { actor: approver, app, planDigest: plan.digest });
  return { phase, plan, queued, review };
}

describe('ECS service (deployment controller ECS)', () => {
  test('moves to a new revision on the twin and waits for that deployment to complete; the migration is cut over', async () => {
    const id = await jenkinsMigration();
    const { phase, queued, review } = await approvedApply(id, 'jenkins', 'U07JENKINS1');
    expect(review.owners[0]).toMatchObject({ app: 'jenkins', ownerUserId: 'U07JENKINS1' });
    expect((await world.store.migrations.getMigration(id))!.state).toBe('cutover_pending');
    const job = await world.run(queued.jobId, phase);
    expect(job?.status).toBe('succeeded');

    const ecs = await ecsIn(PLATFORM);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'platform', services: ['jenkins'] })))
      .services![0]!;
    const primary = svc.deployments!.find((d) => d.status === 'PRIMARY')!;
    expect(primary.taskDefinition).toMatch(/jenkins:4$/);
    expect(primary.rolloutState).toBe('COMPLETED');
    ecs.destroy();

    const change = (await world.store.cutovers.listChanges(id))[0]!;
    expect(change).toMatchObject({ status: 'verified', callsDone: 2 });
    expect(change.outputs['primary deployment of jenkins']).toBe(primary.id);
    expect(change.awsRequestIds.length).toBeGreaterThanOrEqual(2);
    const status = await phase.status(id);
    expect(status).toMatchObject({ state: 'cut_over', consumersRemaining: 0 });
    expect(status.applications[0]!.status).toBe('cut_over');
    const progress = world.io.messages.filter((m) => m.code === 'cutover.change').map((m) => m.message);
    expect(progress.some((m) => /IN_PROGRESS/.test(m))).toBe(true);
    const events = await world.store.events.listEvents(id);
    expect(
      events.some(
        (e) => e.kind === 'aws_call' && e.detail?.includes('UpdateService') && e.awsRequestIds?.length,
      ),
    ).toBe(true);
  });

  test('a circuit-breaker rollback is a failure, not "stable": the application is rolled back automatically', async () => {
    const id = await jenkinsMigration();
    world.server.control.ecs.failNextDeployment(PLATFORM, REGION, {
      cluster: 'platform',
      serviceName: 'jenkins',
    });
    const { phase, queued } = await approvedApply(id, 'jenkins', 'U07JENKINS1');
    const job = await world.run(queued.jobId, phase);
    expect(job?.status).toBe('failed');
    expect(job?.lastError?.code).toBe('CutoverRolledBack');
    const change = (await world.store.cutovers.listChanges(id))[0]!;
    expect(change.status).toBe('rolled_back');
    expect(world.io.messages.some((m) => m.code === 'cutover.auto_rollback')).toBe(true);
    const status = await phase.status(id);
    expect(status.applications[0]!.status).toBe('rolled_back');
    expect(status.state).toBe('rolled_back');
    const ecs = await ecsIn(PLATFORM);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'platform', services: ['jenkins'] })))
      .services![0]!;
    expect(svc.deployments!.find((d) => d.status === 'PRIMARY')!.taskDefinition).toMatch(/jenkins:3$/);
    ecs.destroy();
  });

  test('a restart during the watch resumes from the persisted call on a new runner and phase', async () => {
    const id = await jenkinsMigration();
    const { queued } = await approvedApply(id, 'jenkins', 'U07JENKINS1');
    // The first runner "dies" at its first wait of the watch, once UpdateService is recorded: it
    // stops as a lost lease stops it, leaving the job running under its lease.
    const dying = world.phase();
    const handler = dying.handler;
    const crashing = {
      ...dying,
      handler: (ctx: Parameters<typeof handler>[0]) =>
        handler({
          get job() {
            return ctx.job;
          },
          owner: ctx.owner,
          checkpoint: (s, o) => ctx.checkpoint(s, o),
          heartbeat: () => ctx.heartbeat(),
          sleep: () => Promise.reject(new LeaseLostError(ctx.job.jobId, ctx.owner)),
        }),
    };
    const first = await world.run(queued.jobId, crashing, 'runner-1');
    expect(first?.status).toBe('running');
    const before = (await world.store.cutovers.listChanges(id))[0]!;
    expect(before).toMatchObject({ status: 'applied', callsDone: 2 });
    world.clock.advance(61_000); // the dead runner's lease expires
    const resumed = await world.run(queued.jobId, world.phase(), 'runner-2');
    expect(resumed?.status).toBe('succeeded');
    const after = (await world.store.cutovers.listChanges(id))[0]!;
    expect(after.status).toBe('verified');
    // No second revision, no second deployment: the resumed job watched the recorded one.
    expect(after.outputs['primary deployment of jenkins']).toBe(
      before.outputs['primary deployment of jenkins'],
    );
    const ecs = await ecsIn(PLATFORM);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'platform', services: ['jenkins'] })))
      .services![0]!;
    expect(svc.deployments!.find((d) => d.status === 'PRIMARY')!.taskDefinition).toMatch(/jenkins:4$/);
    ecs.destroy();
  });

  test('manual rollback restores the previous task definition', async () => {
    const id = await jenkinsMigration();
    const { phase, queued } = await approvedApply(id, 'jenkins', 'U07JENKINS1');
    await world.run(queued.jobId, phase);
    await expect(phase.rollback(id, { actor: 'U0SOMEONE1', app: 'jenkins' })).rejects.toThrow(
      /owner of jenkins or an admin/,
    );
    const rb = await phase.rollback(id, {
      actor: 'U07JENKINS1',
      app: 'jenkins',
      reason: 'smoke test failed',
    });
    expect(rb).toMatchObject({ kind: 'rollback', created: true });
    expect((await world.run(rb.jobId, phase))?.status).toBe('succeeded');
    const ecs = await ecsIn(PLATFORM);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'platform', services: ['jenkins'] })))
      .services![0]!;
    expect(svc.deployments!.find((d) => d.status === 'PRIMARY')!.taskDefinition).toMatch(/jenkins:3$/);
    ecs.destroy();
    const status = await phase.status(id);
    expect(status).toMatchObject({ state: 'rolled_back' });
    expect(status.applications[0]!.status).toBe('rolled_back');
  });
});

describe('approval and queueing', () => {
  test('an approval of an older plan digest is refused; a double apply queues once', async () => {
    const id = await jenkinsMigration();
    const phase = world.phase();
    const first = (await phase.review(id, { actor: ADMIN })).plans[0]!;
    await phase.approve(id, { actor: 'U07JENKINS1', app: 'jenkins', planDigest: first.digest });
    const second = (await phase.review(id, { actor: ADMIN })).plans[0]!;
    expect(second.digest).not.toBe(first.digest);
    await expect(
      phase.apply(id, { actor: 'U07JENKINS1', app: 'jenkins', planDigest: first.digest }),
    ).rejects.toBeInstanceOf(ApprovalMismatchError);
    await expect(
      phase.approve(id, { actor: 'U0SOMEONE1', app: 'jenkins', planDigest: second.digest }),
    ).rejects.toThrow(/Only the owner of jenkins/);
    await phase.approve(id, { actor: 'U07JENKINS1', app: 'jenkins', planDigest: second.digest });
    const [a, b] = await Promise.all([
      phase.apply(id, { actor: 'U07JENKINS1', app: 'jenkins', planDigest: second.digest }),
      phase.apply(id, { actor: 'U07JENKINS1', app: 'jenkins', planDigest: second.digest }),
    ]);
    expect(a.jobId).toBe(b.jobId);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(await world.store.jobs.listJobsForMigration(id, 'cutover')).toHaveLength(1);
  });
});

describe('payments: CODE_DEPLOY, an alias-backed function, waivers', () => {
  test('CODE_DEPLOY gets the revision and instructions, no UpdateService; the migration waits for a waiver', async () => {
    const id = await world.verifiedMigration({
      accountId: PAYMENTS,
      fileSystemId: MERCHANT_FS,
      accessPoints: [],
      tags: { app: 'merchant-portal' },
      consumers: [consumers.merchantPortal],
    });
    const { phase, queued, plan } = await approvedApply(id, 'merchant-portal', 'U07MERCHANT');
    expect(plan.changes[0]!.calls.map((c) => c.operation)).toEqual(['RegisterTaskDefinition']);
    expect((await world.run(queued.jobId, phase))?.status).toBe('succeeded');
    const change = (await world.store.cutovers.listChanges(id))[0]!;
    expect(change.status).toBe('applied');
    const events = await world.store.events.listEvents(id);
    expect(events.some((e) => e.kind === 'aws_call' && e.data?.operation === 'UpdateService')).toBe(false);
    expect(events.some((e) => e.kind === 'aws_call' && e.data?.operation === 'RegisterTaskDefinition')).toBe(
      true,
    );
    let status = await phase.status(id);
    expect(status).toMatchObject({ state: 'cutover_pending', consumersRemaining: 1 });
    await expect(
      phase.waive(id, { actor: 'U07MERCHANT', consumerId: change.consumerId, reason: 'x' }),
    ).rejects.toThrow(/Only an admin/);
    await phase.waive(id, {
      actor: ADMIN,
      consumerId: change.consumerId,
      reason: 'CodeDeploy deployment d-123 ran by the owner',
    });
    status = await phase.status(id);
    expect(status).toMatchObject({ state: 'cut_over', consumersRemaining: 0 });
  });

  test('the alias-backed function: update, wait Successful, publish, move the alias; rollback restores the alias version', async () => {
    const id = await thumbnailerMigration(world);
    const sdk = await world.accounts.sdkClientsFor(PAYMENTS, REGION);
    const lambda = new LambdaClient({ ...sdk.clientConfig });
    // Version 2 (behind `live`) equals $LATEST but for the mount, so the plan may publish over the alias.
    world.clock.advance(60_000);
    const review = await world.phase().review(id, { actor: ADMIN });
    const ops = review.plans[0]!.changes[0]!.calls.map((c) => c.operation);
    expect(ops).toEqual([
      'UpdateFunctionConfiguration',
      'GetFunctionConfiguration',
      'PublishVersion',
      'UpdateAlias',
    ]);
    const { phase, queued } = await approvedApply(id, 'merchant-portal', 'U07MERCHANT');
    const job = await world.run(queued.jobId, phase);
    expect(job?.status, JSON.stringify(job?.lastError)).toBe('succeeded');
    const alias = await lambda.send(
      new GetAliasCommand({ FunctionName: 'merchant-thumbnailer', Name: 'live' }),
    );
    expect(alias.FunctionVersion).not.toBe('2');
    const live = await lambda.send(
      new GetFunctionConfigurationCommand({
        FunctionName: 'merchant-thumbnailer',
        Qualifier: alias.FunctionVersion!,
      }),
    );
    expect(live.FileSystemConfigs![0]!.Arn).not.toContain(THUMBNAILER_AP);
    expect((await world.store.cutovers.listChanges(id))[0]!.status).toBe('verified');

    const rb = await phase.rollback(id, { actor: ADMIN, app: 'merchant-portal' });
    expect((await world.run(rb.jobId, phase))?.status).toBe('succeeded');
    await expectThumbnailerRestored(lambda);
    lambda.destroy();
  });

  test('a rollback whose call AWS made but whose answer was lost resumes without sending it again', async () => {
    const id = await thumbnailerMigration(world);
    world.clock.advance(60_000);
    const { phase, queued } = await approvedApply(id, 'merchant-portal', ADMIN);
    expect((await world.run(queued.jobId, phase))?.status).toBe('succeeded');

    // The rollback's UpdateFunctionConfiguration reaches Lambda and is made, then the runner dies
    // before it hears back (as a SIGKILL would leave it: the job running under its lease).
    const lambdaFor = world.clients.lambdaFor;
    const sent: string[] = [];
    let dieAfterUpdate = true;
    world.clients.lambdaFor = async (account, region) => {
      const client = await lambdaFor(account, region);
      return Object.assign(Object.create(client) as typeof client, {
        async updateFunctionConfiguration(...args: Parameters<typeof client.updateFunctionConfiguration>) {
          const out = await client.updateFunctionConfiguration(...args);
          sent.push(String(args[0].FunctionName).split(':').at(-1) ?? '');
          if (dieAfterUpdate) throw new LeaseLostError('rollback', 'runner-1');
          return out;
        },
      });
    };
    try {
      const rb = await phase.rollback(id, { actor: ADMIN, app: 'merchant-portal' });
      expect((await world.run(rb.jobId, phase, 'runner-1'))?.status).toBe('running');
      expect(sent).toEqual(['merchant-thumbnailer']);
      dieAfterUpdate = false;
      world.clock.advance(61_000); // the dead runner's lease expires
      const resumed = await world.run(rb.jobId, world.phase(), 'runner-2');
      expect(resumed?.status, JSON.stringify(resumed?.lastError)).toBe('succeeded');
    } finally {
      world.clients.lambdaFor = lambdaFor;
    }
    // Found made, not sent again: a second send would carry a RevisionId Lambda has moved past.
    expect(sent).toEqual(['merchant-thumbnailer']);
    const change = (await world.store.cutovers.listChanges(id))[0]!;
    expect(change.status).toBe('rolled_back');
    expect(Object.values(change.outputs).join('\n')).toContain('the update was made before the restart');
    const sdk = await world.accounts.sdkClientsFor(PAYMENTS, REGION);
    const lambda = new LambdaClient({ ...sdk.clientConfig });
    await expectThumbnailerRestored(lambda);
    lambda.destroy();
  });

  test('cut_over only when every consumer is verified or waived (two consumers, one applied)', async () => {
    const id = await world.verifiedMigration({
      accountId: PAYMENTS,
      fileSystemId: CARD_BATCH_FS,
      accessPoints: [],
      tags: { app: 'card-batch' },
      consumers: [
        consumers.cardBatch,
        { ...consumers.jenkins, id: 'arn:other', name: 'other', tags: { app: 'other' } },
      ],
    });
    world.reports.get(id)!.consumers.pop();
    const { phase, queued } = await approvedApply(id, 'card-batch', ADMIN);
    world.reports
      .get(id)!
      .consumers.push({ ...consumers.cardBatch, id: 'arn:not-planned', name: 'not planned' });
    expect((await world.run(queued.jobId, phase))?.status).toBe('succeeded');
    let status = await phase.status(id);
    expect(status).toMatchObject({ state: 'cutover_pending', consumersRemaining: 1 });
    await phase.waive(id, { actor: ADMIN, consumerId: 'arn:not-planned', reason: 'retired' });
    status = await phase.status(id);
    expect(status).toMatchObject({ state: 'cut_over', consumersRemaining: 0 });
  });
});
