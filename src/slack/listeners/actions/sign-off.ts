import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import { parseSignOffValue, signOffConcernsModal, signOffRecordedMessage } from '#blocks/sign-off.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { backgroundButton } from '../../background-button.ts';
import { newCorrelationId } from '../../correlation.ts';
import { buttonOutsideMessage, userMessageOf } from '../../slack-errors.ts';
import type { ListenerDeps } from '../deps.ts';

export function signOffServiceOf(deps: Pick<ListenerDeps, 'services'>) {
  const signOff = deps.services.signOff;
  if (!signOff) throw new BadInputError('Application sign-off is not available in this deployment.');
  return signOff;
}

export function parseSignOffTarget(value: string | undefined) {
  const target = parseSignOffValue(value);
  if (!target) throw new BadInputError('This sign-off button names no migration and application.');
  return target;
}

/**
 * Signed off: the owner (or an admin; the workflow decides and logs a refusal) records that the
 * application's checks passed; the answer goes in the migration's thread for everyone to see.
 */
export function signOffOkAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Sign off', async ({ target, value }) => {
    const { migrationId, app } = parseSignOffTarget(value);
    const record = await signOffServiceOf(deps).record({
      migrationId,
      app,
      actor: target.userId,
      decision: 'signed_off',
    });
    deps.logger.info(
      { correlationId: target.correlationId, migrationId, app, role: record.role },
      'application signed off',
    );
    await target.client.chat.postMessage({
      channel: target.channel,
      thread_ts: target.threadTs,
      ...signOffRecordedMessage(record),
    });
  });
}

/** Concerns: the modal (text and affected components); the workflow checks who on submission. */
export function signOffConcernsAction(deps: ListenerDeps) {
  return async ({
    ack,
    body,
    action,
    respond,
    client,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const correlationId = newCorrelationId();
    try {
      signOffServiceOf(deps);
      const { migrationId, app } = parseSignOffTarget(action.value);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const threadTs = body.message?.thread_ts ?? body.message?.ts ?? body.container?.message_ts;
      if (!channel || !threadTs) throw buttonOutsideMessage();
      await client.views.open({
        trigger_id: body.trigger_id,
        view: signOffConcernsModal({ m: migrationId, a: app, channel, threadTs }),
      });
    } catch (err) {
      deps.logger.warn({ err, correlationId, userId: body.user.id }, 'sign-off concerns refused or failed');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...errorMessage({ title: 'Concerns', userMessage: userMessageOf(err), correlationId }),
      });
    }
  };
}
