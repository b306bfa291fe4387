import { Worker } from 'node:worker_threads';
import { addCallCounts, type CallCounts } from '../../../aws/rate-limit.ts';
import { InternalError } from '../../../domain/errors.ts';
import type { RecordSink, RegionOutcome, RegionScanner } from '../region-scanner.ts';
import type { FromScanWorker, ScanWorkerOptions, ScanWorkerStats, ToScanWorker } from './messages.ts';

/**
 * Account/region pairs scanned on worker threads. The scan is CPU-bound in the AWS SDK (about
 * 0.4 ms of signing, serialising and parsing per call, thousands of calls), so one thread caps it
 * at one core; workers spread it over the machine's cores. Each pair always goes to the same
 * worker (a hash of account and region), so every rate-limit bucket lives in one thread. Workers
 * start on first use, keep the process alive only while they have work, and are restarted if one
 * dies (its pending regions fail with the reason; the scan goes on).
 */
export interface WorkerRegionScanner extends RegionScanner {
  /** Attempts and throttles of every call the workers made. */
  callCounts(): CallCounts;
  /** Attempts per rate-limit bucket (`<account>/<region>/<operation>`), summed over the workers. */
  byBucket(): Record<string, number>;
  close(): Promise<void>;
}

export interface WorkerRegionScannerOptions {
  workers: number;
  worker: ScanWorkerOptions;
}

const ENTRY = new URL('./scan-worker-entry.js', import.meta.url);

/**
 * A worker's young generation, in MB. V8's default (3 × 16 MB semi-spaces) is sized for
 * throughput; a scan worker's garbage is short-lived SDK requests and responses, and the small
 * generation kept a worker's resident set about 60 MB lower on the 1,000-file-system bench
 * (issue 19) for more, shorter scavenges.
 */
const WORKER_YOUNG_GENERATION_MB = 6;

interface Slot {
  worker?: Worker;
  pending: Map<number, { sink: RecordSink; resolve(o: RegionOutcome): void; reject(e: Error): void }>;
  /** The latest totals from this slot's current worker, and those of the workers before it. */
  stats: ScanWorkerStats;
  retired: ScanWorkerStats;
}

const emptyStats = (): ScanWorkerStats => ({ counts: { apiCalls: 0, throttles: 0 }, byBucket: {} });

function addStats(into: ScanWorkerStats, s: ScanWorkerStats): void {
  into.counts = addCallCounts(into.counts, s.counts);
  for (const [b, n] of Object.entries(s.byBucket)) into.byBucket[b] = (into.byBucket[b] ?? 0) + n;
}

/** FNV-1a: a stable, well-spread pair → worker mapping. */
function slotOf(accountId: string, region: string, slots: number): number {
  let h = 0x811c9dc5;
  for (const c of `${accountId}/${region}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return (h >>> 0) % slots;
}

export function createWorkerRegionScanner(options: WorkerRegionScannerOptions): WorkerRegionScanner {
  if (!(options.workers >= 1)) throw new RangeError(`workers must be at least 1, got ${options.workers}`);
  const slots: Slot[] = Array.from({ length: options.workers }, () => ({
    pending: new Map(),
    stats: emptyStats(),
    retired: emptyStats(),
  }));
  let nextId = 1;
  let closed = false;

  function stop(slot: Slot, reason: Error): void {
    const worker = slot.worker;
    if (!worker) return;
    slot.worker = undefined;
    addStats(slot.retired, slot.stats);
    slot.stats = emptyStats();
    for (const p of slot.pending.values()) p.reject(reason);
    slot.pending.clear();
    void worker.terminate();
  }

  function workerOf(slot: Slot, index: number): Worker {
    if (slot.worker) return slot.worker;
    const worker = new Worker(ENTRY, {
      workerData: options.worker,
      name: `efs-encrypt scan ${index}`,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (msg: FromScanWorker) => {
      const p = slot.pending.get(msg.id);
      if (msg.type === 'records') {
        // Stored here (the store lives in this thread), then answered: the worker waits for it.
        const { id, batch } = msg;
        if (!p) return;
        p.sink(msg.records).then(
          () => worker.postMessage({ type: 'stored', id, batch } satisfies ToScanWorker),
          (e: unknown) =>
            worker.postMessage({
              type: 'refused',
              id,
              batch,
              message: e instanceof Error ? e.message : String(e),
            } satisfies ToScanWorker),
        );
        return;
      }
      slot.stats = msg.stats;
      if (!p) return;
      slot.pending.delete(msg.id);
      if (slot.pending.size === 0) worker.unref();
      if (msg.type === 'result') p.resolve(msg.outcome);
      else p.reject(new InternalError(`a scan worker failed: ${msg.message}`));
    });
    worker.on('error', (e) =>
      stop(slot, new InternalError(`scan worker ${index} failed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', (code) => {
      if (slot.worker === worker)
        stop(slot, new InternalError(`scan worker ${index} stopped (exit code ${code})`));
    });
    slot.worker = worker;
    return worker;
  }

  const total = (): ScanWorkerStats => {
    const sum = emptyStats();
    for (const s of slots) {
      addStats(sum, s.retired);
      addStats(sum, s.stats);
    }
    return sum;
  };

  return {
    scan(accountId, region, sink) {
      if (closed) return Promise.reject(new InternalError('the scan workers are closed'));
      const index = slotOf(accountId, region, slots.length);
      const slot = slots[index]!;
      const worker = workerOf(slot, index);
      const id = nextId++;
      return new Promise<RegionOutcome>((resolve, reject) => {
        slot.pending.set(id, { sink, resolve, reject });
        // Held open only while it has work: an idle pool never keeps the process from exiting.
        worker.ref();
        worker.postMessage({ type: 'scan', id, accountId, region } satisfies ToScanWorker);
      });
    },
    callCounts: () => total().counts,
    byBucket: () => total().byBucket,
    async close() {
      closed = true;
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          stop(slot, new InternalError('the scan workers are closing'));
          if (worker) await worker.terminate();
        }),
      );
    },
  };
}
