import { consumerHeadline, groupByApplication } from '../src/domain/consumer-references.ts';
import type { ConsumerReport } from '../src/domain/consumers.ts';
import { code, escapeMrkdwn, plural } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';

/**
 * Who uses a migration's source, as a message in its thread: consumers grouped by application
 * with their owner, each reference (form, value, where), what could not be read, and the checklist
 * of what no AWS API shows. Many consumers never exceed Slack's 50 blocks: the references beyond a
 * few per consumer and the applications beyond the message's room are summarised, with the CLI
 * command that prints them all.
 */

/** Find consumers: any admin, in the thread of a verified copy. */
export const CONSUMERS_FIND_ACTION_ID = 'consumers_find';

/** References shown per consumer; the rest are counted. */
const REFERENCES_SHOWN = 3;
/** Blocks kept for the title, what could not be read, the checklist and the context. */
const RESERVED_BLOCKS = 6;

export function findConsumersButton(migrationId: string) {
  return {
    type: 'button' as const,
    action_id: CONSUMERS_FIND_ACTION_ID,
    text: { type: 'plain_text' as const, text: 'Find consumers' },
    value: migrationId,
  };
}

/** A Slack user ID becomes a mention; an email or a team name is shown as written. */
function owner(ownerTag: string | undefined): string {
  if (!ownerTag) return '_no owner tag: the admins_';
  return /^[UW][A-Z0-9]{2,}$/.test(ownerTag) ? `<@${ownerTag}>` : escapeMrkdwn(clip(ownerTag, 200));
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

export function consumerReportMessage(
  report: ConsumerReport,
  fileSystemTags: Record<string, string>,
): SlackMessage {
  const groups = groupByApplication(report.consumers, fileSystemTags);
  const counts =
    report.consumers.length === 0
      ? 'no ECS, Lambda or launch template consumer found'
      : `${plural(report.consumers.length, 'consumer')} in ${plural(groups.length, 'application')}`;
  const blocks: Block[] = [
    section(
      `:mag: *Consumers of ${code(report.fileSystemId)}* (${escapeMrkdwn(report.accountId)} ${escapeMrkdwn(report.region)}): ${counts}`,
    ),
  ];

  const groupSections = groups.flatMap((g) => {
    const lines = [`*${escapeMrkdwn(clip(g.app, 200))}* — owner ${owner(g.ownerTag)}`];
    for (const c of g.consumers) {
      lines.push(`• ${escapeMrkdwn(clip(consumerHeadline(c), 600))}`);
      for (const r of c.references.slice(0, REFERENCES_SHOWN))
        lines.push(`    ◦ ${r.form} ${code(clip(r.value, 300))} — ${escapeMrkdwn(clip(r.where, 200))}`);
      if (c.references.length > REFERENCES_SHOWN)
        lines.push(`    ◦ _and ${plural(c.references.length - REFERENCES_SHOWN, 'more reference')}_`);
    }
    return packLines(lines).map(section);
  });
  const room = SlackLimits.blocksPerMessage - RESERVED_BLOCKS - blocks.length;
  if (groupSections.length > room) {
    blocks.push(...groupSections.slice(0, room - 1));
    blocks.push(
      section(
        `_…more consumers than a message holds: run ${code(`efs-encrypt cutover refs ${report.fileSystemId}`)} for all ${report.consumers.length}._`,
      ),
    );
  } else blocks.push(...groupSections);

  if (report.unreadable.length)
    blocks.push(
      ...packLines([
        ':warning: *Could not read* (the list above is incomplete until these are readable):',
        ...report.unreadable.map(
          (u) =>
            `• ${code(`${u.service}:${u.operation}`)} ${escapeMrkdwn(u.code)}: ${escapeMrkdwn(clip(u.message, 300))}`,
        ),
      ])
        .slice(0, 2)
        .map(section),
    );
  blocks.push(
    ...packLines([
      '*Check by hand* (no AWS API shows these):',
      ...report.checklist.map((i) => `☐ *${escapeMrkdwn(i.title)}*: ${escapeMrkdwn(clip(i.detail, 1200))}`),
    ])
      .slice(0, 2)
      .map(section),
  );
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `discovered ${escapeMrkdwn(report.discoveredAt)} · migration ${code(report.migrationId)}`,
      },
    ],
  });
  const text = `Consumers of ${report.fileSystemId}: ${counts}${report.unreadable.length ? ` (incomplete: ${plural(report.unreadable.length, 'source')} unreadable)` : ''}`;
  return { text: clip(text, SlackLimits.messageText), blocks };
}
