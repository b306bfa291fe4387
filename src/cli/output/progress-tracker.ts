import type { IoMessage } from '../../workflow/io-host.ts';

/**
 * What a long command is doing, folded from the workflows' IoHost messages into one status line
 * with counts and an ETA: the scan by account/region pairs, builds by steps over every file system
 * being built, copies by DataSync's percentage (replication reports no percentage: its state).
 * Pure: the renderer decides how to draw it.
 */
export interface ProgressStatus {
  /** What is running: `Scanning`, `Building`, `Copying`. */
  activity: string;
  /** Units done and in all, when countable (the bar); the copy counts percent. */
  done?: number;
  total?: number;
  unit?: string;
  /** Counts and the current item, e.g. `87 file systems, 5 unencrypted`. */
  detail: string[];
  /** Problems so far (shown in red). */
  failed: number;
  etaMs?: number;
}

interface ScanProgress {
  total: number;
  regions: number;
  done: number;
  /** Pairs counted per account, and the accounts the scan gave up on (their other regions are skipped). */
  perAccount: Map<string, number>;
  blocked: Set<string>;
  failed: number;
  fileSystems: number;
  unencrypted: number;
  startedAt: number;
}

interface ItemProgress {
  label: string;
  done: number;
  total: number;
  state: 'running' | 'done' | 'failed';
  /** The step or phase now, as the workflow named it. */
  now?: string;
  /** A copy's method: DataSync reports a percentage, replication only its state. */
  method?: string;
  etaMs?: number;
  startedAt: number;
}

export interface ProgressTracker {
  apply(msg: IoMessage): void;
  /** The line to show while something runs; undefined when nothing does. */
  status(): ProgressStatus | undefined;
}

