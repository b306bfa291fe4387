import type { Digest, NewUnencrypted } from '../src/domain/digest.ts';
import { escapeMrkdwn } from './format.ts';
import { clip, packLines, SlackLimits, type Block, type SlackMessage } from './limits.ts';

/**
 * The digest as Block Kit: the verdict in one line with the Full report button, migrations by
 * state and what moved, stuck ones, failures, approvals waiting (with the owner mentioned), keys
 * at risk, and each new unencrypted file system with a Plan migration button. Pure, and within
 * Slack's limits whatever the estate: lists are capped (the full report has everything), the new
 * file systems with a button are the first few, the rest listed as text.
 */

export const DIGEST_FULL_REPORT_ACTION_ID = 'digest_full_report';
export const DIGEST_PLAN_ACTION_ID = 'digest_plan_open';

/** Lines per list; file systems with their own Plan migration button. */
const SHOWN = { moved: 10, stuck: 10, failures: 10, approvals: 10, keys: 5, keyFileSystems: 5 } as const;
export const DIGEST_PLAN_BUTTONS = 10;
/** Blocks kept for the header, verdict, context and the actions, whatever the lists take. */
const FIXED_BLOCKS = 6;

const mention = (who: string) => (/^[UW][A-Z0-9]{2,}$/.test(who) ? `<@${who}>` : escapeMrkdwn(who));
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function list(title: string, lines: string[], max: number, empty?: string): string[] {
  if (!lines.length) return empty ? [`*${title}*: ${empty}`] : [];
  const shown = lines.slice(0, max);
  const more = lines.length > shown.length ? ` (first ${shown.length} of ${lines.length})` : '';
  return [`*${title} (${lines.length})*${more}`, ...shown.map((l) => `• ${l}`)];
}

const fsLine = (n: NewUnencrypted) =>
  `\`${n.fileSystemId}\`${n.name ? ` (${escapeMrkdwn(n.name)})` : ''} ${n.accountId} ${n.region}` +
  `${n.creationTime ? `, created ${day(n.creationTime)}` : ''}` +
  `${n.createdBy ? ` by ${escapeMrkdwn(n.createdBy)}` : ', creator unknown (no created-by or owner tag)'}` +
  `${n.app ? `, app ${escapeMrkdwn(n.app)}` : ''}`;

/** The value a Plan migration button carries: where the file system is and its ID. */
export function planButtonValue(n: Pick<NewUnencrypted, 'accountId' | 'region' | 'fileSystemId'>): string {
  return `${n.accountId}/${n.region}/${n.fileSystemId}`;
}

export function parsePlanButtonValue(
  value: string,
): { accountId: string; region: string; fileSystemId: string } | undefined {
  const m = /^(\d{12})\/([a-z0-9-]+)\/(fs-[0-9a-f]{8,40})$/.exec(value);
  return m ? { accountId: m[1]!, region: m[2]!, fileSystemId: m[3]! } : undefined;
}

