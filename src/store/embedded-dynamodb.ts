import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';

/**
 * The embedded default of DESIGN.md (State): a DynamoDB-compatible server (dynalite) on loopback,
 * so the program runs with no table configured and still uses the one repository code path.
 * dynalite has no TransactWriteItems and no TTL; the repository only uses single-item writes.
 */

export interface EmbeddedDynamoDbOptions {
  /** Persist to this directory (LevelDB); in memory when omitted. */
  dataDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface EmbeddedDynamoDb {
  /** e.g. `http://127.0.0.1:41234`; give it to the SDK client as `endpoint`. */
  endpoint: string;
  close(): Promise<void>;
}

export class EmbeddedStoreError extends EfsEncryptError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ConfigInvalid, message, options);
  }
}

export async function startEmbeddedDynamoDb(
  options: EmbeddedDynamoDbOptions = {},
): Promise<EmbeddedDynamoDb> {
  const releaseDir = options.dataDir ? await claimDataDir(options.dataDir) : async () => {};
  // Tables become ACTIVE at once: nothing here models AWS's creation delay.
  const server = dynalite({
    path: options.dataDir ? join(options.dataDir, 'dynalite') : undefined,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) =>
      reject(
        new EmbeddedStoreError(
          `Could not start the embedded DynamoDB on 127.0.0.1:${options.port ?? 0}: ${err.message}.` +
            (options.port ? ' Pick another port or leave it unset.' : ''),
          { cause: err },
        ),
      );
    server.once('error', onError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  }).catch(async (e: unknown) => {
    await releaseDir();
    throw e;
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      // Idle keep-alive sockets of SDK clients would hold the server open; the data is flushed by
      // dynalite's own close (it waits for pending LevelDB operations before it calls back).
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }).finally(releaseDir);
      return closed;
    },
  };
}

/**
 * LevelDB allows one opener per directory, and dynalite then hangs every request instead of
 * failing. A PID file of our own turns that into a clear error; a stale one (dead process) is
 * taken over.
 */
async function claimDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const pidFile = join(dataDir, 'embedded.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(pidFile, String(process.pid), { flag: 'wx' });
      return () => rm(pidFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
      if (owner && isAlive(owner))
        throw new EmbeddedStoreError(
          `The embedded store's data directory ${dataDir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}. Stop it, or set EFS_ENCRYPT_DATA_DIR to another directory.`,
        );
      await rm(pidFile, { force: true });
    }
  }
  throw new EmbeddedStoreError(
    `Could not claim the embedded store's data directory ${dataDir}; another process keeps claiming it.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
