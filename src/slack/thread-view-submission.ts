import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { SlackMessage } from '#blocks/limits.ts';
import type { BuildTarget } from './build-in-thread.ts';
import { newCorrelationId } from './correlation.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { userMessageOf } from './slack-errors.ts';
import { registerViewWork } from './view-work.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** A modal's input values as Slack sends them in `view.state.values`. */
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
 * What a modal's reader returns: the input, or the message to show next to its field
 * (`blockId`: another field than the modal's main one).
 */
export type ReadResult<T> = { ok: true; input: T } | { ok: false; error: string; blockId?: string };

/** The modal's thread, which every thread modal's metadata names. */
export interface ThreadMetadata {
  channel: string;
  threadTs: string;
}

export interface ThreadViewSubmission<M extends ThreadMetadata, S extends z.ZodType> {
  callbackId: string;
  title: string;
  /** Where a refusal is shown when the reader names no other field. */
  fieldBlockId: string;
  /** The modal's metadata; throws a BadInputError saying what to do when it is not the bot's. */
  metadata(privateMetadata: string | undefined): M;
  /**
   * In the request, within Slack's 3 s: who may, and the input checked (a throw or a refusal is
   * shown next to the field, the modal stays open). Returns the input as JSON for the work.
   */
  read(
    values: ViewStateValues,
    meta: M,
    who: { userId: string; correlationId: string; log: Logger },
  ): Promise<ReadResult<z.input<S>>>;
  /**
   * Who may submit, checked in the request (before `read`) and again where the work runs: the
   * worker's message is untrusted, so a forged one from someone else is refused there too.
   */
  authorize?(meta: M, who: { userId: string; correlationId: string }): Promise<void>;
  /** The JSON `read` returns, parsed again where the work runs (the worker's payload is untrusted). */
  input: S;
  /** After the ack (here or on the worker); its answer goes privately to the submitter in the thread. */
  work(target: BuildTarget, meta: M, input: z.output<S>): Promise<SlackMessage>;
}

/**
 * The shape the copy and cutover modals share: stale metadata, a refusal or a bad input are
 * answered next to the field (`response_action: errors`, the modal stays open); a valid
 * submission closes the modal at once and its work is handed to the dispatcher (this process, or
 * the Lambda worker), answering the submitter privately in the thread (a refusal by the phase
 * included).
 */
export function threadViewSubmission<M extends ThreadMetadata, S extends z.ZodType>(
  deps: ListenerDeps,
  o: ThreadViewSubmission<M, S>,
) {
  const handOn = registerViewWork(deps, {
    key: o.callbackId,
    title: o.title,
    metadata: (text) => o.metadata(text),
    input: o.input,
    replyTo: (meta) => ({ channel: meta.channel, threadTs: meta.threadTs }),
    async run({ client, userId, correlationId, meta, input }) {
      await o.authorize?.(meta, { userId, correlationId });
      return o.work(
        { client, userId, channel: meta.channel, threadTs: meta.threadTs, correlationId },
        meta,
        input,
      );
    },
  });
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const correlationId = newCorrelationId();
    const userId = body.user.id;
    const log = deps.logger.child({ correlationId, userId, view: view.callback_id });
    const field = (error: string, blockId = o.fieldBlockId) =>
      ack({ response_action: 'errors', errors: { [blockId]: error } });
    let read: ReadResult<z.input<S>>;
    try {
      const meta = o.metadata(view.private_metadata);
      await o.authorize?.(meta, { userId, correlationId });
      read = await o.read(view.state.values as ViewStateValues, meta, { userId, correlationId, log });
    } catch (err) {
      log.warn({ err }, `${o.title} refused`);
      return await field(userMessageOf(err));
    }
    if (!read.ok) {
      log.info({ error: read.error }, `${o.title}: input refused`);
      return await field(read.error, read.blockId);
    }
    await ack();
    await handOn({
      client,
      userId,
      correlationId,
      privateMetadata: view.private_metadata,
      input: read.input,
    });
  };
}
