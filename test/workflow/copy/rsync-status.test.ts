import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CopyResourceKeys } from '../../../src/domain/copy.ts';
import { BadInputError } from '../../../src/domain/errors.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import {
  ACCOUNT,
  REGION,
  SOURCE,
  TWIN,
  startCopyHarness,
  verifySummary,
  type CopyHarness,
  type SummaryBinding,
} from './copy-fixture.ts';

/** verify.sh's summary as pasted into Slack, with log lines above it. */
const summary = (differences: string[], binding: SummaryBinding) =>
  ['verify.sh log lines…', verifySummary(differences, binding)].join('\n');

describe('EC2 + rsync status recorded from the thread', () => {
  let h: CopyHarness;
  beforeEach(async () => {
    h = await startCopyHarness();
  });
  afterEach(() => h.close());

  /** A new runbook for the migration; returns the binding its verify.sh prints. */
  async function runbook(id: string): Promise<SummaryBinding> {
    const rb = await h.runbook(id);
    return { migrationId: id, nonce: rb.verifyNonce };
  }

  it('initial done → synced; final with differences stays final_sync listing them; a clean final of a new runbook verifies', async () => {
    const id = await h.seed('rsync');
    const first = await runbook(id);
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
      summaryText: summary(['only in source: ./a (f)', 'differs: ./b: mode 0644 -> 0600'], first),
    });
    expect(differs).toMatchObject({ state: 'final_sync', verified: false });
    expect(differs.message).toContain('only in source: ./a (f)');
    expect(differs.message).toContain('differs: ./b: mode 0644 -> 0600');
    expect(differs.message).toContain('generate the runbook again');
    const record = (await h.store.migrations.getMigration(id))!;
    expect(record.facts.verificationClean).toBe(false);
    expect(record.resources[CopyResourceKeys.rsyncVerifyNonceUsed]).toBe(first.nonce);
    expect(h.io.messages.at(-1)).toMatchObject({ level: 'warn', code: 'copy.verification_differs' });
    expect((await h.phase.status(id)).actions).toEqual(['record_final']);

    // The same summary again is a double submission: nothing new.
    const again = await h.phase.recordRsyncStatus(id, 'U0ADMIN', {
      pass: 'final',
      summaryText: summary(['only in source: ./a (f)', 'differs: ./b: mode 0644 -> 0600'], first),
    });
    expect(again).toMatchObject({ state: 'final_sync', unchanged: true });
    // A clean summary with the used nonce is refused: the nonce proves one pass.
    await expect(
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: summary([], first) }),
    ).rejects.toThrow(/nonce was already used.*Generate the runbook again/);

    const second = await runbook(id);
    expect(second.nonce).not.toBe(first.nonce);
    const clean = await h.phase.recordRsyncStatus(id, 'U0ADMIN', {
      pass: 'final',
      summaryText: summary([], second),
    });
    expect(clean).toMatchObject({ state: 'verified', verified: true });
    expect((await h.store.migrations.getMigration(id))!.facts.verificationClean).toBe(true);
    const transitions = (await h.store.events.listEvents(id))
      .filter((e) => e.kind === 'transition')
      .map((e) => e.to);
    expect(transitions).toEqual(['copying', 'synced', 'final_sync', 'verified']);
  });

  it('a double click on Final sync done verifies once', async () => {
    const id = await h.seed('rsync');
    const binding = await runbook(id);
    await h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'initial' });
    const [a, b] = await Promise.all([
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: summary([], binding) }),
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: summary([], binding) }),
    ]);
    expect([a.state, b.state]).toEqual(['verified', 'verified']);
    expect([a.unchanged, b.unchanged].sort()).toEqual([false, true]);
    const transitions = (await h.store.events.listEvents(id))
      .filter((e) => e.kind === 'transition')
      .map((e) => e.to);
    expect(transitions.filter((t) => t === 'verified')).toHaveLength(1);
  });

  it('the runbook stores a new nonce before it is handed out, and binds its verify.sh to it', async () => {
    const id = await h.seed('rsync');
    const a = await h.runbook(id);
    expect(a.verifyNonce).toMatch(/^[0-9a-f]{32}$/);
    expect((await h.store.migrations.getMigration(id))!.resources[CopyResourceKeys.rsyncVerifyNonce]).toBe(
      a.verifyNonce,
    );
    const verify = a.scripts.find((s) => s.name === 'verify.sh')!.content;
    expect(verify).toContain(`EFS_ENCRYPT_NONCE='${a.verifyNonce}'`);
    expect(verify).toContain(`EFS_ENCRYPT_MIGRATION_ID='${id}'`);
    expect(verify).toContain(`EFS_ENCRYPT_TARGET_FILE_SYSTEM_ID='${TWIN}'`);
    expect(a.markdown).toContain(`EFS_ENCRYPT_NONCE='${a.verifyNonce}'`);
    const b = await h.runbook(id);
    expect(b.verifyNonce).not.toBe(a.verifyNonce);
    expect((await h.store.migrations.getMigration(id))!.resources[CopyResourceKeys.rsyncVerifyNonce]).toBe(
      b.verifyNonce,
    );
    const event = (await h.store.events.listEvents(id)).at(-1)!;
    expect(event).toMatchObject({ actor: 'U0ADMIN', detail: expect.stringContaining('verification nonce') });
  });

  it('refuses a summary that is not bound to this migration, saying which binding differs; nothing changes', async () => {
    const id = await h.seed('rsync');
    const final = (text: string) =>
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: text });
    // No runbook yet: no nonce can match.
    await h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'initial' });
    await expect(final(summary([], { migrationId: id, nonce: 'f'.repeat(32) }))).rejects.toThrow(
      /No runbook has been generated/,
    );
    const bound = await runbook(id);

    // The summary of issue 13: hand-written, CLEAN, bound to nothing.
    const handWritten = [
      '== efs-encrypt verification summary ==',
      'source: /nowhere',
      'target: /nowhere-else',
      'entries: source 0, target 0',
      'compared: type mode owner size mtime symlink content hardlink',
      'differences: 0',
      'result: CLEAN',
      '== end of summary ==',
    ].join('\n');
    await expect(final(handWritten)).rejects.toThrow(
      new RegExp(`not printed by the verify.sh generated for ${SOURCE}.*copy runbook ${SOURCE}`),
    );
    const other = migrationId(ACCOUNT, REGION, 'fs-06060606060606063');
    await expect(final(summary([], { ...bound, migrationId: other }))).rejects.toThrow(
      `This summary is of migration ${other}, not ${id}`,
    );
    await expect(
      final(summary([], { ...bound, sourceFileSystemId: 'fs-06060606060606063' })),
    ).rejects.toThrow(`source file system is fs-06060606060606063, not ${SOURCE}`);
    await expect(
      final(summary([], { ...bound, targetFileSystemId: 'fs-06060606060606064' })),
    ).rejects.toThrow(`target file system is fs-06060606060606064, not the encrypted twin ${TWIN}`);
    // A regenerated runbook replaces the nonce: the earlier runbook's summary no longer counts.
    const newer = await runbook(id);
    await expect(final(summary([], bound))).rejects.toThrow(/from an earlier runbook's verify\.sh/);
    // Counts that cannot be the source: 0 bytes in 1,200 entries against 10 GiB metered by the scan.
    await expect(final(summary([], { ...newer, sourceBytes: 0 }))).rejects.toThrow(
      /counts 0 B in 1,200 entries at the source, but the scan of .* metered fs-06060606060606061 at 10\.0 GiB/,
    );
    // Half the metered size is within what deletions since the scan and metering explain.
    expect(
      await h.phase.checkRsyncSummary(id, summary([], { ...newer, sourceBytes: 5 * 1024 ** 3 })),
    ).toMatchObject({ clean: true, nonce: newer.nonce });

    const record = (await h.store.migrations.getMigration(id))!;
    expect(record.state).toBe('synced');
    expect(record.resources[CopyResourceKeys.rsyncVerifyNonceUsed]).toBeUndefined();
    expect(record.facts.verificationClean).toBeUndefined();
  });

  it('refuses what cannot prove the copy, changing nothing', async () => {
    const id = await h.seed('rsync');
    const binding = await runbook(id);
    await expect(h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final' })).rejects.toThrow(
      /needs the verification summary/,
    );
    await expect(
      h.phase.recordRsyncStatus(id, 'U0ADMIN', { pass: 'final', summaryText: summary([], binding) }),
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
