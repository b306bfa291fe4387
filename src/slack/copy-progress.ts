import { copyProgressMessage, type CopyProgressState } from '#blocks/copy-progress.ts';
import { copyActionsFor, isCopyKind, type CopyAction, type CopyProgress } from '../domain/copy.ts';
import type { JobError } from '../domain/job.ts';
import type { MigrationEventLog, MigrationMethod } from '../domain/migration.ts';
import type { CopyStatus } from '../workflow/copy/index.ts';
import { isOpen } from '../domain/job.ts';
import type { IoMessage } from '../workflow/io-host.ts';
import { BuildThreads } from './build-threads.ts';
import {
  MigrationProgressReporter,
  MigrationThreadMessage,
  runningProgressOf,
  type ProgressMessageOptions,
} from './thread-progress.ts';

/** The audit-log event that says where a file system's copy message lives (as the build's does). */
export const COPY_THREAD_EVENT = 'slack_copy_thread';

/** Where copy messages are recorded: the build's mechanism under the copy's own event kind. */
export function copyThreads(events: MigrationEventLog): BuildThreads {
  return new BuildThreads(events, COPY_THREAD_EVENT, 'Copy');
}

export interface CopyProgressReporterOptions extends ProgressMessageOptions {
  /** The copy phase's status(): which buttons apply once a copy ended. */
  statusOf(migrationId: string): Promise<Pick<CopyStatus, 'actions' | 'job' | 'method' | 'state'>>;
}

/** What `copy.*` messages carry (src/workflow/copy: copy-session.ts, rsync-status.ts). */
interface CopyMessageData {
  migrationId?: string;
  jobId?: string;
  kind?: string;
  method?: MigrationMethod;
  state?: string;
  summary?: string;
  progress?: Partial<CopyProgress> & { lastReplicatedTimestamp?: string };
  replicationStatus?: string;
  notCarried?: string[];
  error?: JobError;
  verification?: { differences?: number; sample?: string[] };
}

const TERMINAL = new Set(['copy.done', 'copy.failed', 'copy.verification_differs']);

/**
 * The IoHost the copy phase reports to when the bot runs: ONE message per file system in the
 * thread the copy was asked for from, edited in place for every copy of it and coalesced to Slack's
 * rate limit (ThreadProgressMessage, shared with the build). A copy resumed after a restart finds
 * its message again through the audit log. Slack failures are logged, never thrown into the copy.
 */
export class CopyProgressReporter extends MigrationProgressReporter<CopyMessageData> {
  constructor(o: CopyProgressReporterOptions) {
    super('copy.', (migrationId) => new CopyMessage(migrationId, o));
  }
}

class CopyMessage extends MigrationThreadMessage<CopyMessageData> {
  private state?: CopyProgressState;

  constructor(
    migrationId: string,
    private readonly o: CopyProgressReporterOptions,
  ) {
    super(migrationId, { ...o, what: 'copy' });
  }

  async apply(msg: IoMessage, data: CopyMessageData): Promise<void> {
    const now = this.o.clock.now();
    // A new copy job (first run, Sync again, Retry, a resume in a new process) or a pass recorded
    // from the thread (rsync, no job) looks its thread up again: it may be asked from another one.
    if (msg.code === 'copy.started' || !this.state || (data.method === 'rsync' && TERMINAL.has(msg.code))) {
      this.shown.relocate();
      this.state = { ...runningProgressOf(this.migrationId, now), actions: [] };
    }
    const s = this.state;
    s.updatedAt = now;
    if (data.jobId) s.jobId = data.jobId;
    if (data.method) s.method = data.method;
    if (isCopyKind(data.kind)) s.kind = data.kind;
    switch (msg.code) {
      case 'copy.progress':
        if (data.replicationStatus !== undefined || s.method === 'replication')
          s.replication = {
            ...((data.replicationStatus ?? data.progress?.phase)
              ? { status: data.replicationStatus ?? data.progress?.phase }
              : {}),
            ...(data.progress?.lastReplicatedTimestamp
              ? { lastReplicatedTimestamp: data.progress.lastReplicatedTimestamp }
              : {}),
            ...(data.progress?.elapsedMs !== undefined ? { elapsedMs: data.progress.elapsedMs } : {}),
          };
        else if (data.progress) s.progress = data.progress as CopyProgress;
        break;
      case 'copy.done':
        s.status = 'done';
        s.latest = data.summary ?? msg.message;
        if (data.state) s.state = data.state;
        if (data.notCarried) s.notCarried = data.notCarried;
        delete s.error;
        break;
      case 'copy.not_carried':
        if (data.notCarried) s.notCarried = data.notCarried;
        break;
      case 'copy.verification_differs':
        s.status = 'differs';
        s.latest = msg.message.split('\n')[0];
        if (data.state) s.state = data.state;
        s.differences = data.verification?.sample ?? [];
        break;
      case 'copy.failed':
        s.status = 'failed';
        s.error = data.error ?? { code: 'CopyFailed', message: msg.message };
        if (data.state) s.state = data.state;
        break;
      default:
        s.latest = msg.message;
    }
    if (TERMINAL.has(msg.code)) s.actions = await this.actionsNow(data.jobId);
    const state = s;
    await this.shown.show(() => copyProgressMessage(state), s.jobId);
  }

  /** The buttons that apply now; the ending job's own record is still open when its last message comes. */
  private async actionsNow(endingJobId: string | undefined): Promise<CopyAction[]> {
    try {
      const status = await this.o.statusOf(this.migrationId);
      const ending = status.job && isOpen(status.job) && status.job.jobId === endingJobId;
      // The ending job's record is still open, so status() offers nothing yet: apply the same rule
      // as if it had closed (a failed copy job can be retried).
      return ending && status.method
        ? copyActionsFor(status.method, status.state, { canRetry: status.state === 'failed' })
        : status.actions;
    } catch (err) {
      this.o.logger.warn({ err, migrationId: this.migrationId }, 'could not read which copy buttons apply');
      return [];
    }
  }
}
