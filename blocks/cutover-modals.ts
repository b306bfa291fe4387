import type { View } from '@slack/types';
import { code, escapeMrkdwn } from './format.ts';
import { SlackLimits, clip } from './limits.ts';

/**
 * The cutover's two modals, both asking for a reason that is required and recorded: Reject (the
 * owner or an admin turns down one plan of one application) and Waive (an admin says a consumer
 * need not be cut over). The metadata carries what the button named and the thread to answer in.
 */

export const CUTOVER_REJECT_CALLBACK_ID = 'cutover_reject_submit';
export const CUTOVER_WAIVE_CALLBACK_ID = 'cutover_waive_submit';
export const REASON_BLOCK_ID = 'reason';
export const REASON_ACTION_ID = 'text';

/** What a cutover modal carries to its submission (parsed again there: src/slack/cutover-payloads.ts). */
export interface CutoverModalMetadata {
  /** Migration ID. */
  m: string;
  /** Application. */
  a: string;
  /** Plan digest (Reject). */
  d?: string;
  /** Consumer ID (Waive). */
  c?: string;
  /** Channel and thread to answer in; the review message to show the verdict on. */
  channel: string;
  threadTs: string;
  messageTs?: string;
}

const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: clip(text, max) });

function reasonModal(o: {
  callbackId: string;
  title: string;
  submit: string;
  intro: string;
  metadata: CutoverModalMetadata;
  label: string;
}): View {
  return {
    type: 'modal',
    callback_id: o.callbackId,
    title: plain(o.title, SlackLimits.modalTitle),
    submit: plain(o.submit, SlackLimits.modalButton),
    close: plain('Cancel', SlackLimits.modalButton),
    private_metadata: JSON.stringify(o.metadata),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(o.intro, SlackLimits.sectionText) } },
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        label: plain(o.label, SlackLimits.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: REASON_ACTION_ID,
          multiline: true,
          min_length: 1,
          max_length: 1000,
        },
      },
    ],
  };
}

export function rejectModal(metadata: CutoverModalMetadata & { d: string }): View {
  return reasonModal({
    callbackId: CUTOVER_REJECT_CALLBACK_ID,
    title: 'Reject cutover',
    submit: 'Reject',
    label: 'Why? (required: the owner and the audit log see it)',
    intro: `Reject the cutover plan of *${escapeMrkdwn(metadata.a)}* (digest ${code(metadata.d.slice(0, 12))}). Nothing is changed in AWS; a new review makes a new plan to approve.`,
    metadata,
  });
}

export function waiveModal(metadata: CutoverModalMetadata & { c: string }): View {
  return reasonModal({
    callbackId: CUTOVER_WAIVE_CALLBACK_ID,
    title: 'Waive consumer',
    submit: 'Waive',
    label: 'Why need it not be cut over? (required, logged)',
    intro: `Waive ${code(clip(metadata.c, 500))} of *${escapeMrkdwn(metadata.a)}*: it counts as done without a change (retired, moved by hand, deployed by you). The waiver is logged and shown in every report. Admins only.`,
    metadata,
  });
}
