import type { View } from '@slack/types';
import { code } from './format.ts';
import { SlackLimits, clip } from './limits.ts';

/**
 * The copy's two modals: replication's Final sync asks when writes to the source stopped (T0,
 * default now: the bot waits for a sync after it before ending the replication); EC2 + rsync's
 * Initial copy done / Final sync done take verify.sh's summary, pasted (required for the final
 * pass, where only a clean summary verifies the migration).
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
}

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
    return {
      migrationId: m.migrationId,
      channel: m.channel,
      threadTs: m.threadTs,
      ...(m.pass ? { pass: m.pass } : {}),
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
