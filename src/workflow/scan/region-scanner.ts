import pLimit from 'p-limit';
import type { FileSystemDescription } from '@aws-sdk/client-efs';
import { AccountAccessError, summariseAwsError } from '../../aws/aws-errors.ts';
import type { FileSystemRecord, ScanFailure } from '../../domain/inventory.ts';
import { createKeyResolver } from './key-resolver.ts';
import type { ScanClients } from './ports.ts';
import { readFileSystem } from './read-file-system.ts';
import { readRegionDetails } from './region-details.ts';
import { batchedInterfaceGroups } from './interface-groups.ts';

/**
 * One account and region of a scan: its file systems, or the failure that stopped it. A port, so
 * the scan workflow can run regions in this thread or spread them over worker threads
 * (parallel/worker-region-scanner.ts) without knowing which. Outcomes are plain data: they cross
 * thread boundaries by structured clone.
 */
export type RegionOutcome =
  | { kind: 'scanned'; records: FileSystemRecord[] }
  /** `accountBlocked`: the account itself cannot be entered (AssumeRole); its other regions will fail alike. */
  | { kind: 'failed'; failure: ScanFailure; accountBlocked: boolean };

export interface RegionScanner {
  scan(accountId: string, region: string): Promise<RegionOutcome>;
}

export interface InProcessRegionScannerDeps {
  /** Clients for one account and region; throws AccountAccessError when the account cannot be entered. */
  clientsFor(accountId: string, region: string): Promise<ScanClients>;
  /** File systems read at once within one account and region; the rate limit paces the calls. */
  fileSystemConcurrency: number;
}

/** Scans a region with this thread's SDK clients. */
export function inProcessRegionScanner(deps: InProcessRegionScannerDeps): RegionScanner {
  return {
    async scan(accountId, region) {
      const failed = (failure: ScanFailure, accountBlocked = false): RegionOutcome => ({
        kind: 'failed',
        failure,
        accountBlocked,
      });
      let clients: ScanClients;
      try {
        clients = await deps.clientsFor(accountId, region);
      } catch (e) {
        if (e instanceof AccountAccessError)
          return failed({ accountId, operation: e.operation, code: e.awsCode, message: e.userMessage }, true);
        return failed({ accountId, region, operation: 'CreateClients', ...codeAndMessage(e) });
      }

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
      try {
        // Emptied as it is handed out: each description is then held only until its file system is
        // read, not until the whole region is (a scan of 10,000 kept every one alive to the end).
        const records = await Promise.all(
          descriptions.splice(0).map((d) => fsLimit(() => readFileSystem(ctx, d))),
        );
        return { kind: 'scanned', records };
      } catch (e) {
        // readFileSystem notes AWS failures per record; reaching here is a bug, still not fatal.
        return failed({ accountId, region, operation: 'ReadFileSystems', ...codeAndMessage(e) });
      }
    },
  };
}

export function codeAndMessage(e: unknown): { code: string; message: string } {
  const s = summariseAwsError(e);
  return { code: s.code, message: s.message };
}
