import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
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

let dir: string;
const savedEnv = { ...process.env };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'copy-cli-'));
  await writeFile(join(dir, 'estate.json'), JSON.stringify(COPY_ESTATE));
  Object.assign(process.env, {
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    EFS_ENCRYPT_DATA_DIR: join(dir, 'store'),
    LOG_LEVEL: 'silent',
  });
  for (const k of [
    'AWS_PROFILE',
    'AWS_SESSION_TOKEN',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'EFS_ENCRYPT_TABLE',
    'AWS_ENDPOINT_URL_DATASYNC',
  ])
    delete process.env[k];
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await rm(dir, { recursive: true, force: true });
});

/** A migration seeded at target_ready, with the inventory snapshot a real `efs-encrypt scan` of the estate read (the runbook needs it). */
async function seedScanned(method: MigrationMethod): Promise<void> {
  await seed(method);
  const scanned = await run('scan', '--estate', join(dir, 'estate.json'));
  expect(scanned.code, scanned.err).toBe(0);
  const store = await openStore({ dataDir: join(dir, 'store'), clock: new ManualClock() });
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
  const store = await openStore({ dataDir: join(dir, 'store'), clock });
  try {
    await seedMigration(store, server, clock, method);
  } finally {
    await store.close();
    await server.close();
  }
}

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'efs-encrypt', ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: process.env,
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('efs-encrypt copy', () => {
  it('--dry-run prints the DataSync calls with ARNs, and status says what comes next', async () => {
    await seed('datasync');
    const dry = await run('copy', 'final', SOURCE, '--dry-run', '--estate', join(dir, 'estate.json'));
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Dry run: nothing is changed. Final sync');
    expect(dry.out).toContain('datasync:CreateTask');
    expect(dry.out).toContain(`arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${SOURCE}`);
    expect(dry.out).toContain('"PreserveDeletedFiles":"REMOVE"');
    const status = await run('copy', 'status', SOURCE, '--estate', join(dir, 'estate.json'));
    expect(status.code).toBe(0);
    expect(status.out).toContain(`${SOURCE}: target_ready (method datasync)`);
    expect(status.out).toContain('next: start');
  });

  it('records rsync passes from a summary file', async () => {
    await seed('rsync');
    const initial = await run(
      'copy',
      'record',
      SOURCE,
      '--pass',
      'initial',
      '--estate',
      join(dir, 'estate.json'),
    );
    expect(initial.code).toBe(0);
    expect(initial.out).toContain('initial copy recorded (synced)');
    await writeFile(
      join(dir, 'summary.txt'),
      [
        '== efs-encrypt verification summary ==',
        'entries: source 3, target 3',
        'compared: type mode owner size mtime symlink content hardlink',
        'differences: 0',
        'result: CLEAN',
        '== end of summary ==',
      ].join('\n'),
    );
    const final = await run(
      'copy',
      'record',
      SOURCE,
      '--pass',
      'final',
      '--summary',
      join(dir, 'summary.txt'),
      '--estate',
      join(dir, 'estate.json'),
    );
    expect(final.code).toBe(0);
    expect(final.out).toContain('final sync verified');
  });

  it('runbook --out writes the runbook and its executable scripts; without --out it prints the runbook', async () => {
    await seedScanned('rsync');
    const out = join(dir, 'runbook', 'nested');
    const written = await run('copy', 'runbook', SOURCE, '--out', out, '--estate', join(dir, 'estate.json'));
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

    const printed = await run('copy', 'runbook', SOURCE, '--estate', join(dir, 'estate.json'));
    expect(printed.code, printed.err).toBe(0);
    // The same document, but for the time it was generated.
    const withoutTime = (t: string) => t.replace(/20\d\d-\d\d-\d\dT[\d:.]+Z/g, '<time>');
    expect(withoutTime(printed.out)).toBe(withoutTime(markdown.endsWith('\n') ? markdown : `${markdown}\n`));
    expect(printed.err).toBe('');
  });

  it('runbook refuses a file system decided for another method, and --out into a file fails clearly', async () => {
    await seedScanned('datasync');
    const other = await run(
      'copy',
      'runbook',
      SOURCE,
      '--out',
      join(dir, 'none'),
      '--estate',
      join(dir, 'estate.json'),
    );
    expect(other.code).not.toBe(0);
    expect(other.err).toContain('not EC2 + rsync: change the decision');
    await expect(readdir(join(dir, 'none'))).rejects.toThrow();
  });

  it('runbook --out into a file fails clearly', async () => {
    await seedScanned('rsync');
    await writeFile(join(dir, 'a-file'), '');
    const bad = await run(
      'copy',
      'runbook',
      SOURCE,
      '--out',
      join(dir, 'a-file'),
      '--estate',
      join(dir, 'estate.json'),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('Give --out a directory you can write to');
  });

  it('usage problems exit non-zero with what to fix', async () => {
    await seed('rsync');
    const noMigration = await run(
      'copy',
      'start',
      'fs-0123456789abcdef0',
      '--estate',
      join(dir, 'estate.json'),
    );
    expect(noMigration.code).toBe(1);
    expect(noMigration.err).toContain('no migration for this file system');
    const rsyncStart = await run('copy', 'start', SOURCE, '--estate', join(dir, 'estate.json'));
    expect(rsyncStart.code).toBe(1);
    expect(rsyncStart.err).toContain('run the runbook');
    expect((await run('copy', 'frobnicate', SOURCE)).code).toBe(2);
  });
});
