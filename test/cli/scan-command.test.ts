import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreEnvAfterEach, runCli } from './run-cli.ts';
import type { ScanRecord } from '../../src/domain/inventory.ts';
import { INVENTORY_CSV_COLUMNS } from '../../src/domain/inventory-export.ts';

restoreEnvAfterEach();

describe('efs-encrypt scan on the sample estate', () => {
  it('--json prints the stored record, one object per file system with AWS field names', async () => {
    const { code, out, err } = await runCli('scan', '--demo', '--json');
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

  it('scans only the regions named, and refuses a mistyped one before starting', async () => {
    const { code, out } = await runCli('scan', '--demo', '--json', '-q', 'eu-west-1');
    expect(code).toBe(0);
    const scan = JSON.parse(out) as ScanRecord;
    expect(scan.regions).toEqual(['eu-west-1']);
    expect(scan.fileSystems.length).toBeGreaterThan(0);
    expect(scan.fileSystems.every((f) => f.region === 'eu-west-1')).toBe(true);

    const typo = await runCli('scan', '--demo', 'eu-wst-1');
    expect(typo.code).not.toBe(0);
    expect(typo.err).toMatch(
      /eu-wst-1 is not a configured region \(EFS_ENCRYPT_REGIONS\): scan one of .*eu-west-1/,
    );
    expect(typo.out).toBe('');

    const shape = await runCli('scan', '--demo', 'eu-west');
    expect(shape.code).not.toBe(0);
    expect(shape.err).toContain('`eu-west` is neither an AWS account ID (12 digits) nor a region name');
  });

  it('--csv --out writes a header and one row per file system', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'efs-encrypt-cli-'));
    const file = join(dir, 'inventory.csv');
    const { code, err } = await runCli('scan', '--demo', '--csv', '--out', file, '--quiet');
    expect(code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(INVENTORY_CSV_COLUMNS.join(','));
    const count = Number(/Wrote (\d+) file systems/.exec(err)?.[1]);
    expect(lines).toHaveLength(count + 1);
    expect(lines.some((l) => l.includes(',unencrypted,'))).toBe(true);
  });

  it('refuses --json with --csv as a usage error', async () => {
    const { code, err } = await runCli('scan', '--json', '--csv');
    expect(code).toBe(2);
    expect(err).toMatch(/cannot be used with/);
  });

  it('names a missing estate file plainly', async () => {
    const { code, err } = await runCli('scan', '--estate', '/nonexistent/estate.json');
    expect(code).toBe(1);
    expect(err).toMatch(/\/nonexistent\/estate\.json/);
    expect(err).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('efs-encrypt demo without Slack tokens', () => {
  it('--scan-only scans the sample estate, prints the summary and says how to connect Slack', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    const { code, out } = await runCli('demo', '--scan-only');
    expect(code).toBe(0);
    expect(out).toMatch(/Unencrypted \(migration candidates\): \d+/);
    expect(out).toMatch(/Could not scan: 1/);
    expect(out).toContain('To run this in Slack');
    // The embedded store is in memory here: the export hint scans again.
    expect(out).toContain('Export it with: npx efs-encrypt scan --demo --csv --out inventory.csv');
  });

  it('with EFS_ENCRYPT_DATA_DIR, points at efs-encrypt export, which re-exports the stored scan', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    const dataDir = mkdtempSync(join(tmpdir(), 'demo-store-'));
    process.env.EFS_ENCRYPT_DATA_DIR = dataDir;
    try {
      const demo = await runCli('demo', '--scan-only');
      expect(demo.code).toBe(0);
      const scanId = /The scan is stored as (\S+)\./.exec(demo.out)?.[1];
      expect(demo.out).toContain(`Export it with: npx efs-encrypt export ${scanId} --out inventory.csv`);
      const exported = await runCli('export', scanId!);
      expect(exported.code).toBe(0);
      expect(exported.out.split('\n')[0]).toBe(INVENTORY_CSV_COLUMNS.join(','));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
