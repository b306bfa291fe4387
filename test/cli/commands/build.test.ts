import { writeFile } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, useCliWorkspace } from '../run-cli.ts';
import { resolveMigrations } from '../../../src/cli/commands/build.ts';
import type { MigrationRecord } from '../../../src/domain/migration.ts';
import { decideEstate, FS, KEYS } from '../../workflow/decide/decide-fixture.ts';

const workspace = useCliWorkspace('build-cli-');

beforeEach(async () => {
  await writeFile(workspace.path('estate.json'), JSON.stringify(decideEstate()));
  await writeFile(
    workspace.path('decisions.yaml'),
    [
      'decisions:',
      `  - { fileSystemId: ${FS.app}, scope: in_scope, targetKey: ${KEYS.good.alias}, method: datasync }`,
    ].join('\n'),
  );
});

describe('efs-encrypt build', () => {
  it('prints the dry run for a decided file system and creates nothing', async () => {
    const dry = await runCli(
      'build',
      FS.app,
      '--dry-run',
      '--decisions',
      workspace.path('decisions.yaml'),
      '--estate',
      workspace.path('estate.json'),
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
    expect(dry.out).toContain('  While both exist (estimate, us-east-1 list prices):');
    expect(dry.out).toMatch(/ {4}- Storage: [\d.]+ GiB metered at the scan, billed again on the twin/);
    // The store (kept in the data directory) shows the migration still decided.
    const again = await runCli('build', FS.app, '--dry-run', '--estate', workspace.path('estate.json'));
    expect(again.code).toBe(0);
    expect(again.out).toContain('CreateFileSystem');
  }, 30_000);

  it('builds a twin through the durable job and prints the mapping', async () => {
    const built = await runCli(
      'build',
      FS.app,
      '--decisions',
      workspace.path('decisions.yaml'),
      '--estate',
      workspace.path('estate.json'),
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

  it('refuses an excluded file system with its reason and who excluded it', async () => {
    await writeFile(
      workspace.path('exclude.yaml'),
      `- { fileSystemId: ${FS.scratch}, scope: excluded, reason: "scratch data, deleted in Q3" }\n`,
    );
    const decided = await runCli(
      'plan',
      '--decisions',
      workspace.path('exclude.yaml'),
      '--estate',
      workspace.path('estate.json'),
      '--actor',
      'cli:alice',
    );
    expect(decided.code).toBe(0);
    for (const dryRun of [[], ['--dry-run']]) {
      const refused = await runCli('build', FS.scratch, ...dryRun, '--estate', workspace.path('estate.json'));
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(
        `${FS.scratch} is excluded from the migration: scratch data, deleted in Q3 (excluded by cli:alice at `,
      );
      expect(refused.err).not.toContain('no decision');
    }
  }, 30_000);

  it('refuses without IDs or --all, and names what it cannot find', async () => {
    // A usage problem (exit 2, as the README says), not a failed build.
    const noTarget = await runCli('build', '--dry-run');
    expect(noTarget.code).toBe(2);
    expect(noTarget.err).toContain('build needs file system IDs or --all.');
    const unknown = await runCli(
      'build',
      'fs-0000000000000dead',
      '--dry-run',
      '--decisions',
      workspace.path('decisions.yaml'),
      '--estate',
      workspace.path('estate.json'),
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
