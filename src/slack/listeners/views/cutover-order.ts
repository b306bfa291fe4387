import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import {
  CUTOVER_ORDER_CALLBACK_ID,
  ORDER_ACTION_ID,
  ORDER_BLOCK_ID,
  cutoverOrderMessage,
} from '#blocks/cutover-order.ts';
import { BadInputError, isEfsEncryptError } from '../../../domain/errors.ts';
import { newCorrelationId } from '../../correlation.ts';
import { cutoverServiceOf, withRefusalLogged } from '../../cutover-in-thread.ts';
import { parseOrderLines, parseOrderMetadata } from '../../cutover-payloads.ts';
import type { ViewStateValues } from '../../copy-view-submission.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { registerViewWork } from '../../view-work.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The order modal submitted: the lines parsed into application names and handed to the phase's
 * setOrder (admin only; each application of the stored plans once) BEFORE the modal is answered,
 * so an unknown, missing or repeated application (or a refusal) is shown next to the field and the
 * modal stays open. Once stored, the thread is told the new order.
 */
export function cutoverOrderView(deps: ListenerDeps) {
  // After the ack, here or on the worker: the order the ack stored, told in the thread.
  const tellThread = registerViewWork(deps, {
    key: CUTOVER_ORDER_CALLBACK_ID,
    title: 'Cutover order',
    metadata: parseOrderMetadata,
    replyTo: (meta) => ({ channel: meta.channel, threadTs: meta.threadTs }),
    input: z.object({ apps: z.array(z.string().min(1).max(256)).max(500), chosenBy: z.string().optional() }),
    async run({ client, userId, correlationId, meta, input, log }) {
      // The message is untrusted (a forged invocation): who may choose is checked again, and only
      // the order the store holds is told, never the message's own list.
      const { migrationId } = meta;
      await withRefusalLogged(deps, { userId, correlationId, action: 'choose order', migrationId }, () =>
        deps.authorizer.authorize(userId, 'cutover'),
      );
      const stored = (await cutoverServiceOf(deps).phase.status(migrationId)).order;
      if (!stored || stored.apps.join('\n') !== input.apps.join('\n'))
        throw new BadInputError('This cutover order is not the one stored; choose the order again.');
      try {
        await client.chat.postMessage({
          channel: meta.channel,
          thread_ts: meta.threadTs,
          ...cutoverOrderMessage(migrationId, { apps: stored.apps, chosenBy: stored.chosenBy }),
        });
      } catch (err) {
        log.warn({ err }, 'could not post the cutover order in the thread (it is stored)');
      }
    },
  });
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const correlationId = newCorrelationId();
    const userId = body.user.id;
    const log = deps.logger.child({ correlationId, userId, view: view.callback_id });
    let order;
    let meta;
    try {
      meta = parseOrderMetadata(view.private_metadata);
      const apps = parseOrderLines(
        (view.state.values as ViewStateValues)[ORDER_BLOCK_ID]?.[ORDER_ACTION_ID]?.value,
      );
      const { migrationId } = meta;
      order = await withRefusalLogged(
        deps,
        { userId, correlationId, action: 'choose order', migrationId },
        () => cutoverServiceOf(deps).phase.setOrder(migrationId, { actor: userId, apps }),
      );
    } catch (err) {
      log.warn({ err }, 'cutover order refused');
      // Expected refusals say what to fix; anything else keeps its correlation ID for the log.
      const message = isEfsEncryptError(err)
        ? err.userMessage
        : `${userMessageOf(err)} (correlation ID ${correlationId})`;
      return await ack({ response_action: 'errors', errors: { [ORDER_BLOCK_ID]: message } });
    }
    await ack();
    log.info({ migrationId: meta.migrationId, apps: order.apps }, 'cutover order chosen');
    await tellThread({
      client,
      userId,
      correlationId,
      privateMetadata: view.private_metadata,
      input: { apps: order.apps, ...(order.chosenBy ? { chosenBy: order.chosenBy } : {}) },
    });
  };
}
