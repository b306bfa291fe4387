import { describe, expect, it } from 'vitest';
import { rejectModal, waiveModal } from '#blocks/cutover-modals.ts';
import {
  CUTOVER_WAIVE_ACTION_ID,
  applicationSummaryMessage,
  autoRollbackMessage,
  consumerProgressMessage,
} from '#blocks/cutover-progress.ts';
import {
  CUTOVER_APPROVE_ACTION_ID,
  CUTOVER_DECISION_BLOCK_ID,
  applicationReviewMessage,
  withVerdict,
} from '#blocks/cutover-review.ts';
import { limitBreaches, viewLimitBreaches } from '#blocks/limits.ts';
import { approve, subjectOf } from '../../../src/domain/cutover-approval.ts';
import { MIGRATION, OWNER, ecsService, lambdaFunction, planOf } from '../cutover-fixture.ts';

const many = planOf(
  'shop',
  Array.from({ length: 60 }, (_, i) =>
    i % 2
      ? ecsService(`service-${String(i).padStart(2, '0')}`, i % 3 ? 'ECS' : 'CODE_DEPLOY')
      : lambdaFunction(`fn-${i}`),
  ),
  OWNER,
);

describe('cutover blocks within Slack’s limits', () => {
  it('a review of 60 consumers fits one message, counts what it cannot show, keeps the buttons', () => {
    const message = applicationReviewMessage({
      migrationId: MIGRATION,
      plan: many,
      owner: { ownerUserId: OWNER },
    });
    expect(limitBreaches(message.blocks)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.blocks.at(-1)?.block_id).toBe(CUTOVER_DECISION_BLOCK_ID);
    expect(JSON.stringify(message.blocks)).toMatch(/\d+ more consumers not shown here/);
    expect(JSON.stringify(message.blocks)).toContain(CUTOVER_APPROVE_ACTION_ID);

    const verdict = approve(subjectOf(many), OWNER, 'owner', '2026-02-01T10:05:00.000Z');
    const decided = withVerdict(message.blocks, verdict);
    expect(limitBreaches(decided)).toEqual([]);
    expect(JSON.stringify(decided)).not.toContain(CUTOVER_APPROVE_ACTION_ID);
  });

  it('an application summary with 60 failed consumers stays within 50 blocks and says where the rest are', () => {
    const message = applicationSummaryMessage({
      migrationId: MIGRATION,
      fileSystemId: 'fs-0123456789abcdef0',
      app: 'shop',
      status: 'failed',
      detail: 'x'.repeat(5000),
      owner: { fallbackReason: "owner tag 'payments-core' is not a Slack user or email: admins approve" },
      changes: many.changes.map((c) => ({
        consumerId: c.consumerId,
        name: c.name,
        status: 'failed' as const,
      })),
      waivers: [],
      updatedAt: new Date('2026-02-01T10:05:00.000Z'),
    });
    expect(limitBreaches(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain("Waive on each one's own message");
  });

  it('consumer messages, warnings and modals stay within their limits', () => {
    const long = `arn:aws:ecs:eu-west-1:111111111111:service/${'c'.repeat(255)}/${'s'.repeat(255)}`;
    const consumer = consumerProgressMessage({
      migrationId: MIGRATION,
      app: 'a'.repeat(256),
      consumerId: long,
      name: 'n'.repeat(300),
      status: 'failed',
      detail: 'd'.repeat(10_000),
      updatedAt: new Date('2026-02-01T10:05:00.000Z'),
    });
    expect(limitBreaches(consumer.blocks)).toEqual([]);
    expect(JSON.stringify(consumer.blocks)).toContain(CUTOVER_WAIVE_ACTION_ID);
    expect(
      limitBreaches(
        autoRollbackMessage({ app: 'shop', fileSystemId: 'fs-1', owner: {}, message: 'm'.repeat(9000) })
          .blocks,
      ),
    ).toEqual([]);
    const where = { channel: 'C0CHAN01', threadTs: '1767225600.000001', messageTs: '1767225600.000002' };
    expect(
      viewLimitBreaches(rejectModal({ m: MIGRATION, a: 'a'.repeat(256), d: many.digest, ...where })),
    ).toEqual([]);
    expect(viewLimitBreaches(waiveModal({ m: MIGRATION, a: 'a'.repeat(256), c: long, ...where }))).toEqual(
      [],
    );
  });
});
