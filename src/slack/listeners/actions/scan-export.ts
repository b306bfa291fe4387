import { exportScanInventory } from '../../scan-export.ts';
import type { ListenerDeps } from '../deps.ts';
import { parseOptionalScanId } from '../../payload-ids.ts';
import { backgroundButton } from '../../background-button.ts';

/** Export CSV + JSON on a scan summary: that scan's inventory as files in the summary's thread. */
export function scanExportAction(deps: ListenerDeps) {
  return backgroundButton(deps, 'Export', async ({ target, value }) => {
    await exportScanInventory(deps, target, parseOptionalScanId(value));
  });
}
