import { BadInputError } from '../../domain/errors.ts';
import type { FileSystemRecord, ScanRecord } from '../../domain/inventory.ts';
import type { ScanRepository } from '../scan/index.ts';

/**
 * What a plan decides about. Decisions belong to file systems, not to scans: after a scan of one
 * account and region, the plan still shows every other account and region as its own newest scan
 * saw it. So, unless a scan is named, each account/region pair is taken from the newest finished
 * scan that read it (a pair a scan could not read, e.g. AccessDenied, keeps its older reading).
 */

export interface ScanSource {
  scanId: string;
  /** When the scan saw the file system (its end), for the migration's inventory snapshot. */
  observedAt: string;
}

export interface PlanBasis {
  /** The scan the request named; absent for the latest view. */
  scanId?: string;
  /**
   * The latest view's cut-off: scans finished after it are not part of it, so a modal opened on a
   * view pages through the same file systems even when a scan finishes meanwhile.
   */
  asOf?: string;
  /** The scans the file systems come from, newest first. */
  scans: ScanSource[];
  fileSystems: FileSystemRecord[];
  /** The scan that read each account/region pair (`<account> <region>`) of the file systems. */
  readBy: Map<string, ScanSource>;
  /** Account/region pairs no stored scan could read (`<account> <region>`). */
  unread: string[];
}

export interface BasisRequest {
  /** A scan by ID: only its file systems. */
  scanId?: string;
  /** The latest view as it was at this time (from a PlanBasis's `asOf`). */
  asOf?: string;
}

/** Stored scans the latest view looks back over (their headers are read, only the chosen in full). */
export const LATEST_VIEW_SCANS = 100;

export async function planBasis(
  scans: Pick<ScanRepository, 'getScan' | 'listScans'>,
  request: BasisRequest = {},
): Promise<PlanBasis> {
  if (request.scanId) {
    const scan = await scans.getScan(request.scanId);
    if (!scan)
      throw new BadInputError(
        `Scan ${request.scanId} was not found. Use the ID from a scan summary (\`efs-encrypt export --list\`), or leave it out to plan from the latest scans.`,
      );
    const read = readPairs(scan);
    return {
      scanId: scan.scanId,
      scans: [sourceOf(scan)],
      fileSystems: scan.fileSystems,
      readBy: new Map([...read].map((p) => [p, sourceOf(scan)])),
      unread: [...pairsOf(scan)].filter((p) => !read.has(p)).sort(),
    };
  }
  const finished = (await scans.listScans(LATEST_VIEW_SCANS))
    .filter((s) => s.finishedAt && (!request.asOf || s.finishedAt <= request.asOf))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  if (!finished.length) throw new BadInputError('There is no finished scan yet. Run a scan first.');

  // Newest first: a pair belongs to the first scan that read it.
  const owner = new Map<string, string>();
  const seen = new Set<string>();
  for (const s of finished) {
    for (const p of pairsOf(s)) seen.add(p);
    for (const p of readPairs(s)) if (!owner.has(p)) owner.set(p, s.scanId);
  }
  const chosen = finished.filter((s) => [...owner.values()].includes(s.scanId));
  const full = await Promise.all(chosen.map((s) => scans.getScan(s.scanId)));
  const stored = full.filter((s): s is ScanRecord => !!s);
  const fileSystems = stored.flatMap((scan) =>
    scan.fileSystems.filter((fs) => owner.get(pair(fs.accountId, fs.region)) === scan.scanId),
  );
  const sources = new Map(stored.map((s) => [s.scanId, sourceOf(s)]));
  const readBy = new Map<string, ScanSource>();
  for (const [p, scanId] of owner) {
    const source = sources.get(scanId);
    if (source) readBy.set(p, source);
  }
  return {
    asOf: request.asOf ?? finished[0]!.finishedAt,
    scans: stored.map(sourceOf),
    fileSystems,
    readBy,
    unread: [...seen].filter((p) => !owner.has(p)).sort(),
  };
}

/** "scan X" or "the latest scans (X, Y)": how a basis is named in messages. */
export function describeBasis(basis: Pick<PlanBasis, 'scanId' | 'scans'>): string {
  if (basis.scanId) return `scan ${basis.scanId}`;
  const ids = basis.scans.map((s) => s.scanId);
  return ids.length === 1
    ? `the latest scan (${ids[0]})`
    : `the latest scan of each account and region (${ids.join(', ')})`;
}

/** The scan a file system of the basis was read by. */
export function sourceFor(
  basis: Pick<PlanBasis, 'readBy' | 'scans'>,
  fs: Pick<FileSystemRecord, 'accountId' | 'region'>,
): ScanSource {
  return basis.readBy.get(pair(fs.accountId, fs.region)) ?? basis.scans[0]!;
}

function sourceOf(scan: Pick<ScanRecord, 'scanId' | 'startedAt' | 'finishedAt'>): ScanSource {
  return { scanId: scan.scanId, observedAt: scan.finishedAt ?? scan.startedAt };
}

const pair = (accountId: string, region: string) => `${accountId} ${region}`;

function pairsOf(scan: Pick<ScanRecord, 'accounts' | 'regions'>): Set<string> {
  return new Set(scan.accounts.flatMap((a) => scan.regions.map((r) => pair(a, r))));
}

/** The pairs a scan read: its scope minus its failures (one without a region is the whole account). */
function readPairs(scan: Pick<ScanRecord, 'accounts' | 'regions' | 'failures'>): Set<string> {
  const read = pairsOf(scan);
  for (const f of scan.failures)
    for (const p of [...read])
      if (p.startsWith(`${f.accountId} `) && (!f.region || p === pair(f.accountId, f.region))) read.delete(p);
  return read;
}
