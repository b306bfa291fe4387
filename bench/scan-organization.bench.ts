/**
 * Issue 19: the scan of an organisation as a team with 300 accounts runs it. A generated estate of
 * 300 accounts × 4 regions (3,000 file systems) in an AWS Organization (12 OUs, 3 suspended
 * accounts outside the estate) is served by `efs-encrypt estate serve --latency-ms 20 --tps 10`;
 * `efs-encrypt scan --json --out FILE -q` runs as a fresh process with
 * EFS_ENCRYPT_ACCOUNTS=organization, so the accounts come from ListAccounts at the start of the scan.
 * Figures only (the issue sets no target): wall, floor, ratio, start-up, peak RSS, calls, throttles.
 * One run by default (BENCH_SCAN_ORG_RUNS for more): it is long on a shared 2-core machine.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEstateFile, GENERATED_REGIONS } from '../src/estate/index.ts';
import type { BenchResult } from './run.ts';
import {
  busiestBucket,
  ensureCompiled,
  failuresOf,
  peakOf,
  scanOnce,
  seconds,
  type ScanRun,
} from './scan-command.bench.ts';

const SHAPE = {
  accounts: 300,
  regions: 4,
  fileSystems: 3000,
  seed: 7,
  organization: { organizationalUnits: 12, suspended: 3 },
};
const TPS = 10;
const RUNS = Math.max(1, Number(process.env.BENCH_SCAN_ORG_RUNS ?? 1));

export async function run(): Promise<BenchResult> {
  const build = await ensureCompiled();
  const dir = await mkdtemp(join(tmpdir(), 'efs-encrypt-scan-organization-'));
  const regions = GENERATED_REGIONS.slice(0, SHAPE.regions);
  const figures: BenchResult['figures'] = { build };
  try {
    const file = join(dir, 'estate-organization.json');
    await writeFile(file, JSON.stringify(generateEstateFile(SHAPE)));
    const runs: ScanRun[] = [];
    for (let i = 0; i < RUNS; i++)
      runs.push(await scanOnce(dir, file, { accounts: ['organization'], regions }, `org-${i}`, 15 * 60_000));
    const median = [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;
    const [bucket, calls] = busiestBucket(median.estate);
    const floorMs = (calls / TPS) * 1000;
    // The suspended accounts are listed but not scanned: they are the scan's expected failures.
    const failures = failuresOf(median, SHAPE.fileSystems).filter((f) => !/AccountSuspended/.test(f));
    const suspended = median.scan?.failures.filter((f) => f.code === 'AccountSuspended').length ?? 0;
    Object.assign(figures, {
      command:
        'EFS_ENCRYPT_ACCOUNTS=organization efs-encrypt scan --json --out FILE -q (fresh process, compiled)',
      'accounts scanned': median.scan?.accounts.length ?? '(scan failed)',
      'file systems found': median.scan?.fileSystems.length ?? '(scan failed)',
      [`wall time (${runs.length === 1 ? 'one run' : `median of ${runs.length}`})`]: seconds(median.wallMs),
      'rate-limit floor': `${seconds(floorMs)} (busiest bucket ${bucket}: ${calls} calls / ${TPS} per s)`,
      'wall / floor': (median.wallMs / floorMs).toFixed(2),
      'wall / (floor + start-up)': (median.wallMs / (floorMs + median.startupMs)).toFixed(2),
      'start-up (process start → first AWS call)': seconds(median.startupMs),
      'last AWS call → exit (store, output, exit)': seconds(median.afterCallsMs),
      'API calls answered by the estate': median.estate.calls,
      'Organizations calls': Object.entries(median.estate.byOperation)
        .filter(([op]) => op.startsWith('organizations:'))
        .map(([op, n]) => `${op} ${n}`)
        .join(', '),
      throttles: median.estate.throttles,
      'suspended accounts reported': suspended,
      failures: failures.length ? failures.slice(0, 5).join('; ') : 'none',
      'peak RSS, scan process tree': `${peakOf(median)} MiB`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    name: 'scan of an organisation: 300 accounts × 4 regions from Organizations, 3,000 file systems, 20 ms latency, 10 calls/s',
    figures,
  };
}
