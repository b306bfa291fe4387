import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { verifySummary } from '../../workflow/copy/copy-fixture.ts';
import { runCli, useCliWorkspace } from '../run-cli.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import { parseEstate, startEstateServer } from '../../../src/estate/index.ts';
import { openStore } from '../../../src/store/index.ts';
import {
  ACCOUNT,
  COPY_ESTATE,
  REGION,
  SOURCE,
  TWIN,
  seedMigration,
} from '../../workflow/copy/copy-fixture.ts';
import type { MigrationMethod } from '../../../src/domain/migration.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import { RSYNC_SCRIPTS } from '../../../src/workflow/copy/rsync/index.ts';

/**
 * `efs-encrypt copy` against an estate file and a persisted embedded store seeded with a built
 * twin (each CLI run serves the estate afresh; the twin is in the file, the migration in the store).
 */

const workspace = useCliWorkspace('copy-cli-');

beforeEach(async () => {
  await writeFile(workspace.path('estate.json'), JSON.stringify(COPY_ESTATE));
});

/** A migration seeded at target_ready, with the inventory snapshot a real `efs-encrypt scan` of the estate read (the runbook needs it). */
async function seedScanned(method: MigrationMethod): Promise<void> {
  await seed(method);
  const scanned = await runCli('scan', '--estate', workspace.path('estate.json'));
  expect(scanned.code, scanned.err).toBe(0);
  const store = await openStore({ dataDir: workspace.path('store'), clock: new ManualClock() });
  try {
    const scan = (await store.scans.getLatestScan())!;
    const fileSystem = scan.fileSystems.find((f) => f.fileSystemId === SOURCE)!;
    await store.migrations.putSnapshot(migrationId(ACCOUNT, REGION, SOURCE), {
      observedAt: scan.finishedAt ?? scan.startedAt,
      scanId: scan.scanId,
      fileSystem,
    });
  } finally {
    await store.close();
  }
}

async function seed(method: MigrationMethod): Promise<void> {
  const clock = new ManualClock();
  const server = await startEstateServer({ estate: parseEstate(COPY_ESTATE, 'copy-cli'), clock });
  const store = await openStore({ dataDir: workspace.path('store'), clock });
  try {
    await seedMigration(store, server, clock, method);
  } finally {
    await store.close();
    await server.close();
  }
}

