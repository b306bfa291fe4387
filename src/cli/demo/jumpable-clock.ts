import type { Clock } from '../../domain/clock.ts';

/**
 * The wall clock, plus an offset the demo can move forward: the estate, the store and the phases
 * all read it, so skipping ahead (the decommission's idle window) moves every one of them at once.
 * Only the terminal demo makes one; a real run never sees anything but the system clock.
 */
export class JumpableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the clock `ms` ahead, for good. */
  skipAhead(ms: number): void {
    if (!(ms > 0)) throw new RangeError(`skipAhead needs a positive duration, got ${ms}`);
    this.offsetMs += ms;
  }
}
