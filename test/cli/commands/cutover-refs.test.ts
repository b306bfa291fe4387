import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { ConsumerReport } from '../../../src/domain/consumers.ts';
import { openStore } from '../../../src/store/index.ts';
import { createConsumerDiscovery } from '../../../src/workflow/consumers/index.ts';
import type { Runtime } from '../../../src/cli/runtime.ts';
import {
  AP,
  fakeConsumerReaders,
  seedConsumerMigration,
  SOURCE_FS,
  type FakeOptions,
} from '../../harness/consumer-fakes.ts';
import { runCli, useCliWorkspace } from '../run-cli.ts';

/**
 * `efs-encrypt cutover refs` over a persisted embedded store seeded with a migration and its
 * snapshot; the four AWS readers are the in-memory doubles of the workflow's ports (the local
 * estate learns ECS, Lambda and Auto Scaling in another change).
 */
const fakes = vi.hoisted(() => ({ options: {} as FakeOptions }));
vi.mock('../../../src/cli/phases/consumers-phase.ts', () => ({
  openConsumerDiscovery: (runtime: Pick<Runtime, 'store' | 'clock'>) => ({
    discovery: createConsumerDiscovery({
      migrations: runtime.store.migrations,
      events: runtime.store.events,
      reports: runtime.store.consumers,
      readers: fakeConsumerReaders(fakes.options),
      clock: runtime.clock,
    }),
    close: () => undefined,
  }),
}));

const workspace = useCliWorkspace('cutover-refs-');

async function seed(): Promise<string> {
  const store = await openStore({ dataDir: workspace.path('store'), clock: new ManualClock() });
  try {
    return await seedConsumerMigration(store, '2026-01-01T00:00:00.000Z');
  } finally {
    await store.close();
  }
}

describe('efs-encrypt cutover refs', () => {
  it('prints consumers by application with owners, each reference, and the checklist', async () => {
    fakes.options = {};
    await seed();
    const r = await runCli('cutover', 'refs', SOURCE_FS);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${SOURCE_FS} (111111111111 eu-west-1): 5 consumer(s)`);
    expect(r.out).toContain('app storefront — owner U0WEBOWNER');
    expect(r.out).toContain('app ledger — owner U0FSOWNER');
    expect(r.out).toContain('app ledger-jobs — owner jobs@example.com');
    expect(r.out).toMatch(/ECS service web \(ECS, 2\/2 running\)/);
    expect(r.out).toContain(`    access-point ${AP} — volume "data" authorizationConfig.accessPointId`);
    expect(r.out).toContain(
      `    dns-name ${SOURCE_FS}.efs.eu-west-1.amazonaws.com — version 2 user data line 2`,
    );
    expect(r.out).toContain('Lambda function ledger-worker, versions 3, 5; aliases live → 3, canary → 4');
    expect(r.out).toContain('[ ] EKS PersistentVolumes');
    expect(r.out).not.toContain('Could not read');
  });

  it('prints the report as JSON, and exits 1 naming what it could not read', async () => {
    fakes.options = { denied: ['lambda'] };
    await seed();
    const r = await runCli('cutover', 'refs', SOURCE_FS, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as ConsumerReport;
    expect(report.consumers.map((c) => c.kind)).not.toContain('lambda-function');
    expect(report.unreadable).toEqual([
      expect.objectContaining({
        service: 'lambda',
        operation: 'ListFunctions',
        code: 'AccessDeniedException',
      }),
    ]);
    expect(r.err).toContain('could not read lambda:ListFunctions (AccessDeniedException)');
  });

  it('says which migration is missing', async () => {
    fakes.options = {};
    await seed();
    const r = await runCli('cutover', 'refs', 'fs-0unknown');
    expect(r.code).toBe(1);
    expect(r.err).toContain('fs-0unknown: no migration for this file system');
  });
});
