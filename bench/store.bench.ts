/**
 * The state store under a large inventory: save and reload scans of 1,000 and 10,000 file systems in the
 * embedded DynamoDB-compatible store (the same repository code as a real table), split across items under
 * DynamoDB's 400 KB item limit. Prints time, pieces written, bytes per file system and peak memory.
 */
import { openStore } from '../src/store/index.ts';
import { packJson } from '../src/store/item-size.ts';
import { scanRecord } from './scan-records.ts';
import { trackPeakMemory } from './memory.ts';
import type { BenchResult } from './run.ts';

const SIZES = [1_000, 10_000];

export async function run(): Promise<BenchResult> {
  const store = await openStore({});
  const figures: Record<string, string | number> = {};
  let allMatched = true;
  try {
    for (const size of SIZES) {
      const scan = scanRecord(`bench-${size}`, '2026-11-26T00:00:00.000Z', size, { seed: 7 });
      const packed = await packJson({ fileSystems: scan.fileSystems, failures: scan.failures });
      const memory = trackPeakMemory();
      const t0 = performance.now();
      await store.scans.saveScan(scan);
      const saveMs = performance.now() - t0;
      const t1 = performance.now();
      const loaded = await store.scans.getScan(scan.scanId);
      const loadMs = performance.now() - t1;
      const peak = memory.stop();
      const matched =
        loaded?.fileSystems.length === size &&
        loaded.fileSystems[size - 1]?.fileSystemId === scan.fileSystems[size - 1]?.fileSystemId;
      allMatched &&= matched;
      figures[`${size} file systems: save`] = `${saveMs.toFixed(0)} ms`;
      figures[`${size} file systems: load`] = `${loadMs.toFixed(0)} ms`;
      figures[`${size} file systems: stored bytes`] =
        `${(packed.byteLength / 1024).toFixed(0)} KiB compressed in ${Math.ceil(packed.byteLength / 350_000)} item(s) of at most 350 KB, ${(packed.byteLength / size).toFixed(0)} B per file system`;
      figures[`${size} file systems: peak RSS`] = `${peak.peakRssMiB} MiB (heap ${peak.peakHeapMiB} MiB)`;
    }
  } finally {
    await store.close();
  }
  return {
    name: 'store: save and reload large scans in the embedded DynamoDB-compatible store',
    figures,
    targets: [{ description: 'every scan reloads whole', met: allMatched }],
  };
}
