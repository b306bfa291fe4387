import { allFindings, type ReportRow, type StoredValidationReport } from '../src/domain/validation-report.ts';
import { escapeMrkdwn } from './format.ts';
import { clip, packLines, SlackLimits, type Block, type SlackMessage } from './limits.ts';

/**
 * `/efs-encrypt validate` in Slack: the message posted while the report is built, then the
 * verdict with its counts, the exceptions and findings first (a few of each; the three export
 * files hold everything), and the Export button. Pure: domain values in, blocks out, always
 * within Slack's limits whatever the size of the estate.
 */

export const VALIDATION_EXPORT_ACTION_ID = 'validation_export';

/** Lines of each list shown in the channel; the exports have them all. */
const SHOWN = { exceptions: 10, findings: 10, outstanding: 5 } as const;
/** Blocks kept for the header, counts, context and the button, whatever the lists take. */
const LIST_BLOCK_BUDGET = SlackLimits.blocksPerMessage - 8;

export function validationStartedMessage(requestedBy: string): SlackMessage {
  const text = `:hourglass_flowing_sand: <@${requestedBy}> asked for the validation report: scanning every configured account and region, then checking each file system against its decision. The verdict replaces this message.`;
  return {
    text: 'Building the validation report…',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

const where = (r: Pick<ReportRow, 'fileSystemId' | 'name' | 'accountId' | 'region'>) =>
  `\`${r.fileSystemId}\`${r.name ? ` (${escapeMrkdwn(r.name)})` : ''} ${r.accountId} ${r.region}`;

function list(title: string, total: number, lines: string[], max: number): string[] {
  if (!total) return [];
  const shown = lines.slice(0, max);
  const more = total > shown.length ? ` (first ${shown.length} of ${total}; all in the export)` : '';
  return [`*${title} (${total})*${more}`, ...shown.map((l) => `• ${l}`)];
}

export function validationSummaryMessage(report: StoredValidationReport): SlackMessage {
  const v = report.verdict;
  const c = v.counts;
  const title = v.goalMet ? ':white_check_mark: Goal met' : ':x: Goal not met';
  const blocks: Block[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clip(`Validation report: ${v.goalMet ? 'goal met' : 'goal not met'}`, SlackLimits.headerText),
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `${title}. ${escapeMrkdwn(v.line.replace(/^Goal (not )?met[.:]\s*/, ''))}`,
          SlackLimits.sectionText,
        ),
      },
    },
    {
      type: 'section',
      fields: [
        `*Exceptions*\n${c.exception}`,
        `*In scope complete*\n${c.inScopeComplete} / ${c.in_scope}`,
        `*Excluded*\n${c.excluded}`,
        `*Encrypted, not migrated*\n${c.encrypted_not_migrated}`,
        `*Findings*\n${c.findings}`,
        `*File systems*\n${c.total}`,
      ].map((text) => ({ type: 'mrkdwn' as const, text })),
    },
  ];

  const exceptions = report.rows.filter((r) => r.category === 'exception');
  const findings = allFindings(report);
  const outstanding = report.rows.filter((r) => r.category === 'in_scope' && !r.complete);
  const concerns = report.rows.filter((r) => r.signOff === 'concerns');
  const awaiting = report.rows.filter(
    (r) => r.category === 'in_scope' && r.complete && r.signOff === 'pending',
  );
  const lines = [
    ...list(
      'Exceptions: unencrypted, no decision covers them',
      exceptions.length,
      exceptions.map((r) => `${where(r)}: ${escapeMrkdwn(r.exceptionReason ?? '')}`),
      SHOWN.exceptions,
    ),
    ...list(
      'Findings',
      findings.length,
      findings.map((f) => `${f.kind}: ${escapeMrkdwn(f.text)}`),
      SHOWN.findings,
    ),
    ...list(
      'Application concerns (outstanding until signed off)',
      concerns.length,
      concerns.map((r) => `${where(r)}: ${escapeMrkdwn(r.outstanding ?? '')}`),
      SHOWN.outstanding,
    ),
    ...list(
      'Awaiting application sign-off',
      awaiting.length,
      awaiting.map(
        (r) =>
          `${where(r)}: ${(r.applications ?? [])
            .filter((a) => a.state !== 'signed-off')
            .map((a) => escapeMrkdwn(a.app))
            .join(', ')}`,
      ),
      SHOWN.outstanding,
    ),
    ...list(
      'In scope, not complete',
      outstanding.length,
      outstanding.map((r) => `${where(r)}: ${escapeMrkdwn(r.outstanding ?? '')}`),
      SHOWN.outstanding,
    ),
  ];
  const listBlocks = packLines(lines).map((text): Block => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
  }));
  blocks.push(...listBlocks.slice(0, LIST_BLOCK_BUDGET));
  blocks.push(
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            `Report \`${report.reportId}\` · ${report.generatedAt} · asked by ${report.requestedBy.startsWith('U') || report.requestedBy.startsWith('W') ? `<@${report.requestedBy}>` : escapeMrkdwn(report.requestedBy)} · scan \`${report.scanId}\` · sign-off: ${v.counts.signOffPending} awaiting, ${v.counts.concerns} with concerns`,
            SlackLimits.contextElementText,
          ),
        },
      ],
    },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: VALIDATION_EXPORT_ACTION_ID,
          text: { type: 'plain_text', text: 'Export CSV + JSON + Markdown' },
          value: report.reportId,
        },
      ],
    },
  );
  return { text: clip(`Validation report: ${v.line}`, SlackLimits.messageText), blocks };
}
