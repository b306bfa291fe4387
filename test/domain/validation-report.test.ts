import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { migrationId } from '../../src/domain/inventory.ts';
import type { FileSystemRecord } from '../../src/domain/inventory.ts';
import type { MigrationState } from '../../src/domain/migration-state.ts';
import type { DecisionRecord, MigrationRecord } from '../../src/domain/migration.ts';
import {
  buildValidationReport,
  isIntendedKey,
  verdictOf,
  type MigrationInput,
  type ReportInput,
  type ReportRow,
} from '../../src/domain/validation-report.ts';
import {
  canonicalJson,
  exportDigests,
  reportCsv,
  reportJson,
  reportMarkdown,
  reportText,
  sha256Hex,
} from '../../src/domain/validation-export.ts';
import { fileSystem } from '../harness/scan-fixtures.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-2222-3333-4444-555555555555`;
const DECIDED_AT = '2026-03-01T09:00:00.000Z';

const src = (id: string, over: Partial<FileSystemRecord> = {}) =>
  fileSystem({ fileSystemId: id, name: `src-${id.slice(-2)}`, ...over });
const twinFs = (id: string, over: Partial<FileSystemRecord> = {}) =>
  fileSystem({
    fileSystemId: id,
    name: `twin-${id.slice(-2)}`,
    encrypted: true,
    kmsKeyArn: KEY_ARN,
    keyAliases: ['alias/efs-twins'],
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    ...over,
  });

function migration(
  fsId: string,
  state: MigrationState,
  over: { resources?: Record<string, string>; exclusionReason?: string; targetKmsKeyId?: string } = {},
): MigrationInput {
  const id = migrationId(ACCOUNT, REGION, fsId);
  const record: MigrationRecord = {
    id,
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: fsId,
    state,
    version: 3,
    facts: over.exclusionReason ? { exclusionReason: over.exclusionReason } : { hasDecision: true },
    resources: over.resources ?? {},
    createdAt: '2026-02-01T00:00:00.000Z',
    updatedAt: DECIDED_AT,
    updatedBy: 'U0ADMIN01',
  };
  const decision: DecisionRecord | undefined =
    state === 'excluded'
      ? undefined
      : {
          migrationId: id,
          version: 1,
          updatedAt: DECIDED_AT,
          decision: {
            targetKmsKeyId: over.targetKmsKeyId ?? KEY_ARN,
            targetKeyAsGiven: 'alias/efs-twins',
            method: 'datasync',
            decidedBy: 'U0ADMIN01',
            decidedAt: DECIDED_AT,
          },
        };
  return {
    record,
    ...(decision ? { decision } : {}),
    nextStep: { text: `next step for ${state}`, who: 'admins' },
  };
}

function input(fileSystems: FileSystemRecord[], migrations: MigrationInput[] = []): ReportInput {
  return {
    reportId: 'val-20260401-100000-abcdef',
    generatedAt: '2026-04-01T10:00:00.000Z',
    requestedBy: 'U0USER01',
    scan: { scanId: 'scan-1', accounts: [ACCOUNT], regions: [REGION], fileSystems, failures: [] },
    migrations,
  };
}

const row = (rows: ReportRow[], id: string) => rows.find((r) => r.fileSystemId === id)!;

