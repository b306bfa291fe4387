export { createScanWorkflow, DEFAULT_FILE_SYSTEM_CONCURRENCY } from './scan-workflow.ts';
export type { ScanWorkflow, ScanWorkflowDeps, ScanRequest, RegionDone } from './scan-workflow.ts';
export { newScanId } from './scan-id.ts';
export { createKeyResolver, KEY_NOT_FOUND_STATE } from './key-resolver.ts';
export type { KeyInfo, KeyResolver, ReadError } from './key-resolver.ts';
export { readFileSystem } from './read-file-system.ts';
export { findScan } from './find-scan.ts';
