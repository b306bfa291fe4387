import type { BuildPlan, PlannedCall } from '../src/domain/build-plan.ts';
import { PRICE_LABEL } from '../src/domain/twin-cost.ts';
import { code, escapeMrkdwn, plural } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';

/**
 * The build's dry run for the thread (DESIGN.md rule 3): per file system, the exact AWS calls in
 * order with their inputs, what differs from the source and why, and a Build button. Inputs are
 * never cut: an input longer than a section is split across sections, and the messages are paged
 * at Slack's 50 blocks, so everything shown is exactly what the build sends.
 */

export const BUILD_REVIEW_ACTION_ID = 'build_review';
export const BUILD_ALL_ACTION_ID = 'build_all';
export const BUILD_ONE_ACTION_ID = 'build_one';

/** Room left in a section for the code fence and the call's heading. */
const CODE_CHUNK = SlackLimits.sectionText - 200;

/**
 * The Review build and Build all buttons under a plan summary; the value names the scan when the
 * plan was made from one scan, and is absent for the latest view (every decided file system).
 */
export function buildButtonsBlock(scanId: string | undefined): Block {
  const value = scanId ? { value: clip(scanId, SlackLimits.buttonValue) } : {};
  return {
    type: 'actions',
    block_id: 'build_buttons',
    elements: [
      {
        type: 'button',
        action_id: BUILD_REVIEW_ACTION_ID,
        text: { type: 'plain_text', text: 'Review build' },
        ...value,
      },
      {
        type: 'button',
        action_id: BUILD_ALL_ACTION_ID,
        style: 'primary',
        text: { type: 'plain_text', text: 'Build all' },
        ...value,
        confirm: {
          title: { type: 'plain_text', text: 'Build every decided twin?' },
          text: {
            type: 'mrkdwn',
            text: 'Creates an encrypted file system, its mount targets and access points for every decided file system. Nothing is deleted.',
          },
          confirm: { type: 'plain_text', text: 'Build all' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}

/** Splits text so that each piece, once escaped for mrkdwn, fits in `max` characters. */
export function chunkEscaped(text: string, max: number = CODE_CHUNK): string[] {
  const out: string[] = [];
  let current = '';
  let length = 0;
  for (const ch of text) {
    const escaped = escapeMrkdwn(ch);
    if (length + escaped.length > max) {
      out.push(current);
      current = '';
      length = 0;
    }
    current += escaped;
    length += escaped.length;
  }
  if (current || out.length === 0) out.push(current);
  return out;
}

/** One call as sections: the heading and its input in a code block, split only when too long. */
function callTexts(call: PlannedCall, n: number): string[] {
  const heading = `${n}. *${escapeMrkdwn(call.operation)}* _${escapeMrkdwn(call.step)}_`;
  const pieces = chunkEscaped(JSON.stringify(call.input));
  return pieces.map(
    (p, i) => `${i === 0 ? heading : `${heading} (continued ${i + 1}/${pieces.length})`}\n\`\`\`${p}\`\`\``,
  );
}

export function planBlocks(plan: BuildPlan): Block[] {
  const name = plan.sourceName ? ` ${escapeMrkdwn(clip(plan.sourceName, 60))}` : '';
  const head = `*${code(plan.sourceFileSystemId)}${name}* (${plan.accountId} ${plan.region}) → encrypted twin with ${code(plan.intendedKeyArn)}\n${plural(plan.calls.length, 'call')} in order; ${code('<twin>')} is the new file system's ID, known once it exists.`;
  const texts = [head, ...plan.calls.flatMap((c, i) => callTexts(c, i + 1))];
  const sections = packLines(texts).map((text): Block => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
  }));
  const differs = packLines([
    '*Differs from the source*',
    ...plan.differs.map(
      (d) => `• ${escapeMrkdwn(d.subject)}: ${escapeMrkdwn(d.change)} _(${escapeMrkdwn(d.why)})_`,
    ),
  ]).map((text): Block => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  const cost = packLines([
    `*While both exist* _(${PRICE_LABEL})_`,
    ...plan.whileBothExist.lines.map((l) => `• ${escapeMrkdwn(l)}`),
  ]).map((text): Block => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  return [
    ...sections,
    ...differs,
    ...cost,
    {
      type: 'actions',
      block_id: clip(`build_one|${plan.migrationId}`, SlackLimits.blockId),
      elements: [
        {
          type: 'button',
          action_id: BUILD_ONE_ACTION_ID,
          style: 'primary',
          text: {
            type: 'plain_text',
            text: clip(`Build ${plan.sourceFileSystemId}`, SlackLimits.buttonText),
          },
          value: plan.migrationId,
        },
      ],
    },
    { type: 'divider' },
  ];
}

/** The dry run as one or more messages, each within Slack's block limit; a file system's blocks stay together when they fit. */
export function buildReviewMessages(plans: BuildPlan[]): SlackMessage[] {
  const title = `Build review (dry run, nothing is created): ${plural(plans.length, 'file system')}`;
  const head: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SlackLimits.headerText) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Each Build button queues that file system alone; Build all on the plan queues every one. Admins only.',
        },
      ],
    },
  ];
  const max = SlackLimits.blocksPerMessage;
  const messages: Block[][] = [[...head]];
  for (const plan of plans) {
    const blocks = planBlocks(plan);
    let page = messages.at(-1)!;
    if (page.length + blocks.length > max && page.length > 0 && blocks.length <= max) {
      page = [];
      messages.push(page);
    }
    for (const b of blocks) {
      if (page.length >= max) {
        page = [];
        messages.push(page);
      }
      page.push(b);
    }
  }
  return messages
    .filter((blocks) => blocks.length)
    .map((blocks, i, all) => ({
      text: clip(all.length > 1 ? `${title} (${i + 1}/${all.length})` : title, SlackLimits.messageText),
      blocks,
    }));
}
