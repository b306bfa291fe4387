import type { FileSystemRecord, InventoryFlag, ScanFailure, ScanRecord } from '../src/domain/inventory.ts';
import { code, escapeMrkdwn, humanBytes, humanDuration, plural } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';
import { PLAN_OPEN_ACTION_ID } from './plan-modal.ts';

/** The Export button on a scan summary: the stored inventory as CSV and JSON files in the thread. */
export const SCAN_EXPORT_ACTION_ID = 'scan_export';

/**
 * The scan summary, built to stay inside Slack's limits with any number of file systems.
 *
 * Paging choice: the channel (root) message carries the counts and the top few of each list;
 * everything it leaves out goes into follow-up messages in the scan's thread, each within 50
 * blocks, several file systems packed per section (3,000 characters). So the full inventory is
 * readable and searchable in Slack, nothing is truncated, and no page needs the store to render.
 */

export interface ScanSummaryOptions {
  /** Unencrypted file systems listed in the channel message (largest first). */
  topCandidates?: number;
  topAtRisk?: number;
  topFailures?: number;
  /** Account/region pairs listed in the channel message (most unencrypted first). */
  topPairs?: number;
}

const DEFAULTS: Required<ScanSummaryOptions> = {
  topCandidates: 10,
  topAtRisk: 5,
  topFailures: 5,
  topPairs: 12,
};

/** Tag keys shown on each line, matched case-insensitively, first match wins. */
const SHOWN_TAGS: [label: string, keys: string[]][] = [
  ['env', ['env', 'environment', 'stage']],
  ['app', ['app', 'application', 'service']],
  ['owner', ['owner', 'team']],
];
const MAX_VPCS_SHOWN = 4;

function tagValue(tags: Record<string, string>, keys: string[]): string | undefined {
  const lower = new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));
  for (const k of keys) {
    const v = lower.get(k);
    if (v) return v;
  }
  return undefined;
}

/** One file system on one line: ID, name, size, env/app/owner tags, VPCs, flags, where. */
export function fileSystemLine(fs: FileSystemRecord): string {
  const parts = [
    `${code(fs.fileSystemId)}${fs.name ? ` ${escapeMrkdwn(clip(fs.name, 60))}` : ''}`,
    humanBytes(fs.sizeInBytes),
  ];
  const tags = SHOWN_TAGS.flatMap(([label, keys]) => {
    const v = tagValue(fs.tags, keys);
    return v ? [`${label}=${escapeMrkdwn(clip(v, 40))}`] : [];
  });
  if (tags.length) parts.push(tags.join(' '));
  if (fs.vpcIds.length) {
    const extra = fs.vpcIds.length - MAX_VPCS_SHOWN;
    parts.push(`${fs.vpcIds.slice(0, MAX_VPCS_SHOWN).join(', ')}${extra > 0 ? ` +${extra} more` : ''}`);
  } else {
    parts.push('no VPC');
  }
  if (fs.flags.length) parts.push(fs.flags.map((f) => `_${f}_`).join(' '));
  parts.push(`${fs.accountId} ${fs.region}`);
  return `• ${parts.join(' · ')}`;
}

function failureLine(f: ScanFailure): string {
  const where = [f.accountId, f.region].filter(Boolean).join(' ');
  return `• ${where}: ${escapeMrkdwn(f.operation)} failed with ${code(f.code)}: ${escapeMrkdwn(clip(f.message, 300))}`;
}

export function isAtRisk(fs: FileSystemRecord): boolean {
  return fs.encrypted && fs.flags.includes('key-at-risk');
}

/** Unencrypted first, largest first, so the biggest migrations lead. */
export function candidates(scan: ScanRecord): FileSystemRecord[] {
  return scan.fileSystems
    .filter((fs) => !fs.encrypted)
    .sort((a, b) => b.sizeInBytes - a.sizeInBytes || a.fileSystemId.localeCompare(b.fileSystemId));
}

function atRiskList(scan: ScanRecord): FileSystemRecord[] {
  return scan.fileSystems.filter(isAtRisk).sort((a, b) => a.fileSystemId.localeCompare(b.fileSystemId));
}

interface PairCount {
  accountId: string;
  region: string;
  total: number;
  unencrypted: number;
}

