import pLimit from 'p-limit';
import { AccountAccessError } from '../../aws/aws-errors.ts';
import { BadInputError } from '../../domain/errors.ts';
import { MAX_SCAN_PAIRS_AT_ONCE } from '../../domain/scan-scope.ts';
import type { CallCounts } from '../../aws/rate-limit.ts';
import type { Clock } from '../../domain/clock.ts';
import {
  summarise,
  type FileSystemRecord,
  type InventoryFlag,
  type ScanFailure,
  type ScanRecord,
} from '../../domain/inventory.ts';
import type { IoHost, IoLevel } from '../io-host.ts';
import {
  codeAndMessage,
  inProcessRegionScanner,
  type RegionOutcome,
  type RegionScanner,
} from './region-scanner.ts';
import type { ScanClients, ScanRepository, ScanSummary, ScanTargets } from './ports.ts';
import { newScanId } from './scan-id.ts';

export interface ScanWorkflowDeps {
  /** Clients for one account and region; throws AccountAccessError when the account cannot be entered. */
  clientsFor(accountId: string, region: string): Promise<ScanClients>;
  /** The accounts and regions to scan when the request names none. */
  listTargets(): Promise<ScanTargets>;
  /** Where each pair's file systems go as they are read, and the scan's header at the end. */
  scans: Pick<ScanRepository, 'beginScan'>;
  io: IoHost;
  clock: Clock;
  /** Account/region pairs scanned at once (default: every pair, up to MAX_SCAN_PAIRS_AT_ONCE). */
  concurrency?: number;
  /** File systems read at once within one account and region (default 16); the rate limit paces the calls. */
  fileSystemConcurrency?: number;
  /** File systems per batch written to the store (default DEFAULT_RECORD_BATCH). */
  recordBatch?: number;
  /**
   * Worker threads for large scans: used instead of this thread when a scan covers at least
   * `minPairs` account/region pairs (below that, starting the workers costs more than they save).
   */
  parallel?: { scanner: RegionScanner; minPairs: number };
  idGenerator?: () => string;
  /** Running totals of API attempts and throttles (AccountClients.stats.snapshot); the scan reports its share. */
  callCounts?: () => CallCounts;
}

export interface ScanRequest {
  requestedBy?: string;
  /** Subset of accounts, each one of listTargets()'s (a BadInputError names any other); default: all. */
  accounts?: string[];
  /** Subset of regions; default: listTargets(). */
  regions?: string[];
}

export interface ScanWorkflow {
  /** Scans, stores, and returns the whole record (its file systems held once, for the caller). */
  run(request?: ScanRequest): Promise<ScanRecord>;
  /**
   * Scans and stores, keeping no file system in memory once its pair is stored: for callers that
   * read the result back as a stream (ScanStreams.openScan), as `efs-encrypt scan` does.
   */
  runStored(request?: ScanRequest): Promise<ScanSummary>;
  /**
   * Refuses (BadInputError) named accounts or regions that are not configured, as `run` would,
   * without scanning: Slack checks a request before it posts anything in the channel.
   */
  checkScope(request: ScanRequest): Promise<void>;
}

export interface RegionDone {
  scanId: string;
  accountId: string;
  region: string;
  fileSystems: number;
  encrypted: number;
  unencrypted: number;
}

export const DEFAULT_FILE_SYSTEM_CONCURRENCY = 16;

/**
 * The scan use case: every account × region in parallel (bounded), every file system in a region
 * in parallel (bounded), each failure kept in the result instead of ending the scan. Each pair's
 * file systems are written to the store in batches as they are read, and the counts kept as they come;
 * the scan's header is written once, at the end, when every pair is done: only then is it a
 * stored scan. A scan that fails (the store refused a write) removes what it wrote.
 */
