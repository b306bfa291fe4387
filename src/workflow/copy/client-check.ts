import { summariseAwsError } from '../../aws/aws-errors.ts';
import {
  clientCheckLine,
  clientCheckOf,
  FINAL_SYNC_WINDOW_MINUTES,
  lastMinutes,
  unreadableClientCheck,
  type ClientCheck,
  type FileSystemActivityReader,
} from '../../domain/client-activity.ts';
import type { Clock } from '../../domain/clock.ts';
import type { MigrationRecord } from '../../domain/migration.ts';
import { ClientsStillConnectedError } from './copy-errors.ts';

/**
 * "Writes stopped" checked, not taken on the operator's word: before a final sync (DataSync,
 * replication, the rsync final pass) the source's CloudWatch ClientConnections of the last 15
 * minutes (the injected clock's) say who is still connected. A failure to read CloudWatch (no
 * cloudwatch:GetMetricData, throttling) is a warning carried in the check, never a block.
 */

export interface ClientCheckDeps {
  clock: Clock;
  activityFor(accountId: string, region: string): Promise<FileSystemActivityReader>;
}

export async function checkClients(deps: ClientCheckDeps, m: MigrationRecord): Promise<ClientCheck> {
  const now = deps.clock.now();
  try {
    const reader = await deps.activityFor(m.accountId, m.region);
    const activity = await reader.recentActivity(m.fileSystemId, lastMinutes(now, FINAL_SYNC_WINDOW_MINUTES));
    return clientCheckOf(activity, FINAL_SYNC_WINDOW_MINUTES, now);
  } catch (e) {
    const { code, message } = summariseAwsError(e);
    return unreadableClientCheck(m.fileSystemId, FINAL_SYNC_WINDOW_MINUTES, now, { code, message });
  }
}

/** Reads the check; refuses (ClientsStillConnectedError) when clients were seen and the person did not say go on. */
export async function gateOnClients(
  deps: ClientCheckDeps,
  m: MigrationRecord,
  acknowledged: boolean,
  howToGoOn: string,
): Promise<ClientCheck> {
  const check = await checkClients(deps, m);
  if (check.status === 'active' && !acknowledged)
    throw new ClientsStillConnectedError({ ...check, status: 'active' }, howToGoOn);
  return check;
}

/** The audit log's words for the check, appended to the request's event detail. */
export function clientCheckNote(check: ClientCheck, acknowledged: boolean): string {
  const figures =
    check.status === 'unknown'
      ? `CloudWatch not read (${check.error.code})`
      : `${check.peakConnections} connection(s) in ${check.connectionMinutes.length} of the last ${check.windowMinutes} min${check.lastConnectionAt ? `, last at ${check.lastConnectionAt}` : ''}, ${check.totalIOBytes} byte(s) of I/O`;
  const went =
    check.status === 'active' && acknowledged
      ? '; clients were connected and the admin went on anyway'
      : check.status === 'unknown'
        ? '; the admin went on without the check'
        : '';
  return `; client check at ${check.checkedAt}: ${figures}${went}. ${clientCheckLine(check)}`;
}
