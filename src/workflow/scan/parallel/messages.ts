import type { AccountClientsOptions } from '../../../aws/account-clients.ts';
import type { CallCounts } from '../../../aws/rate-limit.ts';
import type { FileSystemRecord } from '../../../domain/inventory.ts';
import type { RegionOutcome } from '../region-scanner.ts';

/** What a scan worker is started with: plain data (it crosses to the worker by structured clone). */
export interface ScanWorkerOptions {
  clients: Omit<AccountClientsOptions, 'clock' | 'sleep' | 'clientOverrides'>;
  fileSystemConcurrency: number;
  /** File systems per batch handed back to the pool (default: the scanner's). */
  recordBatch?: number;
}

export type ToScanWorker =
  | { type: 'scan'; id: number; accountId: string; region: string }
  /** The pool stored the pair's batch `batch`: the worker may hand on the next. */
  | { type: 'stored'; id: number; batch: number }
  /** The pool could not store a batch: the worker stops that pair. */
  | { type: 'refused'; id: number; batch: number; message: string };

/** The worker's running totals travel with every answer; the pool keeps the latest per worker. */
export interface ScanWorkerStats {
  counts: CallCounts;
  byBucket: Record<string, number>;
}

export type FromScanWorker =
  /** A batch of the pair's file systems, numbered from 0; answered by `stored` or `refused`. */
  | { type: 'records'; id: number; batch: number; records: FileSystemRecord[] }
  | { type: 'result'; id: number; outcome: RegionOutcome; stats: ScanWorkerStats }
  | { type: 'error'; id: number; message: string; stats: ScanWorkerStats };
