import type { ApplicationCutoverStatus } from '../src/domain/cutover-approval.ts';
import type { ChangeStatus } from '../src/domain/cutover-change.ts';
import { code, escapeMrkdwn, plural } from './format.ts';
import { SlackLimits, clip, type Block, type SlackMessage } from './limits.ts';
import { ownerText, type OwnerView } from './cutover-review.ts';

/**
 * The cutover's progress in the migration's thread (issue #14 §3–§4): one message per consumer,
 * edited in place as its change moves (planned → applying → applied → verified, or failed and
 * rolled back); one summary per application, with Roll back (owner or admin, behind a confirm
 * dialog) and, for each consumer left `applied` (CODE_DEPLOY: the owner deploys) or `failed`,
 * Waive (admin, with a reason); and a warning when a failed deployment or update made the job roll
 * the application back by itself.
 */

export const CUTOVER_ROLLBACK_ACTION_ID = 'cutover_rollback';
export const CUTOVER_WAIVE_ACTION_ID = 'cutover_waive';

/** What Roll back carries back: migration and application. */
export interface CutoverAppValue {
  m: string;
  a: string;
}
/** What Waive carries back: migration, application and the consumer's ID. */
export interface CutoverConsumerValue {
  m: string;
  a: string;
  c: string;
}

export const encodeAppValue = (v: CutoverAppValue): string => JSON.stringify({ m: v.m, a: v.a });
export const encodeConsumerValue = (v: CutoverConsumerValue): string =>
  JSON.stringify({ m: v.m, a: v.a, c: v.c });

const CHANGE_ICONS: Record<ChangeStatus, string> = {
  planned: ':white_circle:',
  applying: ':hourglass_flowing_sand:',
  applied: ':large_yellow_circle:',
  verified: ':white_check_mark:',
  failed: ':x:',
  rolled_back: ':leftwards_arrow_with_hook:',
};

/** Statuses a consumer can be left in that need a person: Waive is offered for them. */
export const WAIVABLE: readonly ChangeStatus[] = ['applied', 'failed'];

export interface ConsumerProgressView {
  migrationId: string;
  app: string;
  consumerId: string;
  name: string;
  status: ChangeStatus;
  detail: string;
  updatedAt: Date;
}

const section = (text: string, accessory?: ReturnType<typeof waiveButton>): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SlackLimits.sectionText) },
  ...(accessory ? { accessory } : {}),
});

function waiveButton(v: CutoverConsumerValue) {
  return {
    type: 'button' as const,
    action_id: CUTOVER_WAIVE_ACTION_ID,
    text: { type: 'plain_text' as const, text: 'Waive' },
    value: encodeConsumerValue(v),
  };
}

/** One consumer's message: status, the latest detail; Waive when left applied or failed. */
export function consumerProgressMessage(v: ConsumerProgressView): SlackMessage {
  const line = `${CHANGE_ICONS[v.status]} *${escapeMrkdwn(clip(v.name, 200))}* (${escapeMrkdwn(v.app)}): *${v.status.replace('_', ' ')}*`;
  const blocks: Block[] = [
    section(
      `${line}\n${escapeMrkdwn(clip(v.detail, 2500))}`,
      WAIVABLE.includes(v.status) ? waiveButton({ m: v.migrationId, a: v.app, c: v.consumerId }) : undefined,
    ),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            `${code(v.consumerId)} · updated ${escapeMrkdwn(v.updatedAt.toISOString())}`,
            SlackLimits.contextElementText,
          ),
        },
      ],
    },
  ];
  return {
    text: clip(`Cutover of ${v.name} (${v.app}): ${v.status}`, SlackLimits.messageText),
    blocks,
  };
}

const APP_ICONS: Record<ApplicationCutoverStatus, string> = {
  planned: ':white_circle:',
  approved: ':ballot_box_with_check:',
  rejected: ':no_entry:',
  applying: ':hourglass_flowing_sand:',
  cut_over: ':white_check_mark:',
  failed: ':x:',
  rolled_back: ':leftwards_arrow_with_hook:',
};

export interface ApplicationSummaryView {
  migrationId: string;
  fileSystemId: string;
  app: string;
  status: ApplicationCutoverStatus;
  detail: string;
  owner: OwnerView;
  /** Every consumer change of the application, as stored. */
  changes: { consumerId: string; name: string; status: ChangeStatus }[];
  /** Consumers an admin waived, with the reason (shown in every report). */
  waivers: { consumerId: string; waivedBy: string; reason: string }[];
  updatedAt: Date;
}

/** Statuses after which rolling back makes sense (changes were or may have been made). */
const ROLLBACKABLE: readonly ApplicationCutoverStatus[] = ['applying', 'cut_over', 'failed'];

