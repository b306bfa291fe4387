import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/domain/errors.ts';
import { startCopyHarness, verifySummary, type CopyHarness } from './copy-fixture.ts';

/** verify.sh's summary as pasted into Slack, with log lines above it. */
const summary = (differences: string[]) => ['verify.sh log lines…', verifySummary(differences)].join('\n');

describe('EC2 + rsync status recorded from the thread', () => {
  let h: CopyHarness;
  beforeEach(async () => {
    h = await startCopyHarness();
  });
  afterEach(() => h.close());

  it('initial done → synced; final with differences stays final_sync listing them; a clean final verifies', async () => {
    const id = await h.seed('rsync');
    expect((await h.phase.status(id)).actions).toEqual(['record_initial']);
    const initial = await h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'initial' });
    expect(initial).toMatchObject({ state: 'synced', verified: false, unchanged: false });
    // A second click changes nothing.
    expect(await h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'initial' })).toMatchObject({
      state: 'synced',
      unchanged: true,
    });

    const differs = await h.phase.recordRsyncStatus(id, 'U0ADMIN', {
      pass: 'final',
      summaryText: summary(['only in source: ./a (f)', 'differs: ./b: mode 0644 -> 0600']),
    });
    expect(differs).toMatchObject({ state: 'final_sync', verified: false });
    expect(differs.message).toContain('only in source: ./a (f)');
    expect(differs.message).toContain('differs: ./b: mode 0644 -> 0600');
    const record = (await h.store.migrations.getMigration(id))!;
    expect(record.facts.verificationClean).toBe(false);
    expect(h.io.messages.at(-1)).toMatchObject({ level: 'warn', code: 'copy.verification_differs' });
    expect((await h.phase.status(id)).actions).toEqual(['record_final']);

    const clean = await h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: summary([]) });
    expect(clean).toMatchObject({ state: 'verified', verified: true });
    expect((await h.store.migrations.getMigration(id))!.facts.verificationClean).toBe(true);
    const transitions = (await h.store.events.listEvents(id))
      .filter((e) => e.kind === 'transition')
      .map((e) => e.to);
    expect(transitions).toEqual(['copying', 'synced', 'final_sync', 'verified']);
  });

  it('a double click on Final sync done verifies once', async () => {
    const id = await h.seed('rsync');
    await h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'initial' });
    const [a, b] = await Promise.all([
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: summary([]) }),
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: summary([]) }),
    ]);
    expect([a.state, b.state]).toEqual(['verified', 'verified']);
    expect([a.unchanged, b.unchanged].sort()).toEqual([false, true]);
    const transitions = (await h.store.events.listEvents(id))
      .filter((e) => e.kind === 'transition')
      .map((e) => e.to);
    expect(transitions.filter((t) => t === 'verified')).toHaveLength(1);
  });

  it('refuses what cannot prove the copy, changing nothing', async () => {
    const id = await h.seed('rsync');
    await expect(h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final' })).rejects.toThrow(
      /needs the verification summary/,
    );
    await expect(
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: summary([]) }),
    ).rejects.toThrow(/record the initial copy first/);
    await expect(
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: 'looks fine to me' }),
    ).rejects.toBeInstanceOf(BadInputError);
    expect((await h.phase.status(id)).state).toBe('target_ready');
    // The bot does not queue jobs for rsync.
    await expect(h.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' })).rejects.toThrow(/run the runbook/);
  });

  it('a DataSync migration cannot be reported as rsync', async () => {
    const id = await h.seed('datasync');
    await expect(h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'initial' })).rejects.toThrow(
      /copied with datasync, not EC2 \+ rsync/,
    );
  });
});
