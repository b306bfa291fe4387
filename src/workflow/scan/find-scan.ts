import { BadInputError } from '../../domain/errors.ts';
import type { ScanRecord } from '../../domain/inventory.ts';
import type { ScanRepository, ScanStreams, StoredScan } from './ports.ts';

/** The named scan, or the latest; a clear BadInputError saying what to do when there is none. */
export async function findScan(
  scans: Pick<ScanRepository, 'getScan' | 'getLatestScan'>,
  scanId?: string,
): Promise<ScanRecord> {
  const scan = scanId ? await scans.getScan(scanId) : await scans.getLatestScan();
  if (!scan)
    throw new BadInputError(
      scanId
        ? `Scan ${scanId} was not found. Use the ID from a scan summary, or run a new scan.`
        : 'There is no finished scan yet. Run a scan first.',
    );
  return scan;
}

/** findScan, streamed: the summary at once, the file systems read as they are consumed. */
export async function findStoredScan(scans: ScanStreams, scanId?: string): Promise<StoredScan> {
  const scan = scanId ? await scans.openScan(scanId) : await scans.openLatestScan();
  if (!scan)
    throw new BadInputError(
      scanId
        ? `Scan ${scanId} was not found. Use the ID from a scan summary, or run a new scan.`
        : 'There is no finished scan yet. Run a scan first.',
    );
  return scan;
}
