import type { ChecklistItem } from '../src/domain/consumers.ts';
import type { CutoverVerdict } from '../src/domain/cutover-approval.ts';
import type { ConsumerChangePlan } from '../src/domain/cutover-calls.ts';
import type { ApplicationCutoverPlan } from '../src/domain/cutover-plan.ts';
import { code, escapeMrkdwn, plural } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';

/**
 * The cutover review in the migration's thread (issue #14 §2, DESIGN.md rule 3): one message per
 * application, asking its owner (mentioned) or, when the owner tag names no Slack user, the admins,
 * to approve exactly this plan. Per consumer: the exact change (old → new), the calls in order,
 * what the owner must run themselves (CodeDeploy, task sets) and what the bot will not see; then
 * the checklist of what no AWS API shows, and Approve cutover / Reject, whose value names the
 * migration, the application and the digest of the plan shown (an approval covers only that plan).
 * Within Slack's 50 blocks: consumers beyond what fits are counted, not cut silently.
 */

export const CUTOVER_REVIEW_ACTION_ID = 'cutover_review';
export const CUTOVER_APPROVE_ACTION_ID = 'cutover_approve';
export const CUTOVER_REJECT_ACTION_ID = 'cutover_reject';
/** Re-plan one application with (or without) an Auto Scaling instance refresh (issue #14 §3). */
export const CUTOVER_REPLAN_REFRESH_ACTION_ID = 'cutover_replan_refresh';
/** The block that holds Approve / Reject; replaced by the verdict once one is recorded. */
export const CUTOVER_DECISION_BLOCK_ID = 'cutover_decision';

/** What the Approve and Reject buttons carry back (parsed with zod in src/slack/cutover-payloads.ts). */
export interface CutoverDecisionValue {
  /** Migration ID. */
  m: string;
  /** Application. */
  a: string;
  /** Plan digest (sha256 hex). */
  d: string;
}

export function encodeDecisionValue(v: CutoverDecisionValue): string {
  return JSON.stringify({ m: v.m, a: v.a, d: v.d });
}

/** What the Re-plan button carries: the application, and whether the new plan refreshes instances. */
export interface CutoverReplanValue {
  m: string;
  a: string;
  /** 1: plan with an instance refresh; 0: plan without one. */
  r: 0 | 1;
}

/**
 * Whether the application's launch templates feed Auto Scaling groups (so an instance refresh can
 * be ticked), and whether the plan shown already replaces their instances.
 */
export type InstanceRefreshChoice = 'available' | 'on';

/** Who may approve one application, as the phase resolved its owner tag. */
export interface OwnerView {
  ownerTag?: string;
  ownerUserId?: string;
  fallbackReason?: string;
}

export interface ApplicationReview {
  migrationId: string;
  plan: ApplicationCutoverPlan;
  owner: OwnerView;
  /** Where it stands in the admin's order (1-based), when one was chosen. */
  position?: { index: number; of: number };
  /** Absent when no launch template of the application is used by an Auto Scaling group. */
  instanceRefresh?: InstanceRefreshChoice;
}

/** `<@U…>`, or who approves instead and why. */
export function ownerText(owner: OwnerView): string {
  if (owner.ownerUserId) return `<@${owner.ownerUserId}>`;
  return `_no owner user: admins approve_ (${escapeMrkdwn(owner.fallbackReason ?? 'no owner tag')})`;
}

const KIND_LABELS: Record<ConsumerChangePlan['kind'], string> = {
  'ecs-service': 'ECS service',
  'ecs-task-definition': 'ECS task definition',
  'lambda-function': 'Lambda function',
  'launch-template': 'Launch template',
};

/** One consumer as lines: the change old → new, the calls in order, instructions and notes. */
export function consumerChangeLines(change: ConsumerChangePlan): string[] {
  const lines = [`*${KIND_LABELS[change.kind]} ${escapeMrkdwn(clip(change.name, 200))}*`];
  for (const d of change.differs)
    lines.push(
      `• ${escapeMrkdwn(clip(d.subject, 400))}: ${code(clip(d.change, 600))}${d.why ? ` _(${escapeMrkdwn(clip(d.why, 200))})_` : ''}`,
    );
  if (change.calls.length)
    lines.push(
      `Calls: ${change.calls.map((c, i) => `${i + 1}. ${code(`${c.service}:${c.operation}`)} ${escapeMrkdwn(clip(c.purpose, 300))}`).join(' ')}`,
    );
  else lines.push('Calls: none (registered with another consumer of this application)');
  for (const i of change.instructions) lines.push(`:point_right: *You run:* ${escapeMrkdwn(clip(i, 1500))}`);
  for (const n of change.notes) lines.push(`:information_source: ${escapeMrkdwn(clip(n, 600))}`);
  return lines;
}