export function createScanWorkflow(deps: ScanWorkflowDeps): ScanWorkflow {
  const inThread = inProcessRegionScanner({
    clientsFor: deps.clientsFor,
    fileSystemConcurrency: deps.fileSystemConcurrency ?? DEFAULT_FILE_SYSTEM_CONCURRENCY,
    recordBatch: deps.recordBatch,
  });

  const say = (level: IoLevel, code: string, message: string, data?: unknown) =>
    deps.io.notify({ level, code, message, data, time: deps.clock.now() });

  async function run(request: ScanRequest = {}): Promise<ScanRecord> {
    const kept: FileSystemRecord[][] = [];
    const summary = await scanIntoStore(request, (position, records) =>
      (kept[position] ??= []).push(...records),
    );
    const { failures, stats, ...head } = summary;
    // The record's own key order (the JSON output and its readers compare it byte for byte).
    return { ...head, fileSystems: kept.flat(), failures, stats };
  }

  function runStored(request: ScanRequest = {}): Promise<ScanSummary> {
    return scanIntoStore(request);
  }

  async function scanIntoStore(
    request: ScanRequest,
    keep?: (position: number, records: FileSystemRecord[]) => void,
  ): Promise<ScanSummary> {
    const started = deps.clock.now();
    const countsBefore = deps.callCounts?.() ?? { apiCalls: 0, throttles: 0 };
    const scanId = newScanId(started, deps.idGenerator);
    const failures: ScanFailure[] = [];

    const fail = async (failure: ScanFailure) => {
      failures.push(failure);
      const where = failure.region ? `${failure.accountId} ${failure.region}` : failure.accountId;
      await say(
        'warn',
        'scan.failure',
        `Could not scan ${where}: ${failure.operation} failed with ${failure.code}`,
        {
          scanId,
          failure,
        },
      );
    };

    const targets = await resolveTargets(request, fail);
    await say(
      'info',
      'scan.started',
      `Scanning ${targets.accounts.length} account(s) in ${targets.regions.length} region(s)`,
      {
        scanId,
        ...targets,
      },
    );

    // The stored order is the pairs' order (account, then region), each pair's file systems by ID:
    // a reader streams them in the order a sort of the whole inventory would give.
    const ordered = targets.accounts
      .flatMap((accountId) => targets.regions.map((region) => ({ accountId, region })))
      .sort(byLocationThen(() => ''));
    const positionOf = new Map(ordered.map((p, i) => [`${p.accountId}/${p.region}`, i]));
    const pairCounts: ReturnType<typeof summarise>[] = [];

    const pairs = ordered.length;
    const regions = deps.parallel && pairs >= deps.parallel.minPairs ? deps.parallel.scanner : inThread;
    const blockedAccounts = new Set<string>();
    const pairLimit = pLimit(Math.max(1, deps.concurrency ?? Math.min(pairs, MAX_SCAN_PAIRS_AT_ONCE)));
    const writer = deps.scans.beginScan(scanId);
    let storeError: { error: unknown } | undefined;

    async function scanRegion(accountId: string, region: string): Promise<void> {
      if (blockedAccounts.has(accountId) || storeError) return;
      const position = positionOf.get(`${accountId}/${region}`)!;
      let counts = addUp([]);
      // Each batch is stored before it is counted or announced; the records are then only the
      // store's (unless kept).
      const store = async (records: FileSystemRecord[]) => {
        if (storeError) throw storeError.error;
        try {
          await writer.writeFileSystems(position, records);
        } catch (e) {
          storeError ??= { error: e };
          throw e;
        }
        counts = addUp([counts, summarise(records)]);
        pairCounts[position] = counts;
        keep?.(position, records);
      };
      let outcome: RegionOutcome;
      try {
        outcome = await regions.scan(accountId, region, store);
      } catch (e) {
        // The store refused a write: the whole scan fails (below), not just this pair.
        if (storeError) return;
        // A scanner that could not answer at all (a worker thread that died): this region only.
        return fail({ accountId, region, operation: 'ScanRegion', ...codeAndMessage(e) });
      }
      if (outcome.kind === 'failed') {
        if (outcome.accountBlocked) {
          // One failure per account, whatever the number of regions.
          if (blockedAccounts.has(accountId)) return;
          blockedAccounts.add(accountId);
        }
        return fail(outcome.failure);
      }
      await say(
        'progress',
        'scan.region.done',
        `${accountId} ${region}: ${counts.fileSystems} file system(s), ${counts.unencrypted} unencrypted`,
        {
          scanId,
          accountId,
          region,
          fileSystems: counts.fileSystems,
          encrypted: counts.encrypted,
          unencrypted: counts.unencrypted,
        } satisfies RegionDone,
      );
    }

    try {
      await Promise.all(
        ordered.map(({ accountId, region }) => pairLimit(() => scanRegion(accountId, region))),
      );
      if (storeError) throw storeError.error;

      const finished = deps.clock.now();
      const countsAfter = deps.callCounts?.() ?? { apiCalls: 0, throttles: 0 };
      failures.sort(byLocationThen((f) => f.operation));
      const summary: ScanSummary = {
        scanId,
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        requestedBy: request.requestedBy,
        accounts: targets.accounts,
        regions: targets.regions,
        failures,
        stats: {
          ...addUp(pairCounts),
          apiCalls: countsAfter.apiCalls - countsBefore.apiCalls,
          throttles: countsAfter.throttles - countsBefore.throttles,
          durationMs: finished.getTime() - started.getTime(),
        },
      };
      await writer.finish(summary);
      await say(
        'info',
        'scan.finished',
        `Scan ${scanId}: ${summary.stats.fileSystems} file system(s), ${summary.stats.unencrypted} unencrypted, ${failures.length} failure(s)`,
        { scanId, stats: summary.stats, failures: failures.length },
      );
      return summary;
    } catch (e) {
      // No header was written: the parts are no scan; remove them rather than leave them.
      await writer.abandon().catch(() => undefined);
      throw e;
    }
  }

  /** The configured accounts and regions, once the named ones are found among them. */
  async function checkNamed(accounts: string[], regions: string[]) {
    const listed = await deps.listTargets();
    const known = unique(listed.accounts);
    const knownRegions = unique(listed.regions);
    const problems = [
      notConfigured(accounts, known, 'account', 'EFS_ENCRYPT_ACCOUNTS'),
      notConfigured(regions, knownRegions, 'region', 'EFS_ENCRYPT_REGIONS'),
    ].filter((p): p is string => p !== undefined);
    if (problems.length) throw new BadInputError(problems.join(' '));
    return { known, knownRegions, skipped: listed.skipped ?? [] };
  }

  async function checkScope(request: ScanRequest): Promise<void> {
    try {
      await checkNamed(unique(request.accounts), unique(request.regions));
    } catch (e) {
      // The scan itself reports an account it cannot enter; that is no reason to refuse it here.
      if (!(e instanceof AccountAccessError)) throw e;
    }
  }

  /** The request's accounts and regions, completed from listTargets() where it names none. */
  async function resolveTargets(
    request: ScanRequest,
    fail: (f: ScanFailure) => Promise<void>,
  ): Promise<ScanTargets> {
    let accounts = unique(request.accounts);
    let regions = unique(request.regions);
    // Named accounts and regions are checked against the configured ones: a request (from anyone
    // in a Slack channel) must never steer the bot's role into other accounts, and a mistyped
    // region must be refused rather than scanned as empty.
    try {
      const { known, knownRegions, skipped } = await checkNamed(accounts, regions);
      // What the source listed but will not hand on (a suspended account…) is reported by a scan of all.
      if (accounts.length === 0) for (const s of skipped) await fail(s);
      if (accounts.length === 0) accounts = known;
      if (regions.length === 0) regions = knownRegions;
    } catch (e) {
      // Not even the caller's own account could be identified: a scan of nothing, saying why.
      if (!(e instanceof AccountAccessError)) throw e;
      accounts = [];
      await fail({
        accountId: e.accountId,
        operation: e.operation,
        code: e.awsCode,
        message: e.userMessage,
      });
    }
    return { accounts, regions };
  }

  return { run, runStored, checkScope };
}

