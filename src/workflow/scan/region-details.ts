import type {
  AccessPointDescription,
  FileSystemDescription,
  ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import type { ScanEfs } from './ports.ts';

/**
 * Details listed once per account and region instead of once per file system: access points and
 * the replication configurations of source file systems. Per-file-system calls are the ones that
 * spend the rate budget (AWS throttles per operation), so this saves one call per file system for
 * each. Where a listing fails, the answer is "ask per file system", which also reports the error
 * where it belongs.
 */
export interface RegionDetails {
  /**
   * Undefined: not known from the listing; ask DescribeAccessPoints for this file system. Each file
   * system's are handed out once and then released, so a region's listing shrinks as its file
   * systems are read instead of staying whole to the end (10,000 access points at 10,000 file
   * systems); a second ask for the same file system gets none.
   */
  takeAccessPointsOf(fileSystemId: string): AccessPointDescription[] | undefined;
  /** Undefined: not known from the listing; ask DescribeReplicationConfigurations for this file system. */
  replicationsOf(fs: FileSystemDescription): ReplicationConfigurationDescription[] | undefined;
}

export const ASK_PER_FILE_SYSTEM: RegionDetails = {
  takeAccessPointsOf: () => undefined,
  replicationsOf: () => undefined,
};

export async function readRegionDetails(
  efs: Pick<ScanEfs, 'listAccessPoints' | 'listReplications'>,
): Promise<RegionDetails> {
  // Deliberately not reported here: a failed listing means "ask per file system", and the
  // per-file-system call reports the same error against the file system it concerns.
  const [accessPoints, replications] = await Promise.all([
    efs.listAccessPoints().catch(() => undefined),
    efs.listReplications().catch(() => undefined),
  ]);
  const accessPointsByFs = accessPoints && groupBy(accessPoints, (a) => a.FileSystemId);
  const replicationsBySource = replications && groupBy(replications, (r) => r.SourceFileSystemId);
  return {
    takeAccessPointsOf(id) {
      if (!accessPointsByFs) return undefined;
      const taken = accessPointsByFs.get(id) ?? [];
      accessPointsByFs.delete(id);
      return taken;
    },
    replicationsOf(fs) {
      // A destination's configuration belongs to its source, possibly in another region or
      // account; EFS marks destinations REPLICATING, and those are asked for by file system.
      if (!replicationsBySource || fs.FileSystemProtection?.ReplicationOverwriteProtection === 'REPLICATING')
        return undefined;
      return replicationsBySource.get(fs.FileSystemId ?? '') ?? [];
    },
  };
}

function groupBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
