import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { AccountClients } from '../aws/account-clients.ts';
import { lazyAccountClients } from '../aws/lazy-account-clients.ts';
import { addCallCounts } from '../aws/rate-limit.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import type { Estate, EstateServer, EstateTiming } from '../estate/index.ts';
import { openStore, type Store } from '../store/index.ts';
import type { IoHost } from '../workflow/io-host.ts';
import type { ConsumerDiscovery } from '../workflow/decommission/index.ts';
import type { ConsumerReport } from '../domain/consumers.ts';
import {
  createScanWorkflow,
  createWorkerRegionScanner,
  DEFAULT_FILE_SYSTEM_CONCURRENCY,
  MIN_PAIRS_FOR_WORKERS,
  type ScanWorkflow,
} from '../workflow/scan/index.ts';

/**
 * The composition root: builds the store, the AWS clients and the workflows from the configuration,
 * and, for the demo and rehearsals, an embedded local estate the real SDK clients are pointed at.
 */

/** The SDK services the bot calls; each is redirected to an embedded estate by its own variable. */
const ESTATE_SERVICES = [
  'EFS',
  'KMS',
  'EC2',
  'STS',
  'DATASYNC',
  'CLOUDWATCH',
  'ORGANIZATIONS',
  'ECS',
  'LAMBDA',
  'AUTO_SCALING',
  'BACKUP',
] as const;

export interface EstateChoice {
  /** An estate file to serve in this process. */
  file?: string;
  /** Serve the bundled sample estate. */
  demo?: boolean;
  latencyMs?: number;
  tps?: number;
  /** Throttle every Nth call per account, region and operation (reliability sweeps). */
  throttleEvery?: number;
  /** How long the estate's asynchronous work takes (tests and rehearsals pass scaleTiming(speed)). */
  timing?: Partial<EstateTiming>;
}

