import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { readServerAddress, startEmbeddedDynamoDb } from '../../src/store/embedded-dynamodb.ts';
import { openStore } from '../../src/store/open-store.ts';
import { defineStoreContract } from './store-contract.ts';
import { scanRecord } from '../../bench/scan-records.ts';

defineStoreContract('dynalite (embedded)', async () => {
  const server = await startEmbeddedDynamoDb();
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    client,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
});

describe('embedded store', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('keeps what was written across a restart when given a data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'efs-encrypt-store-'));
    dirs.push(dataDir);
    const clock = new ManualClock();
    const scan = scanRecord('persisted', '2026-01-01T00:00:00.000Z', 50);

    const first = await openStore({ dataDir, clock });
    const created = await first.migrations.createMigration({
      accountId: '123456789012',
      region: 'eu-west-1',
      fileSystemId: 'fs-0persist',
      actor: 'U1',
    });
    const moved = await first.migrations.transitionMigration(created.id, {
      expectedVersion: 1,
      to: 'in_scope',
      actor: 'U1',
    });
    await first.scans.saveScan(scan);
    const events = await first.events.listEvents(created.id);
    await first.close();

    const second = await openStore({ dataDir, clock });
    try {
      expect(second.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await second.migrations.getMigration(created.id)).toEqual(moved);
      expect(await second.events.listEvents(created.id)).toEqual(events);
      expect(await second.scans.getScan(scan.scanId)).toEqual(scan);
      expect(await second.scans.getLatestScan()).toEqual(scan);
      // And it still refuses a stale write after the restart.
      await expect(
        second.migrations.transitionMigration(created.id, {
          expectedVersion: 1,
          to: 'excluded',
          actor: 'U2',
        }),
      ).rejects.toMatchObject({
        code: 'efs_encrypt_version_conflict',
      });
    } finally {
      await second.close();
    }
  });

  it('connects a second store on the same directory to the first, which serves it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'efs-encrypt-store-'));
    dirs.push(dataDir);
    const first = await openStore({ dataDir });
    const second = await openStore({ dataDir });
    try {
      expect(first.embedded).toEqual({ role: 'serving', servedBy: process.pid });
      expect(second.embedded).toEqual({ role: 'connected', servedBy: process.pid });
      expect(second.endpoint).toBe(first.endpoint);
      expect(await readServerAddress(dataDir)).toMatchObject({ endpoint: first.endpoint, pid: process.pid });
      const made = await first.migrations.createMigration({
        accountId: '123456789012',
        region: 'eu-west-1',
        fileSystemId: 'fs-0shared',
        actor: 'U1',
      });
      expect(await second.migrations.getMigration(made.id)).toEqual(made);
    } finally {
      await second.close();
      await first.close();
    }
    expect(await readdir(dataDir)).not.toContain('server.json');
    const again = await openStore({ dataDir });
    expect(again.embedded?.role).toBe('serving');
    await again.close();
  });

  it('serves a directory whose published server died, overwriting its stale address', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'efs-encrypt-store-'));
    dirs.push(dataDir);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(
      join(dataDir, 'server.json'),
      JSON.stringify({ endpoint: 'http://127.0.0.1:9', pid: dead, host: hostname(), startedAt: '' }),
    );
    const store = await openStore({ dataDir });
    expect(store.embedded).toEqual({ role: 'serving', servedBy: process.pid });
    expect((await readServerAddress(dataDir))?.pid).toBe(process.pid);
    await store.close();
  });

  it('starts empty in memory without a data directory', async () => {
    const first = await openStore();
    await first.migrations.createMigration({
      accountId: '123456789012',
      region: 'eu-west-1',
      fileSystemId: 'fs-0mem',
      actor: 'U1',
    });
    await first.close();
    const second = await openStore();
    try {
      expect(await second.migrations.listMigrations()).toEqual([]);
      expect(second.tableName).toBe('efs-encrypt');
    } finally {
      await second.close();
    }
  });
});
