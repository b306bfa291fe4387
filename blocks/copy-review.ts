import { COPY_KIND_LABELS, type CopyKind, type PlannedCopyCall } from '../src/domain/copy.ts';
import type { MigrationMethod } from '../src/domain/migration.ts';
import { chunkEscaped } from './build-review.ts';
import { code, escapeMrkdwn, plural } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';

/**
 * The copy's dry run for the thread (DESIGN.md rule 3), the answer to Review copy: for each copy
 * the buttons beside it would start (Start copy, Sync again, Final sync), the exact AWS calls in
 * order with their inputs, as the copy phase's plan() returns them. As in the build review
 * (build-review.ts), an input is never cut: a long one is split across sections, and the messages
 * are paged at Slack's 50 blocks, so everything shown is exactly what the copy sends.
 */

export interface CopyReview {
  migrationId: string;
  fileSystemId: string;
  accountId: string;
  region: string;
  method: MigrationMethod;
  /** One plan per copy kind on offer, in the order the buttons run them. */
  plans: { kind: CopyKind; calls: PlannedCopyCall[] }[];
}

const METHOD_LABELS: Record<MigrationMethod, string> = {
  datasync: 'DataSync',
  replication: 'EFS replication',
  rsync: 'EC2 + rsync',
};

/** One call as sections: heading, input in a code block (split only when too long), then why or when. */
function callTexts(call: PlannedCopyCall, n: number): string[] {
  const operation = `${n}. *${escapeMrkdwn(clip(call.operation, 200))}*`;
  const heading = `${operation}${call.note ? ` _${escapeMrkdwn(clip(call.note, 300))}_` : ''}`;
  // Room for the longest heading, a "(continued i/n)" and the code fence.
  const pieces = chunkEscaped(JSON.stringify(call.input), SlackLimits.sectionText - heading.length - 40);
  return pieces.map(
    (p, i) => `${i === 0 ? heading : `${operation} (continued ${i + 1}/${pieces.length})`}\n\`\`\`${p}\`\`\``,
  );
}

function planBlocks(review: CopyReview, plan: CopyReview['plans'][number]): Block[] {
  const head = `*${COPY_KIND_LABELS[plan.kind]}* of ${code(review.fileSystemId)}: ${plural(plan.calls.length, 'call')} in order`;
  const texts = [head, ...plan.calls.flatMap((c, i) => callTexts(c, i + 1))];
  return packLines(texts).map((text): Block => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

/** The review as one or more messages, each within Slack's block limit. */
export function copyReviewMessages(review: CopyReview): SlackMessage[] {
  const title = `Copy review (dry run, nothing is changed): ${review.fileSystemId}`;
  const head: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SlackLimits.headerText) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            `${escapeMrkdwn(review.accountId)} ${escapeMrkdwn(review.region)}, ${METHOD_LABELS[review.method]}. ${code('<…>')} stands for what is known only once made; ARNs already recorded are reused. The copy buttons run these calls; admins only.`,
            SlackLimits.contextElementText,
          ),
        },
      ],
    },
  ];
  const blocks = [
    ...head,
    ...review.plans.flatMap((p) => [...planBlocks(review, p), { type: 'divider' } as Block]),
  ];
  const pages: Block[][] = [];
  for (let i = 0; i < blocks.length; i += SlackLimits.blocksPerMessage)
    pages.push(blocks.slice(i, i + SlackLimits.blocksPerMessage));
  return pages.map((page, i, all) => ({
    text: clip(all.length > 1 ? `${title} (${i + 1}/${all.length})` : title, SlackLimits.messageText),
    blocks: page,
  }));
}
