import { ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CUTOVER_ORDER_CALLBACK_ID,
  CUTOVER_ORDER_OPEN_ACTION_ID,
  ORDER_ACTION_ID,
  ORDER_BLOCK_ID,
} from '#blocks/cutover-order.ts';
import {
  CUTOVER_APPROVE_ACTION_ID,
  CUTOVER_DECISION_BLOCK_ID,
  CUTOVER_REPLAN_REFRESH_ACTION_ID,
  CUTOVER_REVIEW_ACTION_ID,
} from '#blocks/cutover-review.ts';
import type { Block } from '#blocks/limits.ts';
import type { RecordedCall } from '../harness/slack-recorder.ts';
import {
  ADMIN,
  JENKINS_OWNER,
  PLATFORM,
  PLATFORM_TEAM,
  REGION,
  buttonValue,
  openCutoverE2e,
  textOf,
  type CutoverE2e,
} from './cutover-world.ts';

/**
 * The owner's and the admin's choices on a cutover review (issue #14 §2, §3), through the real
 * Bolt receiver, phase and job on the sample estate: Re-plan with instance refresh (a new plan
 * revision the earlier approval does not cover; instances replaced only then) and Choose order…
 * (an admin's phased order, checked against the stored plans).
 */
let world: CutoverE2e;
beforeEach(async () => {
  world = await openCutoverE2e();
}, 30_000);
afterEach(() => world?.close());

const STRANGER = 'U0STRANGER';

async function review(migrationId: string, app: string): Promise<RecordedCall> {
  await world.clickOnCopy(CUTOVER_REVIEW_ACTION_ID, migrationId, ADMIN);
  return world.slack.waitForCall('chat.postMessage', (c) => String(c.body.text).includes(`: ${app} on`));
}

const refreshes = () =>
  world.runtime.estate!.server.stats().byOperation['autoscaling:StartInstanceRefresh'] ?? 0;

describe('Re-plan with instance refresh', () => {
  it('only the owner or an admin; a new revision whose approval replaces the instances, the old approval refused', async () => {
    const m = await world.verified('gitlab-runner-cache');
    await world.startBot();
    const first = await review(m.id, 'gitlab-runner');
    expect(textOf(first)).toContain('Re-plan with instance refresh');
    expect(textOf(first)).not.toContain('Instance refresh: on');
    // A plan without Auto Scaling groups offers no such button (jenkins: ECS only).
    const jenkins = await world.verified('jenkins-home');
    expect(textOf(await review(jenkins.id, 'jenkins'))).not.toContain('instance refresh');

    await world.click(first, CUTOVER_REPLAN_REFRESH_ACTION_ID, STRANGER);
    const refusal = await world.slack.waitForCall('response_url', (c) => textOf(c).includes('may re-plan'));
    expect(textOf(refusal)).toContain(
      `Only the owner of gitlab-runner (&lt;@${PLATFORM_TEAM}&gt;) or an admin`,
    );
    expect(await world.runtime.store.events.listEvents(m.id)).toContainEqual(
      expect.objectContaining({ kind: 'refused', actor: STRANGER }),
    );
    expect((await world.services.cutover!.phase.status(m.id)).applications[0]!.plan!.revision).toBe(1);

    await world.click(first, CUTOVER_REPLAN_REFRESH_ACTION_ID, PLATFORM_TEAM);
    const second = await world.slack.waitForCall(
      'chat.postMessage',
      (c) => String(c.body.text).includes(': gitlab-runner on') && textOf(c).includes('Plan revision 2'),
    );
    expect(textOf(second)).toContain('Instance refresh: on.');
    expect(textOf(second)).toContain('capacity drops while instances are replaced');
    expect(textOf(second)).toContain('autoscaling:StartInstanceRefresh');
    expect(textOf(second)).toContain('Re-plan without instance refresh');
    const told = await world.slack.waitForCall('response_url', (c) => textOf(c).includes('Re-planned'));
    expect(textOf(told)).toContain('capacity drops while instances are replaced');
    // The earlier message no longer offers its Approve: it points at the new plan.
    const superseded = await world.slack.waitForCall('chat.update', (c) => c.body.ts === first.response.ts);
    const blocks = superseded.body.blocks as Block[];
    expect(buttonValue(blocks, CUTOVER_APPROVE_ACTION_ID)).toBeUndefined();
    expect(JSON.stringify(blocks.find((b) => b.block_id === CUTOVER_DECISION_BLOCK_ID))).toContain(
      'Superseded by plan revision 2',
    );

    // An approval of the first plan (a stale click) does not cover the new one.
    await world.click(first, CUTOVER_APPROVE_ACTION_ID, PLATFORM_TEAM);
    await world.slack.waitForCall('response_url', (c) => textOf(c).includes('changed since it was shown'));
    expect(await world.runtime.store.jobs.listJobsForMigration(m.id, 'cutover')).toEqual([]);
    expect(refreshes()).toBe(0);

    await world.click(second, CUTOVER_APPROVE_ACTION_ID, PLATFORM_TEAM);
    await world.slack.waitForCall(
      'chat.update',
      (c) => String(c.body.text) === 'Cutover of gitlab-runner (gitlab-runner): verified',
      20_000,
    );
    expect(refreshes()).toBe(1);
  }, 60_000);
});

