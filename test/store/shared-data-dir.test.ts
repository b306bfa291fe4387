import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { killChild, startChild, type Child } from '../harness/child-process.ts';
import { runCli, useCliWorkspace } from '../cli/run-cli.ts';

/**
 * One data directory, several real processes (EFS_ENCRYPT_DATA_DIR shared by a long copy and a
 * `status`): the first serves the store on loopback and publishes its address; the others connect;
 * when the server exits, a connected process takes over serving without losing data.
 */

interface Opened {
  pid: number;
  role: 'serving' | 'connected';
  servedBy: number;
  endpoint: string;
}

const workspace = useCliWorkspace('shared-store-');
const children: Child[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => killChild(c)));
});

async function holder(dataDir: string): Promise<{ child: Child; opened: Opened }> {
  const child = startChild(['--import', 'tsx', 'test/harness/store-holder.ts', dataDir], { ...process.env });
  children.push(child);
  return { child, opened: JSON.parse(await child.waitForLine(/^\{"pid"/)) as Opened };
}

describe('an embedded store shared by processes', () => {
  it('lets status run while another process holds the store, reading what it wrote', async () => {
    const dataDir = workspace.path('store');
    const { child, opened } = await holder(dataDir);
    expect(opened).toMatchObject({ role: 'serving', servedBy: child.pid });
    child.send('create fs-0000000000000a001');
    await child.waitForLine(/^created /);

    const status = await runCli('status');
    expect(status.err).toBe('');
    expect(status.code).toBe(0);
    expect(status.out).toContain('fs-0000000000000a001 123456789012 eu-west-1: discovered');
    // The holder still serves: status only connected to it.
    child.send('create fs-0000000000000a002');
    await child.waitForLine(/^created .*a002$/);
  }, 60_000);

  it('has exactly one of two processes starting at once serve, the other connected to it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shared-store-race-'));
    try {
      const [a, b] = await Promise.all([holder(dir), holder(dir)]);
      const serving = [a, b].filter((h) => h.opened.role === 'serving');
      expect(serving).toHaveLength(1);
      const server = serving[0]!;
      const other = server === a ? b : a;
      expect(other.opened).toMatchObject({
        role: 'connected',
        servedBy: server.child.pid,
        endpoint: server.opened.endpoint,
      });
    } finally {
      await Promise.all(children.splice(0).map((c) => killChild(c)));
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('takes over serving when the serving process is killed, keeping what it wrote', async () => {
    const dataDir = workspace.path('store');
    const { child } = await holder(dataDir);
    child.send('create fs-0000000000000b001');
    const id = (await child.waitForLine(/^created /)).slice('created '.length);

    const store = await openStore({ dataDir });
    try {
      expect(store.embedded).toEqual({ role: 'connected', servedBy: child.pid });
      await killChild(child);
      // The next request finds the port closed, takes the freed lock and serves the directory.
      expect(await store.migrations.getMigration(id)).toMatchObject({ fileSystemId: 'fs-0000000000000b001' });
      expect(store.embedded).toEqual({ role: 'serving', servedBy: process.pid });
      // And a new process now connects to this one.
      const next = await holder(dataDir);
      expect(next.opened).toMatchObject({ role: 'connected', servedBy: process.pid });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('takes over when the serving process closes the store and exits normally', async () => {
    const dataDir = workspace.path('store');
    const { child } = await holder(dataDir);
    const store = await openStore({ dataDir });
    try {
      child.send('close');
      await child.exited;
      const made = await store.migrations.createMigration({
        accountId: '123456789012',
        region: 'eu-west-1',
        fileSystemId: 'fs-0000000000000c001',
        actor: 'U1',
      });
      expect(await store.migrations.getMigration(made.id)).toEqual(made);
      expect(store.embedded?.role).toBe('serving');
    } finally {
      await store.close();
    }
  }, 60_000);
});
