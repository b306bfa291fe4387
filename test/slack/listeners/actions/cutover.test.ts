/**
 * Cutover in the migration's thread, through the real Bolt receiver (signed requests, the Web API
 * recorded) against an in-memory CutoverPhase built from the domain (test/slack/cutover-fixture.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CUTOVER_REJECT_CALLBACK_ID,
  CUTOVER_WAIVE_CALLBACK_ID,
  REASON_ACTION_ID,
  REASON_BLOCK_ID,
} from '#blocks/cutover-modals.ts';
import { CUTOVER_ROLLBACK_ACTION_ID, CUTOVER_WAIVE_ACTION_ID } from '#blocks/cutover-progress.ts';
import {
  CUTOVER_APPROVE_ACTION_ID,
  CUTOVER_DECISION_BLOCK_ID,
  CUTOVER_REJECT_ACTION_ID,
  CUTOVER_REVIEW_ACTION_ID,
} from '#blocks/cutover-review.ts';
import { limitBreaches, type Block } from '#blocks/limits.ts';
import { ManualClock } from '../../../../src/domain/clock.ts';
import { CUTOVER_THREAD_EVENT } from '../../../../src/slack/cutover-threads.ts';
import { fakeServices } from '../../../harness/fake-services.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';
import {
  ADMIN,
  MIGRATION,
  OWNER,
  SOURCE,
  STRANGER,
  TWIN,
  ecsService,
  fakeCutoverPhase,
  fakeCutoverService,
  launchTemplate,
  lambdaFunction,
  planOf,
  type FakeCutoverPhase,
} from '../../cutover-fixture.ts';

const CHANNEL = 'C0CHAN01';
const THREAD = '1767225600.000001';
const COPY_MESSAGE = '1767225600.000300';

const harnesses: SlackHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

const shop = planOf(
  'shop',
  [ecsService('web'), ecsService('api', 'CODE_DEPLOY'), lambdaFunction('thumbs'), launchTemplate('lt-0abc')],
  'owner@example.com',
);
const billing = planOf('billing', [ecsService('billing-web')], 'payments-core');

async function start(options: { withCutover?: boolean; outOfOrder?: Record<string, string> } = {}) {
  const clock = new ManualClock(new Date('2026-02-01T10:05:00.000Z'));
  const phase = fakeCutoverPhase({
    clock,
    plans: [shop, billing],
    owners: [
      { app: 'shop', ownerTag: 'owner@example.com', ownerUserId: OWNER },
      {
        app: 'billing',
        ownerTag: 'payments-core',
        fallbackReason: "owner tag 'payments-core' is not a Slack user or email: admins approve",
      },
    ],
    ...(options.outOfOrder ? { outOfOrder: options.outOfOrder } : {}),
  });
  const cutover = fakeCutoverService(phase);
  const harness = await startSlackHarness({
    services: { ...fakeServices({}), ...(options.withCutover === false ? {} : { cutover }) },
    config: { admins: [ADMIN] },
    clock,
  });
  harnesses.push(harness);
  return { harness, phase, cutover, clock };
}

const textOf = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? call.body.text);
const buttonValue = (blocks: Block[], actionId: string) =>
  blocks
    .flatMap((b) => (b.type === 'actions' ? b.elements : []))
    .find((e) => 'action_id' in e && e.action_id === actionId) as { value: string } | undefined;

/** Review cutover pressed by the admin on the verified copy's message; returns the review messages. */
async function review(harness: SlackHarness) {
  await harness.blockAction(
    buttonClick(CUTOVER_REVIEW_ACTION_ID, MIGRATION, {
      channel: CHANNEL,
      messageTs: COPY_MESSAGE,
      threadTs: THREAD,
    }),
    { userId: ADMIN },
  );
  const shopMsg = await harness.waitForCall('chat.postMessage', (c) =>
    String(c.body.text).includes(': shop on'),
  );
  const billingMsg = await harness.waitForCall('chat.postMessage', (c) =>
    String(c.body.text).includes(': billing on'),
  );
  return { shopMsg, billingMsg };
}

