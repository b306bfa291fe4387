import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../domain/clock.ts';
import type { JobRepository } from '../domain/job.ts';
import type { MigrationEventLog, MigrationRepository } from '../domain/migration.ts';
import type { ScanRepository } from '../workflow/ports.ts';
import { createDocumentClient } from './document-client.ts';
import type { EmbeddedDynamoDb } from './embedded-dynamodb.ts';
import { DynamoEventLog } from './event-log.ts';
import { DynamoJobRepository } from './job-repository.ts';
import { DynamoMigrationRepository } from './migration-repository.ts';
import { DynamoScanRepository, type ScanRepositoryOptions } from './scan-repository.ts';
import { ensureTable } from './table.ts';

export interface OpenStoreOptions {
  /** A real table (config EFS_ENCRYPT_TABLE); unset starts the embedded server. */
  tableName?: string;
  /** Where the embedded server persists (config EFS_ENCRYPT_DATA_DIR); unset keeps it in memory. */
  dataDir?: string;
  clock?: Clock;
  /**
   * Extra SDK client settings for a real table (tests pass a local endpoint and credentials).
   * Without them the SDK's own chain applies, AWS_ENDPOINT_URL_DYNAMODB included.
   */
  clientConfig?: DynamoDBClientConfig;
  /** Create a missing real table (default false: in AWS, infra/ owns it). */
  createTable?: boolean;
  scans?: ScanRepositoryOptions;
}

export interface Store {
  scans: ScanRepository;
  migrations: MigrationRepository;
  events: MigrationEventLog;
  /** Durable jobs (build, copy, cutover), leased by the job runner. */
  jobs: JobRepository;
  tableName: string;
  /** The embedded server's endpoint, when one was started. */
  endpoint?: string;
  /** Stops the client and, if it was started here, the embedded server. */
  close(): Promise<void>;
}

/** The table the embedded server holds; the server belongs to this process alone. */
export const EMBEDDED_TABLE_NAME = 'efs-encrypt';

/** Opens the state store: one code path whether the table is real or embedded. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  let embedded: EmbeddedDynamoDb | undefined;
  let client: DynamoDBClient;
  let tableName: string;
  if (options.tableName) {
    tableName = options.tableName;
    client = new DynamoDBClient({ ...options.clientConfig });
  } else {
    // Loaded only here: with a real table, dynalite and its native LevelDB are never loaded.
    const { startEmbeddedDynamoDb } = await import('./embedded-dynamodb.ts');
    embedded = await startEmbeddedDynamoDb({ dataDir: options.dataDir });
    tableName = EMBEDDED_TABLE_NAME;
    // The embedded server checks that requests are signed, not by whom; any static keys do.
    client = new DynamoDBClient({
      endpoint: embedded.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
      maxAttempts: 2,
      // Fail rather than hang if the embedded server stops answering.
      requestHandler: { requestTimeout: 30_000 },
    });
  }

  const close = async () => {
    client.destroy();
    await embedded?.close();
  };
  try {
    await ensureTable(client, tableName, { create: embedded !== undefined || options.createTable === true });
  } catch (e) {
    await close();
    throw e;
  }

  return {
    ...createRepositories(client, tableName, options),
    tableName,
    endpoint: embedded?.endpoint,
    close,
  };
}

/** The repositories over a client whose table exists; openStore's path, open to tests. */
export function createRepositories(
  client: DynamoDBClient,
  tableName: string,
  options: { clock?: Clock; scans?: ScanRepositoryOptions } = {},
): Pick<Store, 'scans' | 'migrations' | 'events' | 'jobs'> {
  const clock = options.clock ?? systemClock;
  const doc = createDocumentClient(client);
  const events = new DynamoEventLog(doc, tableName, clock);
  return {
    scans: new DynamoScanRepository(doc, tableName, options.scans),
    migrations: new DynamoMigrationRepository(doc, tableName, events, clock),
    events,
    jobs: new DynamoJobRepository(doc, tableName, clock),
  };
}
