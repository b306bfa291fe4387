import { describe, expect, it } from 'vitest';
import { cutoverOrderMessage, cutoverOrderModal } from '#blocks/cutover-order.ts';
import {
  CUTOVER_APPROVE_ACTION_ID,
  CUTOVER_REPLAN_REFRESH_ACTION_ID,
  applicationReviewMessage,
  withSuperseded,
} from '#blocks/cutover-review.ts';
import { limitBreaches, viewLimitBreaches } from '#blocks/limits.ts';
import { MIGRATION, OWNER, ecsService, planOf } from '../cutover-fixture.ts';

/** The re-plan button and the order message and modal stay within Slack's limits at their largest. */
const longApp = `app-${'x'.repeat(252)}`;
const many = planOf(
  longApp,
  Array.from({ length: 60 }, (_, i) => ecsService(`service-${String(i).padStart(2, '0')}`, 'ECS')),
  OWNER,
);

describe('cutover choices within Slack’s limits', () => {
  it('a 60-consumer review of a 256-character application with instance refresh on keeps its buttons', () => {
    const message = applicationReviewMessage({
      migrationId: MIGRATION,
      plan: many,
      owner: { ownerUserId: OWNER },
      instanceRefresh: 'on',
    });
    expect(limitBreaches(message.blocks)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('Instance refresh: on.');
    expect(json).toContain(CUTOVER_REPLAN_REFRESH_ACTION_ID);
    expect(json).toContain('Re-plan without instance refresh');
    const superseded = withSuperseded(message.blocks, 2, 'with instance refresh');
    expect(limitBreaches(superseded)).toEqual([]);
    expect(JSON.stringify(superseded)).not.toContain(CUTOVER_APPROVE_ACTION_ID);
    expect(JSON.stringify(superseded)).toContain('Superseded by plan revision 2');
  });

  it('no re-plan button where no Auto Scaling group launches a template', () => {
    const message = applicationReviewMessage({ migrationId: MIGRATION, plan: many, owner: {} });
    expect(JSON.stringify(message.blocks)).not.toContain(CUTOVER_REPLAN_REFRESH_ACTION_ID);
  });

  it('the order message and modal with twenty 256-character applications', () => {
    const apps = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}${'y'.repeat(254)}`);
    expect(limitBreaches(cutoverOrderMessage(MIGRATION, { apps, chosenBy: OWNER }).blocks)).toEqual([]);
    const view = cutoverOrderModal(
      { m: MIGRATION, channel: 'C0OPS001', threadTs: '1767225600.000001' },
      { apps },
    );
    expect(viewLimitBreaches(view)).toEqual([]);
  });
});
