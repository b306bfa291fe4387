import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { RequestLedger } from '../domain/request-ledger.ts';

/**
 * Slack resends a request whose first response was late (`x-slack-retry-num`); the resend carries
 * the same payload, so a digest of what identifies the request finds the first delivery's claim in
 * the store, whichever replica took it. Listeners that start work (post a root message, queue a
 * job, start a scan) claim first and stop quietly on a redelivery: the first delivery answers.
 */

/** A stable digest of the parts that identify one request (NUL-separated: no part can forge another). */
export function requestFingerprint(parts: readonly (string | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex');
}

/**
 * True when this is the first delivery of the request (or the deployment keeps no ledger); false
 * for a redelivery, logged at INFO with the retry number.
 */
export async function isFirstDelivery(
  ledger: RequestLedger | undefined,
  fingerprint: string,
  req: { kind: string; actor: string; retryNum?: number; logger: Logger },
): Promise<boolean> {
  if (!ledger) return true;
  if (await ledger.claim(fingerprint, { kind: req.kind, actor: req.actor })) return true;
  req.logger.info(
    { retryNum: req.retryNum, fingerprint, kind: req.kind },
    'redelivered request already handled: ignored',
  );
  return false;
}
