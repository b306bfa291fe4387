import type { Clock } from '../../domain/clock.ts';
import type { DigestSchedule } from '../../domain/digest-schedule.ts';
import type { Scheduler } from '../jobs/index.ts';

export interface DigestSchedulerDeps {
  schedule: DigestSchedule;
  clock: Clock;
  scheduler: Scheduler;
  /** Posts the slot's digest unless another replica (or an earlier run) has it: postSlot. */
  runSlot(slot: Date): Promise<unknown>;
  onError(err: unknown, slot: Date): void;
  /**
   * The longest single wait: Node's timers overflow past 2^31 ms (~24.8 days) and fire at once, and
   * a shorter wait also notices a clock that jumped. Default 6 h.
   */
  maxDelayMs?: number;
}

export interface DigestScheduler {
  /**
   * Catches up, then arms the next slot. Catching up tries only the latest slot at or before now:
   * a bot that was down for three slots posts one digest, not three; if that slot already has a
   * digest (this replica's or another's), the claim fails and nothing is posted.
   */
  start(): Promise<void>;
  stop(): void;
}

/**
 * The digest's timer in the bot process. It decides *when*; the store decides *who*: every replica
 * runs this scheduler and each slot's claim (a conditional write) lets one of them post.
 */
export function createDigestScheduler(deps: DigestSchedulerDeps): DigestScheduler {
  const maxDelayMs = deps.maxDelayMs ?? 6 * 3_600_000;
  let cancel: (() => void) | undefined;
  let stopped = false;

  const run = async (slot: Date) => {
    try {
      await deps.runSlot(slot);
    } catch (err) {
      deps.onError(err, slot);
    }
  };

  function arm(after: Date) {
    if (stopped) return;
    const next = deps.schedule.nextAfter(after);
    if (!next) return;
    const delay = next.getTime() - deps.clock.now().getTime();
    cancel = deps.scheduler.schedule(Math.max(0, Math.min(delay, maxDelayMs)), () => {
      cancel = undefined;
      if (deps.clock.now().getTime() < next.getTime()) return arm(after);
      void run(next).then(() => arm(next));
    });
  }

  return {
    async start() {
      stopped = false;
      const now = deps.clock.now();
      const latest = deps.schedule.latestAtOrBefore(now);
      if (latest) await run(latest);
      arm(now);
    },
    stop() {
      stopped = true;
      cancel?.();
      cancel = undefined;
    },
  };
}