/** A click on a button of a posted message, with the message's blocks as Slack sends them. */
function clickOn(message: RecordedCall, actionId: string) {
  const blocks = message.body.blocks as Block[];
  const value = buttonValue(blocks, actionId)!.value;
  const click = buttonClick(actionId, value, {
    channel: CHANNEL,
    messageTs: String(message.response.ts),
    threadTs: THREAD,
  });
  return { ...click, message: { ...click.message, blocks } };
}

function phaseCalls(phase: FakeCutoverPhase, method: string) {
  return phase.calls.filter((c) => c.method === method);
}

describe('Cut over in the thread', () => {
  it('Review cutover posts each application’s plan in the thread, the owner mentioned, admins for a team tag', async () => {
    const { harness, phase, cutover } = await start();
    const { shopMsg, billingMsg } = await review(harness);
    expect(phaseCalls(phase, 'review')).toEqual([
      { method: 'review', migrationId: MIGRATION, input: { actor: ADMIN } },
    ]);
    expect(shopMsg.body.thread_ts).toBe(THREAD);
    const shopText = textOf(shopMsg);
    expect(shopText).toContain(`<@${OWNER}>, please review`);
    // The exact changes: file system and access point IDs old → new, the calls in order.
    expect(shopText).toContain(`${SOURCE} → ${TWIN}`);
    expect(shopText).toContain('fsap-0aaaaaaaaaaaaaaa1 → fsap-0bbbbbbbbbbbbbbb1');
    expect(shopText).toContain('ecs:RegisterTaskDefinition');
    expect(shopText).toContain('lambda:UpdateFunctionConfiguration');
    expect(shopText).toContain('ec2:CreateLaunchTemplateVersion');
    expect(shopText).toMatch(/user data line 2/);
    // CODE_DEPLOY: what the owner runs, not an UpdateService.
    expect(shopText).toContain('aws deploy create-deployment');
    expect(shopText).toContain('fstab on running instances');
    const approve = buttonValue(shopMsg.body.blocks as Block[], CUTOVER_APPROVE_ACTION_ID)!;
    expect(JSON.parse(approve.value)).toEqual({ m: MIGRATION, a: 'shop', d: shop.digest });
    expect(limitBreaches(shopMsg.body.blocks as Block[])).toEqual([]);

    const billingText = textOf(billingMsg);
    expect(billingText).toContain('no owner user: admins approve');
    expect(billingText).toContain("owner tag 'payments-core' is not a Slack user or email");
    // The thread is recorded before anything is asked of the phase: progress finds it.
    expect(cutover.events.events.find((e) => e.kind === CUTOVER_THREAD_EVENT)?.data).toEqual({
      channel: CHANNEL,
      threadTs: THREAD,
    });
  });

  it('the owner approves: verdict in place, the apply queued once even on a double click', async () => {
    const { harness, phase, cutover } = await start();
    const { shopMsg } = await review(harness);

    await harness.blockAction(clickOn(shopMsg, CUTOVER_APPROVE_ACTION_ID), { userId: OWNER });
    const first = await harness.waitForCall('response_url', (c) => textOf(c).includes('Queued the cutover'));
    expect(textOf(first)).toContain('Approved.');
    const updated = await harness.waitForCall('chat.update', (c) => c.body.ts === shopMsg.response.ts);
    const blocks = updated.body.blocks as Block[];
    expect(buttonValue(blocks, CUTOVER_APPROVE_ACTION_ID)).toBeUndefined();
    const verdict = JSON.stringify(blocks.find((b) => b.block_id === CUTOVER_DECISION_BLOCK_ID));
    expect(verdict).toContain(`*Approved* by <@${OWNER}> (owner) at 2026-02-01T10:05:00.000Z`);
    expect(verdict).toContain(shop.digest.slice(0, 12));

    await harness.blockAction(clickOn(shopMsg, CUTOVER_APPROVE_ACTION_ID), { userId: OWNER });
    const second = await harness.waitForCall('response_url', (c) => textOf(c).includes('Already approved'));
    expect(textOf(second)).toContain(`Already approved by <@${OWNER}> (owner) at 2026-02-01T10:05:00.000Z`);
    expect(textOf(second)).toContain('nothing new queued');
    expect(phase.verdicts.size).toBe(1);
    expect(phase.jobs).toEqual([expect.objectContaining({ app: 'shop', kind: 'apply', created: true })]);
    expect(cutover.ran).toEqual([phase.jobs[0]!.jobId]);
  });

  it('an application that must wait for another in the order: approval recorded, the refusal shown', async () => {
    const { harness, phase } = await start({
      outOfOrder: {
        shop: 'shop comes after billing in the cutover order billing → shop; cut that over first.',
      },
    });
    const { shopMsg } = await review(harness);
    await harness.blockAction(clickOn(shopMsg, CUTOVER_APPROVE_ACTION_ID), { userId: OWNER });
    const reply = await harness.waitForCall('response_url', (c) => textOf(c).includes('does not start yet'));
    expect(textOf(reply)).toContain('shop comes after billing');
    expect(phase.verdicts.size).toBe(1);
    expect(phase.jobs).toEqual([]);
  });

  it('refuses a non-owner non-admin privately, says who may, and logs it', async () => {
    const { harness, phase, cutover } = await start();
    const { shopMsg } = await review(harness);
    await harness.blockAction(clickOn(shopMsg, CUTOVER_APPROVE_ACTION_ID), { userId: STRANGER });
    const refusal = await harness.waitForCall('response_url', (c) => textOf(c).includes('Only the owner'));
    expect(refusal.body.response_type).toBe('ephemeral');
    // errorMessage escapes mrkdwn (as for every refusal), so the mention shows as text.
    expect(textOf(refusal)).toContain(`Only the owner of shop (&lt;@${OWNER}&gt;) or an admin`);
    expect(phase.verdicts.size).toBe(0);
    expect(harness.recorder.callsTo('chat.update')).toEqual([]);
    expect(harness.logs).toContainEqual(
      expect.objectContaining({
        userId: STRANGER,
        action: 'approve',
        app: 'shop',
        msg: 'cutover approve refused: not allowed',
      }),
    );
    expect(cutover.events.events).toContainEqual(
      expect.objectContaining({ kind: 'refused', actor: STRANGER, migrationId: MIGRATION }),
    );
  });

  it('Reject asks for a reason (required), then records it and shows it in place', async () => {
    const { harness, phase } = await start();
    const { shopMsg } = await review(harness);
    await harness.blockAction(clickOn(shopMsg, CUTOVER_REJECT_ACTION_ID), { userId: OWNER });
    const opened = await harness.waitForCall('views.open');
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(CUTOVER_REJECT_CALLBACK_ID);

    const submit = (reason: string) =>
      harness.viewSubmission(
        {
          view: {
            callback_id: CUTOVER_REJECT_CALLBACK_ID,
            private_metadata: view.private_metadata,
            state: {
              values: {
                [REASON_BLOCK_ID]: { [REASON_ACTION_ID]: { type: 'plain_text_input', value: reason } },
              },
            },
          },
        },
        { userId: OWNER },
      );
    const blank = await submit('   ');
    expect(JSON.parse(blank.body)).toEqual({
      response_action: 'errors',
      errors: { [REASON_BLOCK_ID]: expect.stringContaining('A reason is required') },
    });
    expect(phaseCalls(phase, 'reject')).toEqual([]);

    await submit('peak trading hours; after Friday');
    const answered = await harness.waitForCall('chat.postEphemeral', (c) =>
      textOf(c).includes('Rejected the cutover'),
    );
    expect(answered.body.user).toBe(OWNER);
    expect(phaseCalls(phase, 'reject')[0]?.input).toEqual({
      actor: OWNER,
      app: 'shop',
      planDigest: shop.digest,
      reason: 'peak trading hours; after Friday',
    });
    const updated = await harness.waitForCall('chat.update', (c) => c.body.ts === shopMsg.response.ts);
    expect(textOf(updated)).toContain(`*Rejected* by <@${OWNER}> (owner)`);
    expect(textOf(updated)).toContain('peak trading hours; after Friday');
    expect(phase.jobs).toEqual([]);
  });

  it('Roll back by the owner queues the rollback; Waive is the admins’ with a reason', async () => {
    const { harness, phase, cutover } = await start();
    const value = JSON.stringify({ m: MIGRATION, a: 'shop' });
    const on = { channel: CHANNEL, messageTs: '1767225600.000400', threadTs: THREAD };
    await harness.blockAction(buttonClick(CUTOVER_ROLLBACK_ACTION_ID, value, on), { userId: OWNER });
    await harness.waitForCall('response_url', (c) => textOf(c).includes('Queued the rollback of *shop*'));
    expect(phase.jobs).toEqual([expect.objectContaining({ app: 'shop', kind: 'rollback' })]);
    expect(cutover.ran).toEqual([phase.jobs[0]!.jobId]);

    const consumerId = shop.changes[1]!.consumerId;
    const waive = JSON.stringify({ m: MIGRATION, a: 'shop', c: consumerId });
    await harness.blockAction(buttonClick(CUTOVER_WAIVE_ACTION_ID, waive, on), { userId: OWNER });
    await harness.waitForCall('response_url', (c) => textOf(c).includes('Only'));
    expect(harness.recorder.callsTo('views.open')).toEqual([]);

    await harness.blockAction(buttonClick(CUTOVER_WAIVE_ACTION_ID, waive, on), { userId: ADMIN });
    const opened = await harness.waitForCall('views.open');
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(CUTOVER_WAIVE_CALLBACK_ID);
    await harness.viewSubmission(
      {
        view: {
          callback_id: CUTOVER_WAIVE_CALLBACK_ID,
          private_metadata: view.private_metadata,
          state: {
            values: {
              [REASON_BLOCK_ID]: { [REASON_ACTION_ID]: { value: 'deployed by CodeDeploy by hand' } },
            },
          },
        },
      },
      { userId: ADMIN },
    );
    await harness.waitForCall('chat.postEphemeral', (c) => textOf(c).includes('Waived'));
    expect(phase.waivers).toEqual([
      expect.objectContaining({ consumerId, waivedBy: ADMIN, reason: 'deployed by CodeDeploy by hand' }),
    ]);
  });

  it('a forged button value is refused privately; nothing reaches the phase', async () => {
    const { harness, phase } = await start();
    const on = { channel: CHANNEL, messageTs: '1767225600.000400', threadTs: THREAD };
    await harness.blockAction(
      buttonClick(CUTOVER_APPROVE_ACTION_ID, JSON.stringify({ m: 'ARBITRARY#x', a: 'shop', d: 'abc' }), on),
      { userId: OWNER },
    );
    await harness.waitForCall('response_url', (c) => textOf(c).includes('does not name a migration'));
    expect(phase.calls).toEqual([]);
  });

  it('/efs-encrypt cutover FS_ID posts a root message and the review in its thread', async () => {
    const { harness, phase } = await start();
    await harness.slashCommand(`cutover ${SOURCE}`, { userId: ADMIN, channelId: CHANNEL });
    const root = await harness.waitForCall('chat.postMessage', (c) => c.body.text === `Cutover of ${SOURCE}`);
    expect(root.body.thread_ts).toBeUndefined();
    const shopMsg = await harness.waitForCall('chat.postMessage', (c) =>
      String(c.body.text).includes(': shop on'),
    );
    expect(shopMsg.body.thread_ts).toBe(root.response.ts);
    expect(phaseCalls(phase, 'review')).toHaveLength(1);
  });

  it('without the cutover phase, the buttons say privately that cutover is not available', async () => {
    const { harness } = await start({ withCutover: false });
    const on = { channel: CHANNEL, messageTs: '1767225600.000400', threadTs: THREAD };
    await harness.blockAction(buttonClick(CUTOVER_REVIEW_ACTION_ID, MIGRATION, on), { userId: ADMIN });
    const reply = await harness.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(textOf(reply)).toContain('Cutover is not available in this deployment');
  });
});
