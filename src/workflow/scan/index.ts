export { createScanWorkflow, DEFAULT_FILE_SYSTEM_CONCURRENCY } from './scan-workflow.ts';
export type { ScanWorkflow, ScanWorkflowDeps, ScanRequest, RegionDone } from './scan-workflow.ts';
export { newScanId } from './scan-id.ts';
export { createKeyResolver, KEY_NOT_FOUND_STATE } from './key-resolver.ts';
export type { KeyInfo, KeyResolver, ReadError } from './key-resolver.ts';
export { readFileSystem, toMountTargetRecord } from './read-file-system.ts';
export { findScan, findStoredScan } from './find-scan.ts';
export { inProcessRegionScanner } from './region-scanner.ts';
export type { RegionOutcome, RegionScanner } from './region-scanner.ts';
export { createWorkerRegionScanner } from './parallel/worker-region-scanner.ts';
export type { WorkerRegionScanner } from './parallel/worker-region-scanner.ts';
export { MIN_PAIRS_FOR_WORKERS } from '../../domain/scan-scope.ts';
export type {
  ScanClients,
  ScanEfs,
  ScanKms,
  ScanRepository,
  ScanStreams,
  ScanSummary,
  ScanTargets,
  ScanWriter,
  StoredScan,
} from './ports.ts';
