import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { WorkClaims } from '../domain/work-claim.ts';
import type { WorkMessage } from '../slack/work-dispatch.ts';

/**
 * What became of one delivery: `ran` to the end; `duplicate`, another delivery has (or had) the
 * claim, so nothing ran; `failed` after something was shown in Slack, so it is not run again.
 */
export type WorkOutcome = 'ran' | 'duplicate' | 'failed';

/** Lambda's longest run: the lease of an attempt whose context gives no deadline. */
const MAX_INVOCATION_MS = 15 * 60_000;
/** The deadline is the sandbox's; the store's clock may be a little ahead. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Runs a work message at most once per (kind, correlation ID), across deliveries and sandboxes:
 * - first delivery: claims, runs, marks the claim `done`;
 * - a redelivery (Lambda's at-least-once delivery, or a retry of a run that failed after it showed
 *   something): finds the claim and runs nothing;
 * - a run that throws before its first Slack write gives its claim up and throws, so Lambda's
 *   retry (twice, a minute then two apart) runs the work again from the start;
 * - a run that throws after its first Slack write keeps the claim as `failed` and returns: running
 *   it again would post a second root message or answer, and the work itself has already told the
 *   person (with the correlation ID) where it could; they run the command again for a fresh run;
 * - a sandbox killed mid-run (timeout, crash) leaves its claim `running`: a delivery after its lease
 *   takes it over if it had shown nothing, and otherwise leaves it. Durable jobs (build, copy,
 *   cutover, decommission) are not affected: they live in the job table and the tick resumes them.
 */
export async function runWorkOnce(o: {
  claims: WorkClaims;
  message: WorkMessage;
  clock: Clock;
  logger: Logger;
  /** Milliseconds left in this invocation (Lambda's context), when known. */
  remainingMs?: number;
  run(beforeFirstWrite: () => Promise<void>): Promise<void>;
}): Promise<WorkOutcome> {
  const { message, claims } = o;
  const key = { kind: message.kind, correlationId: message.correlationId };
  const attempt = randomUUID();
  const log = o.logger.child({ correlationId: message.correlationId, kind: message.kind, attempt });
  const leaseMs = Math.min(o.remainingMs ?? MAX_INVOCATION_MS, MAX_INVOCATION_MS) + LEASE_MARGIN_MS;
  const taken = await claims.claim(key, {
    attempt,
    actor: message.userId ?? 'schedule',
    leaseUntil: new Date(o.clock.now().getTime() + leaseMs),
  });
  if (!taken.claimed) {
    log.info(
      {
        claim: taken.current && {
          status: taken.current.status,
          visible: taken.current.visible,
          at: taken.current.at,
        },
      },
      'work message delivered again: already claimed, not run',
    );
    return 'duplicate';
  }
  let visible = false;
  try {
    await o.run(async () => {
      await claims.markVisible(key, attempt);
      visible = true;
    });
  } catch (err) {
    if (!visible) {
      log.warn({ err }, 'work failed before showing anything: claim released, a retry runs it again');
      await claims.release(key, attempt).catch((releaseErr: unknown) =>
        // Left `running`: a delivery after its lease takes it over (it shows nothing yet).
        log.error({ err: releaseErr }, 'could not release the work claim; a retry waits for its lease'),
      );
      throw err;
    }
    log.error({ err }, 'work failed after it showed something in Slack: not run again');
    await claims
      .finish(key, attempt, 'failed', err instanceof Error ? err.message : String(err))
      .catch((finishErr: unknown) => log.error({ err: finishErr }, 'could not mark the work claim failed'));
    return 'failed';
  }
  await claims.finish(key, attempt, 'done');
  return 'ran';
}