/** `FS#123456789012#eu-west-1#fs-1` → `fs-1`; other IDs as they are. */
function fileSystemOf(data: Record<string, unknown>): string {
  if (typeof data.fileSystemId === 'string') return data.fileSystemId;
  const id = typeof data.migrationId === 'string' ? data.migrationId : '?';
  return id.split('#').at(-1) ?? id;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Time left at the rate so far; undefined until something is done. */
function etaFrom(done: number, total: number, elapsedMs: number): number | undefined {
  if (done <= 0 || total <= done) return undefined;
  return Math.round((elapsedMs / done) * (total - done));
}

function countPair(scan: ScanProgress, accountId: string): void {
  if (scan.blocked.has(accountId)) return;
  scan.perAccount.set(accountId, (scan.perAccount.get(accountId) ?? 0) + 1);
  scan.done = Math.min(scan.total, scan.done + 1);
}

export function createProgressTracker(now: () => number = Date.now): ProgressTracker {
  let scan: ScanProgress | undefined;
  const builds = new Map<string, ItemProgress>();
  const copies = new Map<string, ItemProgress>();

  function item(map: Map<string, ItemProgress>, data: Record<string, unknown>, total: number): ItemProgress {
    const key = typeof data.migrationId === 'string' ? data.migrationId : fileSystemOf(data);
    let it = map.get(key);
    if (!it) {
      it = { label: fileSystemOf(data), done: 0, total, state: 'running', startedAt: now() };
      map.set(key, it);
    }
    return it;
  }

  function apply(msg: IoMessage): void {
    const data = (msg.data ?? {}) as Record<string, unknown>;
    switch (msg.code) {
      case 'scan.started': {
        const pairs =
          (Array.isArray(data.accounts) ? data.accounts.length : 0) *
          (Array.isArray(data.regions) ? data.regions.length : 0);
        const regions = Array.isArray(data.regions) ? data.regions.length : 0;
        scan = {
          total: pairs,
          regions,
          done: 0,
          perAccount: new Map(),
          blocked: new Set(),
          failed: 0,
          fileSystems: 0,
          unencrypted: 0,
          startedAt: now(),
        };
        return;
      }
      case 'scan.region.done':
        if (!scan) return;
        countPair(scan, String(data.accountId));
        scan.fileSystems += num(data.fileSystems);
        scan.unencrypted += num(data.unencrypted);
        return;
      case 'scan.failure': {
        if (!scan) return;
        scan.failed++;
        const failure = (data.failure ?? {}) as { accountId?: string; region?: string };
        const account = String(failure.accountId);
        if (failure.region) countPair(scan, account);
        else {
          // The whole account failed (its role cannot be assumed): none of its regions will report.
          scan.done = Math.min(
            scan.total,
            scan.done + Math.max(0, scan.regions - (scan.perAccount.get(account) ?? 0)),
          );
          scan.perAccount.set(account, scan.regions);
          scan.blocked.add(account);
        }
        return;
      }
      case 'scan.finished':
        scan = undefined;
        return;
      case 'build.started': {
        const steps = Array.isArray(data.steps) ? data.steps.length : 1;
        const it = item(builds, data, steps);
        Object.assign(it, { done: 0, total: steps, state: 'running', now: undefined, startedAt: now() });
        return;
      }
      case 'build.step.done': {
        const it = item(builds, data, Array.isArray(data.steps) ? data.steps.length : 1);
        const index = Array.isArray(data.steps) ? data.steps.indexOf(data.step) : -1;
        it.done = Math.max(it.done, index + 1);
        it.now = typeof data.step === 'string' ? data.step : undefined;
        return;
      }
      case 'build.succeeded': {
        const it = item(builds, data, 1);
        it.state = 'done';
        it.done = it.total;
        return;
      }
      case 'build.failed':
        item(builds, data, 1).state = 'failed';
        return;
      case 'copy.started': {
        const it = item(copies, data, 100);
        Object.assign(it, { done: 0, state: 'running', now: undefined, etaMs: undefined, startedAt: now() });
        it.method = typeof data.method === 'string' ? data.method : undefined;
        return;
      }
      case 'copy.progress': {
        const it = item(copies, data, 100);
        const p = (data.progress ?? {}) as { percent?: number; etaMs?: number; phase?: string };
        if (typeof p.percent === 'number') it.done = p.percent;
        it.etaMs = p.etaMs;
        it.now = p.phase ?? it.now;
        return;
      }
      case 'copy.done': {
        const it = item(copies, data, 100);
        it.state = 'done';
        it.done = 100;
        return;
      }
      case 'copy.failed':
        item(copies, data, 100).state = 'failed';
        return;
    }
  }

  function status(): ProgressStatus | undefined {
    if (scan) {
      const elapsed = now() - scan.startedAt;
      return {
        activity: 'Scanning',
        done: scan.done,
        total: scan.total,
        unit: 'account/region pairs',
        detail: [`${scan.fileSystems} file systems`, `${scan.unencrypted} unencrypted`],
        failed: scan.failed,
        etaMs: etaFrom(scan.done, scan.total, elapsed),
      };
    }
    const building = [...builds.values()];
    if (building.some((b) => b.state === 'running')) {
      const done = building.reduce((s, b) => s + (b.state === 'failed' ? b.total : b.done), 0);
      const total = building.reduce((s, b) => s + b.total, 0);
      const current = building.find((b) => b.state === 'running')!;
      const first = Math.min(...building.map((b) => b.startedAt));
      return {
        activity: 'Building',
        done,
        total,
        unit: 'steps',
        detail: [
          `${building.filter((b) => b.state === 'done').length}/${building.length} twins ready`,
          `${current.label}${current.now ? `: ${current.now} done` : ''}`,
        ],
        failed: building.filter((b) => b.state === 'failed').length,
        etaMs: etaFrom(done, total, now() - first),
      };
    }
    const copying = [...copies.values()].find((c) => c.state === 'running');
    if (copying) {
      return {
        activity: 'Copying',
        ...(copying.method === 'datasync' ? { done: copying.done, total: 100, unit: '%' } : {}),
        detail: [[copying.label, copying.method, copying.now].filter(Boolean).join(' ')],
        failed: [...copies.values()].filter((c) => c.state === 'failed').length,
        etaMs: copying.etaMs,
      };
    }
    return undefined;
  }

  return { apply, status };
}

/** `8s`, `1m 20s`, `2h 05m`: an ETA's precision, no more. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
