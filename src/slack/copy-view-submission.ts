import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { CLIENTS_ACK_ACTION_ID, CLIENTS_ACK_BLOCK_ID, CLIENTS_ACK_VALUE } from '#blocks/copy-clients.ts';
import { decodeCopyMetadata, type CopyModalMetadata } from '#blocks/copy-modals.ts';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import type { BuildTarget } from './build-in-thread.ts';
import { authorizeCopy, copyMigrationOf } from './copy-in-thread.ts';
import { newCorrelationId } from './correlation.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { userMessageOf } from './slack-errors.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type ViewStateValues = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_date_time?: number | null;
      selected_options?: { value?: string }[] | null;
    }
  >
>;

/**
 * What a copy modal's reader returns: the input, or the message to show next to its field
 * (`blockId`: another field than the modal's main one).
 */
export type ReadResult<T> = { ok: true; input: T } | { ok: false; error: string; blockId?: string };

/**
 * The final-sync modals' "go on anyway" box: required when the modal showed clients connected
 * (its metadata says so); the phase checks CloudWatch again on submission either way.
 */
export function readClientsAck(values: ViewStateValues, meta: CopyModalMetadata): ReadResult<boolean> {
  const ticked =
    values[CLIENTS_ACK_BLOCK_ID]?.[CLIENTS_ACK_ACTION_ID]?.selected_options?.some(
      (o) => o.value === CLIENTS_ACK_VALUE,
    ) === true;
  if (meta.clients === 'active' && !ticked)
    return {
      ok: false,
      blockId: CLIENTS_ACK_BLOCK_ID,
      error:
        'Clients were connected to the source in the last 15 min: stop them first, or tick this box to go on anyway.',
    };
  return { ok: true, input: ticked };
}

/**
 * The shape both copy modals share: the admin check and the input's own checks answer next to the
 * field (`response_action: errors`, the modal stays open); a valid submission closes the modal at
 * once and `work` runs in the background, answering the submitter privately in the thread's
 * channel; the copy message in the thread shows the outcome.
 */
export function copyViewSubmission<T>(
  deps: ListenerDeps,
  title: string,
  fieldBlockId: string,
  /** May read the store (within Slack's 3 seconds): e.g. a summary checked against its migration. */
  read: (values: ViewStateValues, meta: CopyModalMetadata) => ReadResult<T> | Promise<ReadResult<T>>,
  work: (target: BuildTarget, meta: CopyModalMetadata, input: T) => Promise<SlackMessage>,
) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const correlationId = newCorrelationId();
    const userId = body.user.id;
    const log = deps.logger.child({ correlationId, userId, view: view.callback_id });
    const meta = decodeCopyMetadata(view.private_metadata);
    if (!meta)
      return await ack({
        response_action: 'errors',
        errors: {
          [fieldBlockId]: 'This form is out of date; close it and click the button in the thread again.',
        },
      });
    try {
      await copyMigrationOf(deps, meta.migrationId, 'This form');
      await authorizeCopy(deps, userId, correlationId, meta.migrationId);
    } catch (err) {
      log.warn({ err }, `${title} refused`);
      return await ack({ response_action: 'errors', errors: { [fieldBlockId]: userMessageOf(err) } });
    }
    let read_: ReadResult<T>;
    try {
      read_ = await read(view.state.values as ViewStateValues, meta);
    } catch (err) {
      log.warn({ err, migrationId: meta.migrationId }, `${title}: input could not be checked`);
      return await ack({ response_action: 'errors', errors: { [fieldBlockId]: userMessageOf(err) } });
    }
    if (!read_.ok) {
      log.info({ migrationId: meta.migrationId, error: read_.error }, `${title}: input refused`);
      return await ack({
        response_action: 'errors',
        errors: { [read_.blockId ?? fieldBlockId]: read_.error },
      });
    }
    await ack();
    const target: BuildTarget = {
      client,
      userId,
      channel: meta.channel,
      threadTs: meta.threadTs,
      correlationId,
    };
    const reply = (message: SlackMessage) =>
      client.chat.postEphemeral({
        channel: meta.channel,
        user: userId,
        thread_ts: meta.threadTs,
        ...message,
      });
    deps.tasks.start(`${view.callback_id} ${correlationId}`, async () => {
      try {
        await reply(await work(target, meta, read_.input));
      } catch (err) {
        log.warn({ err, migrationId: meta.migrationId }, `${title} refused or failed`);
        await reply(errorMessage({ title, userMessage: userMessageOf(err), correlationId }));
      }
    });
  };
}
