import type { FileSystemRecord, ScanRecord } from '../../src/domain/inventory.ts';
import type { ScanScope } from '../../src/domain/scan-scope.ts';
import type { ScanService, SlackServices } from '../../src/slack/services.ts';
import type { IoMessage } from '../../src/workflow/io-host.ts';
import type { ScanRepository, ScanWriter } from '../../src/workflow/scan/ports.ts';

/** Keeps scans in memory; the same interface the DynamoDB store implements. */
export class InMemoryScanRepository implements ScanRepository {
  readonly scans = new Map<string, ScanRecord>();
  /** Every write a scan made, in order: its file systems per pair and batch, then its finish. */
  readonly writes: (
    { scanId: string; position: number; fileSystems: number } | { scanId: string; finished: true }
  )[] = [];
  /** Parts written and not (yet) part of a stored scan. */
  readonly unfinished = new Map<string, FileSystemRecord[][]>();

  beginScan(scanId: string): ScanWriter {
    const parts: FileSystemRecord[][] = [];
    this.unfinished.set(scanId, parts);
    return {
      writeFileSystems: async (position, records) => {
        // A pair may come in several batches: each continues it.
        (parts[position] ??= []).push(...structuredClone(records));
        this.writes.push({ scanId, position, fileSystems: records.length });
      },
      finish: async (summary) => {
        const { failures, stats, ...head } = structuredClone(summary);
        this.scans.set(scanId, { ...head, fileSystems: parts.flat(), failures, stats });
        this.unfinished.delete(scanId);
        this.writes.push({ scanId, finished: true });
      },
      abandon: async () => void this.unfinished.delete(scanId),
    };
  }
  async saveScan(scan: ScanRecord): Promise<void> {
    this.scans.set(scan.scanId, structuredClone(scan));
  }
  async getScan(scanId: string): Promise<ScanRecord | undefined> {
    return this.scans.get(scanId);
  }
  async getLatestScan(): Promise<ScanRecord | undefined> {
    return [...this.scans.values()]
      .filter((s) => s.finishedAt)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  }
  async listScans(limit = 20): Promise<Omit<ScanRecord, 'fileSystems'>[]> {
    return [...this.scans.values()]
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, limit)
      .map(({ fileSystems: _fs, ...rest }) => rest);
  }
}

export interface FakeScanOptions {
  /** Messages emitted through the IoHost, in order, before the scan ends. */
  progress?: Omit<IoMessage, 'time'>[];
  result?: ScanRecord;
  /** Thrown after the progress instead of returning a result. */
  error?: unknown;
  /** Resolves when the scan may finish: lets a test hold a scan open. */
  gate?: Promise<void>;
}

/** A scan workflow stand-in that reports progress like the real one and returns fixtures. */
export function fakeScanService(
  o: FakeScanOptions,
  repository?: ScanRepository,
): ScanService & { requests: string[]; scopes: (ScanScope | undefined)[] } {
  const requests: string[] = [];
  const scopes: (ScanScope | undefined)[] = [];
  return {
    requests,
    scopes,
    async run({ requestedBy, io, scope }) {
      requests.push(requestedBy);
      scopes.push(scope);
      for (const m of o.progress ?? []) {
        await io.notify({ ...m, time: new Date('2026-01-01T00:00:00Z') });
        // Let the reporter's Slack calls interleave with progress, as with a real scan's awaits.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await o.gate;
      if (o.error !== undefined) throw o.error;
      if (!o.result) throw new Error('fakeScanService needs a result or an error');
      const scan = { ...o.result, requestedBy };
      await repository?.saveScan(scan);
      return scan;
    },
  };
}

export function fakeServices(
  o: FakeScanOptions,
): SlackServices & { scan: ReturnType<typeof fakeScanService>; scans: InMemoryScanRepository } {
  const scans = new InMemoryScanRepository();
  return { scan: fakeScanService(o, scans), scans };
}
