import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli, useCliWorkspace } from '../run-cli.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { INVENTORY_CSV_COLUMNS } from '../../../src/domain/inventory-export.ts';
import type { ScanRecord } from '../../../src/domain/inventory.ts';
import { openStore } from '../../../src/store/index.ts';
import { fileSystem, scanRecord } from '../../harness/scan-fixtures.ts';

/** `efs-encrypt export` over a store kept in a data directory, seeded before the CLI opens it. */

const workspace = useCliWorkspace('export-cli-');

const OLDER = scanRecord([fileSystem({ fileSystemId: 'fs-0000000000000000a' })], {
  scanId: 'scan-older',
  startedAt: '2026-05-01T10:00:00.000Z',
  finishedAt: '2026-05-01T10:01:00.000Z',
});
const LATEST = scanRecord(
  [
    fileSystem({ fileSystemId: 'fs-00000000000000001', name: 'payroll' }),
    fileSystem({ fileSystemId: 'fs-00000000000000002', name: 'media' }),
  ],
  { scanId: 'scan-latest', startedAt: '2026-05-02T10:00:00.000Z', finishedAt: '2026-05-02T10:01:00.000Z' },
);

async function seed(...scans: ScanRecord[]) {
  const store = await openStore({
    dataDir: workspace.path('store'),
    clock: new ManualClock(new Date('2026-05-02T10:00:00Z')),
  });
  try {
    for (const s of scans) await store.scans.saveScan(s);
  } finally {
    await store.close();
  }
}

describe('efs-encrypt export', () => {
  it('prints the latest stored scan as CSV without scanning again', async () => {
    await seed(OLDER, LATEST);
    const r = await runCli('export');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(INVENTORY_CSV_COLUMNS.join(','));
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual([
      'fs-00000000000000001',
      'fs-00000000000000002',
    ]);
  });

  it('writes a named scan as the full JSON record to a file, and lists the stored scans newest first', async () => {
    await seed(OLDER, LATEST);
    const out = workspace.path('older.json');
    const r = await runCli('export', 'scan-older', '--json', '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`Wrote 1 file systems to ${out} (scan scan-older)`);
    const json = JSON.parse(await readFile(out, 'utf8')) as ScanRecord;
    expect(json.scanId).toBe('scan-older');
    expect(json.fileSystems[0]).toMatchObject({
      fileSystemId: 'fs-0000000000000000a',
      accountId: expect.any(String),
    });

    const listed = await runCli('export', '--list');
    expect(
      listed.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['scan-latest', 'scan-older']);
    expect(listed.out).toContain('2 file system(s)');
  });

  it('says what to do when the scan is not stored, and when there is none', async () => {
    const none = await runCli('export');
    expect(none.code).not.toBe(0);
    expect(none.err).toContain('There is no finished scan yet. Run a scan first.');
    expect(none.out).toBe('');

    await seed(LATEST);
    const missing = await runCli('export', 'scan-nope');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('Scan scan-nope was not found');
  });
});
