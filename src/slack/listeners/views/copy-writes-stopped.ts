import { z } from 'zod';
import {
  COPY_WRITES_STOPPED_CALLBACK_ID,
  WRITES_STOPPED_ACTION_ID,
  WRITES_STOPPED_BLOCK_ID,
} from '#blocks/copy-modals.ts';
import { requestCopy, writesStoppedRequest } from '../../copy-in-thread.ts';
import type { ListenerDeps } from '../deps.ts';
import type { CopyModalMetadata } from '#blocks/copy-modals.ts';
import {
  copyViewSubmission,
  readClientsAck,
  type ReadResult,
  type ViewStateValues,
} from '../../copy-view-submission.ts';

/** Allowance for clocks: a time a minute ahead of ours is someone's "now", not the future. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Replication's Final sync confirmed: writes stopped at T0. A time in the future is refused next
 * to the field; otherwise the final sync is queued (it waits for a sync after T0, then ends the
 * replication). A second submission gets the job already queued: nothing new is queued. When the
 * modal showed clients connected to the source, the "go on anyway" box must be ticked; the phase
 * reads CloudWatch again and refuses (nothing queued) if clients are seen and the box was not.
 */
export function copyWritesStoppedView(deps: ListenerDeps) {
  return copyViewSubmission(deps, {
    callbackId: COPY_WRITES_STOPPED_CALLBACK_ID,
    title: 'Final sync',
    fieldBlockId: WRITES_STOPPED_BLOCK_ID,
    read(values, meta) {
      const read = readWritesStoppedConfirmation(values, meta, deps.clock.now());
      return read.ok ? { ok: true, input: { ...read.input, t0: read.input.t0.toISOString() } } : read;
    },
    input: WritesStoppedInput,
    work: (target, meta, { t0, clientsAcknowledged }) =>
      requestCopy(
        deps,
        target,
        meta.migrationId,
        writesStoppedRequest(meta.migrationId, target.userId, t0, { clientsAcknowledged }),
      ),
  });
}

/** What the ack read and checked, as JSON: T0 as an ISO time (Date again where the work runs). */
const WritesStoppedInput = z.object({
  t0: z.iso.datetime().transform((t) => new Date(t)),
  clientsAcknowledged: z.boolean(),
});

export function readWritesStoppedConfirmation(
  values: ViewStateValues,
  meta: CopyModalMetadata,
  now: Date,
): ReadResult<{ t0: Date; clientsAcknowledged: boolean }> {
  const t0 = readWritesStopped(values, now);
  if (!t0.ok) return t0;
  const ack = readClientsAck(values, meta);
  if (!ack.ok) return ack;
  return { ok: true, input: { t0: t0.input, clientsAcknowledged: ack.input } };
}

export function readWritesStopped(values: ViewStateValues, now: Date): ReadResult<Date> {
  const seconds = values[WRITES_STOPPED_BLOCK_ID]?.[WRITES_STOPPED_ACTION_ID]?.selected_date_time;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds))
    return { ok: false, error: 'Pick the date and time writes to the source stopped.' };
  const t0 = new Date(seconds * 1000);
  if (t0.getTime() > now.getTime() + CLOCK_SKEW_MS)
    return {
      ok: false,
      error: `That is in the future (${t0.toISOString()}). Stop writes first, then confirm the time they stopped.`,
    };
  return { ok: true, input: t0 };
}
