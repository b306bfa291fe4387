import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { progressMessage, type ProgressState } from '#blocks/progress.ts';
import type { Clock } from '../domain/clock.ts';
import type { IoHost, IoMessage } from '../workflow/io-host.ts';
import type { Scheduler } from './scheduler.ts';

export interface ThreadReporterOptions {
  client: webApi.WebClient;
  channel: string;
  /** The root message the progress message threads under. */
  threadTs: string;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  /** Slack allows about one update per second per thread; progress is coalesced to that. */
  minIntervalMs?: number;
  /** How many recent warnings and errors the progress message lists. */
  recentProblems?: number;
}

/**
 * The IoHost a workflow reports to while it runs from Slack. It keeps ONE progress message in the
 * thread: posted on the first notification, then edited with chat.update at most once per
 * `minIntervalMs`, each edit showing the latest state (intermediate states are dropped, not
 * queued). `complete()` writes the final state. Slack failures are logged, never thrown into the
 * workflow: a missed progress update must not fail a scan.
 */
export class SlackThreadReporter implements IoHost {
  private readonly state: ProgressState;
  private readonly minIntervalMs: number;
  private readonly maxProblems: number;
  private messageTs?: string;
  private lastSentAt?: number;
  private dirty = false;
  private completing = false;
  private inFlight?: Promise<void>;
  private cancelTimer?: () => void;
  private finalRetried = false;
  /** Callers of settled() waiting for a scheduled write to start. */
  private waiters: (() => void)[] = [];

  constructor(private readonly o: ThreadReporterOptions) {
    const now = o.clock.now();
    this.state = { startedAt: now, updatedAt: now, warnings: 0, errors: 0, recentProblems: [] };
    this.minIntervalMs = o.minIntervalMs ?? 1000;
    this.maxProblems = o.recentProblems ?? 5;
  }

  /** The progress message's ts once posted. */
  get progressTs(): string | undefined {
    return this.messageTs;
  }

  async notify(msg: IoMessage): Promise<void> {
    if (msg.level === 'debug' || this.state.final) return;
    this.state.updatedAt = this.o.clock.now();
    if (msg.level === 'warn' || msg.level === 'error') {
      if (msg.level === 'warn') this.state.warnings++;
      else this.state.errors++;
      this.state.recentProblems.push({ level: msg.level, message: msg.message });
      if (this.state.recentProblems.length > this.maxProblems) this.state.recentProblems.shift();
    } else {
      this.state.latest = msg.message;
    }
    this.dirty = true;
    this.pump();
  }

  /** Writes the final state (waiting out the rate interval) and resolves when Slack has it. */
  async complete(outcome: 'succeeded' | 'failed', line: string): Promise<void> {
    this.state.updatedAt = this.o.clock.now();
    this.state.final = { outcome, line };
    this.dirty = true;
    this.completing = true;
    this.pump();
    await this.settled();
  }

  /** Resolves once no write is in flight or scheduled. */
  async settled(): Promise<void> {
    while (this.inFlight || this.cancelTimer) {
      if (this.inFlight) await this.inFlight;
      else await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private pump(): void {
    if (this.inFlight || this.cancelTimer || !this.dirty) return;
    const now = this.o.clock.now().getTime();
    const wait = this.lastSentAt === undefined ? 0 : this.lastSentAt + this.minIntervalMs - now;
    if (wait > 0) {
      this.cancelTimer = this.o.scheduler.schedule(wait, () => {
        this.cancelTimer = undefined;
        this.pump();
        this.wake();
      });
      return;
    }
    this.send(now);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private send(now: number): void {
    this.dirty = false;
    this.lastSentAt = now;
    const message = progressMessage(this.state);
    this.inFlight = this.write(message.text, message.blocks)
      .catch((err: unknown) => {
        this.o.logger.warn(
          { err, channel: this.o.channel, threadTs: this.o.threadTs },
          'progress update to Slack failed',
        );
        // The next state retries; after completion the final state gets one more attempt.
        if (this.completing && this.state.final && !this.finalRetried) {
          this.finalRetried = true;
          this.dirty = true;
        }
      })
      .finally(() => {
        this.inFlight = undefined;
        this.pump();
        this.wake();
      });
  }

  private async write(text: string, blocks: ReturnType<typeof progressMessage>['blocks']): Promise<void> {
    const { client, channel, threadTs } = this.o;
    if (this.messageTs === undefined) {
      const res = await client.chat.postMessage({ channel, thread_ts: threadTs, text, blocks });
      this.messageTs = res.ts;
    } else {
      await client.chat.update({ channel, ts: this.messageTs, text, blocks });
    }
  }
}
