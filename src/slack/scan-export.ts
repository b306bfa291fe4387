import { humanBytes, plural } from '#blocks/format.ts';
import { inventoryCsv, inventoryJson } from '../domain/inventory-export.ts';
import { findScan } from '../workflow/scan/index.ts';
import type { BuildTarget } from './build-in-thread.ts';
import type { ListenerDeps } from './listeners/deps.ts';

/** Where an export goes: a channel, and the scan summary's thread when it came from its button. */
export type ExportTarget = Omit<BuildTarget, 'threadTs'> & { threadTs?: string };

/**
 * Export: the stored inventory of one scan (default: the latest) uploaded as two files, a CSV
 * for spreadsheets and the full JSON record (what `efs-encrypt scan --csv` / `--json` print).
 * Reads the store only; open to everyone, as the scan itself is. Returns the file names.
 */
export async function exportScanInventory(
  deps: Pick<ListenerDeps, 'services' | 'authorizer' | 'logger'>,
  target: ExportTarget,
  scanId?: string,
): Promise<string[]> {
  await deps.authorizer.authorize(target.userId, 'export');
  const scan = await findScan(deps.services.scans, scanId);
  const base = `efs-inventory-${scan.scanId}`;
  const files = [
    {
      filename: `${base}.csv`,
      title: `Inventory ${scan.scanId} (CSV)`,
      content: inventoryCsv(scan.fileSystems),
    },
    { filename: `${base}.json`, title: `Inventory ${scan.scanId} (JSON)`, content: inventoryJson(scan) },
  ];
  const size = scan.fileSystems.reduce((n, f) => n + f.sizeInBytes, 0);
  await target.client.filesUploadV2({
    channel_id: target.channel,
    ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    initial_comment:
      `<@${target.userId}> exported scan \`${scan.scanId}\` (finished ${scan.finishedAt}): ` +
      `${plural(scan.fileSystems.length, 'file system')} (${humanBytes(size)}), ` +
      `${scan.stats.unencrypted} unencrypted, ${plural(scan.failures.length, 'failure')}. ` +
      'CSV: one row per file system; JSON: the full stored record with AWS field names.',
    file_uploads: files,
  });
  deps.logger.info(
    { correlationId: target.correlationId, userId: target.userId, scanId: scan.scanId, files: files.length },
    'inventory exported',
  );
  return files.map((f) => f.filename);
}
