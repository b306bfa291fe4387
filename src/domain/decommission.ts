import { TWIN_TAGS } from './build-plan.ts';
import { EfsEncryptError, ErrorCode } from './errors.ts';
import type { MigrationState } from './migration-state.ts';

/**
 * Decommission as data (DESIGN.md safety rule 1): the guards that must all pass, at the moment of
 * deletion, before the source file system is deleted; the deletion's steps in AWS's order; the
 * backup's idempotency token; and the decommissioning log's rows. Pure: the facts are read live by
 * src/workflow/decommission/ and handed in here.
 */

export const DECOMMISSION_JOB_KIND = 'decommission';

export type GuardId = 'cut-over' | 'twin' | 'copy' | 'consumers' | 'idle' | 'confirmation';

export interface GuardResult {
  id: GuardId;
  title: string;
  pass: boolean;
  /** What was read, for a person and the log: `ClientConnections Sum 0 over 24 h`, `key Enabled`. */
  figures: string[];
  /** What to do when it fails. */
  todo?: string;
}

/** An AWS read that failed: a guard that cannot read its facts fails, never passes. */
export interface ReadFailure {
  error: { code: string; message: string };
}
const failed = (v: object): v is ReadFailure => 'error' in v;

export interface TwinFacts {
  fileSystemId: string;
  encrypted: boolean;
  kmsKeyId?: string;
  lifeCycleState?: string;
  /** The twin's tags: its link to the source (TWIN_TAGS). */
  tags: Record<string, string>;
  key?: { arn?: string; keyState?: string };
}

export interface CopyFacts {
  /** The migration's last verification was clean (MigrationFacts.verificationClean). */
  verificationClean: boolean;
  verificationSummary?: string;
  /** A DataSync execution of the migration's task still running. */
  runningExecutionArn?: string;
  /** The replication configuration the source is in, if any. */
  replication?: { sourceFileSystemId: string; destinations: string[] };
}

export interface ConsumerFacts {
  consumers: { kind: string; name: string }[];
  unreadable: { service: string; operation: string; code: string }[];
}

export interface IdleFacts {
  windowStart: string;
  windowEnd: string;
  peakConnections: number;
  totalIOBytes: number;
  lastConnectionAt?: string;
}

export interface DecommissionFacts {
  migrationId: string;
  accountId: string;
  region: string;
  fileSystemId: string;
  state: MigrationState;
  /** When the migration became cut_over (its transition event). */
  cutOverAt?: string;
  /** The key the decision named, as the build resolved it (resources.targetKmsKeyArn). */
  intendedKeyArn?: string;
  twinFileSystemId?: string;
  twin: TwinFacts | ReadFailure | undefined;
  copy: CopyFacts | ReadFailure;
  consumers: ConsumerFacts | ReadFailure;
  idle: IdleFacts | ReadFailure;
  idleHours: number;
  now: string;
  /** What the person typed; undefined for a check (the guard then says what to type). */
  typedFileSystemId?: string;
}

/** The states decommission starts from (cut_over) or resumes in. */
export const DECOMMISSIONABLE: readonly MigrationState[] = ['cut_over', 'decommission_pending'];

function cutOverGuard(f: DecommissionFacts): GuardResult {
  const ok = DECOMMISSIONABLE.includes(f.state);
  return {
    id: 'cut-over',
    title: 'Migration cut over',
    pass: ok,
    figures: [`state ${f.state}`, ...(f.cutOverAt ? [`cut over at ${f.cutOverAt}`] : [])],
    ...(ok ? {} : { todo: 'Cut every consumer over to the twin (or waive it with a reason) first.' }),
  };
}

function twinGuard(f: DecommissionFacts): GuardResult {
  const base = { id: 'twin' as const, title: 'Encrypted twin valid' };
  const t = f.twin;
  if (!t) return { ...base, pass: false, figures: ['no twin recorded'], todo: 'Build the twin first.' };
  if (failed(t))
    return {
      ...base,
      pass: false,
      figures: [`could not read the twin: ${t.error.code}: ${t.error.message}`],
      todo: 'Fix the access (elasticfilesystem:DescribeFileSystems, kms:DescribeKey) and check again.',
    };
  const problems: string[] = [];
  if (!t.encrypted) problems.push('the twin is not encrypted');
  if (t.lifeCycleState && t.lifeCycleState !== 'available') problems.push(`the twin is ${t.lifeCycleState}`);
  const keyArn = t.key?.arn ?? t.kmsKeyId;
  if (!f.intendedKeyArn) problems.push('no intended key is recorded');
  else if (keyArn !== f.intendedKeyArn && t.kmsKeyId !== f.intendedKeyArn)
    problems.push(`the twin's key ${keyArn ?? '(none)'} is not the intended ${f.intendedKeyArn}`);
  if (t.key?.keyState !== 'Enabled') problems.push(`the key is ${t.key?.keyState ?? 'unreadable'}`);
  if (t.tags[TWIN_TAGS.sourceFileSystemId] !== f.fileSystemId)
    problems.push(`the twin's ${TWIN_TAGS.sourceFileSystemId} tag does not name ${f.fileSystemId}`);
  return {
    ...base,
    pass: problems.length === 0,
    figures: [
      `${t.fileSystemId} Encrypted=${t.encrypted}`,
      `key ${keyArn ?? '(none)'} ${t.key?.keyState ?? 'unknown'}`,
      ...problems,
    ],
    ...(problems.length
      ? {
          todo: 'The twin must be encrypted with the intended key, and the key Enabled (not pending deletion).',
        }
      : {}),
  };
}