export function checklistLines(items: ChecklistItem[]): string[] {
  if (items.length === 0) return [];
  return [
    '*Check by hand (no AWS API shows these):*',
    ...items.map((c) => `☐ *${escapeMrkdwn(clip(c.title, 200))}*: ${escapeMrkdwn(clip(c.detail, 800))}`),
  ];
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, SlackLimits.contextElementText) }],
});

/**
 * Re-plan with (or without) an instance refresh: a new plan revision and digest, so an approval
 * of the plan shown does not cover it. Slack's confirm dialog says what replacing instances costs.
 */
export function replanRefreshButton(v: CutoverDecisionValue, choice: InstanceRefreshChoice) {
  const on = choice === 'available';
  const value: CutoverReplanValue = { m: v.m, a: v.a, r: on ? 1 : 0 };
  return {
    type: 'button' as const,
    action_id: CUTOVER_REPLAN_REFRESH_ACTION_ID,
    text: {
      type: 'plain_text' as const,
      text: on ? 'Re-plan with instance refresh' : 'Re-plan without instance refresh',
    },
    value: JSON.stringify(value),
    confirm: {
      title: { type: 'plain_text' as const, text: on ? 'Replace instances?' : 'Keep instances?' },
      text: {
        type: 'mrkdwn' as const,
        text: clip(
          on
            ? `*Capacity drops while instances are replaced.* Re-plan *${escapeMrkdwn(clip(v.a, 60))}* with an instance refresh: each Auto Scaling group launching its templates replaces its instances with ones that mount the twin. The new plan needs its own approval.`
            : `Re-plan *${escapeMrkdwn(clip(v.a, 60))}* without the instance refresh: running instances keep mounting the source until replaced some other way. The new plan needs its own approval.`,
          SlackLimits.confirmText,
        ),
      },
      confirm: { type: 'plain_text' as const, text: 'Re-plan' },
      deny: { type: 'plain_text' as const, text: 'Cancel' },
    },
  };
}

export function decisionButtons(
  v: CutoverDecisionValue,
  app: string,
  instanceRefresh?: InstanceRefreshChoice,
): Block {
  const value = encodeDecisionValue(v);
  return {
    type: 'actions',
    block_id: CUTOVER_DECISION_BLOCK_ID,
    elements: [
      {
        type: 'button',
        action_id: CUTOVER_APPROVE_ACTION_ID,
        style: 'primary',
        text: { type: 'plain_text', text: clip(`Approve cutover of ${app}`, SlackLimits.buttonText) },
        value,
      },
      {
        type: 'button',
        action_id: CUTOVER_REJECT_ACTION_ID,
        style: 'danger',
        text: { type: 'plain_text', text: 'Reject' },
        value,
      },
      ...(instanceRefresh ? [replanRefreshButton(v, instanceRefresh)] : []),
    ],
  };
}