export interface Runtime {
  config: Config;
  store: Store;
  accounts: AccountClients;
  /** The embedded estate, when one was asked for. */
  estate?: { server: EstateServer; data: Estate; source: string };
  scanWorkflow(io: IoHost): ScanWorkflow;
  /**
   * Consumer discovery for the decommission guard (src/workflow/consumers), set where it is wired;
   * unset, decommission refuses ("consumer discovery is not available") instead of skipping the guard.
   */
  consumerDiscovery?: ConsumerDiscovery;
  /** The clock everything in this runtime runs on (a ManualClock in tests). */
  clock: Clock;
  logger: Logger;
  /** Runs `close` when the runtime closes, before what was opened earlier (the store, the estate). */
  onClose(close: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  config: Config;
  /** The process environment, which the SDK reads for endpoints and credentials. */
  env: Record<string, string | undefined>;
  logger: Logger;
  estate?: EstateChoice;
  clock?: Clock;
}

export async function openRuntime(options: OpenRuntimeOptions): Promise<Runtime> {
  const { config, env } = options;
  const clock = options.clock ?? systemClock;
  const closers: (() => Promise<void> | void)[] = [];
  try {
    let estate: Runtime['estate'];
    let accounts = config.aws.accounts;
    let regions = config.aws.regions;
    if (options.estate?.file || options.estate?.demo) {
      // Loaded only here: a run against real AWS never loads the estate (its models, schemas, server).
      const [{ estateAccounts, estateRegions, startEstateServer }, { SAMPLE_ESTATE_PATH }, { loadEstate }] =
        await Promise.all([
          import('../estate/index.ts'),
          import('../estate/samples/index.ts'),
          import('./estate-file.ts'),
        ]);
      const source = options.estate.file || SAMPLE_ESTATE_PATH;
      const data = await loadEstate(source);
      const server = await startEstateServer({
        estate: data,
        latencyMs: options.estate?.latencyMs,
        tps: options.estate?.tps,
        throttleEvery: options.estate?.throttleEvery,
        clock,
        ...(options.estate?.timing ? { timing: options.estate.timing } : {}),
      });
      closers.push(() => server.close());
      // The bot is not told it talks to a double: the SDK's own per-service endpoint variables do it.
      // Per service, not AWS_ENDPOINT_URL, so a real DynamoDB table keeps its real endpoint.
      for (const s of ESTATE_SERVICES) env[`AWS_ENDPOINT_URL_${s}`] = server.endpoint;
      env.AWS_ACCESS_KEY_ID ??= 'AKIDLOCALESTATE';
      env.AWS_SECRET_ACCESS_KEY ??= 'local-estate';
      env.AWS_REGION ??= estateRegions(data)[0] ?? 'us-east-1';
      if (accounts.length === 0 && !config.aws.organization) accounts = estateAccounts(data);
      if (regions.length === 0) regions = estateRegions(data);
      estate = { server, data, source };
      options.logger.info({ endpoint: server.endpoint, source }, 'local AWS estate serving');
    }

    const store = await openStore({
      tableName: config.store.tableName,
      dataDir: config.store.dataDir,
      clock,
    });
    closers.push(() => store.close());

    const clientOptions = {
      accounts,
      ...(config.aws.organization ? { organization: config.aws.organization } : {}),
      excludeAccounts: config.aws.excludeAccounts,
      roleName: config.aws.roleName,
      externalId: config.aws.externalId,
      regions,
      rateLimitPerSecond: config.aws.rateLimitPerSecond,
    };
    // Made on first use: commands that read the store only never load the AWS SDK's clients.
    const accountClients = lazyAccountClients({ ...clientOptions, clock });
    closers.push(() => accountClients.destroy());
    // Large scans on worker threads (started on first use). Workers run on real time, so a runtime
    // on an injected clock (tests) scans on this thread only.
    const workers =
      config.aws.scanWorkers > 1 && !options.clock
        ? createWorkerRegionScanner({
            workers: config.aws.scanWorkers,
            worker: { clients: clientOptions, fileSystemConcurrency: DEFAULT_FILE_SYSTEM_CONCURRENCY },
          })
        : undefined;
    if (workers) closers.push(() => workers.close());

    const runtime: Runtime = {
      config,
      store,
      accounts: accountClients,
      estate,
      // Where the adapters meet the scan's own ports (src/workflow/scan/ports.ts): src/aws and
      // src/store implement them structurally, and TypeScript checks the fit here.
      scanWorkflow: (io) =>
        createScanWorkflow({
          clientsFor: (a, r) => accountClients.clientsFor(a, r),
          listTargets: () => accountClients.listTargets(),
          scans: store.scans,
          io,
          clock,
          concurrency: config.aws.scanConcurrency,
          ...(workers ? { parallel: { scanner: workers, minPairs: MIN_PAIRS_FOR_WORKERS } } : {}),
          callCounts: () =>
            workers
              ? addCallCounts(accountClients.stats.snapshot(), workers.callCounts())
              : accountClients.stats.snapshot(),
        }),
      clock,
      logger: options.logger,
      onClose: (close) => void closers.push(close),
      close: () => closeAll(closers),
    };
    runtime.consumerDiscovery = lazyConsumerDiscovery(runtime, closers);
    return runtime;
  } catch (e) {
    await closeAll(closers);
    throw e;
  }
}

async function closeAll(closers: (() => Promise<void> | void)[]): Promise<void> {
  for (const close of closers.reverse()) await close();
  closers.length = 0;
}

/**
 * The decommission guard's discovery: asks ECS, Lambda, EC2 and Auto Scaling at the moment it is
 * called. Its clients are made on first use (a `status` never loads them), closed with the runtime.
 */
function lazyConsumerDiscovery(runtime: Runtime, closers: (() => Promise<void> | void)[]): ConsumerDiscovery {
  let opened: Promise<{ discovery: { discoverConsumers: OpenedDiscovery } }> | undefined;
  return {
    async discover(migrationId) {
      opened ??= import('./phases/consumers-phase.ts').then(({ openConsumerDiscovery }) => {
        const d = openConsumerDiscovery(runtime);
        closers.push(d.close);
        return d;
      });
      return (await opened).discovery.discoverConsumers(migrationId, { actor: 'decommission guard' });
    },
  };
}

type OpenedDiscovery = (migrationId: string, options: { actor: string }) => Promise<ConsumerReport>;
