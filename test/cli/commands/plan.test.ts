import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { decideEstate, FS, KEYS } from '../../workflow/decide/decide-fixture.ts';

let dir: string;
const savedEnv = { ...process.env };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plan-cli-'));
  await writeFile(join(dir, 'estate.json'), JSON.stringify(decideEstate()));
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

/** Runs the CLI in this process; the SDK reads the endpoint variables the runtime sets on process.env. */
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

describe('efs-encrypt plan', () => {
  it('applies a YAML decision file, then --show prints the stored record', async () => {
    const yaml = [
      'decisions:',
      `  - { fileSystemId: ${FS.app}, scope: in_scope, targetKey: ${KEYS.good.alias}, method: datasync, constraints: { maintenanceWindow: "Sat 02:00" } }`,
      `  - { fileSystemId: ${FS.scratch}, scope: excluded, reason: scratch data }`,
    ].join('\n');
    await writeFile(join(dir, 'plan.yaml'), yaml);
    const applied = await run(
      'plan',
      '--decisions',
      join(dir, 'plan.yaml'),
      '--estate',
      join(dir, 'estate.json'),
      '--actor',
      'cli:alice',
    );
    expect(applied.err).toContain('No stored scan yet: scanning first.');
    expect(applied.out).toBe(
      `${FS.app} 111111111111 eu-west-1: decided (decided)\n${FS.scratch} 111111111111 eu-west-1: excluded (excluded)\n`,
    );
    expect(applied.code).toBe(0);

    const shown = await run('plan', '--show', '--estate', join(dir, 'estate.json'));
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('3 unencrypted file systems, 1 decided, 1 excluded, 1 undecided');
    expect(shown.out).toContain(`AWS DataSync to ${KEYS.good.alias}; by cli:alice`);
    expect(shown.out).toContain(`${FS.scratch} (scratch) 111111111111 eu-west-1: scratch data; by cli:alice`);
  }, 30_000);

  it('exits 1 with one line per problem and stores nothing', async () => {
    await writeFile(
      join(dir, 'plan.json'),
      JSON.stringify([
        { fileSystemId: FS.app, scope: 'in_scope', targetKey: KEYS.disabled.alias, method: 'datasync' },
        { fileSystemId: FS.cache, scope: 'in_scope', targetKey: KEYS.otherRegion.arn, method: 'rsync' },
      ]),
    );
    const refused = await run(
      'plan',
      '--decisions',
      join(dir, 'plan.json'),
      '--estate',
      join(dir, 'estate.json'),
    );
    expect(refused.code).toBe(1);
    const lines = refused.err.split('\n').filter((l) => l.startsWith('fs-'));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${FS.app} targetKey: Key alias/old-efs is disabled`)),
      expect.stringMatching(new RegExp(`^${FS.cache} targetKey: Key alias/us-efs is in us-east-1`)),
      expect.stringMatching(new RegExp(`^${FS.cache} method: EC2 \\+ rsync has no NFS path`)),
    ]);
    expect(refused.err).toContain('nothing was stored');
    const shown = await run('plan', '--show', '--estate', join(dir, 'estate.json'));
    expect(shown.out).toContain('0 decided, 0 excluded, 3 undecided');
  }, 30_000);

  it('names the path of a bad file before touching AWS', async () => {
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify({ decisions: [{ fileSystemId: FS.app, scope: 'maybe' }] }),
    );
    const bad = await run('plan', '--decisions', join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('decisions[0].scope: expected in_scope or excluded');
  });
});
