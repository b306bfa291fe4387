import { AWS_MANAGED_EFS_KEY_ALIAS, migrationId, ownership } from './inventory.ts';
import type { FileSystemRecord, KeyManager, ScanFailure } from './inventory.ts';
import { buildMappingOf } from './build-plan.ts';
import { statesFrom, type MigrationState } from './migration-state.ts';
import type { DecisionRecord, MigrationRecord } from './migration.ts';
import type { NextStep } from './status-view.ts';
import { applicationSignOffs, type ApplicationSignOffState, type SignOffRecord } from './sign-off.ts';

/**
 * The validation report (issue 16 §1): from a fresh inventory and the stored migrations and
 * decisions, one row per file system with its category, and a verdict on the project's goal
 * ("every file system that should be encrypted is, with its intended key, and the old one is
 * gone"). Pure: the validate workflow gathers the inputs; Slack, the CLI and the digest render it.
 *
 * The report checks more than AWS Config's `efs-encrypted-check`, Security Hub EFS.1 and Prowler
 * do (encrypted, at most one key ARN): the twin's key must be the one decided for *that* file
 * system, usable (Enabled), the twin available, the mapping old → new complete, the source gone.
 */

/** In the order the report lists them: exceptions first. */
export const REPORT_CATEGORIES = ['exception', 'in_scope', 'excluded', 'encrypted_not_migrated'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<ReportCategory, string> = {
  exception: 'Exception (unencrypted, no decision covers it)',
  in_scope: 'In scope (migrated to an encrypted twin)',
  excluded: 'Excluded',
  encrypted_not_migrated: 'Encrypted, not migrated',
};

/** Something wrong that a person must fix, beyond "not finished yet". */
export type FindingKind =
  /** A key in use (by an encrypted file system or a twin) is disabled: EFS stops being able to use it. */
  | 'key-disabled'
  | 'key-pending-deletion'
  /** Any other state than Enabled (Unavailable, PendingImport…). */
  | 'key-unusable'
  /** The twin is encrypted with another key than the one decided. */
  | 'twin-wrong-key'
  | 'twin-unencrypted'
  /** The migration says the twin exists (build done) but the scan did not find it. */
  | 'twin-missing'
  /** An account or region the scan could not read: nothing in it can be proven. */
  | 'scan-failure';

export interface Finding {
  kind: FindingKind;
  /** What is wrong and what to do, in a sentence. */
  text: string;
  /** The file system it is about (the twin's ID for a twin finding); absent for scan failures. */
  fileSystemId?: string;
  accountId?: string;
  region?: string;
}

/**
 * Application sign-off (issue 16 §2) of an in-scope row: `signed-off` when every application of the
 * migration (its cutover plans' apps, else the file system's `app` tag) has signed off, `concerns`
 * when any has concerns, `pending` otherwise; `not-applicable` for other rows and for a migration
 * with no application to ask. The verdict is met only with no in-scope row pending or in concerns.
 */
export type SignOffState = 'not-applicable' | 'pending' | 'signed-off' | 'concerns';

/** One application's concerns, listed as outstanding work with the file system. */
export interface SignOffConcern {
  app: string;
  text: string;
  components: string[];
  by: string;
  at: string;
}

export interface KeyView {
  kmsKeyArn?: string;
  keyManager?: KeyManager;
  keyAliases: string[];
  keyState?: string;
}

/** The encrypted twin as the fresh scan saw it. */
export interface TwinHealth {
  fileSystemId: string;
  /** False when the scan did not find it. */
  found: boolean;
  lifeCycleState?: string;
  encrypted?: boolean;
  key?: KeyView;
  /** The twin's key is the decided one (ARNs compared, or the alias of the AWS-managed key). */
  intendedKey: boolean;
  /** Found, available, encrypted with the intended key, and that key Enabled. */
  healthy: boolean;
  /** Why not healthy, one sentence each; empty when healthy. */
  problems: string[];
}

export interface MigrationView {
  migrationId: string;
  state: MigrationState;
  failedFrom?: MigrationState;
  /** The next step as `status` words it (with who may take it). */
  nextStep?: string;
  nextStepWho?: string;
  /** The ARN decided for the twin (decision `targetKmsKeyId`). */
  intendedKeyArn?: string;
  /** The key as the person gave it (an alias), when different. */
  intendedKeyAsGiven?: string;
  decidedBy?: string;
  decidedAt?: string;
}

export interface ReportRow {
  category: ReportCategory;
  accountId: string;
  region: string;
  fileSystemId: string;
  name?: string;
  app?: string;
  owner?: string;
  /** The source's state in the fresh scan; `deleted` when the scan no longer finds it. */
  lifeCycleState: string;
  creationTime?: string;
  encrypted: boolean;
  key?: KeyView;
  /** Exceptions: why no decision covers it. */
  exceptionReason?: string;
  /** Excluded: the reason, who excluded it and when. */
  exclusion?: { reason: string; by: string; at: string };
  migration?: MigrationView;
  /** In scope: the twin the build recorded (old → new), and how it is. */
  twin?: TwinHealth;
  /** In scope: the source is gone (the scan of its account and region succeeded and did not find it). */
  sourceDeleted?: boolean;
  /** In scope: twin healthy and source deleted. */
  complete?: boolean;
  /** In scope, not complete: what is left, in a sentence. */
  outstanding?: string;
  signOff: SignOffState;
  /** In scope: the applications' sign-off states (when any application is known). */
  applications?: { app: string; state: ApplicationSignOffState; by?: string; at?: string }[];
  /** In scope: concerns recorded by the applications' owners, outstanding until signed off. */
  concerns?: SignOffConcern[];
  findings: Finding[];
}

export type CategoryCounts = Record<ReportCategory, number>;

export interface ReportVerdict {
  goalMet: boolean;
  counts: CategoryCounts & {
    total: number;
    /** In-scope rows whose twin is healthy and whose source is deleted. */
    inScopeComplete: number;
    findings: number;
    /** In-scope rows whose applications have not all signed off, and those with concerns. */
    signOffPending: number;
    concerns: number;
  };
  /** Why the goal is not met, one short line each; empty when met. */
  reasons: string[];
  /** The verdict in one line (the digest reuses it). */
  line: string;
}

export interface ValidationReport {
  reportId: string;
  generatedAt: string;
  requestedBy: string;
  scanId: string;
  accounts: string[];
  regions: string[];
  verdict: ReportVerdict;
  /** Exceptions first, then in scope, excluded, encrypted; each by account, region, file system. */
  rows: ReportRow[];
  /** Findings not about one row (scan failures). */
  findings: Finding[];
  /** Migrations the report left out because their account or region was not scanned. */
  notScanned: string[];
}

/** A report as stored: the report and the SHA-256 of each export, so an auditor can check a copy. */
export interface StoredValidationReport extends ValidationReport {
  exports: ExportDigests;
}

export type ExportFormat = 'csv' | 'json' | 'md';
export type ExportDigests = Record<ExportFormat, { sha256: string; bytes: number; filename: string }>;

/** The stored report without its rows: what `report --list` shows. */
export type ValidationReportSummary = Pick<
  StoredValidationReport,
  'reportId' | 'generatedAt' | 'requestedBy' | 'scanId' | 'verdict' | 'exports'
>;

export interface MigrationInput {
  record: MigrationRecord;
  decision?: DecisionRecord;
  /** From the status module's nextStepOf (the workflow computes it: it needs job records). */
  nextStep?: NextStep;
  /**
   * Sign-off: the migration's applications (its cutover plans' apps; empty: the file system's
   * `app` tag is used) and every record. Absent: the `app` tag, no record.
   */
  signOff?: { applications: string[]; records: SignOffRecord[] };
}

export interface ReportInput {
  reportId: string;
  generatedAt: string;
  requestedBy: string;
  scan: {
    scanId: string;
    accounts: string[];
    regions: string[];
    fileSystems: FileSystemRecord[];
    failures: ScanFailure[];
  };
  migrations: MigrationInput[];
}

/** States in which the migration has a decision and a twin is (or is to be) built. */
const DECIDED_STATES: ReadonlySet<MigrationState> = new Set(statesFrom('decided'));

/** States after which the build has finished: a missing twin is then a finding, not a wait. */
const TWIN_BUILT_STATES: ReadonlySet<MigrationState> = new Set([
  'target_ready',
  'copying',
  'synced',
  'final_sync',
  'verified',
  'cutover_pending',
  'cut_over',
  'decommission_pending',
  'decommissioned',
  'rolled_back',
]);

const placeKey = (accountId: string, region: string) => `${accountId} ${region}`;
const fsKey = (accountId: string, region: string, fileSystemId: string) =>
  `${accountId} ${region} ${fileSystemId}`;

/** A finding about a key that is not Enabled; undefined when it is, or its state is unknown. */
export function keyFinding(
  key: { keyState?: string; kmsKeyArn?: string; keyAliases: string[] },
  where: { accountId: string; region: string; fileSystemId: string; what: string },
): Finding | undefined {
  const state = key.keyState;
  if (!state || state === 'Enabled') return undefined;
  const name = key.keyAliases[0] ?? key.kmsKeyArn ?? 'its key';
  const base = { accountId: where.accountId, region: where.region, fileSystemId: where.fileSystemId };
  if (state === 'Disabled')
    return {
      kind: 'key-disabled',
      ...base,
      text: `${where.what} ${where.fileSystemId} is encrypted with ${name}, which is disabled: EFS loses access to its data. Enable the key (kms enable-key).`,
    };
  if (state === 'PendingDeletion' || state === 'PendingReplicaDeletion')
    return {
      kind: 'key-pending-deletion',
      ...base,
      text: `${where.what} ${where.fileSystemId} is encrypted with ${name}, which is pending deletion: once deleted, the data is lost. Cancel the deletion (kms cancel-key-deletion) and enable it.`,
    };
  return {
    kind: 'key-unusable',
    ...base,
    text: `${where.what} ${where.fileSystemId} is encrypted with ${name}, whose state is ${state}: it must be Enabled.`,
  };
}

/**
 * Whether a key is the one decided. Decisions store the key's ARN (or, for the AWS-managed key
 * before EFS first creates it, the alias ARN `…:alias/aws/elasticfilesystem`): compare ARNs, and
 * for an alias ARN, the alias among the key's aliases in the same account and region.
 */
export function isIntendedKey(
  key: { kmsKeyArn?: string; keyAliases: string[] },
  intendedArn: string | undefined,
): boolean {
  if (!intendedArn || !key.kmsKeyArn) return false;
  if (key.kmsKeyArn === intendedArn) return true;
  const alias = /^arn:[^:]+:kms:([^:]+):(\d{12}):(alias\/.+)$/.exec(intendedArn);
  const keyArn = /^arn:[^:]+:kms:([^:]+):(\d{12}):key\//.exec(key.kmsKeyArn);
  if (!alias || !keyArn) return false;
  return alias[1] === keyArn[1] && alias[2] === keyArn[2] && key.keyAliases.includes(alias[3]!);
}

function keyOf(fs: FileSystemRecord): KeyView {
  return {
    ...(fs.kmsKeyArn ? { kmsKeyArn: fs.kmsKeyArn } : {}),
    ...(fs.keyManager ? { keyManager: fs.keyManager } : {}),
    keyAliases: [...fs.keyAliases].sort(),
    ...(fs.keyState ? { keyState: String(fs.keyState) } : {}),
  };
}

export function twinHealthOf(
  twinId: string,
  twin: FileSystemRecord | undefined,
  intendedArn: string | undefined,
): TwinHealth {
  if (!twin)
    return {
      fileSystemId: twinId,
      found: false,
      intendedKey: false,
      healthy: false,
      problems: [`the twin ${twinId} was not found by the scan`],
    };
  const key = keyOf(twin);
  const intendedKey = twin.encrypted && isIntendedKey(key, intendedArn);
  const problems: string[] = [];
  if (!twin.encrypted) problems.push(`the twin ${twinId} is not encrypted`);
  else if (!intendedArn) problems.push('no intended key is recorded in the decision');
  else if (!intendedKey)
    problems.push(
      `the twin ${twinId} is encrypted with ${key.kmsKeyArn ?? 'an unknown key'}, not the intended ${intendedArn}`,
    );
  if (twin.encrypted && key.keyState !== 'Enabled')
    problems.push(`the twin's key is ${key.keyState ?? 'in an unknown state (it could not be read)'}`);
  if (twin.lifeCycleState !== 'available') problems.push(`the twin is ${twin.lifeCycleState}`);
  return {
    fileSystemId: twinId,
    found: true,
    lifeCycleState: twin.lifeCycleState,
    encrypted: twin.encrypted,
    key,
    intendedKey,
    healthy: problems.length === 0,
    problems,
  };
}

function baseRow(fs: FileSystemRecord, category: ReportCategory): ReportRow {
  const o = ownership(fs);
  return {
    category,
    accountId: fs.accountId,
    region: fs.region,
    fileSystemId: fs.fileSystemId,
    ...(fs.name ? { name: fs.name } : {}),
    ...(o.app ? { app: o.app } : {}),
    ...(o.owner ? { owner: o.owner } : {}),
    lifeCycleState: fs.lifeCycleState,
    ...(fs.creationTime ? { creationTime: fs.creationTime } : {}),
    encrypted: fs.encrypted,
    ...(fs.encrypted ? { key: keyOf(fs) } : {}),
    signOff: 'not-applicable',
    findings: [],
  };
}

function migrationView(m: MigrationInput): MigrationView {
  const d = m.decision?.decision;
  return {
    migrationId: m.record.id,
    state: m.record.state,
    ...(m.record.failedFrom ? { failedFrom: m.record.failedFrom } : {}),
    ...(m.nextStep ? { nextStep: m.nextStep.text, nextStepWho: m.nextStep.who } : {}),
    ...(d?.targetKmsKeyId ? { intendedKeyArn: d.targetKmsKeyId } : {}),
    ...(d?.targetKeyAsGiven && d.targetKeyAsGiven !== d.targetKmsKeyId
      ? { intendedKeyAsGiven: d.targetKeyAsGiven }
      : {}),
    ...(d ? { decidedBy: d.decidedBy, decidedAt: d.decidedAt } : {}),
  };
}

function inScopeRow(
  source: FileSystemRecord | undefined,
  m: MigrationInput,
  inventory: Map<string, FileSystemRecord>,
  failedPlaces: Set<string>,
): ReportRow {
  const r = m.record;
  const row: ReportRow = source
    ? baseRow(source, 'in_scope')
    : {
        category: 'in_scope',
        accountId: r.accountId,
        region: r.region,
        fileSystemId: r.fileSystemId,
        lifeCycleState: 'deleted',
        encrypted: false,
        signOff: 'not-applicable',
        findings: [],
      };
  const view = migrationView(m);
  row.migration = view;
  applySignOff(row, m);
  const mapping = buildMappingOf(r);
  const twinId = mapping.targetFileSystemId;
  const twin = twinId ? inventory.get(fsKey(r.accountId, r.region, twinId)) : undefined;
  const placeReadable = !failedPlaces.has(placeKey(r.accountId, r.region));
  row.sourceDeleted = !source && placeReadable;
  if (!source && !placeReadable) row.lifeCycleState = 'unknown';
  if (twinId) {
    row.twin = twinHealthOf(twinId, placeReadable ? twin : undefined, view.intendedKeyArn);
    if (!placeReadable) row.twin.problems = [`the scan could not read ${r.accountId} ${r.region}`];
  }
  const where = { accountId: r.accountId, region: r.region };
  if (twin && placeReadable) {
    if (!twin.encrypted)
      row.findings.push({
        kind: 'twin-unencrypted',
        ...where,
        fileSystemId: twin.fileSystemId,
        text: `The twin ${twin.fileSystemId} of ${r.fileSystemId} is not encrypted.`,
      });
    else if (view.intendedKeyArn && !row.twin!.intendedKey)
      row.findings.push({
        kind: 'twin-wrong-key',
        ...where,
        fileSystemId: twin.fileSystemId,
        text: `The twin ${twin.fileSystemId} of ${r.fileSystemId} is encrypted with ${twin.kmsKeyArn ?? 'an unknown key'}, not the intended ${view.intendedKeyArn}.`,
      });
    const keyIssue = twin.encrypted
      ? keyFinding(keyOf(twin), {
          ...where,
          fileSystemId: twin.fileSystemId,
          what: `The twin of ${r.fileSystemId},`,
        })
      : undefined;
    if (keyIssue) row.findings.push(keyIssue);
  } else if (placeReadable && (twinId || TWIN_BUILT_STATES.has(r.state))) {
    row.findings.push({
      kind: 'twin-missing',
      ...where,
      fileSystemId: twinId ?? r.fileSystemId,
      text: twinId
        ? `The twin ${twinId} of ${r.fileSystemId} is recorded by the build but the scan did not find it.`
        : `${r.fileSystemId} is ${r.state} but no twin is recorded for it.`,
    });
  }
  row.complete = row.twin?.healthy === true && row.sourceDeleted === true;
  if (!row.complete) row.outstanding = outstandingOf(row, view);
  if (row.concerns?.length) {
    const concerns = row.concerns
      .map(
        (c) =>
          `concerns from ${c.app}: ${c.text}${c.components.length ? ` (${c.components.join(', ')})` : ''}`,
      )
      .join('; ');
    row.outstanding = row.outstanding ? `${row.outstanding}; ${concerns}` : concerns;
  }
  return row;
}

function applySignOff(row: ReportRow, m: MigrationInput): void {
  const planned = m.signOff?.applications ?? [];
  const applications = planned.length ? planned : row.app ? [row.app] : [];
  if (!applications.length) {
    row.signOff = 'not-applicable';
    return;
  }
  const states = applicationSignOffs(applications, m.signOff?.records ?? []);
  row.applications = states.map((a) => ({
    app: a.app,
    state: a.state,
    ...(a.latest ? { by: a.latest.by, at: a.latest.at } : {}),
  }));
  const concerns = states.flatMap((a) =>
    a.state === 'concerns' && a.latest
      ? [
          {
            app: a.app,
            text: a.latest.text ?? '',
            components: a.latest.components,
            by: a.latest.by,
            at: a.latest.at,
          },
        ]
      : [],
  );
  if (concerns.length) row.concerns = concerns;
  row.signOff = concerns.length
    ? 'concerns'
    : states.every((a) => a.state === 'signed-off')
      ? 'signed-off'
      : 'pending';
}

function outstandingOf(row: ReportRow, view: MigrationView): string {
  const parts: string[] = [];
  if (!row.twin) parts.push('no twin built yet');
  else if (!row.twin.healthy) parts.push(row.twin.problems.join('; '));
  if (!row.sourceDeleted)
    parts.push(row.lifeCycleState === 'deleted' ? 'source not verified deleted' : 'source not deleted yet');
  const state = view.failedFrom ? `${view.state} (from ${view.failedFrom})` : view.state;
  return `${parts.join('; ')}; migration ${state}${view.nextStep ? `; next: ${view.nextStep}` : ''}`;
}

function compareRows(a: ReportRow, b: ReportRow): number {
  return (
    REPORT_CATEGORIES.indexOf(a.category) - REPORT_CATEGORIES.indexOf(b.category) ||
    a.accountId.localeCompare(b.accountId) ||
    a.region.localeCompare(b.region) ||
    a.fileSystemId.localeCompare(b.fileSystemId)
  );
}

/** The report's rows and verdict from a fresh inventory and the stored migrations and decisions. */
export function buildValidationReport(input: ReportInput): ValidationReport {
  const { scan } = input;
  const scanned = new Set(scan.accounts.flatMap((a) => scan.regions.map((r) => placeKey(a, r))));
  const failedPlaces = new Set<string>();
  for (const f of scan.failures) {
    if (f.region) failedPlaces.add(placeKey(f.accountId, f.region));
    else for (const r of scan.regions) failedPlaces.add(placeKey(f.accountId, r));
  }
  const inventory = new Map(scan.fileSystems.map((f) => [fsKey(f.accountId, f.region, f.fileSystemId), f]));
  const byId = new Map(input.migrations.map((m) => [m.record.id, m]));

  // Twins are shown in their source's row, not as rows of their own.
  const twins = new Set<string>();
  for (const m of input.migrations) {
    const t = m.record.resources.targetFileSystemId;
    if (t) twins.add(fsKey(m.record.accountId, m.record.region, t));
  }
  const lastDecisionAt = input.migrations
    .map((m) => m.decision?.updatedAt ?? (m.record.state === 'excluded' ? m.record.updatedAt : undefined))
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);

  const rows: ReportRow[] = [];
  const seen = new Set<string>();
  for (const fs of scan.fileSystems) {
    const key = fsKey(fs.accountId, fs.region, fs.fileSystemId);
    if (twins.has(key)) continue;
    const m = byId.get(migrationId(fs.accountId, fs.region, fs.fileSystemId));
    if (m) seen.add(m.record.id);
    if (m && m.record.state === 'excluded') {
      const row = baseRow(fs, 'excluded');
      row.exclusion = {
        reason: m.record.facts.exclusionReason ?? '(no reason recorded)',
        by: m.record.updatedBy,
        at: m.record.updatedAt,
      };
      row.migration = migrationView(m);
      rows.push(row);
    } else if (m && DECIDED_STATES.has(m.record.state)) {
      rows.push(inScopeRow(fs, m, inventory, failedPlaces));
    } else if (!fs.encrypted) {
      const row = baseRow(fs, 'exception');
      row.exceptionReason = exceptionReasonOf(fs, m, lastDecisionAt);
      if (m) row.migration = migrationView(m);
      rows.push(row);
    } else {
      const row = baseRow(fs, 'encrypted_not_migrated');
      const finding = keyFinding(keyOf(fs), { ...fs, what: 'File system' });
      if (finding) row.findings.push(finding);
      rows.push(row);
    }
  }

  // Sources the scan no longer finds: deleted (decommissioned), or vanished mid-migration.
  const notScanned: string[] = [];
  for (const m of input.migrations) {
    if (seen.has(m.record.id) || !DECIDED_STATES.has(m.record.state)) continue;
    if (!scanned.has(placeKey(m.record.accountId, m.record.region))) {
      notScanned.push(m.record.id);
      continue;
    }
    rows.push(inScopeRow(undefined, m, inventory, failedPlaces));
  }
  rows.sort(compareRows);

  const findings: Finding[] = scan.failures.map((f) => ({
    kind: 'scan-failure',
    accountId: f.accountId,
    ...(f.region ? { region: f.region } : {}),
    text: `Could not scan ${f.accountId}${f.region ? ` ${f.region}` : ''} (${f.operation}: ${f.code}): nothing there can be proven. ${f.message}`,
  }));

  return {
    reportId: input.reportId,
    generatedAt: input.generatedAt,
    requestedBy: input.requestedBy,
    scanId: scan.scanId,
    accounts: [...scan.accounts].sort(),
    regions: [...scan.regions].sort(),
    verdict: verdictOf(rows, findings),
    rows,
    findings,
    notScanned: notScanned.sort(),
  };
}

