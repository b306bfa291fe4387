import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import {
  CONCERNS_ACTION_ID,
  CONCERNS_COMPONENTS_BLOCK_ID,
  CONCERNS_TEXT_BLOCK_ID,
  signOffRecordedMessage,
} from '#blocks/sign-off.ts';
import { z } from 'zod';
import { parseComponents } from '../../../domain/sign-off.ts';
import { newCorrelationId } from '../../correlation.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ViewStateValues } from '../../copy-view-submission.ts';
import { parseSignOffTarget, signOffServiceOf } from '../actions/sign-off.ts';
import type { ListenerDeps } from '../deps.ts';

const MetadataSchema = z.object({
  m: z.string(),
  a: z.string(),
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/),
  threadTs: z.string().regex(/^\d+\.\d+$/),
});

/**
 * Concerns submitted: a blank text is answered next to the field (the modal stays open); otherwise
 * the modal closes and the record is made in the background: the owner or an admin only (the
 * workflow refuses anyone else and logs it), the answer posted in the migration's thread.
 */
export function signOffConcernsView(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    view,
    client,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const correlationId = newCorrelationId();
    const userId = body.user.id;
    const log = deps.logger.child({ correlationId, userId, view: view.callback_id });
    const parsed = MetadataSchema.safeParse(JSON.parse(view.private_metadata || '{}'));
    if (!parsed.success)
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
    const meta = parsed.data;
    const components = parseComponents(
      values[CONCERNS_COMPONENTS_BLOCK_ID]?.[CONCERNS_ACTION_ID]?.value ?? undefined,
    );
    deps.tasks.start(`${view.callback_id} ${correlationId}`, async () => {
      try {
        const { migrationId, app } = parseSignOffTarget(`${meta.m}|${meta.a}`);
        const record = await signOffServiceOf(deps).record({
          migrationId,
          app,
          actor: userId,
          decision: 'concerns',
          text,
          components,
        });
        log.info({ migrationId, app, role: record.role }, 'application concerns recorded');
        await client.chat.postMessage({
          channel: meta.channel,
          thread_ts: meta.threadTs,
          ...signOffRecordedMessage(record),
        });
      } catch (err) {
        log.warn({ err }, 'sign-off concerns refused or failed');
        await client.chat.postEphemeral({
          channel: meta.channel,
          user: userId,
          thread_ts: meta.threadTs,
          ...errorMessage({ title: 'Concerns', userMessage: userMessageOf(err), correlationId }),
        });
      }
    });
  };
}
