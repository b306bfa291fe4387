import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import {
  DECOMMISSION_CALLBACK_ID,
  DECOMMISSION_INPUT_ACTION_ID,
  DECOMMISSION_INPUT_BLOCK_ID,
  decodeDecommissionMetadata,
} from '#blocks/decommission.ts';
import type { ViewStateValues } from '../../copy-view-submission.ts';
import { newCorrelationId } from '../../correlation.ts';
import { authorizeDecommission, requestDecommission } from '../../decommission-in-thread.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { registerViewWork } from '../../view-work.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The typed confirmation: a non-admin or an ID that is not exactly the file system's is answered
 * next to the field (the modal stays open, nothing is queued); otherwise the modal closes and the
 * request (every guard read again) runs in the background, answering privately in the thread.
 */
export function decommissionSubmitView(deps: ListenerDeps) {
  // After the ack, here or on the worker: the request reads every guard again (the typed ID too).
  const requestDeletion = registerViewWork(deps, {
    key: DECOMMISSION_CALLBACK_ID,
    title: 'Decommission',
    metadata: decodeDecommissionMetadata,
    input: z.object({ typed: z.string().max(256) }),
    replyTo: (meta) => ({ channel: meta.channel, ...(meta.threadTs ? { threadTs: meta.threadTs } : {}) }),
    async run({ client, userId, correlationId, meta, input }) {
      // Checked again where it runs: a worker's message is untrusted, and deletion is admins' only.
      await authorizeDecommission(deps, userId, correlationId, meta.migrationId);
      return requestDecommission(deps, { client, userId, meta, typed: input.typed, correlationId });
    },
  });
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const correlationId = newCorrelationId();
    const userId = body.user.id;
    const log = deps.logger.child({ correlationId, userId, view: view.callback_id });
    const field = (error: string) =>
      ack({ response_action: 'errors', errors: { [DECOMMISSION_INPUT_BLOCK_ID]: error } });
    const meta = decodeDecommissionMetadata(view.private_metadata);
    if (!meta) return await field('This form is out of date; close it and open Decommission… again.');
    try {
      await authorizeDecommission(deps, userId, correlationId, meta.migrationId);
    } catch (err) {
      return await field(userMessageOf(err));
    }
    const typed =
      (view.state.values as ViewStateValues)[DECOMMISSION_INPUT_BLOCK_ID]?.[
        DECOMMISSION_INPUT_ACTION_ID
      ]?.value?.trim() ?? '';
    if (typed !== meta.fileSystemId) {
      log.info({ migrationId: meta.migrationId, typed }, 'decommission: typed ID refused');
      return await field(`Type exactly ${meta.fileSystemId} to confirm; nothing was deleted.`);
    }
    await ack();
    await requestDeletion({
      client,
      userId,
      correlationId,
      privateMetadata: view.private_metadata,
      input: { typed },
    });
  };
}
