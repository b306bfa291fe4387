import type { AccountClientsOptions } from '../../../aws/account-clients.ts';
import type { CallCounts } from '../../../aws/rate-limit.ts';
import type { RegionOutcome } from '../region-scanner.ts';

/** What a scan worker is started with: plain data (it crosses to the worker by structured clone). */
export interface ScanWorkerOptions {
  clients: Omit<AccountClientsOptions, 'clock' | 'sleep' | 'clientOverrides'>;
  fileSystemConcurrency: number;
}

export type ToScanWorker = { type: 'scan'; id: number; accountId: string; region: string };

/** The worker's running totals travel with every answer; the pool keeps the latest per worker. */
export interface ScanWorkerStats {
  counts: CallCounts;
  byBucket: Record<string, number>;
}

export type FromScanWorker =
  | { type: 'result'; id: number; outcome: RegionOutcome; stats: ScanWorkerStats }
  | { type: 'error'; id: number; message: string; stats: ScanWorkerStats };
