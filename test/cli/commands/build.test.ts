import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveMigrations } from '../../../src/cli/commands/build.ts';
import { main } from '../../../src/cli/main.ts';
import type { MigrationRecord } from '../../../src/domain/migration.ts';
import { decideEstate, FS, KEYS } from '../../workflow/decide/decide-fixture.ts';

let dir: string;
const savedEnv = { ...process.env };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'build-cli-'));
  await writeFile(join(dir, 'estate.json'), JSON.stringify(decideEstate()));
  await writeFile(
    join(dir, 'decisions.yaml'),
    [
      'decisions:',
      `  - { fileSystemId: ${FS.app}, scope: in_scope, targetKey: ${KEYS.good.alias}, method: datasync }`,
    ].join('\n'),
  );
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
  ])
    delete process.env[k];
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await rm(dir, { recursive: true, force: true });
});

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

describe('efs-encrypt build', () => {
  it('prints the dry run for a decided file system and creates nothing', async () => {
    const dry = await run(
      'build',
      FS.app,
      '--dry-run',
      '--decisions',
      join(dir, 'decisions.yaml'),
      '--estate',
      join(dir, 'estate.json'),
    );
    expect(dry.err).toContain('No stored scan yet: scanning first.');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Dry run: nothing is created. 1 file system(s).');
    expect(dry.out).toContain(
      `${FS.app} (app-data) 111111111111 eu-west-1 → encrypted twin with ${KEYS.good.arn}`,
    );
    expect(dry.out).toMatch(
      /\[create-file-system\] CreateFileSystem \{"CreationToken":"efs-encrypt-[0-9a-f]{40}","Encrypted":true,"KmsKeyId":"arn:aws:kms/,
    );
    expect(dry.out).toContain('[mount-targets] CreateMountTarget');
    expect(dry.out).toContain('Encrypted: false → true');
    // The store (kept in the data directory) shows the migration still decided.
    const again = await run('build', FS.app, '--dry-run', '--estate', join(dir, 'estate.json'));
    expect(again.code).toBe(0);
    expect(again.out).toContain('CreateFileSystem');
  }, 30_000);

  it('builds a twin through the durable job and prints the mapping', async () => {
    const built = await run(
      'build',
      FS.app,
      '--decisions',
      join(dir, 'decisions.yaml'),
      '--estate',
      join(dir, 'estate.json'),
      '--actor',
      'cli:alice',
    );
    expect(built.err).toContain(`Queued: build:1:FS#111111111111#eu-west-1#${FS.app}`);
    expect(built.err).toContain('Created encrypted file system');
    expect(built.code).toBe(0);
    expect(built.out).toMatch(new RegExp(`^${FS.app} → fs-[0-9a-f]+ encrypted with ${KEYS.good.arn}\\n`));
    expect(built.out).toContain('mount target eu-west-1a: fsmt-');
    expect(built.out).toContain('mount target eu-west-1b: fsmt-');
  }, 60_000);

  it('refuses without IDs or --all, and names what it cannot find', async () => {
    expect((await run('build', '--dry-run')).code).toBe(1);
    const unknown = await run(
      'build',
      'fs-0000000000000dead',
      '--dry-run',
      '--decisions',
      join(dir, 'decisions.yaml'),
      '--estate',
      join(dir, 'estate.json'),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(
      'fs-0000000000000dead: no migration for this file system; scan and decide it first',
    );
  }, 30_000);
});

describe('resolveMigrations', () => {
  const m = (fileSystemId: string, accountId: string, state: MigrationRecord['state']) =>
    ({ id: `FS#${accountId}#eu-west-1#${fileSystemId}`, fileSystemId, accountId, state }) as MigrationRecord;
  const all = [
    m('fs-1', '1', 'decided'),
    m('fs-2', '1', 'in_scope'),
    m('fs-3', '1', 'target_creating'),
    m('fs-1', '2', 'decided'),
  ];

  it('picks every decided (or building) one for --all', () => {
    expect(resolveMigrations(all, [], true).map((r) => r.id)).toEqual([all[0]!.id, all[2]!.id, all[3]!.id]);
  });
  it('asks for the migration ID when a file system ID is in several accounts', () => {
    expect(() => resolveMigrations(all, ['fs-1'], false)).toThrow(
      /in several accounts or regions; give the migration ID/,
    );
    expect(resolveMigrations(all, ['FS#2#eu-west-1#fs-1'], false)).toEqual([all[3]]);
  });
});
