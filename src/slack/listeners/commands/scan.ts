import type { webApi } from '@slack/bolt';
import type { SlackMessage } from '#blocks/limits.ts';
import type { ScanScope } from '../../../domain/scan-scope.ts';
import { runScanInThread } from '../../scan-in-thread.ts';
import type { ScanWork } from '../../work-dispatch.ts';
import { isFirstDelivery } from '../../request-dedupe.ts';
import type { ScanAdmissionRequest } from '../../scan-admission.ts';
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

export interface ScanInAckRequest extends ScanCommandRequest {
  /**
   * Answers the command's HTTP request: privately with `message`, or empty. False when the request
   * was acked already (its scope check outlasted the ack's budget): the message then goes privately.
   */
  ack(message?: SlackMessage): Promise<boolean>;
  /** The request's fingerprint in the request ledger (requestFingerprint). */
  fingerprint: string;
}

/**
 * `/efs-encrypt scan [scope]` where the scans run in this process and Slack sent the request for
 * the first time (no x-slack-retry-num): the admission decides against this process's scans at
 * once, and a join or a queue place is the ack's own body (no response_url post). Everything that
 * waits on the store or Slack comes after the ack, in the dispatched work: the request ledger's
 * record (so a redelivery or a replay is recognised) and the scope's claim. A request the ledger
 * already knows (a replay without the retry header) is taken back before it runs, unless someone
 * joined it meanwhile.
 */
export async function scanInAck(deps: ListenerDeps, req: ScanInAckRequest): Promise<void> {
  const decision = deps.scanAdmission.admit(admissionRequestOf(deps, req));
  const message = decision.kind === 'start' ? undefined : decision.message;
  const carried = await req.ack(message);
  if (message && !carried) await deps.work.dispatch(scanWorkOf(req), () => req.replyPrivately(message));
  const ledger = deps.services.requests;
  if (decision.kind === 'joined' && !ledger) return;
  await deps.work.dispatch(scanWorkOf(req), async () => {
    const log = deps.logger.child({ correlationId: req.correlationId, userId: req.userId });
    let first = true;
    try {
      first = await isFirstDelivery(ledger, req.fingerprint, {
        kind: 'command scan',
        actor: req.userId,
        logger: log,
      });
    } catch (err) {
      // Slack marks every redelivery (x-slack-retry-num) and this request had no mark: run it.
      log.warn({ err }, 'could not record the scan request in the request ledger; running it');
    }
    if (decision.kind === 'joined') return;
    if (!first && decision.withdraw()) return;
    await decision.proceed();
  });
}

/**
 * `/efs-encrypt scan [scope]` after the ack: handed to the work dispatcher (this process's
 * background, or the Lambda worker), so the listener returns at once however many scans are asked for.
 */
export async function scanFromCommand(deps: ListenerDeps, req: ScanCommandRequest): Promise<void> {
  await deps.work.dispatch(scanWorkOf(req), () => runScanRequest(deps, req));
}

function scanWorkOf(req: ScanCommandRequest): ScanWork {
  return {
    kind: 'scan',
    correlationId: req.correlationId,
    userId: req.userId,
    channelId: req.channelId,
    responseUrl: req.responseUrl,
    scope: { accounts: req.scope.accounts, regions: req.scope.regions },
  };
}

/** Through the admission: join a running scan of the scope, queue behind the cap, or run in a thread. */
export function runScanRequest(deps: ListenerDeps, req: ScanCommandRequest): Promise<void> {
  return deps.scanAdmission.request(admissionRequestOf(deps, req));
}

function admissionRequestOf(deps: ListenerDeps, req: ScanCommandRequest): ScanAdmissionRequest {
  const scoped = req.scope.accounts.length > 0 || req.scope.regions.length > 0;
  return {
    userId: req.userId,
    channelId: req.channelId,
    teamDomain: req.teamDomain,
    correlationId: req.correlationId,
    scope: req.scope,
    replyPrivately: req.replyPrivately,
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
  };
}