function pairCounts(scan: ScanRecord): PairCount[] {
  const pairs = new Map<string, PairCount>();
  for (const fs of scan.fileSystems) {
    const key = `${fs.accountId} ${fs.region}`;
    const p = pairs.get(key) ?? { accountId: fs.accountId, region: fs.region, total: 0, unencrypted: 0 };
    p.total++;
    if (!fs.encrypted) p.unencrypted++;
    pairs.set(key, p);
  }
  return [...pairs.values()].sort(
    (a, b) =>
      b.unencrypted - a.unencrypted ||
      b.total - a.total ||
      `${a.accountId}${a.region}`.localeCompare(`${b.accountId}${b.region}`),
  );
}

function pairLine(p: PairCount): string {
  return `• ${p.accountId} ${p.region}: ${plural(p.total, 'file system')}, ${p.unencrypted} unencrypted`;
}

function flagCounts(scan: ScanRecord): [InventoryFlag, number][] {
  const counts = new Map<InventoryFlag, number>();
  for (const fs of scan.fileSystems) for (const f of fs.flags) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function sections(lines: string[]): Block[] {
  return packLines(lines).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

function shownOf(shown: number, total: number): string {
  return shown < total ? ` (top ${shown} of ${total}; all in the thread)` : '';
}

interface Lists {
  candidates: FileSystemRecord[];
  atRisk: FileSystemRecord[];
  failures: ScanFailure[];
  pairs: PairCount[];
}

function lists(scan: ScanRecord): Lists {
  return {
    candidates: candidates(scan),
    atRisk: atRiskList(scan),
    failures: scan.failures,
    pairs: pairCounts(scan),
  };
}

/** Whether the channel message leaves anything out, i.e. whether thread pages follow. */
function leavesOut(l: Lists, o: Required<ScanSummaryOptions>): boolean {
  return (
    l.candidates.length > o.topCandidates ||
    l.atRisk.length > o.topAtRisk ||
    l.failures.length > o.topFailures ||
    l.pairs.length > o.topPairs
  );
}

/** The channel message: counts by classification, flag, account and region; the top of each list. */
export function scanSummaryMessage(scan: ScanRecord, options: ScanSummaryOptions = {}): SlackMessage {
  const o = { ...DEFAULTS, ...options };
  const l = lists(scan);
  const total = scan.fileSystems.length;
  const unencrypted = l.candidates.length;
  const title = `EFS scan: ${unencrypted} unencrypted of ${plural(total, 'file system')}`;

  const about = [
    `Scan ${code(scan.scanId)}`,
    scan.requestedBy ? `requested by <@${scan.requestedBy}>` : undefined,
    plural(scan.accounts.length, 'account'),
    plural(scan.regions.length, 'region'),
    scan.stats.durationMs ? `took ${humanDuration(scan.stats.durationMs)}` : undefined,
    scan.stats.throttles ? `${plural(scan.stats.throttles, 'throttled call')}` : undefined,
  ].filter(Boolean);

  const fields = [
    `*Unencrypted*\n${unencrypted}`,
    `*Encrypted*\n${total - unencrypted}`,
    ...flagCounts(scan).map(([flag, n]) => `*${flag}*\n${n}`),
    `*Could not scan*\n${plural(scan.failures.length, 'account/region', 'accounts/regions')}`,
  ].slice(0, SlackLimits.sectionFields);

  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SlackLimits.headerText) } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(about.join(' · '), SlackLimits.contextElementText) }],
    },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];

  if (l.pairs.length) {
    const shown = l.pairs.slice(0, o.topPairs);
    blocks.push(
      ...sections([
        `*By account and region*${shownOf(shown.length, l.pairs.length)}`,
        ...shown.map(pairLine),
      ]),
    );
  }
  blocks.push({ type: 'divider' });
  if (unencrypted) {
    const shown = l.candidates.slice(0, o.topCandidates);
    blocks.push(
      ...sections([
        `*Unencrypted candidates*, largest first${shownOf(shown.length, unencrypted)}`,
        ...shown.map(fileSystemLine),
      ]),
    );
    blocks.push({
      type: 'actions',
      block_id: 'scan_plan',
      elements: [
        {
          type: 'button',
          action_id: PLAN_OPEN_ACTION_ID,
          text: { type: 'plain_text', text: 'Plan migrations…' },
          value: scan.scanId,
          style: 'primary',
        },
        exportButton(scan.scanId),
      ],
    });
  } else {
    blocks.push(
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: total
            ? ':white_check_mark: Every file system found is encrypted.'
            : 'No EFS file systems were found in the accounts and regions scanned.',
        },
      },
      { type: 'actions', block_id: 'scan_export', elements: [exportButton(scan.scanId)] },
    );
  }
  if (l.atRisk.length) {
    const shown = l.atRisk.slice(0, o.topAtRisk);
    blocks.push(
      ...sections([
        `*Encrypted, but the key is at risk*${shownOf(shown.length, l.atRisk.length)}`,
        ...shown.map(fileSystemLine),
      ]),
    );
  }
  if (l.failures.length) {
    const shown = l.failures.slice(0, o.topFailures);
    blocks.push(
      ...sections([`*Could not scan*${shownOf(shown.length, l.failures.length)}`, ...shown.map(failureLine)]),
    );
  }
  if (leavesOut(l, o)) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'The complete lists follow in this thread.' }],
    });
  }
  return { text: clip(`${title}.`, SlackLimits.messageText), blocks };
}

