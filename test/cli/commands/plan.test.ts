import { writeFile } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, useCliWorkspace } from '../run-cli.ts';
import { decideEstate, FS, KEYS } from '../../workflow/decide/decide-fixture.ts';

const workspace = useCliWorkspace('plan-cli-');

beforeEach(async () => {
  await writeFile(workspace.path('estate.json'), JSON.stringify(decideEstate()));
});

describe('efs-encrypt plan', () => {
  it('applies a YAML decision file, then --show prints the stored record', async () => {
    const yaml = [
      'decisions:',
      `  - { fileSystemId: ${FS.app}, scope: in_scope, targetKey: ${KEYS.good.alias}, method: datasync, constraints: { maintenanceWindow: "Sat 02:00", bandwidthLimit: "50 MiB/s" } }`,
      `  - { fileSystemId: ${FS.scratch}, scope: excluded, reason: scratch data }`,
    ].join('\n');
    await writeFile(workspace.path('plan.yaml'), yaml);
    const applied = await runCli(
      'plan',
      '--decisions',
      workspace.path('plan.yaml'),
      '--estate',
      workspace.path('estate.json'),
      '--actor',
      'cli:alice',
    );
    expect(applied.err).toContain('No stored scan yet: scanning first.');
    expect(applied.out).toBe(
      `${FS.app} 111111111111 eu-west-1: decided (decided)\n${FS.scratch} 111111111111 eu-west-1: excluded (excluded)\n`,
    );
    expect(applied.code).toBe(0);

    const shown = await runCli('plan', '--show', '--estate', workspace.path('estate.json'));
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('3 unencrypted file systems, 1 decided, 1 excluded, 1 undecided');
    expect(shown.out).toContain(`AWS DataSync to ${KEYS.good.alias}; by cli:alice`);
    expect(shown.out).toContain('DataSync limit 50 MiB/s');
    expect(shown.out).toContain(`${FS.scratch} (scratch) 111111111111 eu-west-1: scratch data; by cli:alice`);
  }, 30_000);

  it('exits 1 with one line per problem and stores nothing', async () => {
    await writeFile(
      workspace.path('plan.json'),
      JSON.stringify([
        {
          fileSystemId: FS.app,
          scope: 'in_scope',
          targetKey: KEYS.disabled.alias,
          method: 'datasync',
          constraints: { bandwidthLimit: '50 MB/s' },
        },
        { fileSystemId: FS.cache, scope: 'in_scope', targetKey: KEYS.otherRegion.arn, method: 'rsync' },
      ]),
    );
    const refused = await runCli(
      'plan',
      '--decisions',
      workspace.path('plan.json'),
      '--estate',
      workspace.path('estate.json'),
    );
    expect(refused.code).toBe(1);
    const lines = refused.err.split('\n').filter((l) => l.startsWith('fs-'));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${FS.app} targetKey: Key alias/old-efs is disabled`)),
      `${FS.app} bandwidthLimit: "50 MB/s" is ambiguous (DataSync counts 1 MB as 1,048,576 bytes): write MiB/s, e.g. "50 MiB/s".`,
      expect.stringMatching(new RegExp(`^${FS.cache} targetKey: Key alias/us-efs is in us-east-1`)),
      expect.stringMatching(new RegExp(`^${FS.cache} method: EC2 \\+ rsync has no NFS path`)),
    ]);
    expect(refused.err).toContain('nothing was stored');
    const shown = await runCli('plan', '--show', '--estate', workspace.path('estate.json'));
    expect(shown.out).toContain('0 decided, 0 excluded, 3 undecided');
  }, 30_000);

  it('names the path of a bad file before touching AWS', async () => {
    await writeFile(
      workspace.path('bad.json'),
      JSON.stringify({ decisions: [{ fileSystemId: FS.app, scope: 'maybe' }] }),
    );
    const bad = await runCli('plan', '--decisions', workspace.path('bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('decisions[0].scope: expected in_scope or excluded');
  });
});
