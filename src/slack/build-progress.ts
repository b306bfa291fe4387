import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import {
  buildProgressMessage,
  isBuildStep,
  migrationParts,
  type BuildProgressState,
} from '../../blocks/build-progress.ts';
import { BUILD_STEPS, buildMappingOf, type BuildMapping } from '../domain/build-plan.ts';
import type { Clock } from '../domain/clock.ts';
import type { JobError } from '../domain/job.ts';
import type { MigrationMethod } from '../domain/migration.ts';
import type { SlackMessage } from '../../blocks/limits.ts';
import type { IoHost, IoMessage } from '../workflow/io-host.ts';
import type { BuildThreadLocation, BuildThreads } from './build-threads.ts';
import type { Scheduler } from './scheduler.ts';

export interface BuildProgressReporterOptions {
  client: webApi.WebClient;
  threads: BuildThreads;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  /** Slack allows about one update per second per message; each message is coalesced to that. */
  minIntervalMs?: number;
  /** The decided copy method, so a built twin's message offers the copy buttons that apply. */
  copyMethodOf?(migrationId: string): Promise<MigrationMethod | undefined>;
}

/** The data every `build.*` message of the build workflow carries. */
interface BuildMessageData {
  migrationId?: string;
  jobId?: string;
  step?: string;
  steps?: readonly string[];
  mapping?: BuildMapping;
  error?: JobError;
}

/**
 * The IoHost the build phase reports to when the bot runs: ONE message per file system in the
 * thread the build was asked for from, posted on its first notification and then edited in place
 * (chat.update), at most once per `minIntervalMs` per message, each edit showing the latest state
 * (intermediate states are dropped, not queued), as the scan's SlackThreadReporter does for a
 * thread. Where each message lives is recorded in the audit log (BuildThreads), so a build resumed
 * after a restart edits the same message. A build asked for elsewhere (the CLI) has no thread and
 * is not shown. Slack failures are logged, never thrown into the build.
 */
export class BuildProgressReporter implements IoHost {
  private readonly messages = new Map<string, BuildMessage>();

  constructor(private readonly o: BuildProgressReporterOptions) {}

  async notify(msg: IoMessage): Promise<void> {
    if (!msg.code.startsWith('build.') || msg.level === 'debug') return;
    const data = (msg.data ?? {}) as BuildMessageData;
    const migrationId = data.migrationId;
    if (!migrationId) return;
    let message = this.messages.get(migrationId);
    if (!message) {
      message = new BuildMessage(migrationId, this.o);
      this.messages.set(migrationId, message);
    }
    await message.apply(msg, data);
  }

  /** Resolves once every message has no write in flight or scheduled (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.messages.values()].map((m) => m.settled()));
  }
}

/** One file system's build message: the state rebuilt from the build's messages, shown through a ThreadProgressMessage. */
class BuildMessage {
  private state?: BuildProgressState;
  private readonly shown: ThreadProgressMessage;

  constructor(
    private readonly migrationId: string,
    private readonly o: BuildProgressReporterOptions,
  ) {
    this.shown = new ThreadProgressMessage(migrationId, { ...o, what: 'build' });
  }

  async apply(msg: IoMessage, data: BuildMessageData): Promise<void> {
    const now = this.o.clock.now();
    // A new build (first run, Retry, or a resume in a new process) looks up its thread again:
    // Retry may have been asked for from another thread.
    if (msg.code === 'build.started' || !this.state) {
      this.shown.relocate();
      const parts = migrationParts(this.migrationId);
      this.state = {
        migrationId: this.migrationId,
        sourceFileSystemId: parts.fileSystemId,
        accountId: parts.accountId,
        region: parts.region,
        status: 'running',
        steps: data.steps ?? BUILD_STEPS,
        warnings: [],
        startedAt: now,
        updatedAt: now,
      };
    }
    const s = this.state;
    s.updatedAt = now;
    if (data.jobId) s.jobId = data.jobId;
    if (data.steps) s.steps = data.steps;
    switch (msg.code) {
      case 'build.step.done':
        if (isBuildStep(s.steps, data.step)) s.lastStep = data.step;
        s.latest = msg.message;
        break;
      case 'build.succeeded':
        s.status = 'succeeded';
        s.lastStep = s.steps.at(-1);
        if (data.mapping) s.mapping = data.mapping;
        s.latest = msg.message;
        // The copy buttons the succeeded message offers depend on the decided method.
        if (this.o.copyMethodOf)
          s.copyMethod = await this.o.copyMethodOf(this.migrationId).catch(() => undefined);
        break;
      case 'build.failed':
        s.status = 'failed';
        s.error = data.error ?? { code: 'BuildFailed', message: msg.message };
        s.mapping = mappingFromResources(this.migrationId, msg.data);
        break;
      default:
        if (msg.level === 'warn' || msg.level === 'error') s.warnings.push(msg.message);
        else s.latest = msg.message;
    }
    // The failed step is the one after the last completed one; the message shows it with :x:.
    if (s.status === 'failed' && s.error?.step && isBuildStep(s.steps, s.error.step)) {
      const i = s.steps.indexOf(s.error.step);
      s.lastStep = i > 0 ? s.steps[i - 1] : undefined;
    }
    const state = s;
    await this.shown.show(() => buildProgressMessage(state), s.jobId);
  }

  settled(): Promise<void> {
    return this.shown.settled();
  }
}

/** Where a progress message is recorded: BuildThreads, for builds and copies alike. */
export type ProgressThreads = Pick<BuildThreads, 'locate' | 'record'>;

export interface ThreadProgressMessageOptions {
  client: webApi.WebClient;
  threads: ProgressThreads;
  clock: Clock;
  scheduler: Scheduler;
  logger: Logger;
  minIntervalMs?: number;
  /** For the log: `build`, `copy`. */
  what: string;
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

/** On failure the workflow sends the record's resources: what exists already. */
function mappingFromResources(migrationId: string, data: unknown): BuildMapping | undefined {
  const resources = (data as { resources?: Record<string, string> } | undefined)?.resources;
  if (!resources?.targetFileSystemId) return undefined;
  return buildMappingOf({ fileSystemId: migrationParts(migrationId).fileSystemId, resources });
}
