import { createHash } from 'node:crypto';
import { cell } from './inventory-export.ts';
import {
  allFindings,
  CATEGORY_LABELS,
  keyLabel,
  REPORT_CATEGORIES,
  type ExportDigests,
  type ExportFormat,
  type ReportRow,
  type ValidationReport,
} from './validation-report.ts';

/**
 * The validation report's three export formats (CSV, JSON, Markdown) and its terminal text. Each
 * is a pure function of the report, so the same report always gives the same bytes and the same
 * SHA-256: the stored record carries the digests, and anyone holding a copy can check it.
 */

export const REPORT_CSV_COLUMNS = [
  'category',
  'accountId',
  'region',
  'fileSystemId',
  'name',
  'app',
  'owner',
  'lifeCycleState',
  'creationTime',
  'encrypted',
  'kmsKeyArn',
  'keyAliases',
  'keyManager',
  'keyState',
  'exceptionReason',
  'excludedReason',
  'excludedBy',
  'excludedAt',
  'migrationState',
  'nextStep',
  'intendedKeyArn',
  'twinFileSystemId',
  'twinLifeCycleState',
  'twinEncrypted',
  'twinKmsKeyArn',
  'twinKeyState',
  'twinIntendedKey',
  'twinHealthy',
  'sourceDeleted',
  'complete',
  'signOff',
  'findings',
] as const;

function csvRow(r: ReportRow): Record<(typeof REPORT_CSV_COLUMNS)[number], unknown> {
  return {
    category: r.category,
    accountId: r.accountId,
    region: r.region,
    fileSystemId: r.fileSystemId,
    name: r.name,
    app: r.app,
    owner: r.owner,
    lifeCycleState: r.lifeCycleState,
    creationTime: r.creationTime,
    encrypted: r.encrypted,
    kmsKeyArn: r.key?.kmsKeyArn,
    keyAliases: r.key?.keyAliases.join(';'),
    keyManager: r.key?.keyManager,
    keyState: r.key?.keyState,
    exceptionReason: r.exceptionReason,
    excludedReason: r.exclusion?.reason,
    excludedBy: r.exclusion?.by,
    excludedAt: r.exclusion?.at,
    migrationState: r.migration
      ? `${r.migration.state}${r.migration.failedFrom ? ` (from ${r.migration.failedFrom})` : ''}`
      : undefined,
    nextStep: r.category === 'in_scope' && !r.complete ? r.migration?.nextStep : undefined,
    intendedKeyArn: r.migration?.intendedKeyArn,
    twinFileSystemId: r.twin?.fileSystemId,
    twinLifeCycleState: r.twin ? (r.twin.lifeCycleState ?? 'not found') : undefined,
    twinEncrypted: r.twin?.encrypted,
    twinKmsKeyArn: r.twin?.key?.kmsKeyArn,
    twinKeyState: r.twin?.key?.keyState,
    twinIntendedKey: r.twin?.intendedKey,
    twinHealthy: r.twin?.healthy,
    sourceDeleted: r.sourceDeleted,
    complete: r.complete,
    signOff: r.signOff,
    findings: r.findings.map((f) => `${f.kind}: ${f.text}`).join(' | '),
  };
}

