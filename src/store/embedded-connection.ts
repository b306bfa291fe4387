import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EmbeddedStoreError, startEmbeddedDynamoDb, type EmbeddedDynamoDb } from './embedded-dynamodb.ts';

/**
 * A DynamoDB client on the embedded store that survives the serving process. When this process
 * connected to another one's server (a shared data directory) and that process exits, the next
 * request finds the port closed; the client then opens the directory again, which either takes
 * over serving (the kernel freed the dead server's lock) or connects to whichever process did,
 * and sends the request once more. Every state change is a conditional write on a version, so a
 * write repeated after a lost reply fails as a version conflict instead of applying twice.
 */

export interface EmbeddedConnection {
  client: DynamoDBClient;
  /** The server in use now (it changes after a takeover). */
  readonly current: EmbeddedDynamoDb;
  close(): Promise<void>;
}

/** Errors of a connection the server's process dropped or never accepted. */
const CONNECTION_LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

function connectionLost(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string } } | null;
  return CONNECTION_LOST.has(err?.code ?? '') || CONNECTION_LOST.has(err?.cause?.code ?? '');
}

export async function connectEmbedded(
  options: { dataDir?: string; waitForServerMs?: number } = {},
): Promise<EmbeddedConnection> {
  let current = await startEmbeddedDynamoDb(options);
  let closed = false;
  // The endpoint is read per request, so a takeover redirects every later request.
  const endpoint = () => {
    const url = new URL(current.endpoint);
    return Promise.resolve({
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
    });
  };
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    // The embedded server checks that requests are signed, not by whom; any static keys do.
    credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    maxAttempts: 2,
    // Fail rather than hang if the embedded server stops answering.
    requestHandler: { requestTimeout: 30_000 },
  });

  let switching: Promise<void> | undefined;
  /** One takeover at a time; requests that failed on the old server wait for it, then retry. */
  const takeOver = (lost: EmbeddedDynamoDb): Promise<void> =>
    (switching ??= (async () => {
      if (current !== lost) return;
      try {
        current = await startEmbeddedDynamoDb(options);
      } catch (e) {
        throw new EmbeddedStoreError(
          `Process ${lost.servedBy}, which served the embedded store in ${options.dataDir}, exited, and this process could not take over: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      }
    })().finally(() => {
      switching = undefined;
    }));

  if (options.dataDir)
    client.middlewareStack.add(
      (next) => async (args) => {
        const used = current;
        try {
          return await next(args);
        } catch (e) {
          // Only another process's server can go away under us; ours lives as long as we do.
          if (closed || used.role !== 'connected' || !connectionLost(e)) throw e;
          await takeOver(used);
          return next(args);
        }
      },
      { step: 'initialize', name: 'embeddedStoreTakeOver' },
    );

  return {
    client,
    get current() {
      return current;
    },
    async close() {
      closed = true;
      client.destroy();
      await switching?.catch(() => {});
      await current.close();
    },
  };
}
