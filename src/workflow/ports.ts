import type { ScanRecord } from '../domain/inventory.ts';

/**
 * The narrow interfaces the workflows depend on, injected at construction
 * (as temporalio/samples-typescript `createActivities(deps)` does). The store implements the
 * repositories; tests may pass in-memory fakes of the same interfaces.
 */

/** Where scans are kept. The store splits large scans across items (400 KB limit). */
export interface ScanRepository {
  saveScan(scan: ScanRecord): Promise<void>;
  getScan(scanId: string): Promise<ScanRecord | undefined>;
  /** The most recent finished scan, if any. */
  getLatestScan(): Promise<ScanRecord | undefined>;
  /** Newest first, without their file systems (cheap listing). */
  listScans(limit?: number): Promise<Omit<ScanRecord, 'fileSystems'>[]>;
}