describe('Choose order…', () => {
  /** Two applications on jenkins-home: the standalone revision jenkins:2 tagged app=jenkins-batch. */
  async function twoApplications() {
    const m = await world.verified('jenkins-home');
    const ecs = new ECSClient({
      ...(await world.runtime.accounts.sdkClientsFor(PLATFORM, REGION)).clientConfig,
    });
    try {
      await ecs.send(
        new TagResourceCommand({
          resourceArn: `arn:aws:ecs:${REGION}:${PLATFORM}:task-definition/jenkins:2`,
          tags: [{ key: 'app', value: 'jenkins-batch' }],
        }),
      );
    } finally {
      ecs.destroy();
    }
    await world.startBot();
    await world.clickOnCopy(CUTOVER_REVIEW_ACTION_ID, m.id, ADMIN);
    const order = await world.slack.waitForCall('chat.postMessage', (c) =>
      String(c.body.text).startsWith('Cutover order:'),
    );
    return { m, order };
  }

  async function submitOrder(lines: string, userId = ADMIN) {
    const opened = await world.slack.waitForCall(
      'views.open',
      (c) => (c.body.view as { callback_id: string }).callback_id === CUTOVER_ORDER_CALLBACK_ID,
    );
    const view = opened.body.view as { private_metadata: string };
    return world.slack.viewSubmission(
      {
        view: {
          callback_id: CUTOVER_ORDER_CALLBACK_ID,
          private_metadata: view.private_metadata,
          state: {
            values: { [ORDER_BLOCK_ID]: { [ORDER_ACTION_ID]: { type: 'plain_text_input', value: lines } } },
          },
        },
      },
      { userId },
    );
  }

  it('an admin reorders the applications in a modal; unknown or missing ones are refused at the field; the order is enforced', async () => {
    const { m, order } = await twoApplications();
    expect(String(order.body.text)).toBe('Cutover order: jenkins → jenkins-batch');
    expect(textOf(order)).toContain('(default: by name)');

    await world.click(order, CUTOVER_ORDER_OPEN_ACTION_ID, JENKINS_OWNER);
    const refusal = await world.slack.waitForCall('response_url', (c) =>
      textOf(c).includes('Only the admins'),
    );
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(world.slack.recorder.callsTo('views.open')).toEqual([]);

    await world.click(order, CUTOVER_ORDER_OPEN_ACTION_ID, ADMIN);
    const opened = await world.slack.waitForCall('views.open');
    expect(JSON.stringify(opened.body.view)).toContain('"initial_value":"jenkins\\njenkins-batch"');

    const wrong = await submitOrder('jenkins-batch\nsomething-else\n');
    expect(wrong.status).toBe(200);
    const errors = (JSON.parse(wrong.body) as { errors: Record<string, string> }).errors[ORDER_BLOCK_ID];
    expect(errors).toContain('something-else is not an application of this migration');
    expect(errors).toContain('jenkins is missing');
    expect((await world.services.cutover!.phase.status(m.id)).order).toBeUndefined();

    const saved = await submitOrder('  jenkins-batch\n\njenkins  ');
    expect(saved.body).toBe('');
    const status = await world.services.cutover!.phase.status(m.id);
    expect(status.order).toMatchObject({ apps: ['jenkins-batch', 'jenkins'], chosenBy: ADMIN });
    const told = await world.slack.waitForCall(
      'chat.postMessage',
      (c) => String(c.body.text) === 'Cutover order: jenkins-batch → jenkins',
    );
    expect(textOf(told)).toContain(`chosen by <@${ADMIN}>`);

    // jenkins now waits for jenkins-batch: its approval is recorded, its cutover does not start.
    const jenkins = await world.slack.waitForCall('chat.postMessage', (c) =>
      String(c.body.text).includes(': jenkins on'),
    );
    await world.click(jenkins, CUTOVER_APPROVE_ACTION_ID, JENKINS_OWNER);
    const waits = await world.slack.waitForCall('response_url', (c) =>
      textOf(c).includes('does not start yet'),
    );
    expect(textOf(waits)).toContain('jenkins-batch');
    expect(await world.runtime.store.jobs.listJobsForMigration(m.id, 'cutover')).toEqual([]);
  }, 60_000);
});
