import type { Scheduler } from '../workflow/jobs/index.ts';

/**
 * Real timers, kept referenced: a command that runs jobs to their end (build, copy, decommission,
 * the demo) must stay alive while a job waits on AWS. The bot's own scheduler (src/slack/scheduler.ts)
 * unrefs its timers instead, so a pending progress update never holds a shutdown.
 */
export const waitingScheduler: Scheduler = {
  schedule(delayMs, fn) {
    const timer = setTimeout(fn, delayMs);
    return () => clearTimeout(timer);
  },
};