function copyGuard(f: DecommissionFacts): GuardResult {
  const base = { id: 'copy' as const, title: 'Copy verified, nothing copying' };
  const c = f.copy;
  if (failed(c))
    return {
      ...base,
      pass: false,
      figures: [`could not read the copy: ${c.error.code}: ${c.error.message}`],
      todo: 'Fix the access (datasync:DescribeTask, elasticfilesystem:DescribeReplicationConfigurations) and check again.',
    };
  const problems: string[] = [];
  if (!c.verificationClean) problems.push('the last verification was not clean');
  if (c.runningExecutionArn) problems.push(`DataSync execution ${c.runningExecutionArn} is still running`);
  if (c.replication)
    problems.push(
      `${f.fileSystemId} is in the replication configuration of ${c.replication.sourceFileSystemId} (to ${c.replication.destinations.join(', ')})`,
    );
  return {
    ...base,
    pass: problems.length === 0,
    figures: [
      `verification: ${c.verificationSummary ?? (c.verificationClean ? 'clean' : 'not clean')}`,
      ...problems,
    ],
    ...(problems.length
      ? {
          todo: 'Let the copy finish (or cancel it), delete the replication configuration, and run a clean final sync.',
        }
      : {}),
  };
}

function consumersGuard(f: DecommissionFacts): GuardResult {
  const base = { id: 'consumers' as const, title: 'No consumer now' };
  const c = f.consumers;
  if (failed(c))
    return {
      ...base,
      pass: false,
      figures: [`consumer discovery failed: ${c.error.code}: ${c.error.message}`],
      todo: 'Fix the cause and check again; the bot never deletes on a discovery it could not run.',
    };
  const figures = [
    `${c.consumers.length} consumer(s) found now`,
    ...c.consumers.map((x) => `${x.kind} ${x.name} still references the source`),
    ...c.unreadable.map((u) => `could not read ${u.service} ${u.operation} (${u.code})`),
  ];
  const pass = c.consumers.length === 0 && c.unreadable.length === 0;
  return {
    ...base,
    pass,
    figures,
    ...(pass
      ? {}
      : {
          todo: 'Cut the consumers over to the twin, and let discovery read every service, then check again.',
        }),
  };
}

function idleGuard(f: DecommissionFacts): GuardResult {
  const base = { id: 'idle' as const, title: `Idle for ${f.idleHours} h after the cutover` };
  const i = f.idle;
  if (failed(i))
    return {
      ...base,
      pass: false,
      figures: [`could not read CloudWatch: ${i.error.code}: ${i.error.message}`],
      todo: 'Grant cloudwatch:GetMetricData and check again.',
    };
  const figures = [
    `ClientConnections Sum peak ${i.peakConnections}/min, TotalIOBytes Sum ${i.totalIOBytes} from ${i.windowStart} to ${i.windowEnd}`,
    i.lastConnectionAt ? `last connection seen at ${i.lastConnectionAt}` : 'no connection seen',
  ];
  const problems: string[] = [];
  if (i.peakConnections > 0 || i.lastConnectionAt)
    problems.push(`a client connected (last seen at ${i.lastConnectionAt ?? 'in the window'})`);
  if (i.totalIOBytes > 0) problems.push(`${i.totalIOBytes} bytes of I/O`);
  const cut = f.cutOverAt ? Date.parse(f.cutOverAt) : undefined;
  const idleSince = cut === undefined ? undefined : cut + f.idleHours * 3_600_000;
  if (idleSince === undefined) problems.push('the cutover time is not recorded');
  else if (Date.parse(f.now) < idleSince)
    problems.push(`the ${f.idleHours} h after the cutover end at ${new Date(idleSince).toISOString()}`);
  return {
    ...base,
    pass: problems.length === 0,
    figures: [...figures, ...problems],
    ...(problems.length
      ? {
          todo: `Stop every client of ${f.fileSystemId}; the source must stay idle for ${f.idleHours} h (EFS_ENCRYPT_IDLE_HOURS) after the cutover.`,
        }
      : {}),
  };
}

