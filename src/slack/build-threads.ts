import type { MigrationEventLog } from '../domain/migration.ts';

/**
 * Where a build's progress is shown in Slack, kept in the migration's append-only audit log rather
 * than in memory or on the migration record: a restarted (or another) replica resumes a build and
 * keeps editing the same message in the same thread, and the write never touches the migration's
 * version, so it cannot collide with the running build's conditional writes.
 */

export const BUILD_THREAD_EVENT = 'slack_build_thread';

export interface BuildThreadLocation {
  channel: string;
  /** The thread the progress message lives in. */
  threadTs: string;
  /** The progress message, once posted. */
  messageTs?: string;
}

export class BuildThreads {
  /** `kind` and `label` let other phases (the copy: COPY_THREAD_EVENT) keep their own message the same way. */
  constructor(
    private readonly events: MigrationEventLog,
    private readonly kind: string = BUILD_THREAD_EVENT,
    private readonly label: string = 'Build',
  ) {}

  /** Records that the build of `migrationId` reports to this thread (asked for by `actor`). */
  async record(
    migrationId: string,
    location: BuildThreadLocation,
    actor: string,
    correlationId?: string,
  ): Promise<void> {
    await this.events.appendEvent(migrationId, {
      kind: this.kind,
      actor,
      detail: location.messageTs
        ? `${this.label} progress message ${location.messageTs} in Slack channel ${location.channel}`
        : `${this.label} progress to be shown in Slack channel ${location.channel}, thread ${location.threadTs}`,
      data: { ...location },
      ...(correlationId ? { correlationId } : {}),
    });
  }

  /**
   * The latest recorded location, or undefined when the build was not asked for from Slack. A
   * later request from the same thread (a double click, Retry) records no message; the message
   * posted there before is kept, so it is edited rather than posted again.
   */
  async locate(migrationId: string): Promise<BuildThreadLocation | undefined> {
    const locations = (await this.events.listEvents(migrationId)).flatMap((e) => {
      if (e.kind !== this.kind) return [];
      const d = e.data as Partial<BuildThreadLocation> | undefined;
      if (typeof d?.channel !== 'string' || typeof d.threadTs !== 'string') return [];
      return [
        {
          channel: d.channel,
          threadTs: d.threadTs,
          ...(typeof d.messageTs === 'string' ? { messageTs: d.messageTs } : {}),
        },
      ];
    });
    const latest = locations.at(-1);
    if (!latest || latest.messageTs) return latest;
    const posted = locations.findLast(
      (l) => l.messageTs && l.channel === latest.channel && l.threadTs === latest.threadTs,
    );
    return posted ?? latest;
  }
}
