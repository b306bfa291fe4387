import type { webApi } from '@slack/bolt';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { BadInputError } from '../../../domain/errors.ts';
import { SLASH_COMMAND, parseCommand } from '../../commands.ts';
import { userMessageOf } from '../../slack-errors.ts';
import type { CommandWork } from '../../work-dispatch.ts';
import type { ListenerDeps } from '../deps.ts';
import { checkBuildCommand, runBuildCommand } from './build.ts';
import { checkCutoverCommand, runCutoverCommand } from './cutover.ts';
import { runExportCommand } from './export.ts';
import { checkValidateCommand, runValidateCommand } from './validate.ts';

/** A sub-command's request, in the listener or rebuilt by the worker from a `command` message. */
export interface CommandRequest {
  client: webApi.WebClient;
  userId: string;
  channelId: string;
  correlationId: string;
  args: string[];
  replyPrivately(message: SlackMessage): Promise<void>;
}

interface CommandWorkDefinition {
  /** In the request: the checks that answer privately before anything is posted (none: only the work's). */
  check?(deps: ListenerDeps, req: CommandRequest): Promise<unknown>;
  /** After the ack, here or on the worker: checks again (the message is untrusted), then works. */
  run(deps: ListenerDeps, req: CommandRequest): Promise<void>;
}

/** The sub-commands whose work outlives the request, by name (as `parseCommand` finds them). */
const COMMAND_WORK: Record<string, CommandWorkDefinition> = {
  build: { check: checkBuildCommand, run: runBuildCommand },
  cutover: { check: checkCutoverCommand, run: runCutoverCommand },
  validate: { check: checkValidateCommand, run: runValidateCommand },
  export: { run: runExportCommand },
};

export function isCommandWork(name: string): boolean {
  return Object.hasOwn(COMMAND_WORK, name);
}

/**
 * `/efs-encrypt <name> …` after the ack: the checks here (a refusal answers privately, nothing is
 * posted), then the work handed to the dispatcher as the command's text, which the worker parses
 * again with the same parser.
 */
export async function handOnCommand(
  deps: ListenerDeps,
  name: string,
  req: CommandRequest & { text: string; responseUrl: string },
): Promise<void> {
  await COMMAND_WORK[name]?.check?.(deps, req);
  const message: CommandWork = {
    kind: 'command',
    correlationId: req.correlationId,
    userId: req.userId,
    channelId: req.channelId,
    responseUrl: req.responseUrl,
    text: req.text,
  };
  await deps.work.dispatch(message, () =>
    runCommandWork(deps, message, { client: req.client, replyPrivately: req.replyPrivately }),
  );
}

/** A command's work, wherever it runs; a refusal or failure is a private error with the correlation ID. */
export async function runCommandWork(
  deps: ListenerDeps,
  message: CommandWork,
  slack: { client: webApi.WebClient; replyPrivately(message: SlackMessage): Promise<void> },
): Promise<void> {
  const { correlationId, userId, channelId } = message;
  const parsed = parseCommand(message.text);
  const name = parsed.kind === 'command' ? parsed.command.name : message.text.trim().split(/\s+/)[0];
  const log = deps.logger.child({ correlationId, userId, channelId, command: name });
  const title = `${SLASH_COMMAND} ${name ?? ''}`.trim();
  try {
    const work = parsed.kind === 'command' ? COMMAND_WORK[parsed.command.name] : undefined;
    if (!work || parsed.kind !== 'command')
      throw new BadInputError(`${title} is not a command whose work the worker runs.`);
    await work.run(deps, { ...slack, userId, channelId, correlationId, args: parsed.args });
  } catch (err) {
    log.warn({ err }, `${title} refused or failed`);
    await slack.replyPrivately(errorMessage({ title, userMessage: userMessageOf(err), correlationId }));
  }
}
