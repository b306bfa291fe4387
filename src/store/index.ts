/** The state store's public surface; the rest of src/store/ is its inside. */
export {
  openStore,
  createRepositories,
  EMBEDDED_TABLE_NAME,
  type OpenStoreOptions,
  type Store,
} from './open-store.ts';
export {
  startEmbeddedDynamoDb,
  EmbeddedStoreError,
  type EmbeddedDynamoDb,
  type EmbeddedDynamoDbOptions,
} from './embedded-dynamodb.ts';
export { ensureTable, TableSetupError, GSI1, type EnsureTableOptions } from './table.ts';
export {
  ScanDataInconsistentError,
  type ScanRepositoryOptions,
  type StoredScan,
  type StoreScanWriter,
} from './scan-repository.ts';
export { ScanWriteIncompleteError } from './scan-parts.ts';
export { ItemTooLargeError } from './item-size.ts';
export { DynamoJobRepository } from './job-repository.ts';
export { DynamoCutoverRepository } from './cutover-repository.ts';
export { ReportDataInconsistentError } from './report-repository.ts';
