import { exportScanInventory } from '../../scan-export.ts';
import type { ListenerDeps } from '../deps.ts';
import type { CommandRequest } from './command-work.ts';

/**
 * `/efs-encrypt export [scan-id]` after the ack (here or on the worker): uploads can take longer
 * than Slack waits for a response. The export checks who may itself.
 */
export async function runExportCommand(deps: ListenerDeps, req: CommandRequest): Promise<void> {
  await exportScanInventory(
    deps,
    { client: req.client, userId: req.userId, channel: req.channelId, correlationId: req.correlationId },
    req.args[0],
  );
}