/** The sentence refusing the named values that are not configured; undefined when all are. */
function notConfigured(named: string[], known: string[], what: string, setting: string): string | undefined {
  const outside = named.filter((n) => !known.includes(n));
  if (outside.length === 0) return undefined;
  const are = outside.length === 1 ? `is not a configured ${what}` : `are not configured ${what}s`;
  const choose = known.length ? `scan one of ${known.join(', ')}` : `scan without naming ${what}s`;
  return `${outside.join(', ')} ${are} (${setting}): ${choose}, or add it to the configuration.`;
}

/**
 * The scan's counts from each pair's, in the pairs' order: the same totals, and the same order of
 * flags, as counting the whole sorted inventory.
 */
function addUp(pairs: (ReturnType<typeof summarise> | undefined)[]): ReturnType<typeof summarise> {
  const byFlag: Partial<Record<InventoryFlag, number>> = {};
  let fileSystems = 0;
  let encrypted = 0;
  for (const p of pairs) {
    if (!p) continue;
    fileSystems += p.fileSystems;
    encrypted += p.encrypted;
    for (const [flag, n] of Object.entries(p.byFlag) as [InventoryFlag, number][])
      byFlag[flag] = (byFlag[flag] ?? 0) + n;
  }
  return { fileSystems, encrypted, unencrypted: fileSystems - encrypted, byFlag };
}

function unique(values: string[] | undefined): string[] {
  return [...new Set(values ?? [])];
}

function byLocationThen<T extends { accountId: string; region?: string }>(key: (t: T) => string) {
  return (a: T, b: T) =>
    a.accountId.localeCompare(b.accountId) ||
    (a.region ?? '').localeCompare(b.region ?? '') ||
    key(a).localeCompare(key(b));
}
