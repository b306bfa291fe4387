import { describe, expect, it } from 'vitest';
import {
  activityOf,
  clientCheckLine,
  clientCheckOf,
  lastMinutes,
  minuteRanges,
  unreadableClientCheck,
} from '../../src/domain/client-activity.ts';

const at = (hhmm: string) => new Date(`2026-06-01T${hhmm}:00Z`);

describe('client activity', () => {
  it('the window holds 15 whole minutes, the current one included, whatever the second', () => {
    const w = lastMinutes(new Date('2026-06-01T09:01:30Z'), 15);
    expect(w).toEqual({ start: at('08:47'), end: new Date('2026-06-01T09:01:30Z') });
    expect(lastMinutes(at('09:00'), 15).start).toEqual(at('08:45'));
  });

  it('last connection and last activity: I/O alone is activity, not a connection', () => {
    const a = activityOf('fs-1', lastMinutes(at('09:00'), 15), [
      { at: at('08:58'), clientConnections: 0, totalIOBytes: 10 },
      { at: at('08:50'), clientConnections: 2, totalIOBytes: 0 },
      { at: at('08:51'), clientConnections: 1, totalIOBytes: 5 },
    ]);
    expect(a.minutes.map((m) => m.at)).toEqual([at('08:50'), at('08:51'), at('08:58')]);
    expect(a.lastConnectionAt).toEqual(at('08:51'));
    expect(a.lastActiveAt).toEqual(at('08:58'));
    const check = clientCheckOf(a, 15, at('09:00'));
    expect(check).toMatchObject({ status: 'active', peakConnections: 2, totalIOBytes: 15 });
    expect(clientCheckLine(check)).toBe(
      '2 connections seen in the last 15 min, last at 08:51 UTC (in 2 of 15 minutes: 08:50–08:51 UTC) — clients still write? Stop them first.',
    );
  });

  it('quiet and unreadable checks say so', () => {
    const quiet = clientCheckOf(activityOf('fs-1', lastMinutes(at('09:00'), 15), []), 15, at('09:00'));
    expect(clientCheckLine(quiet)).toBe('No client connected to fs-1 in the last 15 min.');
    const unknown = unreadableClientCheck('fs-1', 15, at('09:00'), { code: 'AccessDenied', message: 'no' });
    expect(clientCheckLine(unknown)).toContain(
      'Could not read CloudWatch ClientConnections of fs-1 (AccessDenied: no)',
    );
  });

  it('minutes as runs', () => {
    expect(minuteRanges(['08:50', '08:51', '08:52', '08:55'].map((m) => at(m).toISOString()))).toBe(
      '08:50–08:52, 08:55 UTC',
    );
  });
});
