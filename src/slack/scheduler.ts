/**
 * Deferred calls, injected so the thread reporter's coalescing runs on a fake timeline in tests
 * (together with a ManualClock) instead of real timers.
 */
export interface Scheduler {
  /** Runs `fn` after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, fn: () => void): () => void;
}

export const systemScheduler: Scheduler = {
  schedule(delayMs, fn) {
    const timer = setTimeout(fn, delayMs);
    // A pending progress update must not keep the process alive on shutdown.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
