import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningScan, RunningScanRegistry } from '../../src/domain/running-scan.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { InMemoryRunningScans } from '../../src/slack/in-memory-running-scans.ts';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function entry(over: Partial<RunningScan> = {}): RunningScan {
  return {
    scopeKey: 'all',
    scope: { accounts: [], regions: [] },
    admissionId: 'a1',
    requestedBy: 'U1',
    channelId: 'C1',
    startedAt: T0.toISOString(),
    expiresAt: at(60_000).toISOString(),
    ...over,
  };
}

/** The same rules whether the claims are in the table (replicas) or in one process. */
function registryContract(
  name: string,
  open: () => Promise<{ registry: RunningScanRegistry; close(): Promise<void> }>,
) {
  describe(name, () => {
    let registry: RunningScanRegistry;
    let close: () => Promise<void>;
    let n = 0;
    /** A fresh scope per test: the table is shared by the tests of this file. */
    const key = () => `scope-${++n}`;

    beforeAll(async () => {
      ({ registry, close } = await open());
    });
    afterAll(async () => close());

    it('lets exactly one of two claims of a scope win, and tells the loser who holds it', async () => {
      const k = key();
      const results = await Promise.all([
        registry.claim(entry({ scopeKey: k, admissionId: 'a1' }), T0),
        registry.claim(entry({ scopeKey: k, admissionId: 'a2', requestedBy: 'U2' }), T0),
      ]);
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      const lost = results.find((r) => !r.claimed);
      const winner = results[0]!.claimed ? 'a1' : 'a2';
      expect(lost).toMatchObject({ claimed: false, holder: { scopeKey: k, admissionId: winner } });
    });

    it("takes over a crashed process's claim once its lease has expired, not before", async () => {
      const k = key();
      await registry.claim(entry({ scopeKey: k, admissionId: 'dead' }), T0);
      expect((await registry.claim(entry({ scopeKey: k, admissionId: 'new' }), at(59_000))).claimed).toBe(
        false,
      );
      expect((await registry.listLive(at(59_000))).map((c) => c.admissionId)).toContain('dead');
      expect((await registry.listLive(at(61_000))).map((c) => c.scopeKey)).not.toContain(k);
      const fresh = entry({ scopeKey: k, admissionId: 'new', expiresAt: at(120_000).toISOString() });
      expect((await registry.claim(fresh, at(61_000))).claimed).toBe(true);
      // The crashed holder's late release does not drop the new claim.
      await registry.release(k, 'dead');
      expect((await registry.listLive(at(61_000))).find((c) => c.scopeKey === k)?.admissionId).toBe('new');
    });

    it('records the thread and extends the lease for the holder only; release frees the scope', async () => {
      const k = key();
      await registry.claim(entry({ scopeKey: k, admissionId: 'a1' }), T0);
      expect(
        await registry.renew(k, 'other', { threadTs: '1.2', expiresAt: at(500_000).toISOString() }),
      ).toBe(false);
      expect(
        await registry.renew(k, 'a1', {
          threadTs: '1767225600.000001',
          expiresAt: at(120_000).toISOString(),
        }),
      ).toBe(true);
      const live = (await registry.listLive(at(90_000))).find((c) => c.scopeKey === k);
      expect(live).toMatchObject({ admissionId: 'a1', threadTs: '1767225600.000001', channelId: 'C1' });
      await registry.release(k, 'a1');
      expect((await registry.listLive(T0)).find((c) => c.scopeKey === k)).toBeUndefined();
      expect((await registry.claim(entry({ scopeKey: k, admissionId: 'a3' }), T0)).claimed).toBe(true);
    });
  });
}

registryContract('DynamoRunningScanRegistry (embedded store)', async () => {
  const store: Store = await openStore();
  return { registry: store.runningScans, close: () => store.close() };
});

registryContract('InMemoryRunningScans', async () => ({
  registry: new InMemoryRunningScans(),
  close: async () => {},
}));
