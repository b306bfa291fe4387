import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import {
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
  return async ({ ack, body, action, respond, client }: ButtonArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    const log = deps.logger.child({ correlationId, userId: body.user.id, action: action.action_id });
    try {
      // Who may act first; then the value, parsed and found before anything is written under it.
      await authorizeCopy(deps, body.user.id, correlationId, () => knownCopyMigration(deps, action.value));
      const migrationId = await copyMigrationOf(deps, action.value);
      const copy = copyServiceOf(deps);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const threadTs = body.message?.thread_ts ?? body.message?.ts ?? body.container?.message_ts;
      if (!channel || !threadTs) throw buttonOutsideMessage();
      const metadata: CopyModalMetadata = { migrationId, channel, threadTs };
      const view =
        modal === 'writes_stopped'
          ? writesStoppedModal(metadata, deps.clock.now())
          : rsyncPassModal({ ...metadata, pass: modal === 'rsync_final' ? 'final' : 'initial' });
      const opened = await client.views.open({ trigger_id: body.trigger_id, view });
      log.info({ migrationId, modal }, 'copy modal opened');
      const viewId = opened.view?.id;
      if (modal !== 'rsync_initial' && viewId)
        deps.tasks.start(`client check ${correlationId}`, async () => {
          try {
            const check = await copy.phase.checkClients(migrationId);
            await client.views.update({
              view_id: viewId,
              ...(opened.view?.hash ? { hash: opened.view.hash } : {}),
              view: withClientCheck(view, check),
            });
            log.info({ migrationId, clients: check.status }, 'client check shown in the copy modal');
          } catch (err) {
            // The submission checks again; the modal just keeps its placeholder.
            log.warn({ err, migrationId }, 'client check not shown in the copy modal');
          }
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
