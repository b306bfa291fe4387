import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  PLATFORM_TEAM,
  buttonValue,
  openCutoverE2e,
  textOf,
  type CutoverE2e,
} from './cutover-world.ts';

/**
 * The owner's and the admin's choices on a cutover review (issue #14 §2, §3), through the real
 * Bolt receiver, phase and job on the sample estate: Re-plan with instance refresh (a new plan
 * revision the earlier approval does not cover; instances replaced only then).
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
