import pLimit from 'p-limit';
import type { FileSystemDescription } from '@aws-sdk/client-efs';
import { AccountAccessError, summariseAwsError } from '../../aws/aws-errors.ts';
import type { FileSystemRecord, ScanFailure } from '../../domain/inventory.ts';
import { createKeyResolver } from './key-resolver.ts';
import type { ScanClients } from './ports.ts';
import { readFileSystem } from './read-file-system.ts';
import { readRegionDetails } from './region-details.ts';
import { batchedInterfaceGroups } from './interface-groups.ts';
import { inOrderBatches } from './in-order-batches.ts';

/**
 * One account and region of a scan: its file systems, handed to a sink in batches as they are read,
 * or the failure that stopped it. A port, so the scan workflow can run regions in this thread or
 * spread them over worker threads (parallel/worker-region-scanner.ts) without knowing which.
 * Outcomes and batches are plain data: they cross thread boundaries by structured clone.
 */
export type RegionOutcome =
  /** Every file system of the pair went to the sink (none: an empty region). */
  | { kind: 'scanned' }
  /** `accountBlocked`: the account itself cannot be entered (AssumeRole); its other regions will fail alike. */
  | { kind: 'failed'; failure: ScanFailure; accountBlocked: boolean };

/**
 * Receives a pair's file systems, ordered by file system ID across batches, one batch at a time:
 * the next batch is not handed on before this one's promise resolves. A sink that rejects ends the
 * pair's scan: `scan` rejects with its error.
 */
export type RecordSink = (records: FileSystemRecord[]) => Promise<void>;

export interface RegionScanner {
  scan(accountId: string, region: string, sink: RecordSink): Promise<RegionOutcome>;
}

/**
 * File systems per batch handed to the sink. Small enough that a region's unwritten records stay
 * a small part of it (a 100-file-system region holds at most this many plus those being read), large
 * enough that each batch is one store write of tens of KB rather than one per file system.
 */
export const DEFAULT_RECORD_BATCH = 25;

/** The scan's order within a pair (the stored order; the JSON output compares it byte for byte). */
const byFileSystemId = (a: FileSystemDescription, b: FileSystemDescription) =>
  (a.FileSystemId ?? '').localeCompare(b.FileSystemId ?? '');

export interface InProcessRegionScannerDeps {
  /** Clients for one account and region; throws AccountAccessError when the account cannot be entered. */
  clientsFor(accountId: string, region: string): Promise<ScanClients>;
  /** File systems read at once within one account and region; the rate limit paces the calls. */
  fileSystemConcurrency: number;
  /** File systems per batch handed to the sink (default DEFAULT_RECORD_BATCH). */
  recordBatch?: number;
}

const failed = (failure: ScanFailure, accountBlocked = false): RegionOutcome => ({
  kind: 'failed',
  failure,
  accountBlocked,
});

/** Scans a region with this thread's SDK clients. */
export function inProcessRegionScanner(deps: InProcessRegionScannerDeps): RegionScanner {
  return {
    async scan(accountId, region, sink) {
      let clients: ScanClients;
      try {
        clients = await deps.clientsFor(accountId, region);
      } catch (e) {
        if (e instanceof AccountAccessError)
          return failed({ accountId, operation: e.operation, code: e.awsCode, message: e.userMessage }, true);
        return failed({ accountId, region, operation: 'CreateClients', ...codeAndMessage(e) });
      }
      try {
        return await scanWith(clients, sink);
      } finally {
        // Read once per scan: a scan of many pairs need not keep every pair's clients to its end.
        clients.release?.();
      }
    },
  };

  async function scanWith(clients: ScanClients, sink: RecordSink): Promise<RegionOutcome> {
    const { accountId, region } = clients;
    let descriptions: FileSystemDescription[];
    try {
      descriptions = await clients.efs.listFileSystems();
    } catch (e) {
      return failed({ accountId, region, operation: 'DescribeFileSystems', ...codeAndMessage(e) });
    }

    // An empty region costs one call, not three. Not awaited here: the per-file-system reads
    // start now and only those that need the listings wait for them.
    const regionDetails = descriptions.length > 0 ? readRegionDetails(clients.efs) : undefined;
    const ctx = {
      accountId,
      region,
      efs: clients.efs,
      keys: createKeyResolver(clients.kms),
      regionDetails,
      ...(clients.ec2 ? { interfaceGroups: batchedInterfaceGroups(clients.ec2) } : {}),
    };
    const fsLimit = pLimit(deps.fileSystemConcurrency);
    let sinkError: { error: unknown } | undefined;
    const batches = inOrderBatches<FileSystemRecord>(
      descriptions.length,
      deps.recordBatch ?? DEFAULT_RECORD_BATCH,
      (records) =>
        sink(records).catch((error: unknown) => {
          sinkError ??= { error };
          // Nothing more of this region can be stored: read no more of it.
          fsLimit.clearQueue();
          throw error;
        }),
    );
    try {
      // Read in the stored order, so each batch is handed on as soon as its file systems are read.
      // Emptied as it is handed out: each description is then held only until its file system is
      // read, not until the whole region is (a scan of 10,000 kept every one alive to the end).
      await Promise.all(
        descriptions
          .splice(0)
          .sort(byFileSystemId)
          .map((d, i) =>
            fsLimit(async () => {
              await clients.whenCallsFlow?.();
              return batches.put(i, await readFileSystem(ctx, d));
            }),
          ),
      );
      await batches.end();
      return { kind: 'scanned' };
    } catch (e) {
      // The sink's own failure (the store refused a write) is the caller's to handle.
      if (sinkError) throw sinkError.error;
      // readFileSystem notes AWS failures per record; reaching here is a bug, still not fatal.
      return failed({ accountId, region, operation: 'ReadFileSystems', ...codeAndMessage(e) });
    }
  }
}

export function codeAndMessage(e: unknown): { code: string; message: string } {
  const s = summariseAwsError(e);
  return { code: s.code, message: s.message };
}
