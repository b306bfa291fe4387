import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { CopyProgressReading, CopyProgressSample } from '../../../src/domain/copy.ts';
import { VersionConflictError } from '../../../src/domain/migration.ts';
import { createProgressRecorder, STALE_AFTER_POLLS } from '../../../src/workflow/copy/progress-recorder.ts';

/** The rate bound on a copy's progress writes, on an injected clock, and why a failed write never fails the copy. */

const ID = 'FS#111111111111#eu-west-1#fs-01';
const reading = (percent: number): CopyProgressReading => ({
  method: 'datasync',
  executionArn: 'arn:aws:datasync:eu-west-1:111111111111:task/task-1/execution/exec-1',
  progress: {
    phase: 'TRANSFERRING',
    filesTransferred: percent,
    filesEstimated: 100,
    bytesTransferred: percent * 1024,
    bytesEstimated: 100 * 1024,
    elapsedMs: 0,
    percent,
  },
});

function setup(put: (id: string, s: CopyProgressSample) => Promise<boolean> = async () => true) {
  const clock = new ManualClock(new Date('2026-06-01T10:00:00Z'));
  const writes: CopyProgressSample[] = [];
  const errors: unknown[] = [];
  const recorder = createProgressRecorder(
    {
      store: {
        putCopyProgress: async (id, s) => {
          writes.push(s);
          return put(id, s);
        },
      },
      clock,
      everyMs: 30_000,
      pollMs: 1_000,
      onError: async (e) => void errors.push(e),
    },
    { migrationId: ID, jobId: 'copy:1:x', kind: 'initial' },
  );
  return { clock, recorder, writes, errors };
}

describe('progress recorder', () => {
  it('writes the first sample, then at most one per interval however often the copy polls', async () => {
    const { clock, recorder, writes } = setup();
    const wrote: boolean[] = [];
    // 100 polls one second apart: t = 0 … 99 s.
    for (let t = 0; t < 100; t++) {
      wrote.push(await recorder.record(reading(t)));
      clock.advance(1_000);
    }
    expect(writes.map((w) => w.sampledAt)).toEqual([
      '2026-06-01T10:00:00.000Z',
      '2026-06-01T10:00:30.000Z',
      '2026-06-01T10:01:00.000Z',
      '2026-06-01T10:01:30.000Z',
    ]);
    expect(wrote.filter(Boolean)).toHaveLength(4);
    expect(writes[1]).toMatchObject({
      method: 'datasync',
      jobId: 'copy:1:x',
      kind: 'initial',
      progress: { percent: 30 },
      staleAfterMs: 30_000 + STALE_AFTER_POLLS * 1_000,
    });
  });

  it('polls slower than the interval write every time', async () => {
    const { clock, recorder, writes } = setup();
    for (let i = 0; i < 3; i++) {
      await recorder.record(reading(i));
      clock.advance(45_000);
    }
    expect(writes).toHaveLength(3);
  });

  it('a write that lost a race or failed is reported, never thrown, and still counts against the interval', async () => {
    let calls = 0;
    const { clock, recorder, writes, errors } = setup(async () => {
      calls++;
      if (calls === 1) throw new VersionConflictError(ID, 1, undefined, 2);
      throw new Error('ThrottlingException');
    });
    await expect(recorder.record(reading(1))).resolves.toBe(false);
    clock.advance(1_000);
    // Within the interval: not retried on the next poll.
    await expect(recorder.record(reading(2))).resolves.toBe(false);
    expect(writes).toHaveLength(1);
    clock.advance(30_000);
    await expect(recorder.record(reading(3))).resolves.toBe(false);
    expect(errors.map((e) => (e as Error).constructor.name)).toEqual(['VersionConflictError', 'Error']);
  });

  it('a newer sample already stored (the store answers false) is no error', async () => {
    const { recorder, errors } = setup(async () => false);
    await expect(recorder.record(reading(1))).resolves.toBe(false);
    expect(errors).toEqual([]);
  });
});
