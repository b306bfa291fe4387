import type { webApi } from '@slack/bolt';
import type { SlackMessage } from '#blocks/limits.ts';
import type { ScanScope } from '../../../domain/scan-scope.ts';
import { runScanInThread } from '../../scan-in-thread.ts';
import type { ScanWork } from '../../work-dispatch.ts';
import type { ListenerDeps } from '../deps.ts';

export interface ScanCommandRequest {
  client: webApi.WebClient;
  channelId: string;
  userId: string;
  teamDomain?: string;
  correlationId: string;
  scope: ScanScope;
  /** The command's response_url: where a worker elsewhere answers privately. */
  responseUrl: string;
  replyPrivately(message: SlackMessage): Promise<void>;
}

/**
 * `/efs-encrypt scan [scope]` after the ack: handed to the work dispatcher (this process's
 * background, or the Lambda worker), so the listener returns at once however many scans are asked for.
 */
export async function scanFromCommand(deps: ListenerDeps, req: ScanCommandRequest): Promise<void> {
  const message: ScanWork = {
    kind: 'scan',
    correlationId: req.correlationId,
    userId: req.userId,
    channelId: req.channelId,
    responseUrl: req.responseUrl,
    scope: { accounts: req.scope.accounts, regions: req.scope.regions },
  };
  await deps.work.dispatch(message, () => runScanRequest(deps, req));
}

/** Through the admission: join a running scan of the scope, queue behind the cap, or run in a thread. */
export function runScanRequest(deps: ListenerDeps, req: ScanCommandRequest): Promise<void> {
  const scoped = req.scope.accounts.length > 0 || req.scope.regions.length > 0;
  return deps.scanAdmission.request({
    ...req,
    run: (onThread) =>
      runScanInThread(
        {
          client: req.client,
          scan: deps.services.scan,
          clock: deps.clock,
          scheduler: deps.scheduler,
          logger: deps.logger,
          summary: deps.summary,
          progressIntervalMs: deps.progressIntervalMs,
        },
        {
          channelId: req.channelId,
          userId: req.userId,
          correlationId: req.correlationId,
          replyPrivately: req.replyPrivately,
          onThread,
          ...(scoped ? { scope: req.scope } : {}),
        },
      ),
  });
}
