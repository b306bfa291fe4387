/**
 * Issue 3's benchmark, in process (not what users run: no process start, store or output, a
 * hand-tuned concurrency and warm worker threads; scan-command.bench.ts runs the real command).
 * It scans a generated estate of 1,000 file systems over 5 accounts and 20 regions,
 * 20 ms latency per call, 10 calls/s per account, region and operation (enforced by the estate, as AWS
 * would, and paced by the bot's own limiter). Target: within 1.5× of the floor the rate limits set,
 * and no scan failure from throttling.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createAccountClients } from '../src/aws/account-clients.ts';
import { systemClock } from '../src/domain/clock.ts';
import { silentIoHost } from '../src/workflow/io-host.ts';
import type { ScanRepository, ScanWriter } from '../src/workflow/scan/ports.ts';
import {
  createScanWorkflow,
  createWorkerRegionScanner,
  DEFAULT_FILE_SYSTEM_CONCURRENCY,
  MIN_PAIRS_FOR_WORKERS,
} from '../src/workflow/scan/index.ts';
import { defaultScanWorkers } from '../src/config.ts';
import { addCallCounts } from '../src/aws/rate-limit.ts';
import type { ScanRecord } from '../src/domain/inventory.ts';
import { trackPeakMemory } from './memory.ts';
import type { BenchResult } from './run.ts';

const SHAPE = { accounts: 5, regions: 20, fileSystems: 1000, seed: 42, latencyMs: 20, tps: 10 };
const RATE = 10;
/** The bot's default client-side burst (src/aws/account-clients.ts): calls evenly spaced. */
const BURST = 1;
const RUNS = 3;
const WORKERS = Number(process.env.BENCH_WORKERS ?? defaultScanWorkers());

function addBuckets(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function request<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (msg: { type: string } & T) => {
      if (msg.type === type) {
        child.off('message', onMessage);
        resolve(msg);
      }
    };
    child.on('message', onMessage);
    if (type !== 'ready') child.send({ type });
  });
}

/** Keeps the last scan in memory: the benchmark measures the scan, not the store. */
class LastScan implements ScanRepository {
  last?: ScanRecord;
  beginScan(scanId: string): ScanWriter {
    const parts: ScanRecord['fileSystems'][] = [];
    return {
      writeFileSystems: async (position, records) => void (parts[position] = records),
      finish: async ({ failures, stats, ...head }) =>
        void (this.last = { ...head, scanId, fileSystems: parts.flat(), failures, stats }),
      abandon: async () => {},
    };
  }
  async saveScan(scan: ScanRecord) {
    this.last = scan;
  }
  async getScan() {
    return this.last;
  }
  async getLatestScan() {
    return this.last;
  }
  async listScans() {
    return [];
  }
}

