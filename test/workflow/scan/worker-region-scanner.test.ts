/**
 * Regions scanned on worker threads: the same inventory as on the main thread, call counts that
 * match what the estate answered, and a worker that dies failing only its own regions.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountClients, type AccountClients } from '../../../src/aws/account-clients.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import {
  estateAccounts,
  estateRegions,
  loadEstateFile,
  startEstateServer,
  type Estate,
  type EstateServer,
} from '../../../src/estate/index.ts';
import { SAMPLE_ESTATE_PATH } from '../../../src/estate/samples/index.ts';
import { RecordingIoHost } from '../../../src/workflow/io-host.ts';
import {
  createScanWorkflow,
  createWorkerRegionScanner,
  type WorkerRegionScanner,
} from '../../../src/workflow/scan/index.ts';
import type { ScanWorkerOptions } from '../../../src/workflow/scan/parallel/messages.ts';
import { InMemoryScanRepository } from '../../harness/fake-services.ts';
import { restoreEnv, useExampleCredentials } from '../../harness/sdk-env.ts';

const savedEnv = { ...process.env };
let estate: Estate;
let server: EstateServer | undefined;
let clients: AccountClients | undefined;
let workers: WorkerRegionScanner | undefined;

beforeAll(async () => {
  estate = await loadEstateFile(SAMPLE_ESTATE_PATH);
});

beforeEach(async () => {
  useExampleCredentials('us-east-1');
  // A frozen estate clock keeps lifecycle states still between the two scans compared.
  server = await startEstateServer({ estate, clock: new ManualClock(new Date()) });
  // Worker threads copy process.env when they start: set before the first scan.
  process.env.AWS_ENDPOINT_URL = server.endpoint;
});

afterEach(async () => {
  await workers?.close();
  clients?.destroy();
  await server?.close();
  workers = clients = server = undefined;
  restoreEnv(savedEnv);
});

function options(): ScanWorkerOptions {
  return {
    clients: {
      accounts: estateAccounts(estate),
      regions: estateRegions(estate),
      roleName: 'EfsEncryptRole',
      rateLimitPerSecond: 1000,
    },
    fileSystemConcurrency: 16,
  };
}

function workflowWith(parallel?: WorkerRegionScanner) {
  clients ??= createAccountClients(options().clients);
  const io = new RecordingIoHost();
  const scans = new InMemoryScanRepository();
  const workflow = createScanWorkflow({
    clientsFor: (a, r) => clients!.clientsFor(a, r),
    listTargets: () => clients!.listTargets(),
    scans,
    io,
    clock: new ManualClock(new Date()),
    concurrency: 8,
    ...(parallel ? { parallel: { scanner: parallel, minPairs: 1 } } : {}),
    callCounts: () => parallel?.callCounts() ?? clients!.stats.snapshot(),
  });
  return { workflow, io, scans };
}

describe('scan regions on worker threads', () => {
  it('gives the same inventory and failures as the main thread, counting every call the workers made', async () => {
    const here = await workflowWith().workflow.run();
    // Batches of 2: a pair's file systems cross from the workers in several messages, each stored
    // (and answered) before the next.
    workers = createWorkerRegionScanner({ workers: 2, worker: { ...options(), recordBatch: 2 } });
    server!.resetStats();
    const { workflow, io, scans } = workflowWith(workers);
    const there = await workflow.run();
    const batches = scans.writes.flatMap((w) => ('position' in w ? [w.fileSystems] : []));
    expect(batches.every((n) => n <= 2)).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(22);

    expect(there.fileSystems).toEqual(here.fileSystems);
    expect(there.failures).toEqual(here.failures);
    expect(there.fileSystems).toHaveLength(22);
    // Every account/region pair is reported as it finishes, as on the main thread.
    expect(io.messages.filter((m) => m.code === 'scan.region.done')).toHaveLength(8);
    expect(there.stats.apiCalls).toBe(server!.stats().calls);
    expect(Object.values(workers.byBucket()).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 30_000);

  it('fails the regions of a worker that dies, with the reason; a closed pool refuses work', async () => {
    workers = createWorkerRegionScanner({ workers: 1, worker: undefined as unknown as ScanWorkerOptions });
    const broken = await workflowWith(workers).workflow.run();
    expect(broken.fileSystems).toEqual([]);
    expect(broken.failures.length).toBeGreaterThan(0);
    expect(broken.failures[0]).toMatchObject({
      operation: 'ScanRegion',
      message: expect.stringMatching(/scan worker 0/),
    });
    await workers.close();
    await expect(workers.scan('210987654321', 'us-east-1', async () => undefined)).rejects.toThrow(
      'the scan workers are closed',
    );
  }, 30_000);
});
