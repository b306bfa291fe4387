import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { BadInputError, InternalError } from '../domain/errors.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { userMessageOf } from './slack-errors.ts';
import type { ViewWork } from './work-dispatch.ts';

/** Where a modal's work answers its submitter privately (ephemeral, in the thread when there is one). */
export interface ViewReplyTarget {
  channel: string;
  threadTs?: string;
}

export interface ViewWorkContext<M, I> {
  client: webApi.WebClient;
  userId: string;
  correlationId: string;
  meta: M;
  input: I;
  /** The modal to update, for work that fills in a modal it opened. */
  view?: { id: string; hash?: string };
  log: Logger;
}

/**
 * A modal's long work, as data the worker can run from a message alone: the metadata decoder the
 * listener uses, a zod schema of the input the ack read (JSON), and the work. A returned message
 * goes privately to the submitter; a failure too, as an error with the correlation ID.
 */
export interface ViewWorkDefinition<M, S extends z.ZodType> {
  /** The callback_id of a submission, `<callback_id>#opened` for a modal's follow-up. */
  key: string;
  /** Shown as the title of its error messages. */
  title: string;
  /** Undefined (or a throw) when the metadata is not the bot's. */
  metadata(privateMetadata: string): M | undefined;
  input: S;
  /** Where answers go; absent: failures are only logged (nobody to tell). */
  replyTo?(meta: M): ViewReplyTarget;
  run(ctx: ViewWorkContext<M, z.output<S>>): Promise<SlackMessage | void>;
}

export interface RegisteredViewWork {
  title: string;
  run(deps: ListenerDeps, client: webApi.WebClient, message: ViewWork): Promise<void>;
  /** Where the submitter is answered, from the message's metadata (undefined: nowhere). */
  replyTarget(message: ViewWork): ViewReplyTarget | undefined;
}

/** What a listener passes after its ack; the message is built from it. */
export interface ViewWorkRequest<I> {
  client: webApi.WebClient;
  userId: string;
  correlationId: string;
  privateMetadata: string;
  input: I;
  view?: { id: string; hash?: string };
}

/**
 * Registers a modal's work under its key (a worker that registered the same listeners finds it
 * from the message alone) and returns what the listener calls after its ack: the work handed to
 * the dispatcher, here or on the Lambda worker.
 */
export function registerViewWork<M, S extends z.ZodType>(
  deps: ListenerDeps,
  def: ViewWorkDefinition<M, S>,
): (req: ViewWorkRequest<z.input<S>>) => Promise<void> {
  if (deps.viewWork.has(def.key)) throw new InternalError(`two view works are registered as "${def.key}"`);
  deps.viewWork.set(def.key, {
    title: def.title,
    run: (d, client, message) => runDefinition(d, client, message, def),
    replyTarget(message) {
      const meta = decodeQuietly(def, message.privateMetadata);
      return meta === undefined ? undefined : def.replyTo?.(meta);
    },
  });
  return (req) =>
    dispatchViewWork(deps, req.client, {
      kind: 'view',
      work: def.key,
      correlationId: req.correlationId,
      userId: req.userId,
      privateMetadata: req.privateMetadata,
      input: req.input as Record<string, unknown>,
      ...(req.view ? { view: req.view } : {}),
    });
}

/** Hands a view's work on; when the worker cannot be reached, the submitter is told (if they can be). */
export async function dispatchViewWork(
  deps: ListenerDeps,
  client: webApi.WebClient,
  message: ViewWork,
): Promise<void> {
  try {
    await deps.work.dispatch(message, () => runViewWork(deps, client, message));
  } catch (err) {
    const registered = deps.viewWork.get(message.work);
    const title = registered?.title ?? message.work;
    deps.logger.warn({ err, correlationId: message.correlationId }, `${title}: work not handed on`);
    const where = registered?.replyTarget(message);
    if (where) await replyTo(client, message.userId, where, failure(title, err, message.correlationId));
  }
}

/** A view's work, wherever it runs: looked up by key, its message parsed again, run to the end. */
export async function runViewWork(
  deps: ListenerDeps,
  client: webApi.WebClient,
  message: ViewWork,
): Promise<void> {
  const registered = deps.viewWork.get(message.work);
  // A worker of another version than the listener that sent the message: nobody to answer.
  if (!registered) {
    deps.logger.error(
      { correlationId: message.correlationId, work: message.work },
      'no view work is registered under this key; the work was dropped',
    );
    return;
  }
  await registered.run(deps, client, message);
}

function decodeQuietly<M>(def: { metadata(text: string): M | undefined }, text: string): M | undefined {
  try {
    return def.metadata(text);
  } catch {
    return undefined;
  }
}

async function runDefinition<M, S extends z.ZodType>(
  deps: ListenerDeps,
  client: webApi.WebClient,
  message: ViewWork,
  def: ViewWorkDefinition<M, S>,
): Promise<void> {
  const { correlationId, userId } = message;
  const log = deps.logger.child({ correlationId, userId, view: def.key });
  let where: ViewReplyTarget | undefined;
  try {
    const meta = def.metadata(message.privateMetadata);
    if (meta === undefined) throw new BadInputError(`${def.title}: the form's metadata is not the bot's.`);
    where = def.replyTo?.(meta);
    const input = def.input.safeParse(message.input);
    if (!input.success)
      throw new BadInputError(
        `${def.title}: the form's input is not what the bot read: ${input.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    const answer = await def.run({
      client,
      userId,
      correlationId,
      meta,
      input: input.data as z.output<S>,
      ...(message.view ? { view: message.view } : {}),
      log,
    });
    if (answer && where) await replyTo(client, userId, where, answer);
  } catch (err) {
    log.warn({ err }, `${def.title} refused or failed`);
    if (where) await replyTo(client, userId, where, failure(def.title, err, correlationId));
  }
}

function failure(title: string, err: unknown, correlationId: string): SlackMessage {
  return errorMessage({ title, userMessage: userMessageOf(err), correlationId });
}

async function replyTo(
  client: webApi.WebClient,
  user: string,
  where: ViewReplyTarget,
  message: SlackMessage,
): Promise<void> {
  await client.chat.postEphemeral({
    channel: where.channel,
    user,
    ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    ...message,
  });
}
