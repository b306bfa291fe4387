import type { ManualClock } from '../../src/domain/clock.ts';
import type { Scheduler } from '../../src/slack/scheduler.ts';

/**
 * A scheduler on a ManualClock's timeline: tasks run when a test calls `advance`, in due order.
 * Nothing waits on real time.
 */
export class ManualScheduler implements Scheduler {
  private tasks: { due: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(private readonly clock: ManualClock) {}

  schedule(delayMs: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.tasks.push({ due: this.clock.now().getTime() + delayMs, fn, id });
    return () => {
      this.tasks = this.tasks.filter((t) => t.id !== id);
    };
  }

  get pending(): number {
    return this.tasks.length;
  }

  /** Moves the clock forward by `ms`, running each task as its due time is reached. */
  advance(ms: number): void {
    const end = this.clock.now().getTime() + ms;
    for (;;) {
      const next = [...this.tasks].sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next || next.due > end) break;
      this.tasks = this.tasks.filter((t) => t !== next);
      this.clock.set(new Date(Math.max(next.due, this.clock.now().getTime())));
      next.fn();
    }
    this.clock.set(new Date(end));
  }
}

/**
 * For end-to-end tests: a delay is skipped by moving the ManualClock forward at once, so the code
 * sees exactly the intervals it asked for while the test runs at full speed.
 */
export function skipAheadScheduler(clock: ManualClock): Scheduler {
  return {
    schedule(delayMs, fn) {
      let cancelled = false;
      setImmediate(() => {
        if (cancelled) return;
        clock.advance(delayMs);
        fn();
      });
      return () => {
        cancelled = true;
      };
    },
  };
}