describe('efs-encrypt copy', () => {
  it('--dry-run prints the DataSync calls with ARNs, and status says what comes next', async () => {
    await seed('datasync');
    const dry = await runCli('copy', 'final', SOURCE, '--dry-run', '--estate', workspace.path('estate.json'));
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Dry run: nothing is changed. Final sync');
    expect(dry.out).toContain('datasync:CreateTask');
    expect(dry.out).toContain(`arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${SOURCE}`);
    expect(dry.out).toContain('"PreserveDeletedFiles":"REMOVE"');
    const status = await runCli('copy', 'status', SOURCE, '--estate', workspace.path('estate.json'));
    expect(status.code).toBe(0);
    expect(status.out).toContain(`${SOURCE}: target_ready (AWS DataSync)`);
    expect(status.out).toContain(`next: Start the copy. (efs-encrypt copy start ${SOURCE})`);
  });

  it('records rsync passes: only the summary of the verify.sh of the latest runbook counts; differences exit 1', async () => {
    // The source as the scan meters it: 64 KiB, about what the small trees below hold.
    const small = structuredClone(COPY_ESTATE);
    small.accounts[0]!.regions[REGION]!.fileSystems[0]!.SizeInBytes = { Value: 64 * 1024 };
    await writeFile(workspace.path('estate.json'), JSON.stringify(small));
    await seedScanned('rsync');
    const cli = (...args: string[]) => runCli('copy', ...args, '--estate', workspace.path('estate.json'));
    const initial = await cli('record', SOURCE, '--pass', 'initial');
    expect(initial.code, initial.err).toBe(0);
    expect(initial.out).toContain('initial copy recorded (synced)');

    // The hand-written summary of issue 13 is refused (it used to verify the migration).
    await writeFile(
      workspace.path('forged.txt'),
      [
        '== efs-encrypt verification summary ==',
        'source: /nowhere',
        'entries: source 0, target 0',
        'compared: type mode owner size mtime symlink content hardlink',
        'differences: 0',
        'result: CLEAN',
        '== end of summary ==',
      ].join('\n'),
    );
    const forged = await cli('record', SOURCE, '--pass', 'final', '--summary', workspace.path('forged.txt'));
    expect(forged.code).toBe(1);
    expect(forged.err).toContain(`not printed by the verify.sh generated for ${SOURCE}`);
    expect(forged.err).toContain(`efs-encrypt copy runbook ${SOURCE} --out DIR`);

    // Two small trees that differ in one file; verify.sh from the runbook compares them.
    const src = workspace.path('trees', 'src');
    const dst = workspace.path('trees', 'dst');
    const old = new Date('2020-01-01T00:00:00Z');
    for (const root of [src, dst]) {
      await mkdir(join(root, 'data'), { recursive: true });
      for (const [name, content] of [
        ['data/a.txt', 'alpha\n'],
        ['data/b.bin', 'x'.repeat(20_000)],
        ['c.txt', root === src ? 'source\n' : 'stale!\n'],
      ] as const) {
        await writeFile(join(root, name), content);
        await utimes(join(root, name), old, old);
      }
      for (const dir of ['data', '.']) await utimes(join(root, dir), old, old);
    }
    const verifyWith = async (dir: string, summaryFile: string) => {
      const ran = await runCli(
        'copy',
        'runbook',
        SOURCE,
        '--out',
        dir,
        '--estate',
        workspace.path('estate.json'),
      );
      expect(ran.code, ran.err).toBe(0);
      const v = spawnSync(
        'bash',
        [join(dir, 'verify.sh'), '--log-dir', workspace.path('verify-logs'), src, dst],
        {
          encoding: 'utf8',
        },
      );
      await writeFile(summaryFile, v.stdout);
      return v;
    };

    const differs = await verifyWith(workspace.path('runbook-1'), workspace.path('summary-1.txt'));
    expect(differs.status, differs.stderr).toBe(1);
    const recorded = await cli(
      'record',
      SOURCE,
      '--pass',
      'final',
      '--summary',
      workspace.path('summary-1.txt'),
    );
    expect(recorded.code).toBe(1);
    expect(recorded.out).toContain('the final sync is not verified: 1 difference(s)');
    expect(recorded.out).toMatch(/differs: \.\/c\.txt: .*content/);
    expect(recorded.err).toContain(`${SOURCE} is not verified`);

    // Fixed, but verified with the same verify.sh: its nonce is used up.
    await writeFile(join(dst, 'c.txt'), 'source\n');
    await utimes(join(dst, 'c.txt'), old, old);
    await utimes(dst, old, old);
    const sameScript = spawnSync(
      'bash',
      [join(workspace.path('runbook-1'), 'verify.sh'), '--log-dir', workspace.path('verify-logs'), src, dst],
      { encoding: 'utf8' },
    );
    expect(sameScript.status, sameScript.stderr).toBe(0);
    await writeFile(workspace.path('summary-reused.txt'), sameScript.stdout);
    const reused = await cli(
      'record',
      SOURCE,
      '--pass',
      'final',
      '--summary',
      workspace.path('summary-reused.txt'),
    );
    expect(reused.code).toBe(1);
    expect(reused.err).toContain('nonce was already used');

    // The verify.sh of a new runbook: clean, verified.
    const clean = await verifyWith(workspace.path('runbook-2'), workspace.path('summary-2.txt'));
    expect(clean.status, clean.stderr).toBe(0);
    const final = await cli(
      'record',
      SOURCE,
      '--pass',
      'final',
      '--summary',
      workspace.path('summary-2.txt'),
    );
    expect(final.code, final.err).toBe(0);
    expect(final.out).toContain('final sync verified');
    const status = await cli('status', SOURCE);
    expect(status.out).toContain('verified');
  }, 60_000); // Eight fresh CLI processes and three real verify.sh runs.

  it('prints a recorded pass once (stdout), names CLI commands, and a verified copy has nothing to retry', async () => {
    await seedScanned('rsync');
    const before = await runCli('copy', 'status', SOURCE, '--estate', workspace.path('estate.json'));
    expect(before.out).toContain(
      `next: Run the EC2 + rsync runbook (efs-encrypt copy runbook ${SOURCE} --out DIR), then record the initial pass with verify.sh's summary. (efs-encrypt copy record ${SOURCE} --pass initial --summary FILE)`,
    );
    expect(before.out).not.toMatch(/Initial copy done|thread/);
    const initial = await runCli(
      'copy',
      'record',
      SOURCE,
      '--pass',
      'initial',
      '--estate',
      workspace.path('estate.json'),
    );
    expect(initial.out).toContain('initial copy recorded (synced)');
    expect(initial.err).not.toContain('initial copy recorded');
    // A summary bound to this migration's latest runbook, as its verify.sh prints it.
    const runbook = await runCli('copy', 'runbook', SOURCE, '--estate', workspace.path('estate.json'));
    expect(runbook.code, runbook.err).toBe(0);
    const bound = (name: string) => runbook.out.match(new RegExp(`^${name}='([^']+)'`, 'm'))?.[1] ?? '';
    await writeFile(
      workspace.path('summary.txt'),
      verifySummary([], {
        migrationId: bound('EFS_ENCRYPT_MIGRATION_ID'),
        sourceFileSystemId: bound('EFS_ENCRYPT_SOURCE_FILE_SYSTEM_ID'),
        targetFileSystemId: bound('EFS_ENCRYPT_TARGET_FILE_SYSTEM_ID'),
        nonce: bound('EFS_ENCRYPT_NONCE'),
        sourceBytes: 1024 ** 4,
      }),
    );
    const final = await runCli(
      'copy',
      'record',
      SOURCE,
      '--pass',
      'final',
      '--summary',
      workspace.path('summary.txt'),
      '--estate',
      workspace.path('estate.json'),
    );
    expect(final.out.match(/final sync verified/g), final.err).toHaveLength(1);
    // stderr holds only the diagnostics (the CloudWatch client check), never the result again.
    expect(final.err).not.toMatch(/verified/);
    const status = await runCli('copy', 'status', SOURCE, '--estate', workspace.path('estate.json'));
    expect(status.out).toContain('next: Verified. Next: cut over');
    const events = await runCli('status', SOURCE, '--estate', workspace.path('estate.json'));
    expect(events.out).not.toContain('reported from the thread');
  });

  it('runbook --out writes the runbook and its executable scripts; without --out it prints the runbook', async () => {
    await seedScanned('rsync');
    const out = workspace.path('runbook', 'nested');
    const written = await runCli(
      'copy',
      'runbook',
      SOURCE,
      '--out',
      out,
      '--estate',
      workspace.path('estate.json'),
    );
    expect(written.code, written.err).toBe(0);
    const names = (await readdir(out)).sort();
    const markdownName = `efs-encrypt-rsync-runbook-${SOURCE}.md`;
    expect(names).toEqual([markdownName, ...RSYNC_SCRIPTS.map((s) => s.name)].sort());
    for (const script of RSYNC_SCRIPTS) {
      const mode = (await stat(join(out, script.name))).mode & 0o777;
      expect(mode & 0o111, `${script.name} is executable`).toBe(0o111);
      expect(await readFile(join(out, script.name), 'utf8')).toMatch(/^#!/);
      expect(written.out).toContain(`wrote ${join(out, script.name)}`);
    }
    expect((await stat(join(out, markdownName))).mode & 0o111).toBe(0);
    const markdown = await readFile(join(out, markdownName), 'utf8');
    expect(markdown).toContain(SOURCE);
    expect(markdown).toContain(TWIN);

    const printed = await runCli('copy', 'runbook', SOURCE, '--estate', workspace.path('estate.json'));
    expect(printed.code, printed.err).toBe(0);
    // The same document, but for the time it was generated and the nonce: each runbook has its own.
    const nonceOf = (t: string) => /^EFS_ENCRYPT_NONCE='([0-9a-f]{32})'$/m.exec(t)?.[1];
    expect(nonceOf(printed.out)).toBeDefined();
    expect(nonceOf(printed.out)).not.toBe(nonceOf(markdown));
    const normalised = (t: string) =>
      t.replace(/20\d\d-\d\d-\d\dT[\d:.]+Z/g, '<time>').replace(/EFS_ENCRYPT_NONCE='[0-9a-f]+'/, '<nonce>');
    expect(normalised(printed.out)).toBe(normalised(markdown.endsWith('\n') ? markdown : `${markdown}\n`));
    expect(printed.err).toBe('');
  });

  it('runbook refuses a file system decided for another method, and --out into a file fails clearly', async () => {
    await seedScanned('datasync');
    const other = await runCli(
      'copy',
      'runbook',
      SOURCE,
      '--out',
      workspace.path('none'),
      '--estate',
      workspace.path('estate.json'),
    );
    expect(other.code).not.toBe(0);
    expect(other.err).toContain('not EC2 + rsync: change the decision');
    await expect(readdir(workspace.path('none'))).rejects.toThrow();
  });

  it('runbook --out into a file fails clearly', async () => {
    await seedScanned('rsync');
    await writeFile(workspace.path('a-file'), '');
    const bad = await runCli(
      'copy',
      'runbook',
      SOURCE,
      '--out',
      workspace.path('a-file'),
      '--estate',
      workspace.path('estate.json'),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('Give --out a directory you can write to');
  });

  it('usage problems exit non-zero with what to fix', async () => {
    await seed('rsync');
    const noMigration = await runCli(
      'copy',
      'start',
      'fs-0123456789abcdef0',
      '--estate',
      workspace.path('estate.json'),
    );
    expect(noMigration.code).toBe(1);
    expect(noMigration.err).toContain('no migration for this file system');
    const rsyncStart = await runCli('copy', 'start', SOURCE, '--estate', workspace.path('estate.json'));
    expect(rsyncStart.code).toBe(1);
    expect(rsyncStart.err).toContain('run the runbook');
    expect((await runCli('copy', 'frobnicate', SOURCE)).code).toBe(2);
  });

  it('final warns who is still connected (CloudWatch) and needs --force to go on; the audit log keeps it', async () => {
    // The estate's source has 4 clients connected all along.
    const estate = structuredClone(COPY_ESTATE);
    const source = estate.accounts[0]!.regions[REGION]!.fileSystems.find((f) => f.FileSystemId === SOURCE)!;
    Object.assign(source, { Activity: { ClientConnections: 4, TotalIOBytes: 1024 } });
    await writeFile(workspace.path('estate.json'), JSON.stringify(estate));
    await seedSynced('replication');
    const args = [
      'copy',
      'final',
      SOURCE,
      '--writes-stopped-at',
      'now',
      '--estate',
      workspace.path('estate.json'),
    ];

    const refused = await runCli(...args);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/4 connections seen in the last 15 min, last at \d\d:\d\d UTC/);
    expect(refused.err).toContain('clients still write? Stop them first');
    expect(refused.err).toContain('run again with --force to go on anyway');
    expect(await copyJobs()).toBe(0);

    const forced = await runCli(...args, '--force');
    expect(forced.err).toMatch(/warning: 4 connections seen in the last 15 min/);
    expect(forced.err).toContain('Queued:');
    expect(await copyJobs()).toBe(1);
    const store = await openStore({ dataDir: workspace.path('store'), clock: new ManualClock() });
    try {
      const events = await store.events.listEvents(migrationId(ACCOUNT, REGION, SOURCE));
      const request = events.find((e) => e.detail?.startsWith('Final sync requested'))!;
      expect(request.actor).toMatch(/^cli:/);
      expect(request.detail).toContain('4 connection(s) in 15 of the last 15 min');
      expect(request.detail).toContain('the admin went on anyway');
    } finally {
      await store.close();
    }
  });
});

/** A migration seeded as a finished initial copy leaves it (synced). */
async function seedSynced(method: MigrationMethod): Promise<void> {
  await seed(method);
  const store = await openStore({ dataDir: workspace.path('store'), clock: new ManualClock() });
  try {
    const id = migrationId(ACCOUNT, REGION, SOURCE);
    for (const to of ['copying', 'synced'] as const) {
      const r = (await store.migrations.getMigration(id))!;
      await store.migrations.transitionMigration(id, { expectedVersion: r.version, to, actor: 'U0ADMIN' });
    }
  } finally {
    await store.close();
  }
}

async function copyJobs(): Promise<number> {
  const store = await openStore({ dataDir: workspace.path('store'), clock: new ManualClock() });
  try {
    return (await store.jobs.listJobsForMigration(migrationId(ACCOUNT, REGION, SOURCE), 'copy')).length;
  } finally {
    await store.close();
  }
}
