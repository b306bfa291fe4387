import type { webApi } from '@slack/bolt';
import type { SlackMessage } from '#blocks/limits.ts';
import type { ScanScope } from '../../../domain/scan-scope.ts';
import { runScanInThread } from '../../scan-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';

export interface ScanCommandRequest {
  client: webApi.WebClient;
  channelId: string;
  userId: string;
  teamDomain?: string;
  correlationId: string;
  scope: ScanScope;
  replyPrivately(message: SlackMessage): Promise<void>;
}

/**
 * `/efs-encrypt scan [scope]` after the ack: in the background, through the admission (join a
 * running scan of the scope, queue behind the cap, or run in a thread), so the listener returns at
 * once however many scans are asked for.
 */
export function scanFromCommand(deps: ListenerDeps, req: ScanCommandRequest): void {
  const scoped = req.scope.accounts.length > 0 || req.scope.regions.length > 0;
  deps.tasks.start(`scan ${req.correlationId}`, () =>
    deps.scanAdmission.request({
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
    }),
  );
}
