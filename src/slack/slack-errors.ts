import {
  EfsEncryptError,
  ErrorCode,
  isEfsEncryptError,
  SlackPayloadIncompleteError,
} from '../domain/errors.ts';

/** Slack Web API error codes (`{ ok: false, error }`) with a fix a person can act on. */
const FIXES: Record<string, string> = {
  not_in_channel:
    "I'm not in this channel. Invite me with `/invite @efs-encrypt`, then run the command again.",
  channel_not_found:
    "I can't see this channel (private channels and DMs need me invited). Invite me with `/invite @efs-encrypt`.",
  is_archived: 'This channel is archived. Run the command in an active channel.',
  msg_too_long: 'The message was too long for Slack. This is a bug; quote the correlation ID.',
  invalid_blocks: 'Slack refused the message layout. This is a bug; quote the correlation ID.',
  ratelimited: 'Slack is rate-limiting me. Wait a minute and try again.',
};

/** A Slack Web API call failed; the message says what to do about it. */
export class SlackApiError extends EfsEncryptError {
  constructor(
    readonly slackError: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.SlackApiFailed, FIXES[slackError] ?? `Slack refused the call (${slackError}).`, options);
  }
}

/**
 * A button click whose payload names no channel or message to thread under (a button outside a
 * channel message): the bot's buttons work only on the messages it posted in a channel.
 */
export function buttonOutsideMessage(): SlackPayloadIncompleteError {
  return new SlackPayloadIncompleteError(
    'the channel and message the button is on',
    "The bot's buttons work only on the messages it posts in a channel: press the button on that message, or run the `/efs-encrypt` command again in the channel.",
  );
}

/** The `error` field of a Web API platform error, if `err` is one. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** What to show a person for any failure: ours say what to fix; anything else stays in the log. */
export function userMessageOf(err: unknown): string {
  if (isEfsEncryptError(err)) return err.userMessage;
  const slack = slackErrorCode(err);
  if (slack) return new SlackApiError(slack).userMessage;
  return 'Something unexpected went wrong. The details are in the bot log under the correlation ID below.';
}
