import type { KnownBlock } from '@slack/types';
import { clientCheckLine, type ClientCheck } from '../src/domain/client-activity.ts';
import { escapeMrkdwn } from './format.ts';
import { SlackLimits, clip, type SlackMessage } from './limits.ts';

/**
 * Who CloudWatch saw connected to a source before its final sync (src/domain/client-activity.ts):
 * one section for the confirmation modals and the private answers, and the DataSync Final sync
 * warning with its "Final sync anyway" button (a Slack confirm dialog in front of it).
 */

/** DataSync's Final sync again, with the admin going on although clients were seen connected. */
export const COPY_FINAL_ANYWAY_ACTION_ID = 'copy_final_anyway';
/** The modals' "go on anyway" checkbox (replication's writes stopped, rsync's Final sync done). */
export const CLIENTS_ACK_BLOCK_ID = 'clients_ack';
export const CLIENTS_ACK_ACTION_ID = 'go_on';
export const CLIENTS_ACK_VALUE = 'go_on_anyway';

const ICON: Record<ClientCheck['status'], string> = {
  quiet: ':white_check_mark:',
  active: ':warning:',
  unknown: ':grey_question:',
};

export function clientCheckText(check: ClientCheck): string {
  return clip(`${ICON[check.status]} ${escapeMrkdwn(clientCheckLine(check))}`, SlackLimits.sectionText);
}

export function clientCheckSection(check: ClientCheck): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clientCheckText(check) } };
}

/** The modal's checkbox, shown only when clients were seen: ticking it is the admin going on anyway. */
export function clientsAckInput(): KnownBlock {
  return {
    type: 'input',
    block_id: CLIENTS_ACK_BLOCK_ID,
    optional: true,
    label: { type: 'plain_text', text: 'Clients were connected' },
    element: {
      type: 'checkboxes',
      action_id: CLIENTS_ACK_ACTION_ID,
      options: [
        {
          text: { type: 'plain_text', text: 'They no longer write: go on anyway' },
          value: CLIENTS_ACK_VALUE,
        },
      ],
    },
  };
}

/** DataSync's Final sync refused: the figures and the button that goes on anyway. */
export function clientsWarningMessage(migrationId: string, check: ClientCheck): SlackMessage {
  const text = clientCheckText(check);
  return {
    text: clip(`Final sync not started: ${clientCheckLine(check)}`, SlackLimits.messageText),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(
            `*Final sync not started.* ${text}\nStop the clients, then click Final sync again; or go on if you know they no longer write.`,
            SlackLimits.sectionText,
          ),
        },
      },
      {
        type: 'actions',
        block_id: clip(`copy_clients|${migrationId}`, SlackLimits.blockId),
        elements: [
          {
            type: 'button',
            action_id: COPY_FINAL_ANYWAY_ACTION_ID,
            text: { type: 'plain_text', text: 'Final sync anyway' },
            value: migrationId,
            style: 'danger',
            confirm: {
              title: { type: 'plain_text', text: 'Clients were connected' },
              text: {
                type: 'plain_text',
                text: clip(
                  `${clientCheckLine(check)} A write during the final sync makes its verification fail. Go on anyway?`,
                  300,
                ),
              },
              confirm: { type: 'plain_text', text: 'Final sync anyway' },
              deny: { type: 'plain_text', text: 'Cancel' },
              style: 'danger',
            },
          },
        ],
      },
    ],
  };
}
