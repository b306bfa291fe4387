import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import {
  CONCERNS_ACTION_ID,
  CONCERNS_COMPONENTS_BLOCK_ID,
  CONCERNS_TEXT_BLOCK_ID,
  SIGN_OFF_CONCERNS_CALLBACK_ID,
  signOffRecordedMessage,
} from '#blocks/sign-off.ts';
import { z } from 'zod';
import { parseComponents } from '../../../domain/sign-off.ts';
import { newCorrelationId } from '../../correlation.ts';
import type { ViewStateValues } from '../../copy-view-submission.ts';
import { parseSignOffTarget, signOffServiceOf } from '../actions/sign-off.ts';
import type { ListenerDeps } from '../deps.ts';
import { registerViewWork } from '../../view-work.ts';

const MetadataSchema = z.object({
  m: z.string(),
  a: z.string(),
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/),
  threadTs: z.string().regex(/^\d+\.\d+$/),
});

/** The Concerns modal's metadata; undefined when it is not the bot's (stale or forged). */
function decodeConcernsMetadata(text: string | undefined): z.infer<typeof MetadataSchema> | undefined {
  try {
    const parsed = MetadataSchema.safeParse(JSON.parse(text || '{}'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Concerns submitted: a blank text is answered next to the field (the modal stays open); otherwise
 * the modal closes and the record is made in the background: the owner or an admin only (the
 * workflow refuses anyone else and logs it), the answer posted in the migration's thread.
 */
export function signOffConcernsView(deps: ListenerDeps) {
  // After the ack, here or on the worker: the owner or an admin only (the workflow decides).
  const recordConcerns = registerViewWork(deps, {
    key: SIGN_OFF_CONCERNS_CALLBACK_ID,
    title: 'Concerns',
    metadata: decodeConcernsMetadata,
    input: z.object({
      text: z.string().trim().min(1).max(3000),
      components: z.string().max(3000).optional(),
    }),
    replyTo: (meta) => ({ channel: meta.channel, threadTs: meta.threadTs }),
    async run({ client, userId, meta, input, log }) {
      const { migrationId, app } = parseSignOffTarget(`${meta.m}|${meta.a}`);
      const record = await signOffServiceOf(deps).record({
        migrationId,
        app,
        actor: userId,
        decision: 'concerns',
        text: input.text,
        components: parseComponents(input.components),
      });
      log.info({ migrationId, app, role: record.role }, 'application concerns recorded');
      await client.chat.postMessage({
        channel: meta.channel,
        thread_ts: meta.threadTs,
        ...signOffRecordedMessage(record),
      });
    },
  });
  return async ({
    ack,
    body,
    view,
    client,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const correlationId = newCorrelationId();
    const userId = body.user.id;
    if (!decodeConcernsMetadata(view.private_metadata))
      return await ack({
        response_action: 'errors',
        errors: { [CONCERNS_TEXT_BLOCK_ID]: 'This form is out of date; press Concerns again.' },
      });
    const values = view.state.values as ViewStateValues;
    const text = values[CONCERNS_TEXT_BLOCK_ID]?.[CONCERNS_ACTION_ID]?.value?.trim();
    if (!text)
      return await ack({
        response_action: 'errors',
        errors: { [CONCERNS_TEXT_BLOCK_ID]: 'Say what does not work, so it can be fixed.' },
      });
    await ack();
    await recordConcerns({
      client,
      userId,
      correlationId,
      privateMetadata: view.private_metadata,
      input: {
        text,
        ...optionalComponents(values[CONCERNS_COMPONENTS_BLOCK_ID]?.[CONCERNS_ACTION_ID]?.value),
      },
    });
  };
}

function optionalComponents(value: string | null | undefined): { components?: string } {
  return value ? { components: value } : {};
}
