import {
  applicationSummaryMessage,
  autoRollbackMessage,
  consumerProgressMessage,
  type ApplicationSummaryView,
  type ConsumerProgressView,
} from '#blocks/cutover-progress.ts';
import type { IoHost, IoMessage } from '../workflow/io-host.ts';
import {
  CutoverMessageCodes,
  type ApplicationStatus,
  type CutoverApplicationProgress,
  type CutoverChangeProgress,
  type CutoverPhase,
  type CutoverStatus,
} from '../workflow/cutover/index.ts';
import type { CutoverThreads } from './cutover-threads.ts';
import { applicationKey, consumerKey } from './cutover-threads.ts';
import { signOffRequestMessage } from '#blocks/sign-off.ts';
import { ThreadProgressMessage, type ProgressMessageOptions } from './thread-progress.ts';
import { decommissionOfferMessage } from '#blocks/decommission.ts';

/** The thread message offering Decommission… once the migration is cut over. */
const DECOMMISSION_OFFER_KEY = 'decommission-offer';

export interface CutoverProgressReporterOptions extends Omit<ProgressMessageOptions, 'threads'> {
  threads: CutoverThreads;
  /** The phase's status(): owners, changes and waivers for the application summary. */
  statusOf: CutoverPhase['status'];
}

/** What `cutover.auto_rollback` carries (the phase's job: a deployment or an update failed). */
interface AutoRollbackData {
  migrationId?: string;
  app?: string;
  consumerId?: string;
  name?: string;
  detail?: string;
}

/**
 * The IoHost the cutover phase reports to when the bot runs (issue #14 §3): in the thread the
 * cutover was asked from, ONE message per consumer, edited in place as `cutover.change` events
 * arrive and coalesced to Slack's rate (at most one update per message per second: the shared
 * ThreadProgressMessage); one summary per application on `cutover.application`, with Roll back
 * and Waive where they apply; a warning naming the owner on `cutover.auto_rollback`. Where each
 * message lives is recorded in the audit log, so a job resumed on another replica edits the same
 * messages. Slack failures are logged, never thrown into the job.
 */
