import type { ScanScope } from './scan-scope.ts';

/**
 * A scan some bot process is running now, as recorded in the store so that every replica sees it:
 * who holds the scope, where its thread is, and until when the claim holds without a renewal (a
 * crashed process's claim lapses on its own).
 */
export interface RunningScan {
  /** The scope's key (scopeKey): one running scan per key across all replicas. */
  scopeKey: string;
  scope: ScanScope;
  /** Unique per admitted scan: only the holder renews or releases the claim. */
  admissionId: string;
  requestedBy: string;
  channelId: string;
  /** The root message of the scan's thread, once posted (the claim comes first). */
  threadTs?: string;
  startedAt: string;
  expiresAt: string;
}

/** The store's registry of running scans: a conditional write per scope. */
export interface RunningScanRegistry {
  /**
   * Claims the scope when no live claim holds it (none, or expired by `now`). Returns the live
   * claim that won otherwise.
   */
  claim(entry: RunningScan, now: Date): Promise<{ claimed: true } | { claimed: false; holder: RunningScan }>;
  /** The claims not expired by `now`. */
  listLive(now: Date): Promise<RunningScan[]>;
  /** Records the thread and extends the lease; false when the claim is no longer this admission's. */
  renew(
    scopeKey: string,
    admissionId: string,
    patch: { threadTs?: string; expiresAt: string },
  ): Promise<boolean>;
  /** Drops the claim if it is still this admission's. */
  release(scopeKey: string, admissionId: string): Promise<void>;
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();

/** `all` for a full scan; otherwise the sorted accounts and regions (`*` for "every"). */
export function scopeKey(scope: ScanScope): string {
  const accounts = sorted(scope.accounts);
  const regions = sorted(scope.regions);
  if (!accounts.length && !regions.length) return 'all';
  return `${accounts.join(',') || '*'}|${regions.join(',') || '*'}`;
}

/**
 * Whether a scan of `running` scans every account/region pair `wanted` asks for. Empty lists mean
 * every configured account (region), so a full scan covers anything; a named list covers only the
 * names in it, and never "every" (the configured list may be longer than what was named).
 */
export function scopeCovers(running: ScanScope, wanted: ScanScope): boolean {
  const covers = (have: string[], want: string[]) =>
    have.length === 0 || (want.length > 0 && want.every((x) => have.includes(x)));
  return covers(running.accounts, wanted.accounts) && covers(running.regions, wanted.regions);
}
