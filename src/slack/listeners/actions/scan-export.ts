import { exportScanInventory } from '../../scan-export.ts';
import type { ListenerDeps } from '../deps.ts';
import { buildButton } from './build-action.ts';

/** Export CSV + JSON on a scan summary: that scan's inventory as files in the summary's thread. */
export function scanExportAction(deps: ListenerDeps) {
  return buildButton(deps, 'Export', async ({ target, value }) => {
    await exportScanInventory(deps, target, value || undefined);
  });
}
