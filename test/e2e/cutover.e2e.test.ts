import { DECOMMISSION_OPEN_ACTION_ID } from '#blocks/decommission.ts';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetAliasCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONSUMERS_FIND_ACTION_ID } from '#blocks/consumers.ts';
import {
  CUTOVER_REJECT_CALLBACK_ID,
  CUTOVER_WAIVE_CALLBACK_ID,
  REASON_ACTION_ID,
  REASON_BLOCK_ID,
} from '#blocks/cutover-modals.ts';
import { CUTOVER_WAIVE_ACTION_ID } from '#blocks/cutover-progress.ts';
import {
  CUTOVER_APPROVE_ACTION_ID,
  CUTOVER_REJECT_ACTION_ID,
  CUTOVER_REVIEW_ACTION_ID,
} from '#blocks/cutover-review.ts';
import type { RecordedCall } from '../harness/slack-recorder.ts';
import {
  ADMIN,
  CHANNEL,
  JENKINS_OWNER,
  LEASE_MS,
  MERCHANT_OWNER,
  PAYMENTS,
  PLATFORM,
  PLATFORM_TEAM,
  PLATFORM_TEAM_EMAIL,
  REGION,
  THREAD,
  frozenScheduler,
  openCutoverE2e,
  textOf,
  type CutoverE2e,
} from './cutover-world.ts';

/**
 * Cutover end to end (issue #14 §5): every case clicks through the real Bolt receiver and runs the
 * REAL cutover phase and job (src/cli/slack-services.ts: the job on the bot's one runner, owners
 * resolved through users.lookupByEmail) against the sample estate's workloads, on a ManualClock
 * whose waits are skipped ahead (an ECS deployment's 20 s cost no real time).
 */
let world: CutoverE2e;
beforeEach(async () => {
  world = await openCutoverE2e();
}, 30_000);
afterEach(() => world?.close());

const STRANGER = 'U0STRANGER';

async function sdk<T extends { destroy(): void }>(
  account: string,
  make: (config: object) => T,
  use: (client: T) => Promise<unknown>,
) {
  const clients = await world.runtime.accounts.sdkClientsFor(account, REGION);
  const client = make({ ...clients.clientConfig });
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** The jenkins service's PRIMARY deployment, the family's revisions, and what the PRIMARY mounts. */
async function jenkins() {
  const client = new ECSClient({
    ...(await world.runtime.accounts.sdkClientsFor(PLATFORM, REGION)).clientConfig,
  });
  try {
    const out = await client.send(
      new DescribeServicesCommand({ cluster: 'platform', services: ['jenkins'] }),
    );
    const service = out.services![0]!;
    const primary = service.deployments!.find((d) => d.status === 'PRIMARY')!;
    const listed = await client.send(new ListTaskDefinitionsCommand({ familyPrefix: 'jenkins' }));
    const td = await client.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: primary.taskDefinition }),
    );
    return {
      primary,
      revision: primary.taskDefinition!.split('/').pop(),
      revisions: listed.taskDefinitionArns!.map((a) => a.split('/').pop()),
      mounts: td.taskDefinition!.volumes!.map((v) => v.efsVolumeConfiguration?.fileSystemId),
    };
  } finally {
    client.destroy();
  }
}

const postsIn = (title: string) =>
  world.slack.recorder.callsTo('chat.postMessage').filter((c) => String(c.body.text).startsWith(title));

/** Review cutover by the admin on the copy's message; returns the review message of `app`. */
async function review(migrationId: string, app: string): Promise<RecordedCall> {
  await world.clickOnCopy(CUTOVER_REVIEW_ACTION_ID, migrationId, ADMIN);
  return world.slack.waitForCall(
    'chat.postMessage',
    (c) => String(c.body.text).includes(`: ${app} on`),
    10_000,
  );
}

/** The consumer's progress message reaching `status` (posted once, then edited in place). */
function progressReaches(name: string, app: string, status: string, timeoutMs = 20_000) {
  return world.slack.waitForCall(
    'chat.update',
    (c) => String(c.body.text) === `Cutover of ${name} (${app}): ${status}`,
    timeoutMs,
  );
}

