import type { MigrationEventLog } from '../domain/migration.ts';
import type { BuildThreadLocation } from './build-threads.ts';
import type { ProgressThreads } from './thread-progress.ts';

/**
 * Where a migration's cutover is shown in Slack, kept in its append-only audit log (as the build's
 * and the copy's are, build-threads.ts): the thread the review was asked from, and the message of
 * each consumer and each application in it, so a cutover job resumed after a restart (or on another
 * replica) edits the same messages instead of posting new ones.
 */

export const CUTOVER_THREAD_EVENT = 'slack_cutover_thread';
export const CUTOVER_MESSAGE_EVENT = 'slack_cutover_message';

/** A message's key within the migration: `consumer:<id>` or `app:<name>`. */
export const consumerKey = (consumerId: string) => `consumer:${consumerId}`;
export const applicationKey = (app: string) => `app:${app}`;

export class CutoverThreads {
  constructor(private readonly events: MigrationEventLog) {}

  /** Records that this migration's cutover reports to this thread (asked for by `actor`). */
  async recordThread(
    migrationId: string,
    location: { channel: string; threadTs: string },
    actor: string,
    correlationId?: string,
  ): Promise<void> {
    await this.events.appendEvent(migrationId, {
      kind: CUTOVER_THREAD_EVENT,
      actor,
      detail: `Cutover messages to be shown in Slack channel ${location.channel}, thread ${location.threadTs}`,
      data: { channel: location.channel, threadTs: location.threadTs },
      ...(correlationId ? { correlationId } : {}),
    });
  }

  /** The latest recorded thread, or undefined when the cutover was not asked for from Slack. */
  async thread(migrationId: string): Promise<{ channel: string; threadTs: string } | undefined> {
    return (await this.read(migrationId)).thread;
  }

  /** The latest thread, with the message already posted there under `key`, if any. */
  async locate(migrationId: string, key: string): Promise<BuildThreadLocation | undefined> {
    const { thread, messages } = await this.read(migrationId);
    if (!thread) return undefined;
    const posted = messages.findLast(
      (m) => m.key === key && m.channel === thread.channel && m.threadTs === thread.threadTs,
    );
    return posted ? { ...thread, messageTs: posted.messageTs } : { ...thread };
  }

  async recordMessage(
    migrationId: string,
    key: string,
    location: Required<BuildThreadLocation>,
    actor: string,
  ): Promise<void> {
    await this.events.appendEvent(migrationId, {
      kind: CUTOVER_MESSAGE_EVENT,
      actor,
      detail: `Cutover message ${location.messageTs} (${key}) in Slack channel ${location.channel}`,
      data: { key, channel: location.channel, threadTs: location.threadTs, messageTs: location.messageTs },
    });
  }

  /** One message's place, in the shape ThreadProgressMessage records and looks up. */
  forKey(key: string): ProgressThreads {
    return {
      locate: (migrationId) => this.locate(migrationId, key),
      record: async (migrationId, location, actor) => {
        if (location.messageTs)
          await this.recordMessage(migrationId, key, { ...location, messageTs: location.messageTs }, actor);
      },
    };
  }

  private async read(migrationId: string) {
    let thread: { channel: string; threadTs: string } | undefined;
    const messages: { key: string; channel: string; threadTs: string; messageTs: string }[] = [];
    for (const e of await this.events.listEvents(migrationId)) {
      const d = (e.data ?? {}) as Record<string, unknown>;
      if (typeof d.channel !== 'string' || typeof d.threadTs !== 'string') continue;
      if (e.kind === CUTOVER_THREAD_EVENT) thread = { channel: d.channel, threadTs: d.threadTs };
      if (e.kind === CUTOVER_MESSAGE_EVENT && typeof d.key === 'string' && typeof d.messageTs === 'string')
        messages.push({ key: d.key, channel: d.channel, threadTs: d.threadTs, messageTs: d.messageTs });
    }
    return { thread, messages };
  }
}
