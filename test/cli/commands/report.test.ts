import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, useCliWorkspace } from '../run-cli.ts';
import { openStore } from '../../../src/store/index.ts';
import type { ScanRecord } from '../../../src/domain/inventory.ts';
import type { ValidationReport } from '../../../src/domain/validation-report.ts';
import { deniesCreate, type PolicyDocument } from '../../../src/domain/guardrail-policy.ts';

/** `efs-encrypt report` and `guardrail` through the real CLI, on local estates and the embedded store. */

const workspace = useCliWorkspace('report-cli-');

const ACCOUNT = '777777777777';
const REGION = 'eu-west-1';
const KEY = '77777777-0000-0000-0000-000000000001';

/** One account where everything is encrypted with an enabled customer key: nothing to migrate. */
function allEncryptedEstate(keyState: 'Enabled' | 'Disabled' = 'Enabled'): string {
  const file = workspace.path('estate.json');
  writeFileSync(
    file,
    JSON.stringify({
      accounts: [
        {
          accountId: ACCOUNT,
          regions: {
            [REGION]: {
              keys: [{ KeyId: KEY, KeyState: keyState, Aliases: ['alias/data'] }],
              fileSystems: [
                {
                  FileSystemId: 'fs-07777777777777771',
                  Name: 'done',
                  Encrypted: true,
                  KmsKeyId: 'alias/data',
                },
              ],
            },
          },
        },
      ],
    }),
  );
  return file;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('efs-encrypt report', () => {
  it('on the sample estate before any migration: every unencrypted file system is an exception, exit 1', async () => {
    const scan = JSON.parse((await runCli('scan', '--demo', '--json', '-q')).out) as ScanRecord;
    const unencrypted = scan.fileSystems
      .filter((f) => !f.encrypted)
      .map((f) => f.fileSystemId)
      .sort();
    expect(unencrypted.length).toBeGreaterThan(3);

    const r = await runCli('report', '--demo', '--json', '-q');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/efs-encrypt: Goal not met: \d+ unencrypted file system\(s\) no decision covers/);
    const report = JSON.parse(r.out) as ValidationReport;
    const exceptions = report.rows.filter((x) => x.category === 'exception');
    expect(exceptions.map((x) => x.fileSystemId).sort()).toEqual(unencrypted);
    // Exceptions first.
    expect(report.rows.slice(0, exceptions.length).every((x) => x.category === 'exception')).toBe(true);
    expect(report.verdict.goalMet).toBe(false);
    // The account whose role cannot be assumed cannot be proven: a finding.
    expect(report.findings.some((f) => f.kind === 'scan-failure' && f.text.includes('AssumeRole'))).toBe(
      true,
    );
  });

  it('stores the report: --list shows it, REPORT_ID prints it, and each export matches its recorded SHA-256', async () => {
    const fresh = await runCli('report', '--demo', '-q');
    expect(fresh.code).toBe(1);
    expect(fresh.out).toMatch(/^Validation report (val-\S+) /);
    expect(fresh.out).toContain('GOAL NOT MET');
    const reportId = /^Validation report (val-\S+) /.exec(fresh.out)![1]!;

    const list = await runCli('report', '--list');
    expect(list.code).toBe(0);
    expect(list.out).toContain(`${reportId}  `);
    expect(list.out).toContain('NOT MET');

    const store = await openStore({ dataDir: workspace.path('store') });
    const stored = await store.reports.getReport(reportId);
    await store.close();
    expect(stored?.requestedBy).toBe('cli');

    for (const format of ['csv', 'json', 'md'] as const) {
      const file = workspace.path(`copy.${format}`);
      const r = await runCli('report', reportId, `--${format}`, '--out', file);
      expect(r.code).toBe(1);
      const content = readFileSync(file, 'utf8');
      expect(sha256(content)).toBe(stored!.exports[format].sha256);
      expect(r.err).toContain(`sha256 ${stored!.exports[format].sha256}`);
    }
    // A copy changed by one character no longer matches.
    const md = readFileSync(workspace.path('copy.md'), 'utf8');
    expect(sha256(md.replace('goal not met', 'goal met'))).not.toBe(stored!.exports.md.sha256);
  });

  it('exits 0 when the goal is met, and 1 once the key in use is disabled (a finding)', async () => {
    const met = await runCli('report', '--estate', allEncryptedEstate(), '-q');
    expect(met.err).toBe('');
    expect(met.code).toBe(0);
    expect(met.out).toContain('GOAL MET: Goal met. 1 file system(s)');
    expect(met.out).toContain(
      'fs-07777777777777771 (done) 777777777777 eu-west-1: CUSTOMER key alias/data, Enabled',
    );

    const disabled = await runCli('report', '--estate', allEncryptedEstate('Disabled'), '--md', '-q');
    expect(disabled.code).toBe(1);
    expect(disabled.out).toContain('## Findings (1)');
    expect(disabled.out).toContain('**key-disabled**');
  });

  it('says clearly when a report does not exist, and refuses --list with an ID', async () => {
    const missing = await runCli('report', 'val-nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('No validation report val-nope, and none is stored yet');
    const both = await runCli('report', '--list', 'val-x');
    expect(both.code).toBe(2);
  });
});

describe('efs-encrypt guardrail', () => {
  it.each([['--scp'], ['--iam'], []])(
    'prints a policy that denies unencrypted and unspecified creation (%s)',
    async (...args) => {
      const r = await runCli('guardrail', ...(args as string[]));
      expect(r.code).toBe(0);
      const policy = JSON.parse(r.out) as PolicyDocument;
      expect(policy.Version).toBe('2012-10-17');
      expect(
        policy.Statement.every(
          (s) => s.Effect === 'Deny' && s.Action === 'elasticfilesystem:CreateFileSystem',
        ),
      ).toBe(true);
      expect(deniesCreate(policy, false)).toBe(true);
      expect(deniesCreate(policy, undefined)).toBe(true);
      expect(deniesCreate(policy, true)).toBe(false);
    },
  );

  it('uses the documented condition key and operators', async () => {
    const policy = JSON.parse((await runCli('guardrail', '--iam')).out) as PolicyDocument;
    expect(policy.Statement.map((s) => s.Condition)).toEqual([
      { Bool: { 'elasticfilesystem:Encrypted': 'false' } },
      { Null: { 'elasticfilesystem:Encrypted': 'true' } },
    ]);
    expect((await runCli('guardrail', '--scp', '--iam')).code).toBe(2);
  });
});
