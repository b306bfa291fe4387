import { Cron } from 'croner';
import { BadInputError } from './errors.ts';

/**
 * The digest's schedule: a five-field cron expression (minute hour day-of-month month
 * day-of-week) and an optional IANA time zone after it, e.g. `0 8 * * 1 Europe/Berlin` (Mondays at
 * 08:00 Berlin time, summer time included); without a zone, UTC. Parsed and evaluated by croner,
 * never by hand: it knows time zones and daylight saving, and computes the previous and next slot
 * from any instant, which is all the scheduler needs (it arms one timer itself).
 */
export interface DigestSchedule {
  /** As configured. */
  text: string;
  cron: string;
  timeZone: string;
  /** The latest slot at or before `at`; undefined before the schedule's first. */
  latestAtOrBefore(at: Date): Date | undefined;
  /** The first slot strictly after `at`; undefined if there is none. */
  nextAfter(at: Date): Date | undefined;
}

export class ScheduleInvalidError extends BadInputError {}

export function parseDigestSchedule(text: string): DigestSchedule {
  const fields = text.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6)
    throw new ScheduleInvalidError(
      `"${text}" is not a digest schedule: expected five cron fields and an optional IANA time zone, such as "0 8 * * 1 Europe/Berlin".`,
    );
  const cron = fields.slice(0, 5).join(' ');
  const timeZone = fields[5] ?? 'UTC';
  let job: Cron;
  try {
    job = new Cron(cron, { timezone: timeZone, paused: true });
    // A bad zone is only noticed when a date is computed.
    job.nextRun(new Date(0));
  } catch (e) {
    throw new ScheduleInvalidError(
      `"${text}" is not a digest schedule: ${e instanceof Error ? e.message.replace(/^\w+: /, '') : String(e)}. Expected five cron fields and an optional IANA time zone, such as "0 8 * * 1 Europe/Berlin".`,
      { cause: e },
    );
  }
  return {
    text,
    cron,
    timeZone,
    // croner's previousRuns excludes a run at exactly the reference: look from 1 ms later.
    latestAtOrBefore: (at) => job.previousRuns(1, new Date(at.getTime() + 1))[0],
    nextAfter: (at) => job.nextRun(at) ?? undefined,
  };
}
