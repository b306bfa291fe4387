import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { migrationParts } from '#blocks/build-progress.ts';
import type { SlackMessage } from '#blocks/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { IoHost, IoMessage } from '../workflow/io-host.ts';
import type { BuildThreadLocation, BuildThreads } from './build-threads.ts';
import type { Scheduler } from './scheduler.ts';

/** Where a progress message is recorded: BuildThreads, for builds and copies alike. */
export type ProgressThreads = Pick<BuildThreads, 'locate' | 'record'>;

/** What every per-migration progress reporter (build, copy) needs to show its messages. */
export interface ProgressMessageOptions {
  client: webApi.WebClient;
  threads: ProgressThreads;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  /** Slack allows about one update per second per message; each message is coalesced to that. */
  minIntervalMs?: number;
}

export interface ThreadProgressMessageOptions extends ProgressMessageOptions {
  /** For the log: `build`, `copy`. */
  what: string;
}

/** One file system's progress message: folds the phase's IoHost messages into its state and shows it. */
export interface MigrationProgressMessage<Data> {
  apply(msg: IoMessage, data: Data): Promise<void>;
  settled(): Promise<void>;
}

/**
 * The IoHost of one phase (messages whose code starts with `codePrefix`, e.g. `build.`): routes each
 * non-debug message carrying a `data.migrationId` to that file system's message, made on first use
 * by `messageFor`. Messages without a migration ID are not about one file system and are not shown.
 */
export class MigrationProgressReporter<Data extends { migrationId?: string }> implements IoHost {
  private readonly messages = new Map<string, MigrationProgressMessage<Data>>();

  constructor(
    private readonly codePrefix: string,
    private readonly messageFor: (migrationId: string) => MigrationProgressMessage<Data>,
  ) {}

  async notify(msg: IoMessage): Promise<void> {
    if (!msg.code.startsWith(this.codePrefix) || msg.level === 'debug') return;
    const data = (msg.data ?? {}) as Data;
    const migrationId = data.migrationId;
    if (!migrationId) return;
    let message = this.messages.get(migrationId);
    if (!message) {
      message = this.messageFor(migrationId);
      this.messages.set(migrationId, message);
    }
    await message.apply(msg, data);
  }

  /** Resolves once every message has no write in flight or scheduled (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.messages.values()].map((m) => m.settled()));
  }
}

/**
 * One file system's message of a phase: the phase folds its messages into a state in `apply` and
 * shows it through `shown`, the ThreadProgressMessage that posts, edits and records it.
 */
export abstract class MigrationThreadMessage<Data> implements MigrationProgressMessage<Data> {
  protected readonly shown: ThreadProgressMessage;

  constructor(
    protected readonly migrationId: string,
    options: ThreadProgressMessageOptions,
  ) {
    this.shown = new ThreadProgressMessage(migrationId, options);
  }

  abstract apply(msg: IoMessage, data: Data): Promise<void>;

  settled(): Promise<void> {
    return this.shown.settled();
  }
}

/** The fields every progress message state starts with when a new job of its phase begins. */
export function runningProgressOf(
  migrationId: string,
  now: Date,
): {
  migrationId: string;
  sourceFileSystemId: string;
  accountId: string;
  region: string;
  status: 'running';
  startedAt: Date;
  updatedAt: Date;
} {
  const parts = migrationParts(migrationId);
  return {
    migrationId,
    sourceFileSystemId: parts.fileSystemId,
    accountId: parts.accountId,
    region: parts.region,
    status: 'running',
    startedAt: now,
    updatedAt: now,
  };
}

/**
 * One file system's message in a thread, posted on its first `show` and then edited in place
 * (chat.update), at most once per `minIntervalMs`, each edit rendering the latest state
 * (intermediate states are dropped, not queued). Where it lives is recorded through `threads`, so
 * a job resumed after a restart (or on another replica) edits the same message. Nothing is shown
 * when no thread was recorded (asked for from the CLI). Slack failures are logged, never thrown.
 */
export class ThreadProgressMessage {
  private render?: () => SlackMessage;
  private jobId?: string;
  private location?: BuildThreadLocation;
  private locating?: Promise<void>;
  private lastSentAt?: number;
  private dirty = false;
  private inFlight?: Promise<void>;
  private cancelTimer?: () => void;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly migrationId: string,
    readonly options: ThreadProgressMessageOptions,
  ) {}

  /** Looks the thread up again (a new job: Retry may have been asked for from another thread). */
  relocate(): void {
    this.locating = this.locate();
  }

  /** Shows the latest state: written now, or at the end of the current interval. */
  async show(render: () => SlackMessage, jobId?: string): Promise<void> {
    if (!this.locating) this.relocate();
    this.render = render;
    if (jobId) this.jobId = jobId;
    this.dirty = true;
    await this.locating;
    this.pump();
  }

  async settled(): Promise<void> {
    await this.locating;
    while (this.inFlight || this.cancelTimer) {
      if (this.inFlight) await this.inFlight;
      else await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private async locate(): Promise<void> {
    try {
      const found = await this.options.threads.locate(this.migrationId);
      // Same thread as before: keep editing the message this process already posted.
      if (
        found &&
        this.location &&
        found.channel === this.location.channel &&
        found.threadTs === this.location.threadTs
      )
        this.location = { ...found, messageTs: found.messageTs ?? this.location.messageTs };
      else this.location = found;
    } catch (err) {
      this.options.logger.warn(
        { err, migrationId: this.migrationId },
        `could not look up where to show ${this.options.what} progress`,
      );
    }
  }

  private pump(): void {
    if (this.inFlight || this.cancelTimer || !this.dirty || !this.render) return;
    if (!this.location) {
      // Not asked for from Slack (or the lookup failed): nothing to show.
      this.dirty = false;
      return;
    }
    const now = this.options.clock.now().getTime();
    const minInterval = this.options.minIntervalMs ?? 1000;
    const wait = this.lastSentAt === undefined ? 0 : this.lastSentAt + minInterval - now;
    if (wait > 0) {
      this.cancelTimer = this.options.scheduler.schedule(wait, () => {
        this.cancelTimer = undefined;
        this.pump();
        this.wake();
      });
      return;
    }
    this.dirty = false;
    this.lastSentAt = now;
    const location = this.location;
    const message = this.render();
    this.inFlight = this.write(location, message)
      .catch((err: unknown) =>
        this.options.logger.warn(
          { err, migrationId: this.migrationId, channel: location.channel },
          `${this.options.what} progress update to Slack failed`,
        ),
      )
      .finally(() => {
        this.inFlight = undefined;
        this.pump();
        this.wake();
      });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async write(location: BuildThreadLocation, message: SlackMessage): Promise<void> {
    const { client } = this.options;
    if (location.messageTs) {
      await client.chat.update({ channel: location.channel, ts: location.messageTs, ...message });
      return;
    }
    const res = await client.chat.postMessage({
      channel: location.channel,
      thread_ts: location.threadTs,
      ...message,
    });
    if (!res.ts) return;
    location.messageTs = res.ts;
    // Recorded so a resumed job (another process) edits this message instead of posting another.
    await this.options.threads
      .record(this.migrationId, { ...location }, 'efs-encrypt', this.jobId)
      .catch((err: unknown) =>
        this.options.logger.warn(
          { err, migrationId: this.migrationId },
          `could not record the ${this.options.what} progress message`,
        ),
      );
  }
}
