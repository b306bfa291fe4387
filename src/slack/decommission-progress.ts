import { decommissionProgressMessage, type DecommissionProgressState } from '#blocks/decommission.ts';
import { migrationParts } from '#blocks/build-progress.ts';
import type { MigrationEventLog } from '../domain/migration.ts';
import type { IoMessage } from '../workflow/io-host.ts';
import { BuildThreads } from './build-threads.ts';
import {
  MigrationProgressReporter,
  MigrationThreadMessage,
  type ProgressMessageOptions,
} from './thread-progress.ts';

/** The audit-log event that says where a file system's decommission message lives. */
export const DECOMMISSION_THREAD_EVENT = 'slack_decommission_thread';

export function decommissionThreads(events: MigrationEventLog): BuildThreads {
  return new BuildThreads(events, DECOMMISSION_THREAD_EVENT, 'Decommission');
}

/** What `decommission.*` messages carry (src/workflow/decommission/decommission-job.ts). */
interface DecommissionData {
  migrationId?: string;
  operation?: string;
  resourceId?: string;
  recoveryPointArn?: string;
  error?: { code: string; message: string; awsRequestId?: string };
}

/**
 * The IoHost the decommission job reports to when the bot runs: one message per file system in the
 * thread the deletion was confirmed from, edited in place (coalesced to Slack's rate limit) with
 * each deletion as it is done; a failure shows AWS's error and request ID and offers Retry.
 */
export class DecommissionProgressReporter extends MigrationProgressReporter<DecommissionData> {
  constructor(o: ProgressMessageOptions) {
    super('decommission.', (migrationId) => new DecommissionMessage(migrationId, o));
  }
}

class DecommissionMessage extends MigrationThreadMessage<DecommissionData> {
  private state?: DecommissionProgressState;

  constructor(migrationId: string, o: ProgressMessageOptions) {
    super(migrationId, { ...o, what: 'decommission' });
  }

  async apply(msg: IoMessage, data: DecommissionData): Promise<void> {
    if (msg.code === 'decommission.started' || !this.state) {
      this.shown.relocate();
      this.state = {
        migrationId: this.migrationId,
        fileSystemId: migrationParts(this.migrationId).fileSystemId,
        status: 'running',
        done: this.state?.done ?? [],
      };
    }
    const s = this.state;
    switch (msg.code) {
      case 'decommission.deleted':
        s.done.push(`${data.operation} ${data.resourceId}`);
        break;
      case 'decommission.succeeded':
        s.status = 'done';
        delete s.error;
        break;
      case 'decommission.failed':
        s.status = 'failed';
        s.error = data.error ?? { code: 'DecommissionFailed', message: msg.message };
        break;
      default:
        s.status = 'running';
        if (data.recoveryPointArn) s.recoveryPointArn = data.recoveryPointArn;
        s.latest = msg.message;
    }
    const state = { ...s, done: [...s.done] };
    await this.shown.show(() => decommissionProgressMessage(state));
  }
}
