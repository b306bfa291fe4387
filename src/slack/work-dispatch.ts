import { z } from 'zod';
import { BadInputError } from '../domain/errors.ts';
import type { BackgroundTasks } from './background-tasks.ts';
import { newCorrelationId } from './correlation.ts';
import type { SlackMessage } from '#blocks/limits.ts';

type MessageBlock = NonNullable<SlackMessage['blocks']>[number];

/**
 * Long work a listener hands on after its ack, as data: what to run (kind), on whose behalf, where
 * to answer (the response_url, the channel and thread) and the interaction's correlation ID. On
 * Lambda the message crosses to the worker function, so it carries IDs only, never a client or a
 * closure, and the worker parses it again (an invocation payload is untrusted input).
 */
const SLACK_ID = /^[A-Z0-9]{2,}$/;
const id = (what: string) => z.string().regex(SLACK_ID, { message: `expected a Slack ${what} ID` });
const base = {
  correlationId: z.string().min(1).max(64),
  userId: id('user'),
  channelId: id('channel'),
  /** Where private answers go (Slack accepts posts there for 30 minutes). */
  responseUrl: z.url({ protocol: /^https?$/ }),
};

export const ScanWorkSchema = z.object({
  kind: z.literal('scan'),
  ...base,
  scope: z.object({ accounts: z.array(z.string()), regions: z.array(z.string()) }),
});

export const ButtonWorkSchema = z.object({
  kind: z.literal('button'),
  ...base,
  /** Empty when Slack sent no channel: the worker then tells the person where the button works. */
  channelId: id('channel').or(z.literal('')),
  /** The registered button work, by its title (unique: registration refuses a second). */
  work: z.string().min(1),
  actionId: z.string().min(1),
  actionTs: z.string().min(1),
  value: z.string(),
  messageTs: z.string().optional(),
  threadTs: z.string().optional(),
  retryNum: z.number().int().nonnegative().optional(),
  /** The clicked message's blocks (at most Slack's 50), for an edit in place; Slack's shape, checked by Slack. */
  messageBlocks: z
    .array(
      z.custom<MessageBlock>(
        (v) => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string',
        { message: 'expected a Block Kit block' },
      ),
    )
    .max(50)
    .optional(),
});

/**
 * A digest to post: scheduled (EventBridge Scheduler sends `slot` as its scheduled time, so a
 * retried invocation claims the same slot and posts nothing twice) or asked for on demand
 * (`/efs-encrypt digest`: who asked, where private answers go).
 */
export const DigestWorkSchema = z.object({
  kind: z.literal('digest'),
  /** EventBridge Scheduler's execution ID, or the interaction's. */
  correlationId: z
    .string()
    .min(1)
    .max(128)
    .default(() => newCorrelationId()),
  channelId: id('channel'),
  slot: z.iso.datetime({ offset: true }).optional(),
  userId: id('user').optional(),
  responseUrl: z.url({ protocol: /^https?$/ }).optional(),
});

/**
 * A slash command whose work outlives the request (`build`, `cutover`, `validate`, `export`): the
 * text as Slack sent it, which the worker parses again with the listener's parser and checks again
 * (admin, targets) before it posts or queues anything.
 */
export const CommandWorkSchema = z.object({
  kind: z.literal('command'),
  ...base,
  /** After the command name, as typed (Slack caps a command's text at a few thousand characters). */
  text: z.string().max(4000),
});

/**
 * A modal's work after its ack: a submission's (registered under its callback_id) or the
 * follow-up of a modal just opened (registered as `<callback_id>#opened`, with the view to
 * update). The work decodes `privateMetadata` with the listener's decoder and parses `input`
 * with its own zod schema: the values the ack read and checked, as JSON.
 */
export const ViewWorkSchema = z.object({
  kind: z.literal('view'),
  correlationId: base.correlationId,
  userId: id('user'),
  /** The registered view work, by key (`deps.viewWork`). */
  work: z.string().min(1).max(200),
  /** Slack caps a view's private_metadata at 3,000 characters. */
  privateMetadata: z.string().max(3000),
  input: z.record(z.string(), z.unknown()),
  /** The modal to update (views.update), for work that fills in a modal it opened. */
  view: z
    .object({
      id: z.string().regex(/^V[A-Z0-9]+$/, { message: 'expected a Slack view ID' }),
      hash: z.string().optional(),
    })
    .optional(),
});

export const WorkMessageSchema = z.discriminatedUnion('kind', [
  ScanWorkSchema,
  ButtonWorkSchema,
  DigestWorkSchema,
  CommandWorkSchema,
  ViewWorkSchema,
]);
export type WorkMessage = z.infer<typeof WorkMessageSchema>;
export type ScanWork = z.infer<typeof ScanWorkSchema>;
export type ButtonWork = z.infer<typeof ButtonWorkSchema>;
export type DigestWork = z.infer<typeof DigestWorkSchema>;
export type CommandWork = z.infer<typeof CommandWorkSchema>;
export type ViewWork = z.infer<typeof ViewWorkSchema>;

/** Parses a worker event; a malformed one is refused with every problem named. */
export function parseWorkMessage(input: unknown): WorkMessage {
  const parsed = WorkMessageSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new BadInputError(
    `Not a work message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
  );
}

/**
 * Where listeners send their long work. `runHere` is the same work as a closure, for dispatchers
 * that run it in this process; a dispatcher that sends `message` elsewhere ignores it. Resolves
 * once the work is handed on (not done), so a listener awaiting it still answers within 3 s.
 */
export interface WorkDispatcher {
  dispatch(message: WorkMessage, runHere: () => Promise<void>): Promise<void>;
  /** True when the work runs in this process: its state (running scans) can answer in the ack. */
  readonly runsHere?: boolean;
}

/**
 * The long-running process (Socket Mode, HTTP) and the worker itself: run it here, after the ack.
 * Started on the next loop turn (setImmediate), not now: the work's first synchronous steps (a
 * Slack call being built, a store request) would otherwise run before the ack is written, and in
 * a burst of commands before the next commands are read.
 */
export function inProcessDispatcher(tasks: BackgroundTasks): WorkDispatcher {
  return {
    runsHere: true,
    async dispatch(message, runHere) {
      tasks.start(`${message.kind} ${message.correlationId}`, () =>
        new Promise<void>((resolve) => setImmediate(resolve)).then(runHere),
      );
    },
  };
}
