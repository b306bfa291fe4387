import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorMessage } from '#blocks/error.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import {
  scanDetailPages,
  scanDoneLine,
  scanStartedMessage,
  scanSummaryMessage,
  type ScanSummaryOptions,
} from '#blocks/scan-summary.ts';
import type { Clock } from '../domain/clock.ts';
import { describeScanScope, type ScanScope } from '../domain/scan-scope.ts';
import type { Scheduler } from './scheduler.ts';
import type { ScanService } from './services.ts';
import { userMessageOf } from './slack-errors.ts';
import { openReportingThread } from './thread-root.ts';

export interface ScanInThreadDeps {
  client: webApi.WebClient;
  scan: ScanService;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  summary?: ScanSummaryOptions;
  progressIntervalMs?: number;
}

export interface ScanInThreadRequest {
  channelId: string;
  userId: string;
  correlationId: string;
  /** Some of the configured accounts and regions; absent: all. */
  scope?: ScanScope;
  /** Tells the requester privately when there is no thread to tell them in. */
  replyPrivately(message: SlackMessage): Promise<void>;
  /** Told the root message's ts once posted, before the scan runs (the admission records the thread). */
  onThread?(threadTs: string): Promise<void>;
}

/**
 * A scan as seen in Slack (slash commands cannot start threads, so the bot makes one): a root
 * message in the channel, progress in its thread, then the root replaced by the summary and the
 * complete lists posted in the thread. Failures replace the root with the user message and the
 * correlation ID; the detail goes to the log.
 */
export async function runScanInThread(deps: ScanInThreadDeps, req: ScanInThreadRequest): Promise<void> {
  const { client, logger } = deps;
  const log = logger.child({
    correlationId: req.correlationId,
    channelId: req.channelId,
    userId: req.userId,
    job: 'scan',
  });
  const channel = req.channelId;

  const thread = await openReportingThread({
    client,
    channel,
    message: scanStartedMessage(req.userId, describeScanScope(req.scope ?? {})),
    log,
    what: 'the scan',
    correlationId: req.correlationId,
    replyPrivately: req.replyPrivately,
    clock: deps.clock,
    scheduler: deps.scheduler,
    minIntervalMs: deps.progressIntervalMs,
  });
  if (!thread) return;
  const { rootTs, reporter } = thread;

  log.info({ rootTs }, 'scan started');
  await req.onThread?.(rootTs);
  let result: Awaited<ReturnType<ScanService['run']>>;
  try {
    result = await deps.scan.run({
      requestedBy: req.userId,
      io: reporter,
      ...(req.scope ? { scope: req.scope } : {}),
    });
  } catch (err) {
    log.error({ err }, 'scan failed');
    await reporter.complete('failed', 'Scan failed.');
    const failed = errorMessage({
      title: 'EFS scan failed',
      userMessage: userMessageOf(err),
      correlationId: req.correlationId,
    });
    await client.chat.update({ channel, ts: rootTs, ...failed });
    return;
  }

  log.info(
    { scanId: result.scanId, fileSystems: result.fileSystems.length, failures: result.failures.length },
    'scan finished',
  );
  await reporter.complete('succeeded', scanDoneLine(result));
  try {
    await client.chat.update({ channel, ts: rootTs, ...scanSummaryMessage(result, deps.summary) });
    // Sequential and spaced: thread order is page order, and Slack allows about one post per
    // second per channel.
    for (const page of scanDetailPages(result, deps.summary)) {
      await pause(deps.scheduler, deps.progressIntervalMs ?? 1000);
      await client.chat.postMessage({ channel, thread_ts: rootTs, ...page });
    }
  } catch (err) {
    log.error({ err, scanId: result.scanId }, 'could not post the scan summary');
    await req.replyPrivately(
      errorMessage({
        title: `Scan ${result.scanId} finished, but its summary could not be posted`,
        userMessage: userMessageOf(err),
        correlationId: req.correlationId,
      }),
    );
  }
}

function pause(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.schedule(ms, resolve));
}
