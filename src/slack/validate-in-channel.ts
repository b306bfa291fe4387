import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import { validationStartedMessage, validationSummaryMessage } from '#blocks/validation-report.ts';
import type { Clock } from '../domain/clock.ts';
import type { Scheduler } from './scheduler.ts';
import type { ValidateService } from './services.ts';
import { userMessageOf } from './slack-errors.ts';
import { openReportingThread } from './thread-root.ts';

export interface ValidateInChannelDeps {
  client: webApi.WebClient;
  validate: ValidateService;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  progressIntervalMs?: number;
}

export interface ValidateInChannelRequest {
  channelId: string;
  userId: string;
  correlationId: string;
  replyPrivately(message: SlackMessage): Promise<void>;
}

/**
 * `/efs-encrypt validate` in a channel: a root message saying the report is being built, the
 * scan's progress in its thread, then the root replaced by the verdict (with the Export button).
 * The report is stored by the workflow before it is shown. A failure replaces the root with the
 * user message and the correlation ID; the detail goes to the log.
 */
export async function runValidateInChannel(
  deps: ValidateInChannelDeps,
  req: ValidateInChannelRequest,
): Promise<void> {
  const { client } = deps;
  const channel = req.channelId;
  const log = deps.logger.child({
    correlationId: req.correlationId,
    channelId: channel,
    userId: req.userId,
    job: 'validate',
  });
  const thread = await openReportingThread({
    client,
    channel,
    message: validationStartedMessage(req.userId),
    log,
    what: 'the validation report',
    correlationId: req.correlationId,
    replyPrivately: req.replyPrivately,
    clock: deps.clock,
    scheduler: deps.scheduler,
    minIntervalMs: deps.progressIntervalMs,
  });
  if (!thread) return;
  const { rootTs, reporter } = thread;
  try {
    const report = await deps.validate.run({ requestedBy: req.userId, io: reporter });
    log.info({ reportId: report.reportId, goalMet: report.verdict.goalMet }, 'validation report built');
    await reporter.complete('succeeded', `Report ${report.reportId} stored.`);
    await client.chat.update({ channel, ts: rootTs, ...validationSummaryMessage(report) });
  } catch (err) {
    log.error({ err }, 'validation report failed');
    await reporter.complete('failed', 'Validation report failed.');
    await client.chat.update({
      channel,
      ts: rootTs,
      ...errorMessage({
        title: 'Validation report failed',
        userMessage: userMessageOf(err),
        correlationId: req.correlationId,
      }),
    });
  }
}
