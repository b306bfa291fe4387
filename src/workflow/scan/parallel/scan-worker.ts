import { parentPort, workerData } from 'node:worker_threads';
import { createAccountClients } from '../../../aws/account-clients.ts';
import { inProcessRegionScanner } from '../region-scanner.ts';
import type { FromScanWorker, ScanWorkerOptions, ToScanWorker } from './messages.ts';
import { InternalError } from '../../../domain/errors.ts';

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
});
const stats = () => ({ counts: clients.stats.snapshot(), byBucket: clients.stats.byBucket() });

port.on('message', (msg: ToScanWorker) => {
  void scanner.scan(msg.accountId, msg.region).then(
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
