import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import type { Clock } from '../domain/clock.ts';
import { ResponseIncompleteError } from '../domain/errors.ts';
import type { Scheduler } from './scheduler.ts';
import { SlackThreadReporter } from './thread-reporter.ts';
import { userMessageOf } from './slack-errors.ts';

/**
 * Posts the root message a long piece of work threads its progress under (a scan, a validation
 * report). When Slack refuses it (the bot is not in the channel, a DM it cannot post in), the
 * person is told privately with the correlation ID and undefined is returned: nothing else runs.
 */
type ThreadRootRequest = {
  client: webApi.WebClient;
  channel: string;
  message: SlackMessage;
  log: Logger;
  /** What could not start, for the log and the private message: "the scan", "the validation report". */
  what: string;
  correlationId: string;
  replyPrivately(message: SlackMessage): Promise<void>;
};

export async function postThreadRoot(o: ThreadRootRequest): Promise<string | undefined> {
  try {
    const root = await o.client.chat.postMessage({ channel: o.channel, ...o.message });
    if (!root.ts) throw new ResponseIncompleteError('chat.postMessage', 'a message ts');
    return root.ts;
  } catch (err) {
    o.log.error({ err }, `could not post the ${o.what} root message`);
    await o.replyPrivately(
      errorMessage({
        title: `Could not start ${o.what} here`,
        userMessage: userMessageOf(err),
        correlationId: o.correlationId,
      }),
    );
    return undefined;
  }
}

/**
 * The root message and the reporter that threads the work's progress under it (a scan, a validation
 * report): undefined when the root could not be posted (the person was told).
 */
export async function openReportingThread(
  o: ThreadRootRequest & { clock: Clock; scheduler: Scheduler; minIntervalMs?: number },
): Promise<{ rootTs: string; reporter: SlackThreadReporter } | undefined> {
  const rootTs = await postThreadRoot(o);
  if (!rootTs) return undefined;
  const reporter = new SlackThreadReporter({
    client: o.client,
    channel: o.channel,
    threadTs: rootTs,
    clock: o.clock,
    scheduler: o.scheduler,
    logger: o.log,
    ...(o.minIntervalMs !== undefined ? { minIntervalMs: o.minIntervalMs } : {}),
  });
  return { rootTs, reporter };
}