export function digestMessage(d: Digest): SlackMessage {
  const period = d.since ? `since ${day(d.since)} UTC` : 'first digest: everything so far';
  const header = d.slot ? `EFS encryption digest, ${day(d.slot)} UTC` : 'EFS encryption digest (on demand)';
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(header, SlackLimits.headerText) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `${d.validation.goalMet ? ':white_check_mark:' : ':x:'} ${escapeMrkdwn(d.validation.line)}`,
          SlackLimits.sectionText,
        ),
      },
      accessory: {
        type: 'button',
        action_id: DIGEST_FULL_REPORT_ACTION_ID,
        text: { type: 'plain_text', text: 'Full report' },
        value: d.validation.reportId,
      },
    },
  ];

  const states = d.byState.map((s) => `${s.state.replace(/_/g, ' ')} ${s.count}`).join(' · ');
  const lines = [
    `*Migrations by state*: ${states || 'none yet'}`,
    ...list(
      `Moved ${period}`,
      d.moved.map(
        (m) =>
          `\`${m.fileSystemId}\` ${m.from ? `${m.from} → ` : ''}${m.to} (${day(m.at)}, ${mention(m.by)})`,
      ),
      SHOWN.moved,
      d.since ? 'nothing' : undefined,
    ),
    ...list(
      `Stuck (no progress for ${d.stuckHours} h or more)`,
      d.stuck.map(
        (s) => `\`${s.fileSystemId}\` ${s.state.replace(/_/g, ' ')} since ${day(s.since)} (${s.hours} h)`,
      ),
      SHOWN.stuck,
      'none',
    ),
    ...list(
      'Failures',
      d.failures.map(
        (f) =>
          `\`${f.fileSystemId}\`${f.failedFrom ? ` (from ${f.failedFrom})` : ''}${f.error ? `: ${escapeMrkdwn(f.error.message)}` : ''}`,
      ),
      SHOWN.failures,
      'none',
    ),
    ...list(
      'Approvals waiting',
      d.approvalsWaiting.map(
        (a) =>
          `\`${a.fileSystemId}\` cutover of ${escapeMrkdwn(a.app)} (plan ${a.planRevision}, ${day(a.plannedAt)}): ` +
          (a.ownerUserId
            ? mention(a.ownerUserId)
            : a.ownerTag
              ? `${escapeMrkdwn(a.ownerTag)} (not a Slack user: an admin approves)`
              : 'no owner tag: an admin approves'),
      ),
      SHOWN.approvals,
      'none',
    ),
    ...list(
      'Keys at risk: file systems on them stop working',
      d.keysAtRisk.map((k) => {
        const fs = k.fileSystems
          .slice(0, SHOWN.keyFileSystems)
          .map((f) => `\`${f.fileSystemId}\``)
          .join(', ');
        const more =
          k.fileSystems.length > SHOWN.keyFileSystems
            ? ` and ${k.fileSystems.length - SHOWN.keyFileSystems} more`
            : '';
        const state =
          k.keyState === 'PendingDeletion' && k.deletionDate
            ? `pending deletion on ${k.deletionDate.slice(0, 10)}`
            : k.keyState;
        return `${escapeMrkdwn(k.alias ?? k.kmsKeyArn)} ${state}: ${fs}${more}`;
      }),
      SHOWN.keys,
      'none',
    ),
  ];
  const listBlocks = packLines(lines).map((text): Block => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
  }));

  const fresh = d.newUnencrypted;
  const withButton = fresh.slice(0, DIGEST_PLAN_BUTTONS);
  const budget = SlackLimits.blocksPerMessage - FIXED_BLOCKS - withButton.length;
  blocks.push(...listBlocks.slice(0, Math.max(1, budget)));
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: fresh.length
        ? `*New unencrypted file systems ${period} (${fresh.length})*${fresh.length > withButton.length ? ` (first ${withButton.length} with a button; all are exceptions in the full report)` : ''}`
        : `*New unencrypted file systems ${period}*: none`,
    },
  });
  for (const n of withButton)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(fsLine(n), SlackLimits.sectionText) },
      accessory: {
        type: 'button',
        action_id: DIGEST_PLAN_ACTION_ID,
        text: { type: 'plain_text', text: 'Plan migration' },
        value: planButtonValue(n),
      },
    });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: clip(
          `Digest \`${d.digestId}\` · ${d.generatedAt} · ${d.requestedBy === 'schedule' ? 'scheduled' : `asked by ${mention(d.requestedBy)}`} · report \`${d.validation.reportId}\``,
          SlackLimits.contextElementText,
        ),
      },
    ],
  });
  const summary =
    `EFS digest: ${d.validation.line} ${fresh.length} new unencrypted, ${d.keysAtRisk.length} key(s) at risk, ` +
    `${d.stuck.length} stuck, ${d.failures.length} failed, ${d.approvalsWaiting.length} approval(s) waiting.`;
  return { text: clip(summary, SlackLimits.messageText), blocks };
}
