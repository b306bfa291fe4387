/**
 * What the Slack progress reporters' unit tests stand on: the event log their thread records live
 * in, kept in memory, and a Web API client whose chat calls are recorded at the test clock's time.
 */
import type { webApi } from '@slack/bolt';
import type { Clock } from '../../src/domain/clock.ts';
import type { MigrationEvent, MigrationEventLog, NewEvent } from '../../src/domain/migration.ts';

/** A migration event log in memory: where BuildThreads and copyThreads record each message. */
export class MemoryEvents implements MigrationEventLog {
  readonly events: MigrationEvent[] = [];
  async appendEvent(migrationId: string, event: NewEvent): Promise<MigrationEvent> {
    const e = {
      ...event,
      migrationId,
      eventId: String(this.events.length),
      at: event.at ?? '2026-05-01T09:00:00Z',
    };
    this.events.push(e);
    return e;
  }
  async listEvents(migrationId: string): Promise<MigrationEvent[]> {
    return this.events.filter((e) => e.migrationId === migrationId);
  }
}

export interface ChatCall {
  method: 'postMessage' | 'update';
  /** The clock's time of the call, in ms. */
  at: number;
  args: Record<string, unknown>;
}

/**
 * A WebClient that records chat.postMessage and chat.update; each post answers the next ts in
 * order: 1767225700.000001, 1767225700.000002, …
 */
export function recordingChat(clock: Clock): { client: webApi.WebClient; calls: ChatCall[] } {
  const calls: ChatCall[] = [];
  let ts = 0;
  const client = {
    chat: {
      postMessage: async (args: Record<string, unknown>) => {
        calls.push({ method: 'postMessage', at: clock.now().getTime(), args });
        return { ok: true, ts: `1767225700.00000${++ts}` };
      },
      update: async (args: Record<string, unknown>) => {
        calls.push({ method: 'update', at: clock.now().getTime(), args });
        return { ok: true };
      },
    },
  } as unknown as webApi.WebClient;
  return { client, calls };
}