/** An application's summary: outcome, counts, Roll back and Waive where they apply. */
export function applicationSummaryMessage(v: ApplicationSummaryView): SlackMessage {
  const waived = new Map(v.waivers.map((w) => [w.consumerId, w]));
  const counts = new Map<string, number>();
  for (const c of v.changes) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const countText = [...counts].map(([s, n]) => `${n} ${s.replace('_', ' ')}`).join(', ') || 'no changes yet';
  const head = section(
    `${APP_ICONS[v.status]} *Cutover of ${escapeMrkdwn(v.app)}* on ${code(v.fileSystemId)}: *${v.status.replace('_', ' ')}*\n${escapeMrkdwn(clip(v.detail, 1500))}\nConsumers: ${countText}. Owner: ${ownerText(v.owner)}.`,
  );
  const blocks: Block[] = [head];
  if (v.waivers.length)
    blocks.push(
      section(
        `*Waived:*\n${v.waivers
          .slice(0, 20)
          .map(
            (w) =>
              `• ${code(clip(w.consumerId, 200))} by <@${escapeMrkdwn(w.waivedBy)}>: ${escapeMrkdwn(clip(w.reason, 300))}`,
          )
          .join('\n')}${v.waivers.length > 20 ? `\n… and ${v.waivers.length - 20} more` : ''}`,
      ),
    );
  const left = v.changes.filter((c) => WAIVABLE.includes(c.status) && !waived.has(c.consumerId));
  // Header, waivers, the note, Roll back and the context stay; each waivable consumer is a section.
  const room = SlackLimits.blocksPerMessage - blocks.length - 3;
  const shown = left.slice(0, room);
  for (const c of shown)
    blocks.push(
      section(
        `${CHANGE_ICONS[c.status]} ${escapeMrkdwn(clip(c.name, 200))}: *${c.status}*${c.status === 'applied' ? ' (waiting for you to deploy, or to be waived)' : ''}`,
        waiveButton({ m: v.migrationId, a: v.app, c: c.consumerId }),
      ),
    );
  if (left.length > shown.length)
    blocks.push(
      section(
        `${plural(left.length - shown.length, 'more consumer')} left applied or failed: use Waive on each one's own message.`,
      ),
    );
  if (ROLLBACKABLE.includes(v.status))
    blocks.push({
      type: 'actions',
      block_id: clip(`cutover_app|${v.app}`, SlackLimits.blockId),
      elements: [
        {
          type: 'button',
          action_id: CUTOVER_ROLLBACK_ACTION_ID,
          style: 'danger',
          text: { type: 'plain_text', text: clip(`Roll back ${v.app}`, SlackLimits.buttonText) },
          value: encodeAppValue({ m: v.migrationId, a: v.app }),
          confirm: {
            title: { type: 'plain_text', text: clip(`Roll back ${v.app}?`, SlackLimits.confirmTitle) },
            text: {
              type: 'mrkdwn',
              text: clip(
                `Every change made to ${v.app}'s consumers is undone in reverse order (services back to their previous task definition, functions and aliases to their previous configuration, launch templates to their previous default version). Consumers go back to the unencrypted source.`,
                SlackLimits.confirmText,
              ),
            },
            confirm: { type: 'plain_text', text: 'Roll back' },
            deny: { type: 'plain_text', text: 'Cancel' },
            style: 'danger',
          },
        },
      ],
    });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Roll back: the owner or an admin. Waive: admins, with a reason (logged and shown in every report). Updated ${escapeMrkdwn(v.updatedAt.toISOString())}.`,
      },
    ],
  });
  return {
    text: clip(`Cutover of ${v.app} on ${v.fileSystemId}: ${v.status}`, SlackLimits.messageText),
    blocks,
  };
}

/** A failed deployment or update: the job rolls the application back by itself. */
export function autoRollbackMessage(v: {
  app: string;
  fileSystemId: string;
  owner: OwnerView;
  message: string;
  consumerName?: string;
}): SlackMessage {
  const who = v.owner.ownerUserId ? `<@${v.owner.ownerUserId}>` : 'Admins';
  const text = `:rotating_light: ${who}: the cutover of *${escapeMrkdwn(v.app)}* on ${code(v.fileSystemId)} failed${v.consumerName ? ` at ${escapeMrkdwn(clip(v.consumerName, 200))}` : ''} and is being *rolled back automatically*. Its consumers return to the source; nothing is lost.\n${escapeMrkdwn(clip(v.message, 2000))}`;
  return {
    text: clip(
      `${v.owner.ownerUserId ? `<@${v.owner.ownerUserId}> ` : ''}Cutover of ${v.app} failed and is being rolled back automatically`,
      SlackLimits.messageText,
    ),
    blocks: [section(text)],
  };
}
