import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { View } from '@slack/types';
import { z } from 'zod';
import {
  COPY_RSYNC_PASS_CALLBACK_ID,
  COPY_WRITES_STOPPED_CALLBACK_ID,
  decodeCopyMetadata,
  rsyncPassModal,
  withClientCheck,
  writesStoppedModal,
  type CopyModalMetadata,
} from '#blocks/copy-modals.ts';
import { errorMessage } from '#blocks/error.ts';
import { authorizeCopy, copyMigrationOf, copyServiceOf, knownCopyMigration } from '../../copy-in-thread.ts';
import { newCorrelationId } from '../../correlation.ts';
import { buttonOutsideMessage, userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';
import { privateReplier } from '../../private-reply.ts';
import { registerViewWork } from '../../view-work.ts';

type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * The buttons that open a copy modal: replication's Final sync (when did writes stop?) and EC2 +
 * rsync's Initial copy done / Final sync done (verify.sh's summary). The trigger ID is valid for
 * 3 seconds, so only the admin check runs before views.open; the modal carries the thread the
 * result goes to. A refusal or failure is a private message with the correlation ID.
 */
export function copyModalAction(
  deps: ListenerDeps,
  modal: 'writes_stopped' | 'rsync_initial' | 'rsync_final',
) {
  // The final syncs show who is still connected to the source: read after the modal is open
  // (CloudWatch is slower than the trigger ID's 3 s), here or on the worker, then filled in.
  const checkClients =
    modal === 'rsync_initial'
      ? undefined
      : registerViewWork(deps, {
          key: `${modal === 'writes_stopped' ? COPY_WRITES_STOPPED_CALLBACK_ID : COPY_RSYNC_PASS_CALLBACK_ID}#opened`,
          title: 'Copy client check',
          metadata: decodeCopyMetadata,
          input: z.object({ openedAt: z.iso.datetime().transform((t) => new Date(t)) }),
          async run({ client, meta, input, view, log }) {
            if (!view) return;
            const check = await copyServiceOf(deps).phase.checkClients(meta.migrationId);
            await client.views.update({
              view_id: view.id,
              ...(view.hash ? { hash: view.hash } : {}),
              // The modal as it was opened, rebuilt from its metadata and opening time.
              view: withClientCheck(copyModal(modal, meta, input.openedAt), check),
            });
            log.info(
              { migrationId: meta.migrationId, clients: check.status },
              'client check shown in the copy modal',
            );
          },
        });
  return async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({ correlationId, userId: body.user.id, action: action.action_id });
    try {
      // Who may act first; then the value, parsed and found before anything is written under it.
      await authorizeCopy(deps, body.user.id, correlationId, () => knownCopyMigration(deps, action.value));
      const migrationId = await copyMigrationOf(deps, action.value);
      copyServiceOf(deps);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const threadTs = body.message?.thread_ts ?? body.message?.ts ?? body.container?.message_ts;
      if (!channel || !threadTs) throw buttonOutsideMessage();
      const metadata: CopyModalMetadata = { migrationId, channel, threadTs };
      const openedAt = deps.clock.now();
      const view = copyModal(modal, metadata, openedAt);
      const opened = await client.views.open({ trigger_id: body.trigger_id, view });
      log.info({ migrationId, modal }, 'copy modal opened');
      const viewId = opened.view?.id;
      if (checkClients && viewId)
        await checkClients({
          client,
          userId: body.user.id,
          correlationId,
          privateMetadata: view.private_metadata ?? '',
          input: { openedAt: openedAt.toISOString() },
          view: { id: viewId, ...(opened.view?.hash ? { hash: opened.view.hash } : {}) },
        });
    } catch (err) {
      log.warn({ err }, 'copy modal refused or failed');
      await privateReplier(deps.responseUrls, {
        responseUrl: body.response_url,
        respond,
        client,
        channel: body.channel?.id ?? body.container?.channel_id,
        user: body.user.id,
        log,
        keepOriginal: true,
      })(errorMessage({ title: 'Copy', userMessage: userMessageOf(err), correlationId }));
    }
  };
}

function copyModal(
  modal: 'writes_stopped' | 'rsync_initial' | 'rsync_final',
  metadata: CopyModalMetadata,
  openedAt: Date,
): View {
  const thread = {
    migrationId: metadata.migrationId,
    channel: metadata.channel,
    threadTs: metadata.threadTs,
  };
  return modal === 'writes_stopped'
    ? writesStoppedModal(thread, openedAt)
    : rsyncPassModal({ ...thread, pass: modal === 'rsync_final' ? 'final' : 'initial' });
}