function exportButton(scanId: string) {
  return {
    type: 'button' as const,
    action_id: SCAN_EXPORT_ACTION_ID,
    text: { type: 'plain_text' as const, text: 'Export CSV + JSON' },
    value: scanId,
  };
}

/**
 * Thread messages with the complete lists when the channel message left something out; empty
 * otherwise. Each message stays within the per-message block limit.
 */
export function scanDetailPages(scan: ScanRecord, options: ScanSummaryOptions = {}): SlackMessage[] {
  const o = { ...DEFAULTS, ...options };
  const l = lists(scan);
  if (!leavesOut(l, o)) return [];

  const content: Block[] = [];
  if (l.candidates.length)
    content.push(
      ...sections([
        `*Unencrypted candidates (${l.candidates.length})*, largest first`,
        ...l.candidates.map(fileSystemLine),
      ]),
    );
  if (l.atRisk.length)
    content.push(
      ...sections([
        `*Encrypted, but the key is at risk (${l.atRisk.length})*`,
        ...l.atRisk.map(fileSystemLine),
      ]),
    );
  if (l.failures.length)
    content.push(...sections([`*Could not scan (${l.failures.length})*`, ...l.failures.map(failureLine)]));
  if (l.pairs.length)
    content.push(...sections([`*By account and region (${l.pairs.length})*`, ...l.pairs.map(pairLine)]));

  // One block per page is kept for the "part i of n" context line.
  const perPage = SlackLimits.blocksPerMessage - 1;
  const pages: Block[][] = [];
  for (let i = 0; i < content.length; i += perPage) pages.push(content.slice(i, i + perPage));
  return pages.map((blocks, i) => {
    const label = `Scan ${scan.scanId}: complete lists, part ${i + 1} of ${pages.length}`;
    return {
      text: label,
      blocks: [...blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(label) }] }],
    };
  });
}

/** The root message while the scan runs; replaced by the summary (or the error) at the end. */
/** `scope`: what a partial scan covers ("111122223333 in eu-west-1"); empty for a full scan. */
export function scanStartedMessage(requestedBy: string, scope = ''): SlackMessage {
  const what = scope ? `an EFS scan of ${escapeMrkdwn(scope)}` : 'an EFS scan';
  const text = `:mag: <@${requestedBy}> started ${what}. Progress is in this thread; the summary replaces this message.`;
  return { text: 'EFS scan running…', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** One line for the progress message when the scan has finished. */
export function scanDoneLine(scan: ScanRecord): string {
  const unencrypted = scan.fileSystems.filter((fs) => !fs.encrypted).length;
  const failures = scan.failures.length
    ? `, ${plural(scan.failures.length, 'account/region', 'accounts/regions')} could not be scanned`
    : '';
  return `Scan finished: ${plural(scan.fileSystems.length, 'file system')}, ${unencrypted} unencrypted${failures}.`;
}
