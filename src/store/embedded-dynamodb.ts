import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ClassicLevel } from 'classic-level';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';

/**
 * The embedded default of DESIGN.md (State): a DynamoDB-compatible server (dynalite) on loopback,
 * so the program runs with no table configured and still uses the one repository code path.
 * dynalite has no TransactWriteItems and no TTL; the repository only uses single-item writes.
 *
 * A data directory is shared by every process that opens it: LevelDB allows one opener per
 * directory (and dynalite then hangs every request instead of failing), so the first process
 * serves the directory on loopback and writes its address into `server.json`; later ones connect
 * to that address. Who serves is decided by a lock the kernel keeps: a tiny LevelDB
 * (`serving.lock/`) held open by the serving process, freed when it closes or dies (even by
 * SIGKILL). A starter that gets the lock serves, so two starters never both serve, and a stale
 * `server.json` (its process gone) is simply overwritten by the next server.
 */

export interface EmbeddedDynamoDbOptions {
  /** Persist to this directory (LevelDB), shared with other processes; in memory when omitted. */
  dataDir?: string;
  /** 0 (default) picks a free port; only used when this process serves. */
  port?: number;
  /** How long to wait for a process that holds the directory to publish its address (default 15 s). */
  waitForServerMs?: number;
}

export interface EmbeddedDynamoDb {
  /** e.g. `http://127.0.0.1:41234`; give it to the SDK client as `endpoint`. */
  endpoint: string;
  /** `serving`: this process serves (and the data directory's lock is its own); `connected`: another process does. */
  role: 'serving' | 'connected';
  /** The PID of the serving process (this one when serving). */
  servedBy: number;
  /** Stops serving (when serving) and frees the directory; a connected handle only forgets it. */
  close(): Promise<void>;
}

/** What the serving process publishes in `<dataDir>/server.json`. */
export interface ServerAddress {
  endpoint: string;
  pid: number;
  host: string;
  startedAt: string;
}

export class EmbeddedStoreError extends EfsEncryptError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ConfigInvalid, message, options);
  }
}

const ADDRESS_FILE = 'server.json';
const LOCK_DIR = 'serving.lock';
const DEFAULT_WAIT_MS = 15_000;

export async function startEmbeddedDynamoDb(
  options: EmbeddedDynamoDbOptions = {},
): Promise<EmbeddedDynamoDb> {
  if (!options.dataDir) return serve(undefined, options.port);
  const dataDir = options.dataDir;
  await mkdir(dataDir, { recursive: true });
  const deadline = Date.now() + (options.waitForServerMs ?? DEFAULT_WAIT_MS);
  let last: ServerAddress | undefined;
  for (;;) {
    const lock = await tryLock(join(dataDir, LOCK_DIR));
    if (lock) return serveDataDir(dataDir, lock, options.port);
    // Another process holds the directory: connect to the address it published, once it answers.
    last = await readServerAddress(dataDir);
    if (last && last.host === hostname() && (await answers(last.endpoint)))
      return { endpoint: last.endpoint, role: 'connected', servedBy: last.pid, close: async () => {} };
    // Between taking the lock and publishing its address a server is starting; an address that
    // does not answer is its predecessor's (or a server on its way out). Both settle in moments.
    if (Date.now() >= deadline)
      throw new EmbeddedStoreError(
        `The embedded store's data directory ${dataDir} is held by another process that does not serve it${last ? ` (last published by process ${last.pid} at ${last.endpoint}, which does not answer)` : ''}. Stop the other efs-encrypt processes using it, or set EFS_ENCRYPT_DATA_DIR to another directory.`,
      );
    await delay(50);
  }
}

/** The address the directory's server published, if any (a half-written file reads as none). */
export async function readServerAddress(dataDir: string): Promise<ServerAddress | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, ADDRESS_FILE), 'utf8')) as Partial<ServerAddress>;
    return typeof parsed.endpoint === 'string' && typeof parsed.pid === 'number'
      ? (parsed as ServerAddress)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The serving lock: open means held; LEVEL_LOCKED means another opener (process or handle) has it. */
async function tryLock(path: string): Promise<ClassicLevel | undefined> {
  // Loaded here, not with the store: a process using a real table never loads native LevelDB.
  const { ClassicLevel } = await import('./serving-lock-level.ts');
  const db = new ClassicLevel(path);
  try {
    await db.open();
    return db;
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') return undefined;
    throw new EmbeddedStoreError(`Could not open the embedded store's lock ${path}: ${String(e)}`, {
      cause: e,
    });
  }
}

/** Whether something accepts connections at the endpoint (a refused or silent port does not). */
function answers(endpoint: string, timeoutMs = 1_000): Promise<boolean> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function serveDataDir(dataDir: string, lock: ClassicLevel, port?: number): Promise<EmbeddedDynamoDb> {
  let server: EmbeddedDynamoDb;
  try {
    server = await serve(join(dataDir, 'dynalite'), port);
  } catch (e) {
    await lock.close();
    throw e;
  }
  const address: ServerAddress = {
    endpoint: server.endpoint,
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  // Written whole, then renamed: a reader sees the old address or the new one, never half of one.
  const temp = join(dataDir, `${ADDRESS_FILE}.${process.pid}.tmp`);
  await writeFile(temp, JSON.stringify(address));
  await rename(temp, join(dataDir, ADDRESS_FILE));
  let closed: Promise<void> | undefined;
  return {
    ...server,
    close() {
      closed ??= (async () => {
        try {
          await server.close();
        } finally {
          // Only our own address is removed: after we let go, a successor may already have written its own.
          const current = await readServerAddress(dataDir);
          if (current?.pid === process.pid && current.endpoint === address.endpoint)
            await rm(join(dataDir, ADDRESS_FILE), { force: true });
          await lock.close();
        }
      })();
      return closed;
    },
  };
}

async function serve(path: string | undefined, port = 0): Promise<EmbeddedDynamoDb> {
  // Loaded here, not with the store: a process using a real table never loads dynalite.
  const { dynalite } = await import('./dynalite-module.ts');
  // Tables become ACTIVE at once: nothing here models AWS's creation delay.
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) =>
      reject(
        new EmbeddedStoreError(
          `Could not start the embedded DynamoDB on 127.0.0.1:${port}: ${err.message}.` +
            (port ? ' Pick another port or leave it unset.' : ''),
          { cause: err },
        ),
      );
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    role: 'serving',
    servedBy: process.pid,
    close() {
      // Idle keep-alive sockets of SDK clients would hold the server open; the data is flushed by
      // dynalite's own close (it waits for pending LevelDB operations before it calls back).
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
