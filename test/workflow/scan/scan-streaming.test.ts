import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { summarise, type FileSystemRecord } from '../../../src/domain/inventory.ts';
import { RecordingIoHost } from '../../../src/workflow/io-host.ts';
import {
  createScanWorkflow,
  type RegionOutcome,
  type RegionScanner,
  type ScanWriter,
} from '../../../src/workflow/scan/index.ts';
import { fileSystemRecord, seededRandom } from '../../../bench/scan-records.ts';
import { InMemoryScanRepository } from '../../harness/fake-services.ts';
import { deferred } from '../../harness/deferred.ts';

/**
 * Issue 19: the scan writes each account·region's file systems to the store as that pair
 * finishes, and the scan itself (its header) only once every pair has.
 */

const A = '111111111111';
const B = '222222222222';
const REGION = 'eu-west-1';

/** File systems of one pair, IDs out of order (the scan sorts them). */
function recordsOf(accountId: string, region: string, count: number, seed: number): FileSystemRecord[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    ...fileSystemRecord(rand, i),
    accountId,
    region,
    fileSystemId: `fs-${String((i * 7919) % 1000).padStart(4, '0')}`,
  }));
}

/**
 * Pairs answered from a table, as a scanner hands them on: by file system ID, `batch` at a time
 * (default: the whole pair at once); a pair with a gate waits for it.
 */
function tableScanner(
  answers: Record<string, FileSystemRecord[]>,
  gates: Record<string, Promise<void>> = {},
  batch = Infinity,
): RegionScanner {
  return {
    async scan(accountId, region, sink): Promise<RegionOutcome> {
      await gates[`${accountId}/${region}`];
      const records = structuredClone(answers[`${accountId}/${region}`] ?? []).sort((a, b) =>
        a.fileSystemId.localeCompare(b.fileSystemId),
      );
      for (let at = 0; at < records.length; at += batch) await sink(records.slice(at, at + batch));
      return { kind: 'scanned' };
    },
  };
}

function workflow(scans: { beginScan(scanId: string): ScanWriter }, scanner: RegionScanner) {
  return createScanWorkflow({
    clientsFor: () => Promise.reject(new Error('the test scanner answers every pair')),
    listTargets: async () => ({ accounts: [B, A], regions: [REGION] }),
    scans,
    io: new RecordingIoHost(),
    clock: new ManualClock(new Date('2026-03-01T00:00:00Z')),
    idGenerator: () => 'stream01',
    parallel: { scanner, minPairs: 1 },
  });
}

describe('a scan written as it runs', () => {
  const answers = {
    [`${A}/${REGION}`]: recordsOf(A, REGION, 30, 1),
    [`${B}/${REGION}`]: recordsOf(B, REGION, 20, 2),
  };

  it("writes a pair's file systems before the last pair finishes, and the scan only at the end", async () => {
    const repo = new InMemoryScanRepository();
    const firstWrite = deferred();
    const gate = deferred();
    const scans = {
      beginScan(scanId: string): ScanWriter {
        const inner = repo.beginScan(scanId);
        return {
          ...inner,
          writeFileSystems: async (position, records) => {
            await inner.writeFileSystems(position, records);
            firstWrite.resolve();
          },
        };
      },
    };
    const running = workflow(scans, tableScanner(answers, { [`${A}/${REGION}`]: gate.promise })).run();

    await firstWrite.promise;
    // B's pair is stored while A's is still being scanned; there is no scan yet.
    expect(repo.writes).toEqual([
      { scanId: expect.stringContaining('stream01'), position: 1, fileSystems: 20 },
    ]);
    expect(repo.scans.size).toBe(0);
    expect(await repo.getLatestScan()).toBeUndefined();

    gate.resolve();
    const scan = await running;
    expect(repo.writes.map((w) => ('finished' in w ? 'finished' : w.position))).toEqual([1, 0, 'finished']);
    // Stored in the pairs' order (A before B), each pair by file system ID: the order of a full sort.
    const all = [...answers[`${A}/${REGION}`]!, ...answers[`${B}/${REGION}`]!];
    const sorted = [...all].sort(
      (a, b) => a.accountId.localeCompare(b.accountId) || a.fileSystemId.localeCompare(b.fileSystemId),
    );
    expect(scan.fileSystems.map((f) => f.fileSystemId)).toEqual(sorted.map((f) => f.fileSystemId));
    expect(await repo.getScan(scan.scanId)).toEqual(scan);
    // Counts kept pair by pair equal counting the whole inventory, flags in the same order.
    const whole = summarise(sorted);
    expect(scan.stats).toMatchObject(whole);
    expect(Object.keys(scan.stats.byFlag)).toEqual(Object.keys(whole.byFlag));
  });

  it('runStored keeps no file system and returns the same summary', async () => {
    const repo = new InMemoryScanRepository();
    const summary = await workflow(repo, tableScanner(answers)).runStored();
    expect(summary).not.toHaveProperty('fileSystems');
    const stored = await repo.getScan(summary.scanId);
    expect(stored?.fileSystems).toHaveLength(50);
    const { fileSystems: _fs, ...rest } = stored!;
    expect(rest).toEqual(summary);
  });

  it('a store that fails mid-scan leaves no scan, and what was written is removed', async () => {
    const repo = new InMemoryScanRepository();
    const gate = deferred();
    let writes = 0;
    const scans = {
      beginScan(scanId: string): ScanWriter {
        const inner = repo.beginScan(scanId);
        return {
          ...inner,
          writeFileSystems: async (position, records) => {
            if (++writes === 2) throw new Error('ProvisionedThroughputExceededException');
            await inner.writeFileSystems(position, records);
            gate.resolve();
          },
        };
      },
    };
    const run = workflow(scans, tableScanner(answers, { [`${A}/${REGION}`]: gate.promise })).run();
    await expect(run).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(repo.writes).toHaveLength(1);
    expect(repo.scans.size).toBe(0);
    expect(repo.unfinished.size).toBe(0);
  });
});
