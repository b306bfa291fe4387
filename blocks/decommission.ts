import type { KnownBlock, View } from '@slack/types';
import type { DeletionCall, GuardResult } from '../src/domain/decommission.ts';
import { code, escapeMrkdwn } from './format.ts';
import { SlackLimits, clip, packLines, type SlackMessage } from './limits.ts';

/**
 * Decommission in Slack: the Decommission… button offered in a cut over migration's thread, the
 * typed-confirmation modal (every guard's result with its figures, what will be deleted, and a
 * plain_text_input the admin fills with the exact file system ID), and the progress message edited
 * in place while the deletion runs.
 */

export const DECOMMISSION_OPEN_ACTION_ID = 'decommission_open';
export const DECOMMISSION_RETRY_ACTION_ID = 'decommission_retry';
export const DECOMMISSION_CALLBACK_ID = 'decommission_confirm';
export const DECOMMISSION_INPUT_BLOCK_ID = 'typed_id';
export const DECOMMISSION_INPUT_ACTION_ID = 'value';
/** The modal's guard section, a placeholder until the guards are read (views.update). */
export const DECOMMISSION_GUARDS_BLOCK_ID = 'guards';

/** Where the result goes: the thread the button was in, or (from the slash command) the channel. */
export interface DecommissionModalMetadata {
  migrationId: string;
  fileSystemId: string;
  channel: string;
  threadTs?: string;
}

export function encodeDecommissionMetadata(m: DecommissionModalMetadata): string {
  return JSON.stringify(m);
}

/** Undefined when the metadata is not ours (a forged or stale submission). */
export function decodeDecommissionMetadata(text: string | undefined): DecommissionModalMetadata | undefined {
  try {
    const m = JSON.parse(text ?? '') as Partial<DecommissionModalMetadata>;
    if (
      typeof m.migrationId !== 'string' ||
      typeof m.fileSystemId !== 'string' ||
      typeof m.channel !== 'string'
    )
      return undefined;
    if (m.threadTs !== undefined && typeof m.threadTs !== 'string') return undefined;
    return {
      migrationId: m.migrationId,
      fileSystemId: m.fileSystemId,
      channel: m.channel,
      ...(m.threadTs ? { threadTs: m.threadTs } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The button a cut over migration's thread offers admins. */
export function decommissionOfferMessage(fileSystemId: string, migrationId: string): SlackMessage {
  return {
    text: `${fileSystemId} is cut over. An admin can decommission it once every guard passes.`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${code(fileSystemId)} is cut over. *Decommission…* shows every guard, what will be deleted, and asks an admin to type the file system ID.`,
        },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: DECOMMISSION_OPEN_ACTION_ID,
            text: { type: 'plain_text', text: 'Decommission…' },
            style: 'danger',
            value: migrationId,
          },
        ],
      },
    ],
  };
}

/** Every guard as mrkdwn lines: ✅/❌, the figures read, what to do. */
export function guardLines(guards: GuardResult[]): string[] {
  return guards.map(
    (g) =>
      `${g.pass ? ':white_check_mark:' : ':x:'} *${escapeMrkdwn(g.title)}*\n${g.figures.map((f) => `• ${escapeMrkdwn(f)}`).join('\n')}${g.todo ? `\n_${escapeMrkdwn(g.todo)}_` : ''}`,
  );
}

function section(text: string, blockId?: string): KnownBlock {
  return {
    type: 'section',
    ...(blockId ? { block_id: blockId } : {}),
    text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) },
  };
}

/** The modal: opens at once (the trigger ID lasts 3 s) with a placeholder, updated with the guards. */
export function decommissionModal(
  meta: DecommissionModalMetadata,
  read?: { guards: GuardResult[]; calls: DeletionCall[]; backupVault?: string },
): View {
  const blocks: KnownBlock[] = [
    section(
      `*Deleting ${code(meta.fileSystemId)} cannot be undone.* Every guard is read again when the deletion starts.`,
    ),
  ];
  if (!read)
    blocks.push(
      section(
        '_Reading the guards (CloudWatch, consumers, the twin and its key)…_',
        DECOMMISSION_GUARDS_BLOCK_ID,
      ),
    );
  else {
    const [first, ...more] = packLines(guardLines(read.guards.filter((g) => g.id !== 'confirmation')));
    blocks.push(section(first ?? '', DECOMMISSION_GUARDS_BLOCK_ID), ...more.map((t) => section(t)));
    blocks.push(
      section(
        `*What will be deleted, in order:*\n${read.calls
          .map((c, i) => `${i + 1}. ${c.operation} ${code(String(Object.values(c.input)[0] ?? ''))}`)
          .join('\n')}`,
      ),
      section(
        read.backupVault
          ? `*The way back:* an AWS Backup recovery point in ${code(read.backupVault)} is taken first; nothing is deleted without it. A full restore lands in an \`aws-backup-restore_<datetime>/\` directory (not the root) of the file system you restore to, encrypted with the key you choose.`
          : '*No backup vault is configured* (EFS_ENCRYPT_BACKUP_VAULT): there is no way back after this.',
      ),
    );
  }
  blocks.push({
    type: 'input',
    block_id: DECOMMISSION_INPUT_BLOCK_ID,
    label: { type: 'plain_text', text: 'Type the file system ID to confirm' },
    element: {
      type: 'plain_text_input',
      action_id: DECOMMISSION_INPUT_ACTION_ID,
      placeholder: { type: 'plain_text', text: meta.fileSystemId },
    },
  });
  return {
    type: 'modal',
    callback_id: DECOMMISSION_CALLBACK_ID,
    private_metadata: encodeDecommissionMetadata(meta),
    title: { type: 'plain_text', text: 'Decommission' },
    submit: { type: 'plain_text', text: 'Delete' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

export interface DecommissionProgressState {
  fileSystemId: string;
  migrationId: string;
  status: 'running' | 'done' | 'failed';
  /** Each deletion done, as `DeleteMountTarget fsmt-…`. */
  done: string[];
  latest?: string;
  recoveryPointArn?: string;
  error?: { code: string; message: string; awsRequestId?: string };
}

/** The progress message, edited in place; a failure offers Retry. */
export function decommissionProgressMessage(s: DecommissionProgressState): SlackMessage {
  const head =
    s.status === 'done'
      ? `:white_check_mark: ${code(s.fileSystemId)} is decommissioned.`
      : s.status === 'failed'
        ? `:x: Decommission of ${code(s.fileSystemId)} stopped; it stays decommission_pending.`
        : `:hourglass_flowing_sand: Decommissioning ${code(s.fileSystemId)}…`;
  const lines = [
    head,
    ...(s.recoveryPointArn ? [`Recovery point: ${code(s.recoveryPointArn)}`] : []),
    ...s.done.map((d) => `• ${escapeMrkdwn(d)}`),
    ...(s.latest && s.status === 'running' ? [`_${escapeMrkdwn(s.latest)}_`] : []),
    ...(s.error
      ? [
          `*${escapeMrkdwn(s.error.code)}*: ${escapeMrkdwn(s.error.message)}${s.error.awsRequestId ? ` (AWS request ID ${code(s.error.awsRequestId)})` : ''}`,
        ]
      : []),
  ];
  const blocks: KnownBlock[] = packLines(lines).map((t) => section(t));
  if (s.status === 'failed')
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: DECOMMISSION_RETRY_ACTION_ID,
          text: { type: 'plain_text', text: 'Retry' },
          value: s.migrationId,
        },
      ],
    });
  return { text: head.replace(/:[a-z_]+: /, ''), blocks: blocks.slice(0, SlackLimits.blocksPerMessage) };
}
