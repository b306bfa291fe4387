import type { View } from '@slack/types';
import { code, escapeMrkdwn } from './format.ts';
import { SlackLimits, clip, type Block, type SlackMessage } from './limits.ts';

/**
 * Phased cutover in Slack (issue #14 §2): applications are cut over one at a time, in the order an
 * admin chooses. After a review of two or more applications the thread gets one message saying the
 * order in force, with **Choose order…** (admins), which opens a modal listing the applications one
 * per line; the submission is parsed into application names, checked against the stored plans
 * (each once, none unknown or missing: otherwise a field error) and stored before it is announced.
 */

export const CUTOVER_ORDER_OPEN_ACTION_ID = 'cutover_order_open';
export const CUTOVER_ORDER_CALLBACK_ID = 'cutover_order_submit';
export const ORDER_BLOCK_ID = 'order';
export const ORDER_ACTION_ID = 'apps';
/** A plain_text_input holds at most 3,000 characters. */
const INPUT_MAX = 3000;

/** What the modal carries to its submission (parsed again there: src/slack/cutover-order-payloads.ts). */
export interface CutoverOrderMetadata {
  /** Migration ID. */
  m: string;
  channel: string;
  threadTs: string;
}

export interface OrderInForce {
  apps: string[];
  /** Who chose it; absent for the default (applications by name). */
  chosenBy?: string;
}

const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) },
});

export function orderText(order: OrderInForce): string {
  const chain = order.apps.map((a) => `*${escapeMrkdwn(clip(a, 100))}*`).join(' → ');
  return order.chosenBy
    ? `${chain} (chosen by ${order.chosenBy.startsWith('cli:') ? code(order.chosenBy) : `<@${order.chosenBy}>`})`
    : `${chain} (default: by name)`;
}

/** The Choose order… button; its value is the migration ID. */
export function chooseOrderElement(migrationId: string) {
  return {
    type: 'button' as const,
    action_id: CUTOVER_ORDER_OPEN_ACTION_ID,
    text: { type: 'plain_text' as const, text: 'Choose order…' },
    value: migrationId,
  };
}

/** Posted in the thread after a review of several applications, and again when the order changes. */
export function cutoverOrderMessage(migrationId: string, order: OrderInForce): SlackMessage {
  const text = `:twisted_rightwards_arrows: ${order.apps.length} applications are cut over one at a time, each approved on its own, in this order: ${orderText(order)}. An application whose turn has not come waits after its approval.`;
  return {
    text: clip(`Cutover order: ${order.apps.join(' → ')}`, SlackLimits.messageText),
    blocks: [
      section(text),
      { type: 'actions', block_id: 'cutover_order', elements: [chooseOrderElement(migrationId)] },
    ],
  };
}

/** The modal: the applications, one per line, in the order in force; the admin reorders the lines. */
export function cutoverOrderModal(metadata: CutoverOrderMetadata, order: OrderInForce): View {
  return {
    type: 'modal',
    callback_id: CUTOVER_ORDER_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Cutover order' },
    submit: { type: 'plain_text', text: 'Save order' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section(
        `Put the applications in the order they are cut over, one per line, each once: ${order.apps.map((a) => code(clip(a, 100))).join(', ')}. Each is still approved by its owner on its own.`,
      ),
      {
        type: 'input',
        block_id: ORDER_BLOCK_ID,
        label: { type: 'plain_text', text: 'Applications, first to last (one per line)' },
        element: {
          type: 'plain_text_input',
          action_id: ORDER_ACTION_ID,
          multiline: true,
          min_length: 1,
          max_length: INPUT_MAX,
          initial_value: clip(order.apps.join('\n'), INPUT_MAX),
        },
      },
    ],
  };
}
