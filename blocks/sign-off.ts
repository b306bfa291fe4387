import type { View } from '@slack/types';
import type { SignOffRecord } from '../src/domain/sign-off.ts';
import { code, escapeMrkdwn } from './format.ts';
import { clip, SlackLimits, type SlackMessage } from './limits.ts';

/**
 * Application sign-off in the migration's thread (issue 16 §2): the request to the owner once the
 * application is cut over, with Signed off and Concerns; the Concerns modal (a text and the
 * affected components); the recorded answer. Pure and within Slack's limits.
 */

export const SIGN_OFF_OK_ACTION_ID = 'sign_off_ok';
export const SIGN_OFF_CONCERNS_ACTION_ID = 'sign_off_concerns';
export const SIGN_OFF_CONCERNS_CALLBACK_ID = 'sign_off_concerns_submit';
export const CONCERNS_TEXT_BLOCK_ID = 'concerns_text';
export const CONCERNS_COMPONENTS_BLOCK_ID = 'concerns_components';
export const CONCERNS_ACTION_ID = 'value';

/** The buttons' value: the migration and the application (the migration ID has no `|`). */
export function signOffValue(migrationId: string, app: string): string {
  return clip(`${migrationId}|${app}`, SlackLimits.buttonValue);
}

export function parseSignOffValue(
  value: string | undefined,
): { migrationId: string; app: string } | undefined {
  const m = /^(FS#\d{12}#[a-z0-9-]+#fs-[0-9a-f]{8,40})\|(.{1,256})$/.exec(value ?? '');
  return m ? { migrationId: m[1]!, app: m[2]! } : undefined;
}

export function signOffRequestMessage(v: {
  migrationId: string;
  fileSystemId: string;
  app: string;
  ownerUserId?: string;
}): SlackMessage {
  const who = v.ownerUserId ? `<@${v.ownerUserId}>` : 'Admins (no owner could be resolved)';
  const text =
    `:clipboard: ${who}: *${escapeMrkdwn(v.app)}* now runs on the encrypted twin of ${code(v.fileSystemId)}. ` +
    'Please record the result of your *functional* and *performance* checks, and that *backups* and *monitoring* still work on the new file system. ' +
    'The project counts as done only once every application has signed off.';
  return {
    text: clip(
      `${v.ownerUserId ? `<@${v.ownerUserId}> ` : ''}Sign-off of ${v.app} requested`,
      SlackLimits.messageText,
    ),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: SIGN_OFF_OK_ACTION_ID,
            style: 'primary',
            text: { type: 'plain_text', text: 'Signed off' },
            value: signOffValue(v.migrationId, v.app),
          },
          {
            type: 'button',
            action_id: SIGN_OFF_CONCERNS_ACTION_ID,
            text: { type: 'plain_text', text: 'Concerns' },
            value: signOffValue(v.migrationId, v.app),
          },
        ],
      },
    ],
  };
}

export interface SignOffModalMetadata {
  m: string;
  a: string;
  channel: string;
  threadTs: string;
}

export function signOffConcernsModal(meta: SignOffModalMetadata): View {
  const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: clip(text, max) });
  return {
    type: 'modal',
    callback_id: SIGN_OFF_CONCERNS_CALLBACK_ID,
    title: plain('Sign-off: concerns', SlackLimits.modalTitle),
    submit: plain('Record', SlackLimits.modalButton),
    close: plain('Cancel', SlackLimits.modalButton),
    private_metadata: JSON.stringify(meta),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `Concerns about *${escapeMrkdwn(meta.a)}* on the new file system. They are logged and listed as outstanding work in the validation report until the application signs off.`,
            SlackLimits.sectionText,
          ),
        },
      },
      {
        type: 'input',
        block_id: CONCERNS_TEXT_BLOCK_ID,
        label: plain('What does not work? (required)', SlackLimits.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: CONCERNS_ACTION_ID,
          multiline: true,
          min_length: 1,
          max_length: 2000,
        },
      },
      {
        type: 'input',
        block_id: CONCERNS_COMPONENTS_BLOCK_ID,
        optional: true,
        label: plain('Affected components (one per line or comma-separated)', SlackLimits.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: CONCERNS_ACTION_ID,
          multiline: true,
          max_length: 1000,
        },
      },
    ],
  };
}

export function signOffRecordedMessage(r: SignOffRecord): SlackMessage {
  const text =
    r.decision === 'signed_off'
      ? `:white_check_mark: *${escapeMrkdwn(r.app)}* signed off by <@${r.by}> (${r.role}) at ${r.at}: functional, performance, backups and monitoring checked on ${code(r.fileSystemId)}'s twin.`
      : `:warning: Concerns about *${escapeMrkdwn(r.app)}* from <@${r.by}> (${r.role}) at ${r.at}: ${escapeMrkdwn(r.text ?? '')}${r.components.length ? `\nAffected: ${r.components.map((c) => code(c)).join(', ')}` : ''}`;
  return {
    text: clip(
      `${r.app}: ${r.decision === 'signed_off' ? 'signed off' : 'concerns'}`,
      SlackLimits.messageText,
    ),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) } }],
  };
}