describe('buildValidationReport: categories', () => {
  const cases: {
    name: string;
    fileSystems: FileSystemRecord[];
    migrations: MigrationInput[];
    expect: { id: string; category: ReportRow['category']; findings?: string[]; complete?: boolean }[];
    goalMet: boolean;
  }[] = [
    {
      name: 'an unencrypted file system nobody decided is an exception',
      fileSystems: [src('fs-00000000000000001')],
      migrations: [],
      expect: [{ id: 'fs-00000000000000001', category: 'exception' }],
      goalMet: false,
    },
    {
      name: 'a scoped file system without a decision is still an exception',
      fileSystems: [src('fs-00000000000000001')],
      migrations: [{ ...migration('fs-00000000000000001', 'in_scope'), decision: undefined }],
      expect: [{ id: 'fs-00000000000000001', category: 'exception' }],
      goalMet: false,
    },
    {
      name: 'an excluded file system is listed with its reason, and does not fail the goal',
      fileSystems: [src('fs-00000000000000002')],
      migrations: [migration('fs-00000000000000002', 'excluded', { exclusionReason: 'scratch data' })],
      expect: [{ id: 'fs-00000000000000002', category: 'excluded' }],
      goalMet: true,
    },
    {
      name: 'decommissioned, twin healthy with the intended key: complete',
      fileSystems: [twinFs('fs-0000000000000000b')],
      migrations: [
        migration('fs-00000000000000003', 'decommissioned', {
          resources: { targetFileSystemId: 'fs-0000000000000000b' },
        }),
      ],
      expect: [{ id: 'fs-00000000000000003', category: 'in_scope', complete: true }],
      goalMet: true,
    },
    {
      name: 'cut over but the old one still there: in scope, not complete',
      fileSystems: [src('fs-00000000000000003'), twinFs('fs-0000000000000000b')],
      migrations: [
        migration('fs-00000000000000003', 'cut_over', {
          resources: { targetFileSystemId: 'fs-0000000000000000b' },
        }),
      ],
      expect: [{ id: 'fs-00000000000000003', category: 'in_scope', complete: false, findings: [] }],
      goalMet: false,
    },
    {
      name: 'twin encrypted with another key than decided: a finding (encrypted is not enough)',
      fileSystems: [twinFs('fs-0000000000000000b', { kmsKeyArn: OTHER_KEY_ARN })],
      migrations: [
        migration('fs-00000000000000003', 'decommissioned', {
          resources: { targetFileSystemId: 'fs-0000000000000000b' },
        }),
      ],
      expect: [
        { id: 'fs-00000000000000003', category: 'in_scope', complete: false, findings: ['twin-wrong-key'] },
      ],
      goalMet: false,
    },
    {
      name: "twin's key disabled after the migration: a finding",
      fileSystems: [twinFs('fs-0000000000000000b', { keyState: 'Disabled' })],
      migrations: [
        migration('fs-00000000000000003', 'decommissioned', {
          resources: { targetFileSystemId: 'fs-0000000000000000b' },
        }),
      ],
      expect: [
        { id: 'fs-00000000000000003', category: 'in_scope', complete: false, findings: ['key-disabled'] },
      ],
      goalMet: false,
    },
    {
      name: 'twin recorded but gone: a finding',
      fileSystems: [],
      migrations: [
        migration('fs-00000000000000003', 'decommissioned', {
          resources: { targetFileSystemId: 'fs-0000000000000000b' },
        }),
      ],
      expect: [
        { id: 'fs-00000000000000003', category: 'in_scope', complete: false, findings: ['twin-missing'] },
      ],
      goalMet: false,
    },
    {
      name: 'encrypted with an enabled key and never migrated: fine',
      fileSystems: [twinFs('fs-00000000000000004', { tags: {} })],
      migrations: [],
      expect: [{ id: 'fs-00000000000000004', category: 'encrypted_not_migrated', findings: [] }],
      goalMet: true,
    },
    {
      name: 'encrypted with a key pending deletion: a finding',
      fileSystems: [twinFs('fs-00000000000000004', { keyState: 'PendingDeletion' })],
      migrations: [],
      expect: [
        {
          id: 'fs-00000000000000004',
          category: 'encrypted_not_migrated',
          findings: ['key-pending-deletion'],
        },
      ],
      goalMet: false,
    },
    {
      name: 'encrypted with a disabled AWS-managed key: a finding',
      fileSystems: [twinFs('fs-00000000000000004', { keyState: 'Disabled', keyManager: 'AWS' })],
      migrations: [],
      expect: [
        { id: 'fs-00000000000000004', category: 'encrypted_not_migrated', findings: ['key-disabled'] },
      ],
      goalMet: false,
    },
  ];

  it.each(cases)('$name', (c) => {
    const report = buildValidationReport(input(c.fileSystems, c.migrations));
    expect(report.rows.map((r) => r.fileSystemId)).toEqual(c.expect.map((e) => e.id));
    for (const e of c.expect) {
      const r = row(report.rows, e.id);
      expect(r.category).toBe(e.category);
      if (e.findings) expect(r.findings.map((f) => f.kind)).toEqual(e.findings);
      if (e.complete !== undefined) expect(r.complete).toBe(e.complete);
    }
    expect(report.verdict.goalMet).toBe(c.goalMet);
  });

  it('lists exceptions first, says when one was created after the decisions, and shows twins only in their source row', () => {
    const report = buildValidationReport(
      input(
        [
          twinFs('fs-00000000000000004'),
          src('fs-00000000000000005', { creationTime: '2026-03-15T00:00:00.000Z' }),
          src('fs-00000000000000003'),
          twinFs('fs-0000000000000000b'),
        ],
        [
          migration('fs-00000000000000003', 'copying', {
            resources: { targetFileSystemId: 'fs-0000000000000000b' },
          }),
        ],
      ),
    );
    expect(report.rows.map((r) => [r.category, r.fileSystemId])).toEqual([
      ['exception', 'fs-00000000000000005'],
      ['in_scope', 'fs-00000000000000003'],
      ['encrypted_not_migrated', 'fs-00000000000000004'],
    ]);
    expect(row(report.rows, 'fs-00000000000000005').exceptionReason).toContain('after the last decision');
    const inScope = row(report.rows, 'fs-00000000000000003');
    expect(inScope.twin).toMatchObject({
      fileSystemId: 'fs-0000000000000000b',
      healthy: true,
      intendedKey: true,
    });
    expect(inScope.outstanding).toContain('next step for copying');
    expect(inScope.signOff).toBe('pending');
    expect(report.verdict.counts).toMatchObject({
      exception: 1,
      in_scope: 1,
      inScopeComplete: 0,
      encrypted_not_migrated: 1,
    });
  });

  it('turns a scan failure into a finding and does not call an unreadable source deleted', () => {
    const base = input(
      [],
      [
        migration('fs-00000000000000003', 'cut_over', {
          resources: { targetFileSystemId: 'fs-0000000000000000b' },
        }),
      ],
    );
    base.scan.failures = [
      {
        accountId: ACCOUNT,
        region: REGION,
        operation: 'DescribeFileSystems',
        code: 'AccessDenied',
        message: 'no',
      },
    ];
    const report = buildValidationReport(base);
    expect(report.findings.map((f) => f.kind)).toEqual(['scan-failure']);
    expect(row(report.rows, 'fs-00000000000000003')).toMatchObject({
      sourceDeleted: false,
      lifeCycleState: 'unknown',
      findings: [],
    });
    expect(report.verdict.goalMet).toBe(false);
  });

  it('compares the intended key by ARN, or by the alias of a decided alias ARN', () => {
    expect(isIntendedKey({ kmsKeyArn: KEY_ARN, keyAliases: [] }, KEY_ARN)).toBe(true);
    expect(isIntendedKey({ kmsKeyArn: OTHER_KEY_ARN, keyAliases: [] }, KEY_ARN)).toBe(false);
    const aliasArn = `arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/elasticfilesystem`;
    expect(
      isIntendedKey({ kmsKeyArn: OTHER_KEY_ARN, keyAliases: ['alias/aws/elasticfilesystem'] }, aliasArn),
    ).toBe(true);
    expect(isIntendedKey({ kmsKeyArn: OTHER_KEY_ARN, keyAliases: ['alias/other'] }, aliasArn)).toBe(false);
    expect(
      isIntendedKey(
        { kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/x`, keyAliases: ['alias/aws/elasticfilesystem'] },
        aliasArn,
      ),
    ).toBe(false);
  });
});

describe('exports', () => {
  const report = buildValidationReport(
    input(
      [
        src('fs-00000000000000005', { name: 'a|b, "c"' }),
        twinFs('fs-0000000000000000b', { keyState: 'Disabled' }),
      ],
      [
        migration('fs-00000000000000003', 'decommissioned', {
          resources: { targetFileSystemId: 'fs-0000000000000000b' },
        }),
      ],
    ),
  );

  it('are deterministic: the same report gives the same bytes and digests, whatever the key order it was read with', () => {
    const reread = JSON.parse(JSON.stringify(report)) as typeof report;
    // A store may hand the fields back in another order.
    const shuffled = Object.fromEntries(Object.entries(reread).reverse()) as typeof report;
    expect(reportJson(shuffled)).toBe(reportJson(report));
    expect(reportCsv(shuffled)).toBe(reportCsv(report));
    expect(reportMarkdown(shuffled)).toBe(reportMarkdown(report));
    const d = exportDigests(report);
    expect(d.json.sha256).toBe(sha256Hex(reportJson(report)));
    expect(d.csv.sha256).toBe(sha256Hex(reportCsv(report)));
    expect(d.md).toMatchObject({
      sha256: sha256Hex(reportMarkdown(report)),
      filename: 'efs-validation-val-20260401-100000-abcdef.md',
    });
    expect(JSON.parse(reportJson(report))).toEqual(JSON.parse(canonicalJson(report)));
  });

  it('Markdown: verdict, then exceptions, then findings, then the tables; cells escaped', () => {
    const text = reportMarkdown(report);
    const at = (s: string) => text.indexOf(s);
    expect(at('## Verdict: goal not met')).toBeGreaterThan(0);
    expect(at('## Verdict')).toBeLessThan(at('## Exceptions (1)'));
    expect(at('## Exceptions (1)')).toBeLessThan(at('## Findings (1)'));
    expect(at('## Findings (1)')).toBeLessThan(at('## In scope (1): old → new'));
    expect(text).toContain('a\\|b, "c"');
    expect(text).toMatch(/\| fs-00000000000000003 \| fs-0000000000000000b \| available \|/);
  });

  it('CSV: one row per file system, quoted per RFC 4180', () => {
    const lines = reportCsv(report).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^exception,111111111111,eu-west-1,fs-00000000000000005,"a\|b, ""c""",/);
    expect(lines[2]).toContain('key-disabled: ');
  });

  it('text: the verdict first', () => {
    expect(reportText(report).split('\n')[1]).toMatch(/^GOAL NOT MET: Goal not met: 1 unencrypted/);
  });
});

describe('verdict (property)', () => {
  const rowArb = fc.record({
    category: fc.constantFrom('exception', 'in_scope', 'excluded', 'encrypted_not_migrated' as const),
    complete: fc.boolean(),
    findings: fc.nat({ max: 2 }),
  });
  const toRow = (
    r: { category: ReportRow['category']; complete: boolean; findings: number },
    i: number,
  ): ReportRow => ({
    category: r.category,
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: `fs-${String(i).padStart(17, '0')}`,
    lifeCycleState: 'available',
    encrypted: r.category !== 'exception',
    signOff: 'not-applicable',
    ...(r.category === 'in_scope' ? { complete: r.complete } : {}),
    findings: Array.from({ length: r.findings }, () => ({ kind: 'key-disabled' as const, text: 'x' })),
  });

  it('is met iff there is no exception, no finding and every in-scope row is complete', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), (specs) => {
        const rows = specs.map(toRow);
        const v = verdictOf(rows);
        const expected =
          rows.every((r) => r.category !== 'exception') &&
          rows.every((r) => r.findings.length === 0) &&
          rows.every((r) => r.category !== 'in_scope' || r.complete === true);
        expect(v.goalMet).toBe(expected);
        expect(v.counts.total).toBe(rows.length);
        expect(v.reasons.length === 0).toBe(expected);
      }),
    );
  });

  it('every unencrypted file system without a migration is an exception, and the report never loses or duplicates one', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            encrypted: fc.boolean(),
            keyState: fc.constantFrom('Enabled', 'Disabled', 'PendingDeletion'),
          }),
          {
            maxLength: 20,
          },
        ),
        (specs) => {
          const fss = specs.map((s, i) =>
            s.encrypted
              ? twinFs(`fs-${String(i).padStart(17, '0')}`, { keyState: s.keyState })
              : src(`fs-${String(i).padStart(17, '0')}`),
          );
          const report = buildValidationReport(input(fss));
          expect(report.rows).toHaveLength(fss.length);
          expect(report.verdict.counts.exception).toBe(specs.filter((s) => !s.encrypted).length);
          expect(report.verdict.counts.findings).toBe(
            specs.filter((s) => s.encrypted && s.keyState !== 'Enabled').length,
          );
          const firstOther = report.rows.findIndex((r) => r.category !== 'exception');
          if (firstOther >= 0)
            expect(report.rows.slice(firstOther).every((r) => r.category !== 'exception')).toBe(true);
        },
      ),
    );
  });
});

describe('application sign-off in the verdict (issue 16 §2)', () => {
  const record = (decision: 'signed_off' | 'concerns', at: string, app = 'billing') => ({
    migrationId: migrationId(ACCOUNT, REGION, 'fs-00000000000000003'),
    fileSystemId: 'fs-00000000000000003',
    app,
    decision,
    ...(decision === 'concerns' ? { text: 'slow' } : {}),
    components: decision === 'concerns' ? ['api'] : [],
    by: 'U0OWNER01',
    role: 'owner' as const,
    at,
  });
  const done = (signOff?: MigrationInput['signOff']) => ({
    ...migration('fs-00000000000000003', 'decommissioned', {
      resources: { targetFileSystemId: 'fs-0000000000000000b' },
    }),
    ...(signOff ? { signOff } : {}),
  });

  it.each([
    { name: 'no application known', signOff: undefined, state: 'not-applicable', goalMet: true },
    {
      name: 'an application, nothing recorded',
      signOff: { applications: ['billing'], records: [] },
      state: 'pending',
      goalMet: false,
    },
    {
      name: 'signed off',
      signOff: { applications: ['billing'], records: [record('signed_off', '2026-04-01T00:00:00Z')] },
      state: 'signed-off',
      goalMet: true,
    },
    {
      name: 'concerns',
      signOff: { applications: ['billing'], records: [record('concerns', '2026-04-01T00:00:00Z')] },
      state: 'concerns',
      goalMet: false,
    },
    {
      name: 'concerns, then signed off: the latest counts',
      signOff: {
        applications: ['billing'],
        records: [record('signed_off', '2026-04-02T00:00:00Z'), record('concerns', '2026-04-01T00:00:00Z')],
      },
      state: 'signed-off',
      goalMet: true,
    },
    {
      name: 'one of two applications signed off',
      signOff: {
        applications: ['billing', 'search'],
        records: [record('signed_off', '2026-04-01T00:00:00Z')],
      },
      state: 'pending',
      goalMet: false,
    },
  ])('$name: $state, goal met $goalMet', ({ signOff, state, goalMet }) => {
    const report = buildValidationReport(input([twinFs('fs-0000000000000000b')], [done(signOff)]));
    const r = row(report.rows, 'fs-00000000000000003');
    expect(r.complete).toBe(true);
    expect(r.signOff).toBe(state);
    expect(report.verdict.goalMet).toBe(goalMet);
    if (state === 'concerns') expect(r.outstanding).toBe('concerns from billing: slow (api)');
  });
});
