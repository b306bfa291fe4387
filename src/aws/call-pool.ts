import pLimit from 'p-limit';

/**
 * The calls a set of account clients has past their rate-limit tokens: at most `size` on the wire
 * (the connection pool's sockets), the rest waiting their turn, and a way for new work to hold back
 * while too many wait (issue 19).
 *
 * Why the hold-back: the rate limits release calls faster than one process can sign, send and
 * parse them when a scan is large (10,000 file systems on 2 cores: 5,000 calls/s released against
 * about 1,000/s answered). The surplus waits here, and each waiting call holds the whole state of
 * the file system read that made it: a heap snapshot mid-scan found 2,063 calls waiting, 16.7 MB
 * of the 95 MB live. A scan asks `whenFlowing()` before it starts reading another file system, so
 * the waiting line stays near `backlog` however large the scan, and a scan the process keeps up
 * with never waits at all.
 */
export interface CallPool {
  /** Runs `send` once fewer than `size` calls are running. */
  run<T>(send: () => Promise<T>): Promise<T>;
  /** Resolves at once while fewer than `backlog` calls wait; otherwise once a running call ends and fewer do. */
  whenFlowing(): Promise<void>;
  /** Calls running and waiting now. */
  readonly running: number;
  readonly waiting: number;
}

export function createCallPool(size: number, backlog = size): CallPool {
  if (!(size >= 1) || !(backlog >= 1))
    throw new RangeError(`a call pool needs a size and a backlog of at least 1, got ${size} and ${backlog}`);
  const limit = pLimit(size);
  const held: (() => void)[] = [];
  let running = 0;

  // Each call that ends lets at most one piece of held work start: released work makes calls of
  // its own, so releasing all at once would refill the line at once. When nothing runs or waits
  // any more, nothing else would release them, so all go. Counted here, as the call ends: the
  // next waiting call has not left the queue yet, so one fewer waits than the queue holds.
  const callEnded = () => {
    if (held.length === 0) return;
    const waiting = limit.pendingCount;
    if (running === 0 && waiting === 0) for (const go of held.splice(0)) go();
    else if (waiting - 1 < backlog) held.shift()!();
  };

  return {
    run: (send) =>
      limit(async () => {
        running++;
        try {
          return await send();
        } finally {
          running--;
          callEnded();
        }
      }),
    whenFlowing: () =>
      limit.pendingCount < backlog ? Promise.resolve() : new Promise<void>((go) => held.push(go)),
    get running() {
      return running;
    },
    get waiting() {
      return limit.pendingCount;
    },
  };
}