/** The migration's one cutover job once it has ended. */
async function jobEnded(id: string) {
  for (let i = 0; i < 500; i++) {
    const [job] = await world.runtime.store.jobs.listJobsForMigration(id, 'cutover');
    if (job && (job.status === 'succeeded' || job.status === 'failed')) return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the cutover job of ${id} did not end`);
}

async function stateOf(id: string) {
  return (await world.runtime.store.migrations.getMigration(id))?.state;
}

async function waitForState(id: string, state: string): Promise<void> {
  for (let i = 0; i < 500 && (await stateOf(id)) !== state; i++) await new Promise((r) => setTimeout(r, 10));
  expect(await stateOf(id)).toBe(state);
}

/** A modal's reason submitted by `userId` (the view the bot opened last). */
async function submitReason(callbackId: string, reason: string, userId: string) {
  const opened = await world.slack.waitForCall(
    'views.open',
    (c) => (c.body.view as { callback_id: string }).callback_id === callbackId,
  );
  const view = opened.body.view as { private_metadata: string };
  return world.slack.viewSubmission(
    {
      view: {
        callback_id: callbackId,
        private_metadata: view.private_metadata,
        state: {
          values: { [REASON_BLOCK_ID]: { [REASON_ACTION_ID]: { type: 'plain_text_input', value: reason } } },
        },
      },
    },
    { userId },
  );
}

describe('Cutover end to end on the sample estate', () => {
  it('jenkins: Find consumers, Review, the owner approves; a new revision COMPLETES, progress edited in place; cut_over once the standalone revision is waived', async () => {
    const m = await world.verified('jenkins-home');
    await world.startBot();
    const slack = world.slack;

    await world.clickOnCopy(CONSUMERS_FIND_ACTION_ID, m.id, ADMIN);
    const report = await slack.waitForCall(
      'chat.postMessage',
      (c) => textOf(c).includes('ECS service'),
      10_000,
    );
    expect(report.body.thread_ts).toBe(THREAD);
    // The service, and the ACTIVE revision jenkins:2 no service runs (a scheduled task may).
    expect(textOf(report)).toContain('jenkins');
    expect(textOf(report)).toContain('jenkins:2');

    const plan = await review(m.id, 'jenkins');
    expect(plan.body.thread_ts).toBe(THREAD);
    expect(textOf(plan)).toContain(`<@${JENKINS_OWNER}>, please review`);
    expect(textOf(plan)).toContain(`${m.fileSystemId} → ${m.twinId}`);
    expect(textOf(plan)).toContain('ecs:UpdateService');

    await world.click(plan, CUTOVER_APPROVE_ACTION_ID, JENKINS_OWNER);
    const done = await progressReaches('jenkins', 'jenkins', 'verified');
    // One message for the service, edited in place while the deployment went on.
    const posted = postsIn('Cutover of jenkins (jenkins)');
    expect(posted).toHaveLength(1);
    expect(done.body.ts).toBe(posted[0]!.response.ts);
    expect(
      slack.recorder.callsTo('chat.update').filter((c) => c.body.ts === done.body.ts).length,
    ).toBeGreaterThan(1);
    expect(textOf(done)).toMatch(/COMPLETED, 1\/1 tasks on jenkins:\d/);

    const after = await jenkins();
    expect(after.primary.rolloutState).toBe('COMPLETED');
    expect(after.mounts).toEqual([m.twinId]);
    // jenkins:4 copies the standalone jenkins:2, then jenkins:5 the service's jenkins:3, which it runs.
    expect(after.revisions).toEqual(['jenkins:2', 'jenkins:3', 'jenkins:4', 'jenkins:5']);
    expect(after.revision).toBe('jenkins:5');

    // The standalone revision is registered, but its callers are the owner's to move: not yet cut over.
    const standalone = await progressReaches('jenkins:2', 'jenkins', 'applied');
    expect(textOf(standalone)).toContain('jenkins:4');
    await waitForState(m.id, 'cutover_pending');
    await world.click(standalone, CUTOVER_WAIVE_ACTION_ID, ADMIN);
    await submitReason(CUTOVER_WAIVE_CALLBACK_ID, 'no scheduled task runs jenkins:2', ADMIN);
    await slack.waitForCall('chat.postEphemeral', (c) => textOf(c).includes('Waived'));
    await waitForState(m.id, 'cut_over');
    // Cut over: the thread offers the next step, Decommission… (the guards are read when opened).
    const offer = await slack.waitForCall('chat.postMessage', (c) =>
      JSON.stringify(c.body.blocks ?? []).includes(DECOMMISSION_OPEN_ACTION_ID),
    );
    expect(textOf(offer)).toContain(`\`${m.fileSystemId}\` is cut over`);

    await slack.slashCommand(`status ${m.fileSystemId}`, {
      userId: ADMIN,
      channelId: CHANNEL,
      responseUrlId: 'st',
    });
    const status = await slack.waitForCall('response_url', (c) => c.responseUrlId === 'st');
    expect(textOf(status)).toContain('cut_over');
  }, 60_000);

  it('a non-owner, non-admin Approve is refused privately and logged in the audit log; nothing is queued', async () => {
    const m = await world.verified('jenkins-home');
    await world.startBot();
    const plan = await review(m.id, 'jenkins');
    await world.click(plan, CUTOVER_APPROVE_ACTION_ID, STRANGER);
    const refusal = await world.slack.waitForCall('response_url', (c) =>
      textOf(c).includes('Only the owner'),
    );
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(textOf(refusal)).toContain(`&lt;@${JENKINS_OWNER}&gt;`);
    const events = await world.runtime.store.events.listEvents(m.id);
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: 'refused',
        actor: STRANGER,
        detail: expect.stringContaining('approve of jenkins'),
      }),
    );
    expect(await world.runtime.store.jobs.listJobsForMigration(m.id, 'cutover')).toEqual([]);
    expect((await jenkins()).revision).toBe('jenkins:3');
    // Review moved it to cutover_pending; the refusal changed nothing.
    expect(await stateOf(m.id)).toBe('cutover_pending');
  }, 30_000);

  it('Reject with a reason is recorded and shown; nothing is applied', async () => {
    const m = await world.verified('jenkins-home');
    await world.startBot();
    const plan = await review(m.id, 'jenkins');
    await world.click(plan, CUTOVER_REJECT_ACTION_ID, JENKINS_OWNER);
    await submitReason(CUTOVER_REJECT_CALLBACK_ID, 'release freeze until Friday', JENKINS_OWNER);
    await world.slack.waitForCall('chat.postEphemeral', (c) => textOf(c).includes('Rejected the cutover'));
    const shown = await world.slack.waitForCall('chat.update', (c) => c.body.ts === plan.response.ts);
    expect(textOf(shown)).toContain('release freeze until Friday');
    const status = await world.services.cutover!.phase.status(m.id);
    expect(status.applications[0]).toMatchObject({
      app: 'jenkins',
      verdict: expect.objectContaining({
        decision: 'rejected',
        approver: JENKINS_OWNER,
        reason: 'release freeze until Friday',
      }),
    });
    expect(await world.runtime.store.jobs.listJobsForMigration(m.id, 'cutover')).toEqual([]);
    expect((await jenkins()).revisions).toEqual(['jenkins:2', 'jenkins:3']);
  }, 30_000);

  it('a failed ECS deployment is caught despite the service settling "stable" on the old revision, and rolled back automatically', async () => {
    const m = await world.verified('jenkins-home');
    world.runtime.estate!.server.control.ecs.failNextDeployment(PLATFORM, REGION, {
      cluster: 'platform',
      serviceName: 'jenkins',
    });
    await world.startBot();
    const plan = await review(m.id, 'jenkins');
    await world.click(plan, CUTOVER_APPROVE_ACTION_ID, JENKINS_OWNER);
    const warning = await world.slack.waitForCall(
      'chat.postMessage',
      (c) => String(c.body.text).includes('rolled back automatically'),
      20_000,
    );
    expect(warning.body.thread_ts).toBe(THREAD);
    expect(String(warning.body.text)).toContain(`<@${JENKINS_OWNER}>`);
    expect(textOf(warning)).toContain('failed at jenkins');
    expect(textOf(warning)).toContain('FAILED');
    await waitForState(m.id, 'rolled_back');
    // The circuit breaker puts the service back: "stable" and COMPLETED, on the OLD revision.
    let after = await jenkins();
    for (let i = 0; i < 20 && after.primary.rolloutState !== 'COMPLETED'; i++) {
      world.clock.advance(5_000);
      after = await jenkins();
    }
    expect(after.revision).toBe('jenkins:3');
    expect(after.primary.rolloutState).toBe('COMPLETED');
    expect(after.mounts).toEqual([m.fileSystemId]);
    const job = (await world.runtime.store.jobs.listJobsForMigration(m.id, 'cutover'))[0]!;
    expect(job.status).toBe('failed');
    expect(job.lastError?.code).toBe('CutoverRolledBack');
  }, 60_000);

  /** merchant-uploads: the Lambda function behind `live` and the CODE_DEPLOY service, one application. */
  async function merchantApproved() {
    const m = await world.verified('merchant-uploads');
    await world.startBot();
    const plan = await review(m.id, 'merchant-portal');
    expect(textOf(plan)).toContain(`<@${MERCHANT_OWNER}>, please review`);
    await world.click(plan, CUTOVER_APPROVE_ACTION_ID, MERCHANT_OWNER);
    return { m, plan };
  }

  it('the alias-backed Lambda function: `live` moves to a new version on the twin’s access point', async () => {
    const { m } = await merchantApproved();
    await progressReaches('merchant-thumbnailer', 'merchant-portal', 'verified');
    const [twinAp] = Object.values(m.accessPoints);
    await sdk(
      PAYMENTS,
      (c) => new LambdaClient(c),
      async (lambda) => {
        const alias = await lambda.send(
          new GetAliasCommand({ FunctionName: 'merchant-thumbnailer', Name: 'live' }),
        );
        expect(alias.FunctionVersion).toBe('3');
        const live = await lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: 'merchant-thumbnailer', Qualifier: 'live' }),
        );
        expect(live.FileSystemConfigs).toEqual([
          { Arn: expect.stringContaining(`access-point/${twinAp}`), LocalMountPath: '/mnt/uploads' },
        ]);
        // The previous version is the rollback, untouched.
        const previous = await lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: 'merchant-thumbnailer', Qualifier: '2' }),
        );
        expect(previous.FileSystemConfigs![0]!.Arn).not.toContain(twinAp);
      },
    );
  }, 60_000);

  it('the CODE_DEPLOY service gets a new revision and instructions, never UpdateService', async () => {
    const { m } = await merchantApproved();
    const portal = await progressReaches('merchant-portal', 'merchant-portal', 'applied');
    // The whole instruction, naming the revision that was registered (not a placeholder).
    expect(textOf(portal)).toContain('aws deploy create-deployment');
    expect(textOf(portal)).toContain('task-definition/merchant-portal:2');
    expect(textOf(portal)).not.toContain('new revision of');
    // The service's own revision is not a second consumer to cut over (its task set runs it).
    const status = await world.services.cutover!.phase.status(m.id);
    expect(status.applications[0]!.changes.map((c) => c.name).sort()).toEqual([
      'merchant-portal',
      'merchant-thumbnailer',
    ]);
    const calls = (await world.runtime.store.events.listEvents(m.id)).filter((e) => e.kind === 'aws_call');
    expect(calls.map((e) => e.data?.operation)).toContain('RegisterTaskDefinition');
    expect(calls.map((e) => e.data?.operation)).not.toContain('UpdateService');
    expect(world.runtime.estate!.server.stats().byOperation['ecs:UpdateService'] ?? 0).toBe(0);
  }, 60_000);

  it('a double click on Approve applies once: one job, one new revision', async () => {
    const m = await world.verified('jenkins-home');
    await world.startBot();
    const plan = await review(m.id, 'jenkins');
    await Promise.all([
      world.click(plan, CUTOVER_APPROVE_ACTION_ID, JENKINS_OWNER),
      world.click(plan, CUTOVER_APPROVE_ACTION_ID, JENKINS_OWNER),
    ]);
    await progressReaches('jenkins', 'jenkins', 'verified');
    expect(await world.runtime.store.jobs.listJobsForMigration(m.id, 'cutover')).toHaveLength(1);
    const registered = (await world.runtime.store.events.listEvents(m.id)).filter(
      (e) => e.kind === 'aws_call' && e.data?.operation === 'RegisterTaskDefinition',
    );
    expect(registered).toHaveLength(2); // jenkins:2's copy and the service's, once each
    expect((await jenkins()).revisions).toEqual(['jenkins:2', 'jenkins:3', 'jenkins:4', 'jenkins:5']);
    const answers = world.slack.recorder.callsTo('response_url').map(textOf);
    expect(answers.filter((t) => t.includes('Queued the cutover'))).toHaveLength(1);
  }, 60_000);

  it('a restart during the watch resumes: a new bot over the same store and estate finishes the job, no second revision', async () => {
    const m = await world.verified('jenkins-home');
    // The first bot freezes at its first wait of the watch (its job runner's timers never fire).
    const frozen = frozenScheduler();
    world.onClose(() => frozen.release());
    await world.startBot({ scheduler: frozen, owner: 'bot-1' });
    const plan = await review(m.id, 'jenkins');
    await world.click(plan, CUTOVER_APPROVE_ACTION_ID, JENKINS_OWNER);
    const firstSlack = world.slack;
    const watching = await firstSlack.waitForCall(
      'chat.update',
      (c) => String(c.body.text) === 'Cutover of jenkins (jenkins): applied',
      20_000,
    );
    await world.stopBot();
    expect((await jenkins()).revision).toBe('jenkins:5');

    world.clock.advance(LEASE_MS + 1_000); // the frozen bot's lease runs out
    await world.startBot({ owner: 'bot-2' });
    const resumed = await progressReaches('jenkins', 'jenkins', 'verified');
    // The same thread message, edited by the new bot (its location is in the audit log).
    expect(resumed.body.ts).toBe(watching.body.ts);
    expect(postsIn('Cutover of jenkins (jenkins)')).toHaveLength(0);
    await waitForState(m.id, 'cutover_pending');
    const job = await jobEnded(m.id);
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
    const taken = (await world.runtime.store.events.listEvents(m.id)).filter((e) => e.kind === 'aws_call');
    expect(taken.filter((e) => e.data?.operation === 'UpdateService')).toHaveLength(1);
    const after = await jenkins();
    expect(after.revisions).toEqual(['jenkins:2', 'jenkins:3', 'jenkins:4', 'jenkins:5']);
    expect(after.primary.rolloutState).toBe('COMPLETED');
  }, 60_000);

  it('gitlab-runner: a new launch template version with the rewritten user data becomes the default; the owner email resolves; the thread says which instances still run the old one', async () => {
    const m = await world.verified('gitlab-runner-cache');
    await world.startBot();
    const plan = await review(m.id, 'gitlab-runner');
    expect(world.slack.recorder.callsTo('users.lookupByEmail').map((c) => c.body.email)).toContain(
      PLATFORM_TEAM_EMAIL,
    );
    expect(textOf(plan)).toContain(`<@${PLATFORM_TEAM}>, please review`);
    await world.click(plan, CUTOVER_APPROVE_ACTION_ID, PLATFORM_TEAM);
    const done = await progressReaches('gitlab-runner', 'gitlab-runner', 'verified');
    // i-…0001 was launched from version 2 (it mounts the source); i-…0002 from version 1 (it does not).
    expect(textOf(done)).toContain('gitlab-runners: i-0a1b2c3d4e5f60001 still run the old version');
    expect(textOf(done)).not.toContain('i-0a1b2c3d4e5f60002');
    await sdk(
      PLATFORM,
      (c) => new EC2Client(c),
      async (ec2) => {
        const lt = (
          await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['gitlab-runner'] }))
        ).LaunchTemplates![0]!;
        expect(lt).toMatchObject({ DefaultVersionNumber: 3, LatestVersionNumber: 3 });
        const v3 = (
          await ec2.send(
            new DescribeLaunchTemplateVersionsCommand({
              LaunchTemplateName: 'gitlab-runner',
              Versions: ['3'],
            }),
          )
        ).LaunchTemplateVersions![0]!;
        const userData = Buffer.from(v3.LaunchTemplateData!.UserData!, 'base64').toString('utf8');
        expect(userData).toContain(`${m.twinId}.efs.us-east-1.amazonaws.com:/ /cache nfs4`);
        expect(userData).not.toContain(m.fileSystemId);
      },
    );
    expect(world.runtime.estate!.server.stats().byOperation['autoscaling:StartInstanceRefresh'] ?? 0).toBe(0);
  }, 60_000);
});