function confirmationGuard(f: DecommissionFacts): GuardResult {
  const base = { id: 'confirmation' as const, title: 'Confirmed by typing the file system ID' };
  const typed = f.typedFileSystemId?.trim();
  if (typed === undefined)
    return {
      ...base,
      pass: false,
      figures: ['not confirmed yet'],
      todo: `An admin types ${f.fileSystemId}.`,
    };
  const ok = typed === f.fileSystemId;
  return {
    ...base,
    pass: ok,
    figures: [`typed "${typed}"`],
    ...(ok ? {} : { todo: `Type exactly ${f.fileSystemId}.` }),
  };
}

/** Every guard, in order; deletion needs every one to pass. */
export function evaluateGuards(f: DecommissionFacts): GuardResult[] {
  return [cutOverGuard(f), twinGuard(f), copyGuard(f), consumersGuard(f), idleGuard(f), confirmationGuard(f)];
}

export function allGuardsPass(results: GuardResult[]): boolean {
  return results.every((r) => r.pass);
}

/** Guards as text lines, for the terminal and the log. */
export function formatGuards(results: GuardResult[]): string {
  return results
    .map(
      (r) =>
        `${r.pass ? 'PASS' : 'FAIL'} ${r.title}\n${r.figures.map((x) => `       ${x}`).join('\n')}${r.todo ? `\n       → ${r.todo}` : ''}`,
    )
    .join('\n');
}

/** The deletion's steps, in order (safety rule 1: access points, mount targets, file system). */
export const DECOMMISSION_STEPS = [
  'guards',
  'backup',
  'access-points',
  'mount-targets',
  'wait-mount-targets',
  'file-system',
  'wait-file-system',
  'datasync',
] as const;
export type DecommissionStep = (typeof DECOMMISSION_STEPS)[number];

/** Keys of what decommission records in the migration's resources, each persisted the moment it is known. */
export const DecommissionResourceKeys = {
  confirmedBy: 'decommissionConfirmedBy',
  confirmedAt: 'decommissionConfirmedAt',
  backupJobId: 'decommissionBackupJobId',
  recoveryPointArn: 'decommissionRecoveryPointArn',
  /** `started` before the call, `done` after: a resumed job never repeats a done deletion. */
  deletion: (operation: string, resourceId: string) => `decommissionDelete:${operation}:${resourceId}`,
} as const;

/** StartBackupJob's IdempotencyToken: the same migration asks for the same backup, once. */
export function backupIdempotencyToken(migrationId: string): string {
  return `efs-encrypt-decommission:${migrationId}`;
}

/** One deletion call, as the dry run shows it and the log records it. */
export interface DeletionCall {
  service: 'backup' | 'elasticfilesystem' | 'datasync';
  operation: string;
  input: Record<string, unknown>;
}

/** One line of the decommissioning log. */
export interface DecommissionLogStep {
  operation: string;
  resourceId: string;
  at: string;
  awsRequestId?: string;
}

export interface DecommissionLogEntry {
  migrationId: string;
  accountId: string;
  region: string;
  fileSystemId: string;
  state: MigrationState;
  twinFileSystemId?: string;
  twinKmsKeyArn?: string;
  confirmedBy?: string;
  confirmedAt?: string;
  recoveryPointArn?: string;
  guards: GuardResult[];
  steps: DecommissionLogStep[];
}

const CSV_COLUMNS = [
  'fileSystemId',
  'accountId',
  'region',
  'state',
  'twinFileSystemId',
  'twinKmsKeyArn',
  'confirmedBy',
  'confirmedAt',
  'recoveryPointArn',
  'operation',
  'resourceId',
  'at',
  'awsRequestId',
  'guards',
] as const;

function csvCell(v: string | undefined): string {
  const s = v ?? '';
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV row per deletion step (a file system with none yet has one row). */
export function decommissionLogCsv(entries: DecommissionLogEntry[]): string {
  const rows = entries.flatMap((e) => {
    const guards = e.guards.map((g) => `${g.id}:${g.pass ? 'pass' : 'fail'}`).join(' ');
    const common = [
      e.fileSystemId,
      e.accountId,
      e.region,
      e.state,
      e.twinFileSystemId,
      e.twinKmsKeyArn,
      e.confirmedBy,
      e.confirmedAt,
      e.recoveryPointArn,
    ];
    const steps = e.steps.length ? e.steps : [undefined];
    return steps.map((s) => [...common, s?.operation, s?.resourceId, s?.at, s?.awsRequestId, guards]);
  });
  return `${[CSV_COLUMNS as readonly string[], ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

/** The guards refused: nothing was deleted. */
export class DecommissionRefusedError extends EfsEncryptError {
  constructor(
    readonly fileSystemId: string,
    readonly guards: GuardResult[],
  ) {
    super(
      ErrorCode.BadInput,
      `${fileSystemId} was not deleted: ${guards
        .filter((g) => !g.pass)
        .map((g) => `${g.title}: ${g.figures.join('; ')}${g.todo ? ` (${g.todo})` : ''}`)
        .join(' | ')}`,
    );
  }
}
