import type {
  MigrationDetail,
  MigrationLine,
  StateCount,
  StatusOverview,
} from '../src/domain/status-view.ts';
import { mappingLines } from './build-progress.ts';
import { code, escapeMrkdwn, plural } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';

/**
 * `/efs-encrypt status`: the overview (counts per state and per account and region, then the most
 * urgent migrations one line each) and one migration's detail. Both answer privately, so they
 * never hold buttons: the buttons live on the migration's own messages in its thread.
 */

/** Migrations listed one per line in the overview; the rest are counted and left to the CLI. */
export const STATUS_LINES_SHOWN = 25;
/** Account/region rows listed in the overview. */
export const STATUS_PLACES_SHOWN = 10;

const STATE_EMOJI: Partial<Record<string, string>> = {
  failed: ':x:',
  target_creating: ':hourglass_flowing_sand:',
  copying: ':hourglass_flowing_sand:',
  final_sync: ':hourglass_flowing_sand:',
  verified: ':white_check_mark:',
  cut_over: ':white_check_mark:',
  decommissioned: ':white_check_mark:',
  excluded: ':no_entry_sign:',
};
const emoji = (state: string) => STATE_EMOJI[state] ?? ':white_small_square:';

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const sections = (lines: string[]): Block[] => packLines(lines).map(section);
const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, SlackLimits.contextElementText) }],
});
const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(text, SlackLimits.headerText) },
});

const countsText = (byState: StateCount[]) =>
  byState.map((c) => `${escapeMrkdwn(c.state)} ${c.count}`).join(' · ');

/** One migration in mrkdwn, one line (values escaped; long messages shortened, lists never cut). */
export function statusLine(m: MigrationLine): string {
  const parts = [
    `${emoji(m.state)} ${code(m.fileSystemId)}${m.name ? ` ${escapeMrkdwn(clip(m.name, 60))}` : ''} · ${m.accountId} ${escapeMrkdwn(m.region)} · *${escapeMrkdwn(m.state)}*${m.failedFrom ? ` (from ${escapeMrkdwn(m.failedFrom)})` : ''}`,
    ...(m.method ? [escapeMrkdwn(m.method)] : []),
    ...(m.targetKey ? [`key ${code(clip(m.targetKey, 120))}`] : []),
    ...(m.twinFileSystemId ? [`twin ${code(m.twinFileSystemId)}`] : []),
    ...(m.copy ? [escapeMrkdwn(clip(m.copy, 200))] : []),
    ...(m.progress ? [escapeMrkdwn(clip(m.progress, 300))] : []),
    ...(m.lastError
      ? [`:warning: ${escapeMrkdwn(m.lastError.code)}: ${escapeMrkdwn(clip(m.lastError.message, 300))}`]
      : []),
    ...(m.lastChange
      ? [
          `last ${escapeMrkdwn(m.lastChange.kind)} by ${actorText(m.lastChange.actor)} ${escapeMrkdwn(m.lastChange.at)}`,
        ]
      : []),
  ];
  return parts.join(' · ');
}

/** A Slack user ID becomes a mention; anything else (`cli:alice`, `bot:host:1`) is shown as text. */
function actorText(actor: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(actor) ? `<@${actor}>` : escapeMrkdwn(actor);
}

export function statusOverviewMessage(o: StatusOverview, slashCommand = '/efs-encrypt'): SlackMessage {
  if (o.total === 0)
    return {
      text: 'No migrations yet.',
      blocks: [
        section(
          `No migrations yet. Run \`${slashCommand} scan\`, then decide with \`${slashCommand} plan\`.`,
        ),
      ],
    };
  const places = o.byPlace
    .slice(0, STATUS_PLACES_SHOWN)
    .map((p) => `• ${p.accountId} ${escapeMrkdwn(p.region)}: ${p.total} (${countsText(p.byState)})`);
  const hiddenPlaces = o.byPlace.length - places.length;
  if (hiddenPlaces > 0)
    places.push(`…and ${plural(hiddenPlaces, 'more account/region', 'more accounts/regions')}`);
  const shown = o.migrations.slice(0, STATUS_LINES_SHOWN);
  const more = o.migrations.length - shown.length;
  const blocks: Block[] = [
    header(`Migrations: ${o.total}`),
    section(`*By state:* ${countsText(o.byState)}`),
    ...sections(['*By account and region:*', ...places]),
    { type: 'divider' },
    ...sections(shown.map(statusLine)),
  ];
  const tail = [
    ...(more > 0 ? [`and ${more} more — \`efs-encrypt status\` lists all`] : []),
    `\`${slashCommand} status <file-system-id>\` for one in detail · as of ${escapeMrkdwn(o.generatedAt)}`,
  ];
  blocks.push(context(tail.join(' · ')));
  return {
    text: clip(
      `Migrations: ${o.total} (${o.byState.map((c) => `${c.state} ${c.count}`).join(', ')})`,
      SlackLimits.messageText,
    ),
    blocks: fit(blocks),
  };
}

/** Events listed in the detail; the CLI's `--events` shows more. */
export const STATUS_EVENTS_SHOWN = 10;

