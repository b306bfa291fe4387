import { describe, expect, it } from 'vitest';
import { parseDigestSchedule, ScheduleInvalidError } from '../../src/domain/digest-schedule.ts';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/domain/errors.ts';

describe('digest schedule', () => {
  it.each([
    // Monday 08:00 in Berlin is 07:00Z in winter and 06:00Z in summer time.
    {
      text: '0 8 * * 1 Europe/Berlin',
      at: '2026-03-11T12:00:00Z',
      latest: '2026-03-09T07:00:00.000Z',
      next: '2026-03-16T07:00:00.000Z',
    },
    {
      text: '0 8 * * 1 Europe/Berlin',
      at: '2026-04-01T12:00:00Z',
      latest: '2026-03-30T06:00:00.000Z',
      next: '2026-04-06T06:00:00.000Z',
    },
    {
      text: '0 8 * * 1',
      at: '2026-03-11T12:00:00Z',
      latest: '2026-03-09T08:00:00.000Z',
      next: '2026-03-16T08:00:00.000Z',
    },
    // Exactly at a slot: that slot is the latest, the next is the one after.
    {
      text: '30 9 * * *',
      at: '2026-03-11T09:30:00.000Z',
      latest: '2026-03-11T09:30:00.000Z',
      next: '2026-03-12T09:30:00.000Z',
    },
  ])('$text at $at: latest $latest, next $next', ({ text, at, latest, next }) => {
    const s = parseDigestSchedule(text);
    expect(s.latestAtOrBefore(new Date(at))?.toISOString()).toBe(latest);
    expect(s.nextAfter(new Date(at))?.toISOString()).toBe(next);
  });

  it.each([
    ['0 8 * *', /five cron fields/],
    ['0 8 * * 1 Europe/Berlin extra', /five cron fields/],
    ['61 8 * * 1', /minute/],
    ['0 8 * * 1 Mars/Olympus', /Mars\/Olympus/],
  ])('refuses %s with what to fix', (text, message) => {
    expect(() => parseDigestSchedule(text)).toThrow(ScheduleInvalidError);
    expect(() => parseDigestSchedule(text)).toThrow(message);
  });

  it('is checked when the config loads, with the stuck limit', () => {
    expect(() => loadConfig({ EFS_ENCRYPT_DIGEST_SCHEDULE: '0 8 * * 1 Mars/Olympus' })).toThrow(ConfigError);
    const c = loadConfig({
      EFS_ENCRYPT_DIGEST_SCHEDULE: '0 8 * * 1 Europe/Paris',
      EFS_ENCRYPT_STUCK_HOURS: '12',
    });
    expect(c.digest).toMatchObject({ schedule: '0 8 * * 1 Europe/Paris', stuckHours: 12 });
    expect(loadConfig({}).digest.stuckHours).toBe(48);
  });
});
