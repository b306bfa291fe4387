import { METHOD_LABELS } from '../src/domain/decision.ts';
import type { CandidateStatus, PlanSummary } from '../src/domain/plan-summary.ts';
import { buildButtonsBlock } from './build-review.ts';
import { code, escapeMrkdwn, plural } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';

/** The plan summary for the thread: every decision, every exclusion with its reason, what is left. */

function name(s: CandidateStatus): string {
  const fs = s.fileSystem;
  return `${code(fs.fileSystemId)}${fs.name ? ` ${escapeMrkdwn(clip(fs.name, 60))}` : ''} (${fs.accountId} ${fs.region})`;
}

function decidedLine(s: CandidateStatus): string {
  const d = s.decision!.decision;
  const c = d.constraints ?? {};
  const extras = [
    c.maintenanceWindow && `window ${c.maintenanceWindow}`,
    c.expectedChangeRate && `change ${c.expectedChangeRate}`,
    c.notes && `notes: ${clip(c.notes, 200)}`,
  ]
    .filter(Boolean)
    .map((t) => escapeMrkdwn(String(t)));
  const key = `${escapeMrkdwn(d.targetKeyAsGiven ?? d.targetKmsKeyId)}${d.keyManager === 'AWS' ? ' (AWS managed)' : ''}`;
  return `• ${name(s)}: ${METHOD_LABELS[d.method]} → ${key}${extras.length ? ` · ${extras.join(' · ')}` : ''} · <@${d.decidedBy}>`;
}

export function planSummaryMessages(plan: PlanSummary): SlackMessage[] {
  const title = `Plan: ${plan.decided.length} decided, ${plan.excluded.length} excluded, ${plan.undecided.length} still to decide`;
  const lines: string[][] = [];
  if (plan.decided.length)
    lines.push([`*Decided (${plan.decided.length})*`, ...plan.decided.map(decidedLine)]);
  if (plan.excluded.length)
    lines.push([
      `*Excluded (${plan.excluded.length})*`,
      ...plan.excluded.map(
        (s) => `• ${name(s)}: ${escapeMrkdwn(clip(s.exclusionReason ?? '', 500))} · <@${s.updatedBy}>`,
      ),
    ]);
  if (plan.undecided.length)
    lines.push([
      `*Still needs a decision (${plan.undecided.length})*`,
      ...plan.undecided.map((s) => `• ${name(s)}`),
    ]);
  if (plan.started.length)
    lines.push([
      `*Build started (${plan.started.length})*`,
      ...plan.started.map((s) => `• ${name(s)}: ${s.state}`),
    ]);
  const content: Block[] = lines.flatMap((group) =>
    packLines(group).map((text): Block => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  );
  const head: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SlackLimits.headerText) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: escapeMrkdwn(
            `${plural(plan.candidates, 'unencrypted file system')} from ${plan.basis}; re-open the plan to change a decision until its build starts.${plan.unread.length ? ` No stored scan could read ${plan.unread.join(', ')}.` : ''}`,
          ),
        },
      ],
    },
    // Review build (the dry run) and Build all, once there is something decided to build.
    ...(plan.decided.length ? [buildButtonsBlock(plan.scanId)] : []),
  ];
  const perPage = SlackLimits.blocksPerMessage - head.length;
  const messages: SlackMessage[] = [];
  for (let i = 0; i === 0 || i < content.length; i += perPage)
    messages.push({
      text: clip(title, SlackLimits.messageText),
      blocks: [...(i === 0 ? head : []), ...content.slice(i, i + perPage)],
    });
  return messages;
}
