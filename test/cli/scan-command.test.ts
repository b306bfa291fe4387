import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { ScanRecord } from '../../src/domain/inventory.ts';
import { INVENTORY_CSV_COLUMNS } from '../../src/cli/output/inventory-csv.ts';

/** The CLI writes estate endpoints into the environment the SDK reads; restore it after each test. */
const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'efs-encrypt', ...args], {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: process.env,
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('efs-encrypt scan on the sample estate', () => {
  it('--json prints the stored record, one object per file system with AWS field names', async () => {
    const { code, out, err } = await run('scan', '--demo', '--json');
    expect(err).toContain('Scanning');
    expect(code).toBe(0);
    const scan = JSON.parse(out) as ScanRecord;
    expect(scan.scanId).toMatch(/^\d{8}T\d{9}Z-/);
    expect(scan.fileSystems.length).toBeGreaterThanOrEqual(20);
    const fs = scan.fileSystems[0]!;
    for (const key of [
      'accountId',
      'region',
      'fileSystemId',
      'encrypted',
      'mountTargets',
      'accessPoints',
      'flags',
    ])
      expect(fs).toHaveProperty(key);
    // The account whose role cannot be assumed is reported, and the scan still finished.
    expect(scan.failures.some((f) => f.operation === 'AssumeRole' && f.code === 'AccessDenied')).toBe(true);
  });

  it('--csv --out writes a header and one row per file system', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'efs-encrypt-cli-'));
    const file = join(dir, 'inventory.csv');
    const { code, err } = await run('scan', '--demo', '--csv', '--out', file, '--quiet');
    expect(code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(INVENTORY_CSV_COLUMNS.join(','));
    const count = Number(/Wrote (\d+) file systems/.exec(err)?.[1]);
    expect(lines).toHaveLength(count + 1);
    expect(lines.some((l) => l.includes(',unencrypted,'))).toBe(true);
  });

  it('refuses --json with --csv as a usage error', async () => {
    const { code, err } = await run('scan', '--json', '--csv');
    expect(code).toBe(2);
    expect(err).toMatch(/cannot be used with/);
  });

  it('names a missing estate file plainly', async () => {
    const { code, err } = await run('scan', '--estate', '/nonexistent/estate.json');
    expect(code).toBe(1);
    expect(err).toMatch(/\/nonexistent\/estate\.json/);
    expect(err).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('efs-encrypt demo without Slack tokens', () => {
  it('scans the sample estate, prints the summary and says how to connect Slack', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    const { code, out } = await run('demo');
    expect(code).toBe(0);
    expect(out).toMatch(/Unencrypted \(migration candidates\): \d+/);
    expect(out).toMatch(/Could not scan: 1/);
    expect(out).toContain('To run this in Slack');
  });
});
