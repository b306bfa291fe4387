import type { Clock } from '../../domain/clock.ts';
import type { CopyProgressReading, CopyProgressSample } from '../../domain/copy.ts';
import type { MigrationRepository } from '../../domain/migration.ts';

/**
 * Keeps a running copy's latest progress in the store for `status`, at a bounded rate: polls may
 * come every second, but the store sees at most one write per `everyMs` (on the injected clock)
 * for the job. Progress is advisory: a write that fails, or that a newer sample beat, is reported
 * to `onError` (or ignored) and never fails the copy; the state transitions stay the job's.
 */

export interface ProgressRecorderDeps {
  store: Pick<MigrationRepository, 'putCopyProgress'>;
  clock: Clock;
  /** At most one write per this many ms. */
  everyMs: number;
  /** The job's poll interval: a sample older than `everyMs` plus a few polls is stale. */
  pollMs: number;
  /** A write that failed (the store down, throttled): reported, not thrown. */
  onError(error: unknown): Promise<void>;
}

export interface ProgressRecorder {
  /** Writes the reading (with the job, the time and the staleness bound) when the last write is at least `everyMs` old; true when it wrote. */
  record(reading: CopyProgressReading): Promise<boolean>;
}

/** Polls a sample may miss before `status` calls it stale. */
export const STALE_AFTER_POLLS = 3;

/** Default write interval: with the default 15 s poll, one write every other poll at most. */
export const DEFAULT_PROGRESS_EVERY_MS = 30_000;

export function createProgressRecorder(
  deps: ProgressRecorderDeps,
  target: { migrationId: string; jobId: string; kind: CopyProgressSample['kind'] },
): ProgressRecorder {
  let lastWriteAt: number | undefined;
  const staleAfterMs = deps.everyMs + STALE_AFTER_POLLS * deps.pollMs;
  return {
    async record(reading) {
      const now = deps.clock.now();
      if (lastWriteAt !== undefined && now.getTime() - lastWriteAt < deps.everyMs) return false;
      // Counted before the write, so a failing store is not retried on every poll either.
      lastWriteAt = now.getTime();
      const sample: CopyProgressSample = {
        ...reading,
        jobId: target.jobId,
        kind: target.kind,
        sampledAt: now.toISOString(),
        staleAfterMs,
      };
      try {
        // False when a newer sample is already stored (a successor job's): nothing to do.
        return await deps.store.putCopyProgress(target.migrationId, sample);
      } catch (e) {
        await deps.onError(e);
        return false;
      }
    },
  };
}