export class CutoverProgressReporter implements IoHost {
  private readonly messages = new Map<string, ThreadProgressMessage>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly o: CutoverProgressReporterOptions) {}

  async notify(msg: IoMessage): Promise<void> {
    if (!msg.code.startsWith('cutover.') || msg.level === 'debug') return;
    const data = (msg.data ?? {}) as { migrationId?: unknown };
    if (typeof data.migrationId !== 'string') return;
    switch (msg.code) {
      case CutoverMessageCodes.change:
        return this.change(msg.data as CutoverChangeProgress);
      case CutoverMessageCodes.application:
        return this.application(msg.data as CutoverApplicationProgress);
      case CutoverMessageCodes.autoRollback:
        return this.autoRollback(msg, msg.data as AutoRollbackData & { migrationId: string });
    }
  }

  /** Resolves once every message has no write in flight or scheduled (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
    await Promise.all([...this.messages.values()].map((m) => m.settled()));
  }

  private messageFor(migrationId: string, key: string): ThreadProgressMessage {
    const id = `${migrationId}\u0000${key}`;
    let message = this.messages.get(id);
    if (!message) {
      message = new ThreadProgressMessage(migrationId, {
        ...this.o,
        threads: this.o.threads.forKey(key),
        what: 'cutover',
      });
      this.messages.set(id, message);
    }
    return message;
  }

  private async change(d: CutoverChangeProgress): Promise<void> {
    const view: ConsumerProgressView = {
      migrationId: d.migrationId,
      app: d.app,
      consumerId: d.consumerId,
      name: d.name,
      status: d.status,
      detail: d.detail,
      updatedAt: this.o.clock.now(),
    };
    await this.messageFor(d.migrationId, consumerKey(d.consumerId)).show(() => consumerProgressMessage(view));
  }

  private async application(d: CutoverApplicationProgress): Promise<void> {
    const status = await this.status(d.migrationId);
    const app = status?.applications.find((a) => a.app === d.app);
    const view: ApplicationSummaryView = {
      migrationId: d.migrationId,
      fileSystemId: status?.fileSystemId ?? d.migrationId.split('#').at(-1) ?? d.migrationId,
      app: d.app,
      status: d.status,
      detail: d.detail,
      owner: app?.owner ?? { fallbackReason: 'owner not known: admins decide' },
      changes: (app?.changes ?? []).map((c) => ({
        consumerId: c.consumerId,
        name: c.name,
        status: c.status,
      })),
      waivers: waiversOf(status, app),
      updatedAt: this.o.clock.now(),
    };
    const message = this.messageFor(d.migrationId, applicationKey(d.app));
    // Another apply or rollback may have been asked from another thread since: look it up again.
    message.relocate();
    await message.show(() => applicationSummaryMessage(view));
    // Cut over: the next step is decommissioning the source, offered once in the same thread
    // (shown again in place on a later summary; the guards are read when an admin opens it).
    if (status?.state === 'cut_over')
      await this.messageFor(d.migrationId, DECOMMISSION_OFFER_KEY).show(() =>
        decommissionOfferMessage(view.fileSystemId, d.migrationId),
      );
    // Issue 16 §2: once the application runs on the new file system, its owner is asked to sign off.
    if (d.status === 'cut_over') await this.askSignOff(d, view.fileSystemId, view.owner.ownerUserId);
  }

  /** A one-off request in the thread (not edited later), mentioning the owner. */
  private async askSignOff(d: CutoverApplicationProgress, fileSystemId: string, ownerUserId?: string) {
    try {
      const thread = await this.o.threads.thread(d.migrationId);
      if (!thread) return;
      await this.o.client.chat.postMessage({
        channel: thread.channel,
        thread_ts: thread.threadTs,
        ...signOffRequestMessage({
          migrationId: d.migrationId,
          fileSystemId,
          app: d.app,
          ...(ownerUserId ? { ownerUserId } : {}),
        }),
      });
    } catch (err) {
      this.o.logger.warn({ err, migrationId: d.migrationId, app: d.app }, 'could not ask for sign-off');
    }
  }

  /** A one-off warning in the thread (not edited later): the owner must see it. */
  private async autoRollback(msg: IoMessage, d: AutoRollbackData & { migrationId: string }): Promise<void> {
    const work = (async () => {
      try {
        const thread = await this.o.threads.thread(d.migrationId);
        if (!thread) return;
        const status = await this.status(d.migrationId);
        const app = status?.applications.find((a) => a.app === d.app);
        await this.o.client.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.threadTs,
          ...autoRollbackMessage({
            app: d.app ?? 'the application',
            fileSystemId: status?.fileSystemId ?? d.migrationId.split('#').at(-1) ?? d.migrationId,
            owner: app?.owner ?? {},
            message: d.detail ?? msg.message,
            ...(d.name ? { consumerName: d.name } : {}),
          }),
        });
      } catch (err) {
        this.o.logger.warn(
          { err, migrationId: d.migrationId, app: d.app },
          'could not post the auto-rollback warning',
        );
      }
    })();
    this.pending.add(work);
    await work.finally(() => this.pending.delete(work));
  }

  private async status(migrationId: string): Promise<CutoverStatus | undefined> {
    try {
      return await this.o.statusOf(migrationId);
    } catch (err) {
      this.o.logger.warn({ err, migrationId }, 'could not read the cutover status for the thread');
      return undefined;
    }
  }
}

function waiversOf(status: CutoverStatus | undefined, app: ApplicationStatus | undefined) {
  if (!status || !app) return [];
  const ids = new Set(app.changes.map((c) => c.consumerId));
  return status.waivers
    .filter((w) => ids.has(w.consumerId))
    .map((w) => ({ consumerId: w.consumerId, waivedBy: w.waivedBy, reason: w.reason }));
}
