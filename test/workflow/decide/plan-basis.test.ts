import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FileSystemRecord, ScanRecord } from '../../../src/domain/inventory.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { describeBasis, planBasis, planCandidates } from '../../../src/workflow/decide/index.ts';
import { fileSystem, scanRecord } from '../../harness/scan-fixtures.ts';

/**
 * After a full scan, a scan of one account and region must not shrink the plan to that region:
 * each account/region pair is read from the newest scan that read it. Against the real store.
 */

const A = '111111111111';
const B = '222222222222';
const fsIn = (
  fileSystemId: string,
  accountId: string,
  region: string,
  name = fileSystemId,
): FileSystemRecord => fileSystem({ fileSystemId, accountId, region, name });

const FULL_FS = [
  fsIn('fs-0a0000000000000a1', A, 'eu-west-1', 'a-eu-old'),
  fsIn('fs-0a0000000000000a2', A, 'us-east-1'),
  fsIn('fs-0b0000000000000b1', B, 'eu-west-1'),
  fsIn('fs-0b0000000000000b2', B, 'us-east-1'),
];

function scan(id: string, minute: number, fileSystems: FileSystemRecord[], extra: Partial<ScanRecord> = {}) {
  const at = (s: number) =>
    `2026-01-01T00:${String(minute).padStart(2, '0')}:${String(s).padStart(2, '0')}.000Z`;
  return scanRecord(fileSystems, { scanId: id, startedAt: at(0), finishedAt: at(30), ...extra });
}

const full = scan('scan-01-full', 1, FULL_FS, { accounts: [A, B], regions: ['eu-west-1', 'us-east-1'] });
// The scoped rescan: A in eu-west-1 only; a1 was renamed, a3 is new.
const scoped = scan(
  'scan-02-scoped',
  2,
  [fsIn('fs-0a0000000000000a1', A, 'eu-west-1', 'a-eu-new'), fsIn('fs-0a0000000000000a3', A, 'eu-west-1')],
  { accounts: [A], regions: ['eu-west-1'] },
);

let store: Store;
beforeAll(async () => {
  store = await openStore();
}, 30_000);
afterAll(async () => {
  await store.close();
});
beforeEach(async () => {
  await store.scans.saveScan(full);
  await store.scans.saveScan(scoped);
});

const ids = (fss: FileSystemRecord[]) => fss.map((f) => f.fileSystemId).sort();

describe('planBasis', () => {
  it('takes each account and region from the newest scan that read it, not only the newest scan', async () => {
    const basis = await planBasis(store.scans);
    expect(basis.scanId).toBeUndefined();
    expect(ids(basis.fileSystems)).toEqual([
      'fs-0a0000000000000a1',
      'fs-0a0000000000000a2',
      'fs-0a0000000000000a3',
      'fs-0b0000000000000b1',
      'fs-0b0000000000000b2',
    ]);
    // The rescanned region as the newer scan saw it, and that scan named as its source.
    expect(basis.fileSystems.find((f) => f.fileSystemId === 'fs-0a0000000000000a1')?.name).toBe('a-eu-new');
    expect(basis.readBy.get(`${A} eu-west-1`)?.scanId).toBe('scan-02-scoped');
    expect(basis.readBy.get(`${B} us-east-1`)?.scanId).toBe('scan-01-full');
    expect(describeBasis(basis)).toBe(
      'the latest scan of each account and region (scan-02-scoped, scan-01-full)',
    );
    expect(planCandidates(basis)).toHaveLength(5);
  });

  it('keeps the older reading of a pair the newest scan could not read, and says which pairs none read', async () => {
    await store.scans.saveScan(
      scan('scan-03-denied', 3, [fsIn('fs-0a0000000000000a2', A, 'us-east-1')], {
        accounts: [A, B, '333333333333'],
        regions: ['eu-west-1', 'us-east-1'],
        failures: [
          { accountId: B, operation: 'AssumeRole', code: 'AccessDenied', message: 'denied' },
          {
            accountId: A,
            region: 'eu-west-1',
            operation: 'DescribeFileSystems',
            code: 'Throttling',
            message: 'x',
          },
          { accountId: '333333333333', operation: 'AssumeRole', code: 'AccessDenied', message: 'denied' },
        ],
      }),
    );
    const basis = await planBasis(store.scans);
    expect(basis.readBy.get(`${A} us-east-1`)?.scanId).toBe('scan-03-denied');
    expect(basis.readBy.get(`${A} eu-west-1`)?.scanId).toBe('scan-02-scoped');
    expect(basis.readBy.get(`${B} eu-west-1`)?.scanId).toBe('scan-01-full');
    expect(ids(basis.fileSystems)).toHaveLength(5);
    expect(basis.unread).toEqual(['333333333333 eu-west-1', '333333333333 us-east-1']);
  });

  it('keeps to one scan when it is named, and to the view as of a time', async () => {
    const named = await planBasis(store.scans, { scanId: 'scan-02-scoped' });
    expect(ids(named.fileSystems)).toEqual(['fs-0a0000000000000a1', 'fs-0a0000000000000a3']);
    expect(describeBasis(named)).toBe('scan scan-02-scoped');

    // A modal opened before the scoped scan finished pages through the same file systems.
    const before = await planBasis(store.scans, { asOf: full.finishedAt });
    expect(ids(before.fileSystems)).toEqual(ids(FULL_FS));

    await expect(planBasis(store.scans, { scanId: 'nope' })).rejects.toThrow(/Scan nope was not found/);
  });
});
