import type { SlackMessage } from './limits.ts';
import { escapeMrkdwn } from './format.ts';

/** Where a running scan's thread is: the channel, and the root message once it is posted. */
export interface ScanThreadRef {
  channelId: string;
  threadTs?: string;
  /** The workspace's domain (`acme` of acme.slack.com), for a link to the thread. */
  teamDomain?: string;
}

function where(ref: ScanThreadRef): string {
  if (ref.threadTs && ref.teamDomain) {
    const url = `https://${ref.teamDomain}.slack.com/archives/${ref.channelId}/p${ref.threadTs.replace('.', '')}`;
    return `<${url}|its thread> in <#${ref.channelId}>`;
  }
  return `<#${ref.channelId}>`;
}

const section = (text: string, summary: string): SlackMessage => ({
  text: summary,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

const scopeWords = (scope: string) => (scope ? `of ${escapeMrkdwn(scope)} ` : '');

/** To a requester whose scope a running (or starting) scan already covers: no second scan. */
export function scanJoinedMessage(ref: ScanThreadRef & { requestedBy: string; scope: string }): SlackMessage {
  const state = ref.threadTs ? 'is running' : 'is starting';
  return section(
    `:link: An EFS scan ${scopeWords(ref.scope)}covering what you asked for ${state} (started by <@${ref.requestedBy}>): follow ${where(ref)}. No second scan was started.`,
    'An EFS scan covering this is already running.',
  );
}

/** To a requester (or joiner) of a scan that waits for a free slot. */
export function scanQueuedMessage(ahead: number, max: number): SlackMessage {
  const scans = ahead === 1 ? '1 scan' : `${ahead} scans`;
  return section(
    `:hourglass_flowing_sand: Your EFS scan is queued behind ${scans} (at most ${max} run at once). It starts by itself when a slot frees: its message will appear in this channel then.`,
    `EFS scan queued behind ${scans}.`,
  );
}

/** To those who joined a scan before its thread existed, once it does. */
export function scanThreadReadyMessage(ref: ScanThreadRef): SlackMessage {
  return section(
    `:mag: The EFS scan you joined has started: follow ${where(ref)}.`,
    'The EFS scan you joined has started.',
  );
}
