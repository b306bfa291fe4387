/**
 * Outgoing Slack calls that nobody waits on to answer a request (private notices to people who
 * joined a scan): at most `concurrency` in flight, each started from a setImmediate. A burst of
 * slash commands otherwise starts hundreds of posts on the event loop that also has to ack the
 * next commands; Node runs setImmediate callbacks after the pending I/O of a loop turn, so incoming
 * requests are read and acked before the next send starts.
 */
export class PacedSends {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`PacedSends needs a concurrency of 1 or more, not ${concurrency}`);
  }

  /** Sends in order of arrival; resolves (or rejects) with the send. */
  run<T>(send: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.active++;
        setImmediate(() => {
          send()
            .then(resolve, reject)
            .finally(() => {
              this.active--;
              this.waiting.shift()?.();
            });
        });
      };
      if (this.active < this.concurrency) start();
      else this.waiting.push(start);
    });
  }

  /** Sends started or waiting: for tests and the log. */
  get pending(): number {
    return this.active + this.waiting.length;
  }
}
