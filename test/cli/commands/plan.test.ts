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
      `${FS.app} (app-data) 111111111111 eu-west-1: decided\n${FS.scratch} (scratch) 111111111111 eu-west-1: excluded\n`,
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

  it('after a scan of one account and region, plans from every account and region as its newest scan saw it', async () => {
    const full = await runCli('scan', '--demo', '-q');
    expect(full.code).toBe(0);
    const scoped = await runCli('scan', '345678901234', 'eu-west-1', '--demo', '-q');
    expect(scoped.code).toBe(0);
    const scopedId = /Scan (\S+)/.exec(scoped.out)![1]!;

    const shown = await runCli('plan', '--show', '--demo');
    expect(shown.code).toBe(0);
    // All 12 unencrypted file systems the demo can read, not the scoped scan's 2.
    expect(shown.out).toMatch(
      /^Plan from the latest scan of each account and region \(.*\): 12 unencrypted file systems/,
    );
    expect(shown.out).toContain('fs-68e35c51cc50b9405 (jenkins-home) 210987654321 us-east-1');

    // A decision about a file system outside the scoped scan is accepted ...
    await writeFile(
      workspace.path('jenkins.yaml'),
      '- { fileSystemId: fs-68e35c51cc50b9405, scope: excluded, reason: replaced by the new CI }\n',
    );
    const decided = await runCli('plan', '--decisions', workspace.path('jenkins.yaml'), '--demo');
    expect(decided.out).toBe('fs-68e35c51cc50b9405 (jenkins-home) 210987654321 us-east-1: excluded\n');
    expect(decided.code).toBe(0);

    // ... and --scan still keeps to one scan.
    const one = await runCli('plan', '--show', '--scan', scopedId, '--demo');
    expect(one.out).toMatch(new RegExp(`^Plan from scan ${scopedId}: 2 unencrypted file systems`));
  }, 60_000);

  it('documents the decision file format in --help', async () => {
    const help = await runCli('plan', '--help');
    expect(help.code).toBe(0);
    expect(help.out).not.toContain('.ts');
    for (const field of [
      'fileSystemId',
      'scope',
      'reason',
      'targetKey',
      'method',
      'constraints',
      'accountId',
    ])
      expect(help.out).toContain(field);
    expect(help.out).toContain('in_scope | excluded');
  });
});
