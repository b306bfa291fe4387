import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../domain/clock.ts';
import type { JobRepository } from '../domain/job.ts';
import type { RunningScanRegistry } from '../domain/running-scan.ts';
import type { MigrationEventLog, MigrationRepository } from '../domain/migration.ts';
import type { CutoverRepository } from '../domain/cutover-records.ts';
import { DynamoCutoverRepository } from './cutover-repository.ts';
import { createDocumentClient } from './document-client.ts';
import type { EmbeddedConnection } from './embedded-connection.ts';
import { DynamoEventLog } from './event-log.ts';
import { DynamoConsumerReportRepository } from './consumer-report-repository.ts';
import { DynamoJobRepository } from './job-repository.ts';
import { DynamoMigrationRepository } from './migration-repository.ts';
import { DynamoRunningScanRegistry } from './running-scan-registry.ts';
import { DynamoRequestLedger } from './request-ledger.ts';
import type { RequestLedger } from '../domain/request-ledger.ts';
import type { WorkClaims } from '../domain/work-claim.ts';
import { DynamoWorkClaims } from './work-claims.ts';
import { DynamoScanRepository, type ScanRepositoryOptions } from './scan-repository.ts';
import { ensureTable } from './table.ts';
import { DynamoReportRepository } from './report-repository.ts';
import { DynamoDigestRepository } from './digest-repository.ts';
import { DynamoSignOffRepository } from './sign-off-repository.ts';

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
  scans: DynamoScanRepository;
  migrations: MigrationRepository;
  events: MigrationEventLog;
  /** The last consumer report of each migration. */
  consumers: DynamoConsumerReportRepository;
  /** Durable jobs (build, copy, cutover), leased by the job runner. */
  jobs: JobRepository;
  /** Scans running now on any replica, one claim per scope (a scan of a running scope joins it). */
  runningScans: RunningScanRegistry;
  /** Slack requests already handled, so a redelivery does its work once. */
  requests: RequestLedger;
  /** Work messages claimed by the Lambda worker, so a redelivered message runs once. */
  workClaims: WorkClaims;
  /** Cutover plans, approvals, per-consumer change records with their inverse, waivers. */
  cutovers: CutoverRepository;
  /** Validation reports (issue 16), each with the SHA-256 of its exports. */
  reports: DynamoReportRepository;
  /** Digests (issue 16 §3): scheduled slots claimed once across replicas, on-demand ones by ID. */
  digests: DynamoDigestRepository;
  /** Application sign-offs (issue 16 §2), append-only in each migration's partition. */
  signOffs: DynamoSignOffRepository;
  tableName: string;
  /** The embedded server's endpoint, when the store is embedded (this process's server or another's). */
  endpoint?: string;
  /**
   * Embedded with a data directory: `serving` when this process serves it, `connected` when
   * another process (`servedBy`) does.
   */
  embedded?: { role: 'serving' | 'connected'; servedBy: number };
  /** Stops the client and, if it was started here, the embedded server. */
  close(): Promise<void>;
}

/** The table the embedded server holds. */
export const EMBEDDED_TABLE_NAME = 'efs-encrypt';

/** Opens the state store: one code path whether the table is real or embedded. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  let embedded: EmbeddedConnection | undefined;
  let client: DynamoDBClient;
  let tableName: string;
  if (options.tableName) {
    tableName = options.tableName;
    client = new DynamoDBClient({ ...options.clientConfig });
  } else {
    // Loaded only here: with a real table, dynalite and its native LevelDB are never loaded.
    // Serves the data directory, or connects to the process that already serves it.
    const { connectEmbedded } = await import('./embedded-connection.ts');
    embedded = await connectEmbedded({ dataDir: options.dataDir });
    tableName = EMBEDDED_TABLE_NAME;
    client = embedded.client;
  }

  const close = async () => {
    if (embedded) await embedded.close();
    else client.destroy();
  };
  try {
    await ensureTable(client, tableName, { create: embedded !== undefined || options.createTable === true });
  } catch (e) {
    await close();
    throw e;
  }

  const store: Store = { ...createRepositories(client, tableName, options), tableName, close };
  const conn = embedded;
  if (conn)
    // Read at use: after a takeover the store is served elsewhere (or here).
    Object.defineProperties(store, {
      endpoint: { enumerable: true, get: () => conn.current.endpoint },
      embedded: {
        enumerable: true,
        get: () => ({ role: conn.current.role, servedBy: conn.current.servedBy }),
      },
    });
  return store;
}

/** The repositories over a client whose table exists; openStore's path, open to tests. */
export function createRepositories(
  client: DynamoDBClient,
  tableName: string,
  options: { clock?: Clock; scans?: ScanRepositoryOptions } = {},
): Pick<
  Store,
  | 'scans'
  | 'migrations'
  | 'events'
  | 'consumers'
  | 'jobs'
  | 'runningScans'
  | 'requests'
  | 'workClaims'
  | 'cutovers'
  | 'reports'
  | 'digests'
  | 'signOffs'
> {
  const clock = options.clock ?? systemClock;
  const doc = createDocumentClient(client);
  const events = new DynamoEventLog(doc, tableName, clock);
  return {
    scans: new DynamoScanRepository(doc, tableName, options.scans),
    migrations: new DynamoMigrationRepository(doc, tableName, events, clock),
    events,
    consumers: new DynamoConsumerReportRepository(doc, tableName),
    jobs: new DynamoJobRepository(doc, tableName, clock),
    runningScans: new DynamoRunningScanRegistry(doc, tableName),
    requests: new DynamoRequestLedger(doc, tableName, clock),
    workClaims: new DynamoWorkClaims(doc, tableName, clock),
    cutovers: new DynamoCutoverRepository(doc, tableName, events, clock),
    reports: new DynamoReportRepository(doc, tableName),
    digests: new DynamoDigestRepository(doc, tableName),
    signOffs: new DynamoSignOffRepository(doc, tableName, events),
  };
}