function exceptionReasonOf(
  fs: FileSystemRecord,
  m: MigrationInput | undefined,
  lastDecisionAt: string | undefined,
): string {
  if (m && m.record.state === 'in_scope') return 'in scope, but no decision (target key, method) is recorded';
  if (lastDecisionAt && fs.creationTime && fs.creationTime > lastDecisionAt)
    return `created ${fs.creationTime}, after the last decision (${lastDecisionAt}): no decision covers it`;
  return 'no decision covers it: decide it (in scope with a key) or exclude it with a reason';
}

/** The verdict over rows and report-level findings: met iff no exception, no finding, every in-scope row complete. */
export function verdictOf(rows: ReportRow[], reportFindings: Finding[] = []): ReportVerdict {
  const counts: CategoryCounts = { exception: 0, in_scope: 0, excluded: 0, encrypted_not_migrated: 0 };
  let inScopeComplete = 0;
  let findings = reportFindings.length;
  for (const r of rows) {
    counts[r.category]++;
    if (r.category === 'in_scope' && r.complete) inScopeComplete++;
    findings += r.findings.length;
  }
  const incomplete = counts.in_scope - inScopeComplete;
  const inScope = rows.filter((r) => r.category === 'in_scope');
  const signOffPending = inScope.filter((r) => r.signOff === 'pending').length;
  const withConcerns = inScope.filter((r) => r.signOff === 'concerns').length;
  const reasons: string[] = [];
  if (counts.exception) reasons.push(`${counts.exception} unencrypted file system(s) no decision covers`);
  if (findings) reasons.push(`${findings} finding(s)`);
  if (incomplete) reasons.push(`${incomplete} in-scope migration(s) not complete`);
  // The goal counts as met only with every application signed off (issue 16 §2).
  if (withConcerns) reasons.push(`${withConcerns} in-scope file system(s) with application concerns`);
  if (signOffPending) reasons.push(`${signOffPending} in-scope file system(s) awaiting application sign-off`);
  const goalMet = reasons.length === 0;
  const tally =
    `${rows.length} file system(s): ${counts.exception} exception(s), ${inScopeComplete}/${counts.in_scope} in scope complete, ` +
    `${counts.excluded} excluded, ${counts.encrypted_not_migrated} encrypted not migrated, ${findings} finding(s)`;
  return {
    goalMet,
    counts: {
      ...counts,
      total: rows.length,
      inScopeComplete,
      findings,
      signOffPending,
      concerns: withConcerns,
    },
    reasons,
    line: goalMet ? `Goal met. ${tally}.` : `Goal not met: ${reasons.join(', ')}. ${tally}.`,
  };
}

/** Every finding of the report, report-level first, then by row order. */
export function allFindings(report: Pick<ValidationReport, 'rows' | 'findings'>): Finding[] {
  return [...report.findings, ...report.rows.flatMap((r) => r.findings)];
}

/** The key column as people read it: the alias, else the ARN; `aws/elasticfilesystem` for the AWS key. */
export function keyLabel(key: KeyView | undefined): string {
  if (!key) return '';
  const alias = key.keyAliases[0];
  if (alias === AWS_MANAGED_EFS_KEY_ALIAS) return alias;
  return alias ?? key.kmsKeyArn ?? '';
}
