import { parentPort, workerData } from 'node:worker_threads';
import { createAccountClients } from '../../../aws/account-clients.ts';
import { inProcessRegionScanner } from '../region-scanner.ts';
import type { FromScanWorker, ScanWorkerOptions, ToScanWorker } from './messages.ts';
import { InternalError } from '../../../domain/errors.ts';
import type { FileSystemRecord } from '../../../domain/inventory.ts';

/**
 * A scan worker thread: its own SDK clients, credentials and rate-limit buckets, scanning the
 * account/region pairs the pool sends it. The pool always sends a given pair to the same worker,
 * so each (account, region, operation) bucket lives in exactly one thread and the limits hold.
 */
const options = workerData as ScanWorkerOptions;
const port = parentPort;
if (!port)
  throw new InternalError(
    'scan-worker.ts was loaded outside a worker thread; the scan starts it, it is not run directly',
  );

const clients = createAccountClients(options.clients);
const scanner = inProcessRegionScanner({
  clientsFor: (accountId, region) => clients.clientsFor(accountId, region),
  fileSystemConcurrency: options.fileSystemConcurrency,
  recordBatch: options.recordBatch,
});
const stats = () => ({ counts: clients.stats.snapshot(), byBucket: clients.stats.byBucket() });

/** Batches handed to the pool and not yet answered, by `<scan id>/<batch>`. */
const awaitingStore = new Map<string, { resolve(): void; reject(e: Error): void }>();

port.on('message', (msg: ToScanWorker) => {
  if (msg.type !== 'scan') {
    const key = `${msg.id}/${msg.batch}`;
    const waiting = awaitingStore.get(key);
    awaitingStore.delete(key);
    if (msg.type === 'stored') waiting?.resolve();
    else waiting?.reject(new InternalError(`the scan could not store its file systems: ${msg.message}`));
    return;
  }
  // The pool stores each batch (its store lives in the main thread) and answers; the next batch
  // waits for that answer, as a sink in the main thread would be awaited.
  let batches = 0;
  const sink = (records: FileSystemRecord[]) =>
    new Promise<void>((resolve, reject) => {
      const batch = batches++;
      awaitingStore.set(`${msg.id}/${batch}`, { resolve, reject });
      port.postMessage({ type: 'records', id: msg.id, batch, records } satisfies FromScanWorker);
    });
  void scanner.scan(msg.accountId, msg.region, sink).then(
    (outcome) =>
      port.postMessage({ type: 'result', id: msg.id, outcome, stats: stats() } satisfies FromScanWorker),
    (e: unknown) =>
      port.postMessage({
        type: 'error',
        id: msg.id,
        message: e instanceof Error ? e.message : String(e),
        stats: stats(),
      } satisfies FromScanWorker),
  );
});
