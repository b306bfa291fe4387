import { migrationId, type ScanRecord } from '../../src/domain/inventory.ts';
import { scaleTiming } from '../../src/estate/index.ts';
import { silentIoHost } from '../../src/workflow/io-host.ts';
import { RIG_ADMIN, startRig, type Rig } from './rig.ts';

/**
 * Issue 18's throttling storm: the sample estate throttles every Nth call per account, region and
 * operation (N = 2: half of all AWS calls), and the bot scans, builds twins and scans again. It must
 * end with every build ready, no failure but the sample estate's own (an account that refuses
 * AssumeRole), and exactly one new file system per build (no duplicate from a retried create).
 */
export const STORM_SCOPE = { accounts: ['210987654321'], regions: ['us-east-1'] };

export interface StormFigures {
  throttleEvery: number;
  scanMs: number;
  scanCalls: number;
  scanThrottles: number;
  buildsRequested: number;
  buildsReady: number;
  buildMs: number;
  buildCalls: number;
  buildThrottles: number;
  /** Scan failures other than the sample estate's own AccessDenied account. */
  unexpectedFailures: string[];
  fileSystemsBefore: number;
  fileSystemsAfter: number;
  /** File systems beyond one per build: a retried create that made a second twin. */
  duplicates: number;
}

/** Records `fs` in scope with the AWS-managed key, as an admin's plan would; true when accepted. */
async function decide(rig: Rig, scan: ScanRecord, index: number): Promise<string | undefined> {
  const fs = scan.fileSystems.filter((f) => !f.encrypted)[index];
  if (!fs) return undefined;
  const result = await rig.services.decide!.workflow.record(
    [
      {
        fileSystemId: fs.fileSystemId,
        accountId: fs.accountId,
        region: fs.region,
        scope: 'in_scope',
        targetKey: 'alias/aws/elasticfilesystem',
        method: 'rsync',
      },
    ],
    RIG_ADMIN,
    { scanId: scan.scanId },
  );
  return result.ok ? migrationId(fs.accountId, fs.region, fs.fileSystemId) : undefined;
}

const unexpected = (scan: ScanRecord) =>
  scan.failures.filter((f) => f.code !== 'AccessDenied').map((f) => `${f.operation}: ${f.code} ${f.message}`);

export async function runStorm(options: {
  throttleEvery: number;
  builds: number;
  /** Longest the builds may take (wall clock) before the storm counts them as not ready. */
  buildWithinMs: number;
}): Promise<StormFigures> {
  const t0 = performance.now();
  // The timeline 20× faster, so the builds' waits (file system, mount targets) cost little real time.
  const rig = await startRig({
    estate: { throttleEvery: options.throttleEvery, timing: scaleTiming(20) },
    scope: STORM_SCOPE,
  });
  try {
    const estate = rig.runtime.estate!.server;
    const scanStats = estate.stats();
    const figures: StormFigures = {
      throttleEvery: options.throttleEvery,
      scanMs: Math.round(performance.now() - t0),
      scanCalls: scanStats.calls,
      scanThrottles: scanStats.throttles,
      buildsRequested: 0,
      buildsReady: 0,
      buildMs: 0,
      buildCalls: 0,
      buildThrottles: 0,
      unexpectedFailures: unexpected(rig.scan),
      fileSystemsBefore: rig.scan.fileSystems.length,
      fileSystemsAfter: 0,
      duplicates: 0,
    };
    const picked: string[] = [];
    for (let i = 0; picked.length < options.builds && i < rig.scan.fileSystems.length; i++) {
      const id = await decide(rig, rig.scan, i);
      if (id) picked.push(id);
    }
    figures.buildsRequested = picked.length;
    estate.resetStats();
    const t1 = performance.now();
    const build = rig.services.build!.phase;
    await build.requestBuild(picked, RIG_ADMIN);
    const states = () => Promise.all(picked.map(async (id) => (await build.status(id)).state));
    let now = await states();
    // Polls the store the runner writes to: the builds run in this process's job runner.
    while (
      now.some((s) => s !== 'target_ready' && s !== 'failed') &&
      performance.now() - t1 < options.buildWithinMs
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      now = await states();
    }
    figures.buildMs = Math.round(performance.now() - t1);
    figures.buildsReady = now.filter((s) => s === 'target_ready').length;
    const buildStats = estate.stats();
    figures.buildCalls = buildStats.calls;
    figures.buildThrottles = buildStats.throttles;

    const after = await rig.runtime
      .scanWorkflow(silentIoHost)
      .run({ requestedBy: RIG_ADMIN, ...STORM_SCOPE });
    figures.unexpectedFailures.push(...unexpected(after));
    figures.fileSystemsAfter = after.fileSystems.length;
    figures.duplicates = Math.max(
      0,
      figures.fileSystemsAfter - figures.fileSystemsBefore - figures.buildsReady,
    );
    return figures;
  } finally {
    await rig.close();
  }
}
