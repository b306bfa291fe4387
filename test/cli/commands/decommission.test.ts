import { describe, expect, it } from 'vitest';
import { runCli, useCliWorkspace } from '../run-cli.ts';

/**
 * The CLI's decommission surface before consumer discovery is wired: it refuses rather than skip
 * the "no consumer now" guard; the typed confirmation must repeat the same ID; the log reads the
 * store alone. The deletion itself is proven in test/workflow/decommission.
 */
describe('efs-encrypt decommission', () => {
  useCliWorkspace('efs-encrypt-decommission-');

  it('refuses a confirmation that is not the same file system ID, before opening anything', async () => {
    const r = await runCli('decommission', 'fs-0123456789abcdef0', '--confirm', 'fs-0123456789abcdef1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--confirm must repeat the same file system ID \(fs-0123456789abcdef0\)/);
    expect(r.err).toMatch(/Nothing was deleted/);
  });

  it('refuses without --confirm (unless a dry run)', async () => {
    const r = await runCli('decommission', 'fs-0123456789abcdef0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/confirm with --confirm fs-0123456789abcdef0/);
  });

  it("check refuses a file system that is not the source of one of the bot's migrations", async () => {
    const r = await runCli('decommission', 'check', 'fs-0123456789abcdef0', '--demo');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /no migration for this file system; only the source of one of the bot's own migrations/,
    );
  });

  it('a confirmed decommission of such a file system deletes nothing', async () => {
    const r = await runCli(
      'decommission',
      'fs-0123456789abcdef0',
      '--confirm',
      'fs-0123456789abcdef0',
      '--demo',
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no migration for this file system/);
  });

  it('log --csv prints the header on an empty store, --json an empty list', async () => {
    const csv = await runCli('decommission', 'log', '--csv');
    expect(csv.code).toBe(0);
    expect(csv.out.split('\n')[0]).toMatch(/^fileSystemId,accountId,region,state,twinFileSystemId/);
    const json = await runCli('decommission', 'log', '--json');
    expect(JSON.parse(json.out)).toEqual([]);
  });
});