export function statusDetailMessage(d: MigrationDetail): SlackMessage {
  const m = d.line;
  const dec = d.decision?.decision;
  const fields = [
    `*State*\n${emoji(m.state)} ${escapeMrkdwn(m.state)}${m.failedFrom ? ` (from ${escapeMrkdwn(m.failedFrom)})` : ''}`,
    `*Where*\n${m.accountId} ${escapeMrkdwn(m.region)}`,
    `*Method*\n${m.method ? escapeMrkdwn(m.method) : 'not decided'}`,
    `*Target key*\n${m.targetKey ? code(clip(m.targetKey, 300)) : 'not decided'}`,
    `*Twin*\n${m.twinFileSystemId ? code(m.twinFileSystemId) : 'not built'}`,
    `*Last change*\n${m.lastChange ? `${escapeMrkdwn(m.lastChange.kind)} by ${actorText(m.lastChange.actor)} ${escapeMrkdwn(m.lastChange.at)}` : 'none'}`,
  ];
  const blocks: Block[] = [
    header(`${m.fileSystemId}${m.name ? ` (${m.name})` : ''}`),
    {
      type: 'section',
      fields: fields.map((text) => ({
        type: 'mrkdwn' as const,
        text: clip(text, SlackLimits.sectionFieldText),
      })),
    },
  ];
  if (m.lastError)
    blocks.push(
      section(
        clip(
          `:warning: *${escapeMrkdwn(m.lastError.code)}* at ${escapeMrkdwn(m.lastError.at)}: ${escapeMrkdwn(m.lastError.message)}`,
          SlackLimits.sectionText,
        ),
      ),
    );
  const next = d.next;
  const who = next.who === 'nobody' ? 'nothing to do yet' : `who: ${next.who}`;
  blocks.push(
    section(
      clip(
        `*Next:* ${escapeMrkdwn(next.text)} (${who})${next.command ? ` · ${code(next.command)}` : ''}`,
        SlackLimits.sectionText,
      ),
    ),
  );

  const facts: string[] = [];
  if (dec) {
    facts.push(
      `*Decision:* ${escapeMrkdwn(dec.method)} to ${code(dec.targetKmsKeyId)} by ${actorText(dec.decidedBy)} ${escapeMrkdwn(dec.decidedAt)}`,
    );
    if (dec.constraints?.maintenanceWindow)
      facts.push(`• maintenance window: ${escapeMrkdwn(clip(dec.constraints.maintenanceWindow, 200))}`);
    if (dec.note) facts.push(`• note: ${escapeMrkdwn(clip(dec.note, 500))}`);
  }
  if (d.build.job || d.build.mapping.targetFileSystemId) {
    const j = d.build.job;
    facts.push(
      `*Build:* ${j ? `job ${code(j.jobId)} ${escapeMrkdwn(j.status)}` : 'no job'}${d.build.mapping.lastStep ? `, last step ${escapeMrkdwn(d.build.mapping.lastStep)}` : ''}`,
    );
    facts.push(...mappingLines(d.build.mapping));
  }
  const c = d.copy;
  if (c.job || c.verification) {
    facts.push(
      `*Copy:* ${c.job ? `${escapeMrkdwn(c.kind ?? 'copy')} job ${code(c.job.jobId)} ${escapeMrkdwn(c.job.status)}` : 'no job'}`,
    );
    if (c.progress)
      facts.push(
        `• ${c.progress.stale ? ':warning: ' : ''}progress: ${escapeMrkdwn(clip(c.progress.text, 500))}`,
      );
    if (c.verification) facts.push(`• verification: ${escapeMrkdwn(clip(c.verification, 500))}`);
    if (c.lastReplicatedTimestamp) facts.push(`• last replicated ${escapeMrkdwn(c.lastReplicatedTimestamp)}`);
    if (c.writesStoppedAt) facts.push(`• writes stopped at ${escapeMrkdwn(c.writesStoppedAt)}`);
    if (c.dataSyncExecutionArn) facts.push(`• DataSync execution ${code(c.dataSyncExecutionArn)}`);
  }
  blocks.push(...sections(facts));

  const events = d.events.slice(-STATUS_EVENTS_SHOWN);
  if (events.length) {
    const lines = events.map((e) => {
      const move = e.from || e.to ? ` ${escapeMrkdwn(e.from ?? '')}→${escapeMrkdwn(e.to ?? '')}` : '';
      const ids = e.awsRequestIds?.length ? ` · AWS request ${e.awsRequestIds.map(code).join(', ')}` : '';
      return `• ${escapeMrkdwn(e.at)} ${actorText(e.actor)} ${escapeMrkdwn(e.kind)}${move}${e.detail ? `: ${escapeMrkdwn(clip(e.detail, 300))}` : ''}${ids}`;
    });
    blocks.push(...sections([`*Last ${plural(events.length, 'event')} of ${d.totalEvents}:*`, ...lines]));
  }
  blocks.push(
    context(
      `migration ${code(m.migrationId)} · version ${d.record.version} · \`efs-encrypt status ${m.fileSystemId} --events 100\` shows more of the audit log`,
    ),
  );
  return {
    text: clip(`${m.fileSystemId}: ${m.state}. Next: ${next.text}`, SlackLimits.messageText),
    blocks: fit(blocks),
  };
}

/** Keeps a message within 50 blocks: the last block (the context) always stays. */
function fit(blocks: Block[]): Block[] {
  if (blocks.length <= SlackLimits.blocksPerMessage) return blocks;
  const last = blocks.at(-1)!;
  return [
    ...blocks.slice(0, SlackLimits.blocksPerMessage - 2),
    section('…more in `efs-encrypt status`.'),
    last,
  ];
}