export async function run(): Promise<BenchResult> {
  const child = fork(
    fileURLToPath(new URL('./estate-process.ts', import.meta.url)),
    [JSON.stringify(SHAPE)],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const { endpoint } = await request<{ endpoint: string }>(child, 'ready');
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  try {
    const { generateEstate, GENERATED_REGIONS } = await import('../src/estate/generate.ts');
    const estate = generateEstate(SHAPE);
    const accounts = estate.accounts.map((a) => a.accountId);
    const regions = GENERATED_REGIONS.slice(0, SHAPE.regions);

    const clientOptions = { accounts, roleName: 'EfsEncryptRole', regions, rateLimitPerSecond: RATE };
    const clients = createAccountClients(clientOptions);
    // The bot's defaults: worker threads for scans of MIN_PAIRS_FOR_WORKERS pairs or more.
    // Made even when unused (WORKERS ≤ 1, the default below 4 cores): it starts no thread until a scan asks.
    const workers = createWorkerRegionScanner({
      workers: Math.max(1, WORKERS),
      worker: { clients: clientOptions, fileSystemConcurrency: DEFAULT_FILE_SYSTEM_CONCURRENCY },
    });
    const scans = new LastScan();
    const workflow = createScanWorkflow({
      clientsFor: (a, r) => clients.clientsFor(a, r),
      listTargets: () => clients.listTargets(),
      scans,
      io: silentIoHost,
      clock: systemClock,
      // Every account × region at once: the rate limits, not the fan-out, should set the pace.
      concurrency: accounts.length * regions.length,
      ...(WORKERS > 1 ? { parallel: { scanner: workers, minPairs: MIN_PAIRS_FOR_WORKERS } } : {}),
      callCounts: () => addCallCounts(clients.stats.snapshot(), workers.callCounts()),
    });
    const byBucket = () => addBuckets(clients.stats.byBucket(), workers.byBucket());

    // Warm-up: module loading, JIT and credentials are start-up costs, not the scan's.
    await workflow.run();
    const memory = trackPeakMemory();
    const runs: {
      wallMs: number;
      cpuMs: number;
      scan: ScanRecord;
      buckets: Record<string, number>;
      operations: Record<string, number>;
      server: { calls: number; throttles: number; cpuMs: number };
    }[] = [];
    for (let i = 0; i < RUNS; i++) {
      await request(child, 'reset');
      const before = byBucket();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const scan = await workflow.run();
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const after = byBucket();
      const buckets = Object.fromEntries(Object.entries(after).map(([b, n]) => [b, n - (before[b] ?? 0)]));
      const { stats: server } = await request<{ stats: { calls: number; throttles: number; cpuMs: number } }>(
        child,
        'stats',
      );
      const operations: Record<string, number> = {};
      for (const [bucket, n] of Object.entries(buckets)) {
        const op = bucket.split('/').at(-1)!;
        operations[op] = (operations[op] ?? 0) + n;
      }
      runs.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, scan, buckets, operations, server });
    }
    const peak = memory.stop();
    clients.destroy();
    await workers.close();
    // The median run by wall time: one slow run on a shared 2-core machine is not the scan's speed.
    const median = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(RUNS / 2)]!;
    const { scan, wallMs, server } = median;

    // The floor the rate limits set: the busiest (account, region, operation) bucket's calls at 10/s.
    // Also shown: the stricter floor that credits the bucket's initial burst.
    const [busiestBucket, busiestCalls] = Object.entries(median.buckets).sort((a, b) => b[1] - a[1])[0] ?? [
      '',
      0,
    ];
    const floorMs = (busiestCalls / RATE) * 1000;
    const burstFloorMs = (Math.max(0, busiestCalls - BURST) / RATE) * 1000 + SHAPE.latencyMs;
    const ratio = wallMs / floorMs;
    const throttleFailures = runs
      .flatMap((r) => r.scan.failures)
      .filter((f) => /Throttl|RequestLimitExceeded/.test(f.code)).length;
    const throttledRecords = runs
      .flatMap((r) => r.scan.fileSystems)
      .filter((f) => f.errors.some((e) => /Throttl|RequestLimitExceeded/.test(e.code))).length;

    return {
      // What users wait for (process start, store, output) is in scan-command.bench.ts.
      name: 'scan in process (not what users run): 1,000 file systems, 5 accounts × 20 regions, 20 ms latency, 10 calls/s per account/region/operation, warm workers, concurrency = all pairs',
      figures: {
        'file systems found': scan.fileSystems.length,
        'wall time (median of 3)': `${(wallMs / 1000).toFixed(2)} s (runs: ${runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ')} s)`,
        'API calls (client attempts)': scan.stats.apiCalls,
        'API calls (answered by the estate)': server.calls,
        'throttles hit': `${server.throttles} (all runs: ${runs.reduce((n, r) => n + r.server.throttles, 0)})`,
        'busiest bucket': `${busiestBucket}: ${busiestCalls} calls`,
        'rate-limit floor': `${(floorMs / 1000).toFixed(2)} s (busiest bucket's calls / ${RATE} per s)`,
        'wall / floor': ratio.toFixed(2),
        'wall / burst-adjusted floor': `${(wallMs / burstFloorMs).toFixed(2)} (floor ${(burstFloorMs / 1000).toFixed(2)} s: (calls − burst ${BURST}) / ${RATE} per s + ${SHAPE.latencyMs} ms)`,
        'scan threads':
          WORKERS > 1
            ? `${WORKERS} worker threads (EFS_ENCRYPT_SCAN_WORKERS default)`
            : 'the main thread only',
        'bot CPU time': `${(median.cpuMs / 1000).toFixed(2)} s, all threads (CPU / wall ${(median.cpuMs / wallMs).toFixed(2)})`,
        'calls by operation (median run)': Object.entries(median.operations)
          .sort((a, b) => b[1] - a[1])
          .map(([op, n]) => `${op} ${n}`)
          .join(', '),
        'estate CPU time': `${(server.cpuMs / 1000).toFixed(2)} s (its own process; CPU / wall ${(server.cpuMs / wallMs).toFixed(2)})`,
        'scan failures': runs.reduce((n, r) => n + r.scan.failures.length, 0),
        'peak RSS': `${peak.peakRssMiB} MiB`,
        'peak heap': `${peak.peakHeapMiB} MiB`,
      },
      targets: [
        {
          description: 'in process (not what users run): within 1.5× of the rate-limit floor',
          met: ratio <= 1.5,
        },
        {
          description: 'no scan failure or incomplete record from throttling (all runs)',
          met: throttleFailures === 0 && throttledRecords === 0,
        },
        { description: 'every file system found', met: scan.fileSystems.length === SHAPE.fileSystems },
      ],
    };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    child.send({ type: 'close' });
  }
}
