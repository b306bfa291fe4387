/**
 * Who still uses a file system, as CloudWatch's AWS/EFS metrics tell it: `ClientConnections`
 * (Sum per minute: one connection per mounted client) and `TotalIOBytes` (Sum per minute). Read
 * before every final sync, so "writes stopped" is checked instead of taken on the operator's word,
 * and (later) by the decommission idle guard. Pure: the reading is src/aws/cloudwatch.ts's.
 */

/** One minute of a file system's activity; only minutes CloudWatch has data for are listed. */
export interface ActivityMinute {
  /** Start of the minute. */
  at: Date;
  clientConnections: number;
  totalIOBytes: number;
}

export interface ActivityWindow {
  start: Date;
  end: Date;
}

export interface FileSystemActivity {
  fileSystemId: string;
  window: ActivityWindow;
  /** Oldest first. */
  minutes: ActivityMinute[];
  /** The latest minute with a client connection, if any. */
  lastConnectionAt?: Date;
  /** The latest minute with connections or I/O, if any. */
  lastActiveAt?: Date;
}

/** The narrow read both the final-sync check and the decommission idle guard use. */
export interface FileSystemActivityReader {
  recentActivity(fileSystemId: string, window: ActivityWindow): Promise<FileSystemActivity>;
}

/** The window a final sync looks back over. */
export const FINAL_SYNC_WINDOW_MINUTES = 15;

/**
 * The last `minutes` minutes up to `now`, the current one included: StartTime on a whole minute,
 * because CloudWatch rounds it down and would otherwise answer one minute more than asked.
 */
export function lastMinutes(now: Date, minutes: number): ActivityWindow {
  const start = Math.ceil((now.getTime() - minutes * 60_000) / 60_000) * 60_000;
  return { start: new Date(start), end: now };
}

/** Builds the summary from per-minute samples (any order; zero minutes kept out of the "last" times). */
export function activityOf(
  fileSystemId: string,
  window: ActivityWindow,
  minutes: ActivityMinute[],
): FileSystemActivity {
  const sorted = [...minutes].sort((a, b) => a.at.getTime() - b.at.getTime());
  const lastConnection = sorted.filter((m) => m.clientConnections > 0).at(-1)?.at;
  const lastActive = sorted.filter((m) => m.clientConnections > 0 || m.totalIOBytes > 0).at(-1)?.at;
  return {
    fileSystemId,
    window,
    minutes: sorted,
    ...(lastConnection ? { lastConnectionAt: lastConnection } : {}),
    ...(lastActive ? { lastActiveAt: lastActive } : {}),
  };
}

/** What the final-sync confirmation shows and the audit log keeps. */
export type ClientCheck =
  | {
      status: 'quiet' | 'active';
      fileSystemId: string;
      windowMinutes: number;
      checkedAt: string;
      /** Most connections in one minute. */
      peakConnections: number;
      /** Minutes (ISO) with at least one connection. */
      connectionMinutes: string[];
      lastConnectionAt?: string;
      totalIOBytes: number;
    }
  | {
      status: 'unknown';
      fileSystemId: string;
      windowMinutes: number;
      checkedAt: string;
      /** Why CloudWatch could not be read (AWS's error code and message). */
      error: { code: string; message: string };
    };

export function clientCheckOf(activity: FileSystemActivity, windowMinutes: number, now: Date): ClientCheck {
  const connected = activity.minutes.filter((m) => m.clientConnections > 0);
  return {
    status: connected.length > 0 ? 'active' : 'quiet',
    fileSystemId: activity.fileSystemId,
    windowMinutes,
    checkedAt: now.toISOString(),
    peakConnections: Math.max(0, ...connected.map((m) => m.clientConnections)),
    connectionMinutes: connected.map((m) => m.at.toISOString()),
    ...(activity.lastConnectionAt ? { lastConnectionAt: activity.lastConnectionAt.toISOString() } : {}),
    totalIOBytes: activity.minutes.reduce((n, m) => n + m.totalIOBytes, 0),
  };
}

export function unreadableClientCheck(
  fileSystemId: string,
  windowMinutes: number,
  now: Date,
  error: { code: string; message: string },
): ClientCheck {
  return { status: 'unknown', fileSystemId, windowMinutes, checkedAt: now.toISOString(), error };
}

const hhmm = (iso: string) => iso.slice(11, 16);

/** `08:45–08:52, 08:55 UTC`: runs of consecutive minutes. */
export function minuteRanges(minutesIso: string[]): string {
  const runs: [string, string][] = [];
  for (const m of [...minutesIso].sort()) {
    const last = runs.at(-1);
    if (last && new Date(m).getTime() - new Date(last[1]).getTime() === 60_000) last[1] = m;
    else runs.push([m, m]);
  }
  return `${runs.map(([a, b]) => (a === b ? hhmm(a) : `${hhmm(a)}–${hhmm(b)}`)).join(', ')} UTC`;
}

/** One line for Slack and the terminal, e.g. `4 connections seen in the last 15 min, last at 08:59 UTC — …`. */
export function clientCheckLine(check: ClientCheck): string {
  const window = `the last ${check.windowMinutes} min`;
  if (check.status === 'unknown')
    return `Could not read CloudWatch ClientConnections of ${check.fileSystemId} (${check.error.code}: ${check.error.message}); the bot cannot tell whether clients still write, so make sure they stopped (the check needs cloudwatch:GetMetricData).`;
  if (check.status === 'quiet') return `No client connected to ${check.fileSystemId} in ${window}.`;
  const n = check.peakConnections;
  return `${n} connection${n === 1 ? '' : 's'} seen in ${window}, last at ${hhmm(check.lastConnectionAt ?? check.connectionMinutes.at(-1)!)} UTC (in ${check.connectionMinutes.length} of ${check.windowMinutes} minutes: ${minuteRanges(check.connectionMinutes)}) — clients still write? Stop them first.`;
}