/** One application's review: one message, within 50 blocks, ending with the decision buttons. */
export function applicationReviewMessage(review: ApplicationReview): SlackMessage {
  const { plan, owner } = review;
  const app = plan.app;
  const calls = plan.changes.reduce((n, c) => n + c.calls.length, 0);
  const title = `Cutover review (dry run, nothing is changed): ${app} on ${plan.sourceFileSystemId} → ${plan.targetFileSystemId}`;
  const head: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SlackLimits.headerText) } },
    section(
      clip(
        `${owner.ownerUserId ? `${ownerText(owner)}, please review` : ownerText(owner)}: ${plural(plan.changes.length, 'consumer')} of ${code(plan.sourceFileSystemId)} move to the encrypted twin ${code(plan.targetFileSystemId)} (${plural(calls, 'call')} in order).${review.position ? ` Application ${review.position.index} of ${review.position.of} in the cutover order.` : ''}`,
        SlackLimits.sectionText,
      ),
    ),
    ...(review.instanceRefresh === 'on'
      ? [
          context(
            ':recycle: *Instance refresh: on.* Each Auto Scaling group below has its instances replaced by ones that mount the twin; capacity drops while instances are replaced.',
          ),
        ]
      : []),
    context(
      `Plan revision ${plan.revision}, digest ${code(plan.digest.slice(0, 12))}, planned ${escapeMrkdwn(plan.plannedAt)}. An approval covers exactly this plan; a new review needs a new approval. Only the owner or an admin may approve or reject.`,
    ),
  ];
  const checklist = packLines(checklistLines(plan.checklist)).map(section);
  const decision = decisionButtons(
    { m: review.migrationId, a: app, d: plan.digest },
    app,
    review.instanceRefresh,
  );
  // Header, checklist, "not shown" note and the buttons are always there; consumers get the rest.
  const budget = SlackLimits.blocksPerMessage - head.length - Math.min(checklist.length, 3) - 2;
  const body: Block[] = [];
  let shown = 0;
  for (const change of plan.changes) {
    const sections = packLines(consumerChangeLines(change)).map(section);
    if (body.length + sections.length + 1 > budget) break;
    body.push(...sections, { type: 'divider' });
    shown++;
  }
  const hidden = plan.changes.length - shown;
  const more = hidden
    ? [
        context(
          `:warning: ${plural(hidden, 'more consumer')} not shown here (Slack's message limit): ${plan.changes
            .slice(shown, shown + 20)
            .map((c) => escapeMrkdwn(clip(c.name, 60)))
            .join(
              ', ',
            )}${hidden > 20 ? ', …' : ''}. The full plan: \`efs-encrypt cutover plan ${escapeMrkdwn(plan.sourceFileSystemId)} --app ${escapeMrkdwn(app)}\`. Approving approves every consumer.`,
        ),
      ]
    : [];
  return {
    text: clip(
      `${title}. ${owner.ownerUserId ? `<@${owner.ownerUserId}>` : 'Admins'}: approve or reject.`,
      SlackLimits.messageText,
    ),
    blocks: [...head, ...body, ...more, ...checklist.slice(0, 3), decision],
  };
}

/**
 * The review message with its decision buttons replaced by the verdict (who, when, digest prefix),
 * edited in place: the thread shows what was decided where it was asked.
 */
export function withVerdict(blocks: Block[], verdict: CutoverVerdict): Block[] {
  const verdictBlock = context(verdictText(verdict));
  const at = blocks.findIndex((b) => b.block_id === CUTOVER_DECISION_BLOCK_ID);
  const kept = at < 0 ? blocks : [...blocks.slice(0, at), ...blocks.slice(at + 1)];
  return [
    ...kept.slice(0, SlackLimits.blocksPerMessage - 1),
    { ...verdictBlock, block_id: CUTOVER_DECISION_BLOCK_ID },
  ];
}

export function verdictText(verdict: CutoverVerdict): string {
  const who = `<@${escapeMrkdwn(verdict.approver)}> (${verdict.role})`;
  const digest = code(verdict.planDigest.slice(0, 12));
  return verdict.decision === 'approved'
    ? `:white_check_mark: *Approved* by ${who} at ${escapeMrkdwn(verdict.at)} · plan digest ${digest}`
    : `:no_entry: *Rejected* by ${who} at ${escapeMrkdwn(verdict.at)} · plan digest ${digest}: ${escapeMrkdwn(clip(verdict.reason, 1200))}`;
}

/** The Review cutover button, offered on a verified copy's message beside Find consumers. */
export function reviewCutoverElement(migrationId: string) {
  return {
    type: 'button' as const,
    action_id: CUTOVER_REVIEW_ACTION_ID,
    text: { type: 'plain_text' as const, text: 'Review cutover' },
    value: migrationId,
    style: 'primary' as const,
  };
}

/** The root message `/efs-encrypt cutover FS_ID` posts; the review follows in its thread. */
export function cutoverRootMessage(userId: string, fileSystemId: string): SlackMessage {
  const text = `:arrows_counterclockwise: Cutover of ${code(fileSystemId)} to its encrypted twin, asked by <@${userId}>. The review per application, approvals and progress follow in this thread.`;
  return { text: `Cutover of ${fileSystemId}`, blocks: [section(text)] };
}

/**
 * A review message whose plan was replaced by a re-plan: its Approve / Reject give way to a line
 * pointing at the new plan, so nobody approves a plan that is no longer the stored one.
 */
export function withSuperseded(blocks: Block[], revision: number, why: string): Block[] {
  const note = context(
    `:arrows_counterclockwise: Superseded by plan revision ${revision} (${escapeMrkdwn(clip(why, 300))}), posted below in this thread: approve or reject that one.`,
  );
  const at = blocks.findIndex((b) => b.block_id === CUTOVER_DECISION_BLOCK_ID);
  const kept = at < 0 ? blocks : [...blocks.slice(0, at), ...blocks.slice(at + 1)];
  return [
    ...kept.slice(0, SlackLimits.blocksPerMessage - 1),
    { ...note, block_id: CUTOVER_DECISION_BLOCK_ID },
  ];
}
