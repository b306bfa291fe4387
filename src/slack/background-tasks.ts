import type { Logger } from 'pino';

/**
 * Work started after a request was acknowledged (a scan runs for minutes; Slack wants an answer in
 * 3 s, and with processBeforeResponse the answer waits for the listener). Kept here so shutdown
 * and tests can wait for it, and so a failure is logged rather than lost.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  start(name: string, work: () => Promise<void>): void {
    const task: Promise<void> = work()
      .catch((err: unknown) => this.logger.error({ err, task: name }, 'background task failed'))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when every task started so far (and any they start) has ended. */
  async drain(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
