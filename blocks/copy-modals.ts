import type { KnownBlock, View } from '@slack/types';
import type { ClientCheck } from '../src/domain/client-activity.ts';
import { clientCheckSection, clientsAckInput } from './copy-clients.ts';
import { code } from './format.ts';
import { SlackLimits, clip } from './limits.ts';

/**
 * The copy's two modals: replication's Final sync asks when writes to the source stopped (T0,
 * default now: the bot waits for a sync after it before ending the replication); EC2 + rsync's
 * Initial copy done / Final sync done take verify.sh's summary, pasted (required for the final
 * pass, where only a clean summary verifies the migration). Both final-sync modals open with a
 * placeholder where, once CloudWatch is read (views.update), the source's client connections of the
 * last 15 min are shown; with clients seen, a checkbox lets the admin go on anyway.
 */

export const COPY_WRITES_STOPPED_CALLBACK_ID = 'copy_writes_stopped_submit';
export const COPY_RSYNC_PASS_CALLBACK_ID = 'copy_rsync_pass_submit';
export const WRITES_STOPPED_BLOCK_ID = 'writes_stopped';
export const WRITES_STOPPED_ACTION_ID = 'at';
export const SUMMARY_BLOCK_ID = 'summary';
export const SUMMARY_ACTION_ID = 'text';

/** What the modal carries to its submission: the migration and the thread to report to. */
export interface CopyModalMetadata {
  migrationId: string;
  channel: string;
  threadTs: string;
  pass?: 'initial' | 'final';
  /** What the client check shown in the modal found (absent until it was read). */
  clients?: ClientCheck['status'];
}

const CLIENT_STATUSES: readonly string[] = ['quiet', 'active', 'unknown'];
/** The block that shows the client check (a placeholder until it is read). */
export const CLIENT_CHECK_BLOCK_ID = 'client_check';

export function encodeCopyMetadata(m: CopyModalMetadata): string {
  return JSON.stringify(m);
}

/** Undefined when the metadata is not ours (a forged or stale submission). */
export function decodeCopyMetadata(text: string | undefined): CopyModalMetadata | undefined {
  try {
    const m = JSON.parse(text ?? '') as Partial<CopyModalMetadata>;
    if (typeof m.migrationId !== 'string' || typeof m.channel !== 'string' || typeof m.threadTs !== 'string')
      return undefined;
    if (m.pass !== undefined && m.pass !== 'initial' && m.pass !== 'final') return undefined;
    if (m.clients !== undefined && !CLIENT_STATUSES.includes(m.clients)) return undefined;
    return {
      migrationId: m.migrationId,
      channel: m.channel,
      threadTs: m.threadTs,
      ...(m.pass ? { pass: m.pass } : {}),
      ...(m.clients ? { clients: m.clients } : {}),
    };
  } catch {
    return undefined;
  }
}

const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: clip(text, max) });
const fsOf = (migrationId: string) => migrationId.split('#').at(-1) ?? migrationId;

export function writesStoppedModal(metadata: CopyModalMetadata, now: Date): View {
  const fs = fsOf(metadata.migrationId);
  return {
    type: 'modal',
    callback_id: COPY_WRITES_STOPPED_CALLBACK_ID,
    title: plain('Final sync', 24),
    submit: plain('Writes stopped', 24),
    close: plain('Cancel', 24),
    private_metadata: encodeCopyMetadata(metadata),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `Stop every write to ${code(fs)} first. The bot then waits until replication has synced past that time (LastReplicatedTimestamp after it), deletes the replication configuration (the twin becomes writable), restores the twin's overwrite protection and lists what replication does not carry.`,
            SlackLimits.sectionText,
          ),
        },
      },
      clientCheckPlaceholder(),
      {
        type: 'input',
        block_id: WRITES_STOPPED_BLOCK_ID,
        label: plain('Writes to the source stopped at', 2000),
        hint: plain('Your local time. Not in the future: confirm once writes have stopped.', 2000),
        element: {
          type: 'datetimepicker',
          action_id: WRITES_STOPPED_ACTION_ID,
          initial_date_time: Math.floor(now.getTime() / 1000),
        },
      },
    ],
  };
}

export function rsyncPassModal(metadata: CopyModalMetadata & { pass: 'initial' | 'final' }): View {
  const fs = fsOf(metadata.migrationId);
  const final = metadata.pass === 'final';
  return {
    type: 'modal',
    callback_id: COPY_RSYNC_PASS_CALLBACK_ID,
    title: plain(final ? 'Final sync done' : 'Initial copy done', 24),
    submit: plain('Record', 24),
    close: plain('Cancel', 24),
    private_metadata: encodeCopyMetadata(metadata),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: final
            ? `Paste the summary verify.sh printed after the final pass of ${code(fs)}, from \`== efs-encrypt verification summary ==\` to \`== end of summary ==\`. Only a CLEAN summary verifies the migration; differences are listed in the thread.`
            : `Records that the initial rsync pass of ${code(fs)} finished. Paste verify.sh's summary if you ran it (optional now; required for the final pass).`,
        },
      },
      ...(final ? [clientCheckPlaceholder()] : []),
      {
        type: 'input',
        block_id: SUMMARY_BLOCK_ID,
        optional: !final,
        label: plain('verify.sh summary', 2000),
        element: {
          type: 'plain_text_input',
          action_id: SUMMARY_ACTION_ID,
          multiline: true,
          max_length: 3000,
        },
      },
    ],
  };
}

function clientCheckPlaceholder(): KnownBlock {
  return {
    type: 'context',
    block_id: CLIENT_CHECK_BLOCK_ID,
    elements: [
      {
        type: 'mrkdwn',
        text: 'Reading who is connected to the source (CloudWatch ClientConnections, last 15 min)…',
      },
    ],
  };
}

/**
 * The modal again with the client check in place of its placeholder (and, when clients were
 * seen, the checkbox to go on anyway before the submit), its metadata saying what was found.
 * The rsync modal adds that the copy host counts while it has the source mounted.
 */
export function withClientCheck(view: View, check: ClientCheck): View {
  const meta = decodeCopyMetadata(view.private_metadata);
  const section = clientCheckSection(check);
  const blocks = view.blocks.flatMap((b): KnownBlock[] => {
    if (b.block_id !== CLIENT_CHECK_BLOCK_ID) return [b as KnownBlock];
    const shown = { ...section, block_id: CLIENT_CHECK_BLOCK_ID } as KnownBlock;
    const note: KnownBlock[] =
      meta?.pass === 'final' && check.status === 'active'
        ? [
            {
              type: 'context',
              elements: [
                {
                  type: 'mrkdwn',
                  text: 'The copy host counts as a client while it has the source mounted; more connections than it means others still use the source.',
                },
              ],
            },
          ]
        : [];
    return [shown, ...note, ...(check.status === 'active' ? [clientsAckInput()] : [])];
  });
  return {
    ...view,
    blocks,
    private_metadata: meta ? encodeCopyMetadata({ ...meta, clients: check.status }) : view.private_metadata,
  } as View;
}
