import type { RunningScan, RunningScanRegistry } from '../domain/running-scan.ts';

/**
 * The running-scan registry of a bot without a store to share (tests, a single process): the same
 * claim/expiry rules as the store's, held in this process only.
 */
export class InMemoryRunningScans implements RunningScanRegistry {
  private readonly claims = new Map<string, RunningScan>();

  async claim(entry: RunningScan, now: Date) {
    const held = this.claims.get(entry.scopeKey);
    if (held && held.expiresAt >= now.toISOString()) return { claimed: false as const, holder: { ...held } };
    this.claims.set(entry.scopeKey, { ...entry });
    return { claimed: true as const };
  }

  async listLive(now: Date) {
    return [...this.claims.values()].filter((c) => c.expiresAt >= now.toISOString()).map((c) => ({ ...c }));
  }

  async renew(scopeKey: string, admissionId: string, patch: { threadTs?: string; expiresAt: string }) {
    const held = this.claims.get(scopeKey);
    if (held?.admissionId !== admissionId) return false;
    this.claims.set(scopeKey, { ...held, ...patch });
    return true;
  }

  async release(scopeKey: string, admissionId: string) {
    if (this.claims.get(scopeKey)?.admissionId === admissionId) this.claims.delete(scopeKey);
  }
}
