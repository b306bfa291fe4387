/**
 * The estate's asynchronous work as a discrete-event timeline: each change that AWS makes "later"
 * (a file system becoming available, a replication sync, a DataSync phase) is an event due at a
 * time on the injected clock. Every request first runs the events that are due, in time order,
 * each with its own due time, so state depends only on the clock and never on wall time or timers.
 */
export type TimelineAction = (at: Date) => void;

interface Scheduled {
  at: number;
  seq: number;
  run: TimelineAction;
}

export class Timeline {
  private events: Scheduled[] = [];
  private seq = 0;
  private running = false;

  at(when: Date | number, run: TimelineAction): void {
    const at = typeof when === 'number' ? when : when.getTime();
    this.events.push({ at, seq: this.seq++, run });
  }

  /** Runs every event due by `now`, including events that due events schedule before `now`. */
  runDue(now: Date): void {
    if (this.running) return;
    this.running = true;
    try {
      const limit = now.getTime();
      for (;;) {
        let next: Scheduled | undefined;
        for (const e of this.events)
          if (e.at <= limit && (!next || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
        if (!next) return;
        this.events = this.events.filter((e) => e !== next);
        next.run(new Date(next.at));
      }
    } finally {
      this.running = false;
    }
  }

  /** How many events are still to come (for tests and `control.pending()`). */
  get pending(): number {
    return this.events.length;
  }
}
