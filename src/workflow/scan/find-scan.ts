import { BadInputError } from '../../domain/errors.ts';
import type { ScanRecord } from '../../domain/inventory.ts';
import type { ScanRepository } from './ports.ts';

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