/** One row per file system, exceptions first; RFC 4180, CRLF line ends as the RFC writes them. */
export function reportCsv(report: ValidationReport): string {
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  for (const r of report.rows) {
    const row = csvRow(r);
    lines.push(REPORT_CSV_COLUMNS.map((c) => cell(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** JSON with its keys sorted at every level: the same report gives the same bytes wherever it was read from. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** The whole report (without the digests, which describe these bytes), keys sorted. */
export function reportJson(report: ValidationReport): string {
  const {
    reportId,
    generatedAt,
    requestedBy,
    scanId,
    accounts,
    regions,
    verdict,
    rows,
    findings,
    notScanned,
  } = report;
  return `${canonicalJson({ reportId, generatedAt, requestedBy, scanId, accounts, regions, verdict, rows, findings, notScanned })}\n`;
}

function md(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

function table(headers: string[], rows: unknown[][]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(md).join(' | ')} |`),
  ];
}

const yesNo = (v: boolean | undefined) => (v === undefined ? '' : v ? 'yes' : 'no');

/** The verdict, the exceptions and findings first, then one table per category with the old → new mapping. */
export function reportMarkdown(report: ValidationReport): string {
  const v = report.verdict;
  const by = (c: ReportRow['category']) => report.rows.filter((r) => r.category === c);
  const out: string[] = [
    `# EFS encryption validation report ${report.reportId}`,
    '',
    `Generated ${report.generatedAt} for ${report.requestedBy}, from scan ${report.scanId} of account(s) ${report.accounts.join(', ') || '(none)'} in region(s) ${report.regions.join(', ') || '(none)'}.`,
    '',
    `## Verdict: ${v.goalMet ? 'goal met' : 'goal not met'}`,
    '',
    v.line,
    '',
    ...table(
      ['Category', 'File systems'],
      [
        ...REPORT_CATEGORIES.map((c) => [CATEGORY_LABELS[c], v.counts[c]]),
        ['In scope and complete', v.counts.inScopeComplete],
        ['Findings', v.counts.findings],
      ],
    ),
    '',
  ];
  const exceptions = by('exception');
  out.push(`## Exceptions (${exceptions.length})`, '');
  if (exceptions.length)
    out.push(
      ...table(
        ['Account', 'Region', 'File system', 'Name', 'App', 'Owner', 'Created', 'Why'],
        exceptions.map((r) => [
          r.accountId,
          r.region,
          r.fileSystemId,
          r.name,
          r.app,
          r.owner,
          r.creationTime,
          r.exceptionReason,
        ]),
      ),
    );
  else out.push('None.');
  const findings = allFindings(report);
  out.push('', `## Findings (${findings.length})`, '');
  if (findings.length) out.push(...findings.map((f) => `- **${f.kind}**: ${md(f.text)}`));
  else out.push('None.');

  const inScope = by('in_scope');
  out.push('', `## In scope (${inScope.length}): old → new`, '');
  if (inScope.length)
    out.push(
      ...table(
        [
          'Account',
          'Region',
          'Old',
          'New (twin)',
          'Twin state',
          'Twin key',
          'Key state',
          'Intended key',
          'Old deleted',
          'Complete',
          'Migration',
          'Outstanding',
          'Sign-off',
        ],
        inScope.map((r) => [
          r.accountId,
          r.region,
          r.fileSystemId,
          r.twin?.fileSystemId ?? '(not built)',
          r.twin ? (r.twin.lifeCycleState ?? 'not found') : '',
          r.twin?.key?.kmsKeyArn,
          r.twin?.key?.keyState,
          r.twin ? yesNo(r.twin.intendedKey) : r.migration?.intendedKeyArn,
          yesNo(r.sourceDeleted),
          yesNo(r.complete),
          r.migration
            ? `${r.migration.state}${r.migration.failedFrom ? ` (from ${r.migration.failedFrom})` : ''}`
            : '',
          r.outstanding,
          r.signOff,
        ]),
      ),
    );
  else out.push('None.');

  const excluded = by('excluded');
  out.push('', `## Excluded (${excluded.length})`, '');
  if (excluded.length)
    out.push(
      ...table(
        ['Account', 'Region', 'File system', 'Name', 'Reason', 'Excluded by', 'At'],
        excluded.map((r) => [
          r.accountId,
          r.region,
          r.fileSystemId,
          r.name,
          r.exclusion?.reason,
          r.exclusion?.by,
          r.exclusion?.at,
        ]),
      ),
    );
  else out.push('None.');

  const encrypted = by('encrypted_not_migrated');
  out.push('', `## Encrypted, not migrated (${encrypted.length})`, '');
  if (encrypted.length)
    out.push(
      ...table(
        ['Account', 'Region', 'File system', 'Name', 'Key manager', 'Key alias', 'Key ARN', 'Key state'],
        encrypted.map((r) => [
          r.accountId,
          r.region,
          r.fileSystemId,
          r.name,
          r.key?.keyManager,
          r.key?.keyAliases.join(', '),
          r.key?.kmsKeyArn,
          r.key?.keyState,
        ]),
      ),
    );
  else out.push('None.');
  if (report.notScanned.length)
    out.push(
      '',
      `Migrations outside the scanned accounts and regions, not judged: ${report.notScanned.join(', ')}.`,
    );
  return `${out.join('\n')}\n`;
}

export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'md'];

export interface ReportExport {
  format: ExportFormat;
  filename: string;
  content: string;
  sha256: string;
  bytes: number;
}

export function exportFilename(reportId: string, format: ExportFormat): string {
  return `efs-validation-${reportId}.${format}`;
}

export function sha256Hex(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** One export, with the digest of its UTF-8 bytes. */
export function reportExport(report: ValidationReport, format: ExportFormat): ReportExport {
  const content =
    format === 'csv' ? reportCsv(report) : format === 'json' ? reportJson(report) : reportMarkdown(report);
  return {
    format,
    filename: exportFilename(report.reportId, format),
    content,
    sha256: sha256Hex(content),
    bytes: Buffer.byteLength(content, 'utf8'),
  };
}

/** The digests the stored record carries. */
export function exportDigests(report: ValidationReport): ExportDigests {
  const entry = (f: ExportFormat) => {
    const e = reportExport(report, f);
    return { sha256: e.sha256, bytes: e.bytes, filename: e.filename };
  };
  return { csv: entry('csv'), json: entry('json'), md: entry('md') };
}

/** The report for a terminal: the verdict, then exceptions, findings and one line per file system. */
export function reportText(report: ValidationReport): string {
  const v = report.verdict;
  const lines = [
    `Validation report ${report.reportId} (${report.generatedAt}, scan ${report.scanId})`,
    `${v.goalMet ? 'GOAL MET' : 'GOAL NOT MET'}: ${v.line}`,
  ];
  const section = (title: string, items: string[]) => {
    if (items.length) lines.push('', `${title} (${items.length}):`, ...items.map((i) => `  ${i}`));
  };
  const where = (r: ReportRow) =>
    `${r.fileSystemId}${r.name ? ` (${r.name})` : ''} ${r.accountId} ${r.region}`;
  const rows = (c: ReportRow['category']) => report.rows.filter((r) => r.category === c);
  section(
    'Exceptions',
    rows('exception').map((r) => `${where(r)}: ${r.exceptionReason}`),
  );
  section(
    'Findings',
    allFindings(report).map((f) => `${f.kind}: ${f.text}`),
  );
  section(
    'In scope',
    rows('in_scope').map(
      (r) =>
        `${where(r)} -> ${r.twin?.fileSystemId ?? '(no twin yet)'}: ${r.complete ? 'complete (twin healthy, old deleted)' : r.outstanding}`,
    ),
  );
  section(
    'Excluded',
    rows('excluded').map(
      (r) => `${where(r)}: ${r.exclusion?.reason} (by ${r.exclusion?.by}, ${r.exclusion?.at})`,
    ),
  );
  section(
    'Encrypted, not migrated',
    rows('encrypted_not_migrated').map(
      (r) =>
        `${where(r)}: ${r.key?.keyManager ?? '?'} key ${keyLabel(r.key) || '(unknown)'}, ${r.key?.keyState ?? 'state unknown'}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}
