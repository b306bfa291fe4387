import { BuildResourceKeys, type BuildMapping } from '../../domain/build-plan.ts';
import { COPY_KIND_LABELS, CopyResourceKeys, isCopyKind, type CopyKind } from '../../domain/copy.ts';
import { isOpen, type JobRecord } from '../../domain/job.ts';
import type {
  ChangeSummary,
  DecisionRecord,
  MigrationEvent,
  MigrationMethod,
  MigrationRecord,
} from '../../domain/migration.ts';
import type { MigrationState } from '../../domain/migration-state.ts';

/**
 * What `status` shows, as data, and the pure rules that derive it from stored records: the copy
 * line, the next step and who may take it, the order migrations are listed in. No I/O: the query
 * (status-query.ts) reads the store and hands the records here.
 */

/** One migration as one line of the overview. */
export interface MigrationLine {
  migrationId: string;
  fileSystemId: string;
  /** The source's Name tag, from the last inventory snapshot. */
  name?: string;
  accountId: string;
  region: string;
  state: MigrationState;
  /** While failed: the step it failed in (a retry resumes there). */
  failedFrom?: MigrationState;
  method?: MigrationMethod;
  /** The target key as the person gave it (alias), else its ARN. */
  targetKey?: string;
  /** The encrypted twin, once the build created it. */
  twinFileSystemId?: string;
  /** The copy as one line: the job running, the last verification, the last replicated time. */
  copy?: string;
  lastError?: { code: string; message: string; at: string };
  /** Who did what last, and when (from the record's own summary of its latest event). */
  lastChange?: Pick<ChangeSummary, 'actor' | 'at' | 'kind' | 'detail'>;
}

/** Who may take a next step (DESIGN.md rule 5). */
export type StepOwner = 'admins' | 'application owner' | 'nobody';

export interface NextStep {
  /** What to do, in a sentence. */
  text: string;
  who: StepOwner;
  /** Where to do it, when there is a command for it (the Slack button is named in `text`). */
  command?: string;
}

export interface StateCount {
  state: MigrationState;
  count: number;
}

export interface PlaceCount {
  accountId: string;
  region: string;
  total: number;
  byState: StateCount[];
}

export interface StatusOverview {
  generatedAt: string;
  total: number;
  /** Non-zero counts, in state-machine order. */
  byState: StateCount[];
  byPlace: PlaceCount[];
  /** Every migration, most urgent first (failed, then running, then waiting for a person, then done). */
  migrations: MigrationLine[];
}

export interface JobSummary {
  jobId: string;
  status: JobRecord['status'];
  generation: number;
  step?: string;
  requestedBy: string;
  updatedAt: string;
  lastError?: JobRecord['lastError'];
}

export interface MigrationDetail {
  line: MigrationLine;
  record: MigrationRecord;
  decision?: DecisionRecord;
  build: { mapping: BuildMapping; job?: JobSummary };
  copy: {
    job?: JobSummary;
    kind?: CopyKind;
    verification?: string;
    lastReplicatedTimestamp?: string;
    writesStoppedAt?: string;
    dataSyncTaskArn?: string;
    dataSyncExecutionArn?: string;
  };
  /** The newest `events.length` events of the audit log, oldest first. */
  events: MigrationEvent[];
  totalEvents: number;
  next: NextStep;
}

export const jobSummaryOf = (j: JobRecord): JobSummary => ({
  jobId: j.jobId,
  status: j.status,
  generation: j.generation,
  ...(j.step ? { step: j.step } : {}),
  requestedBy: j.requestedBy,
  updatedAt: j.updatedAt,
  ...(j.lastError ? { lastError: j.lastError } : {}),
});

/** The kind of copy job generation N ran (recorded on the migration: the job carries no payload). */
export function copyKindOf(
  record: MigrationRecord,
  job: Pick<JobRecord, 'generation'> | undefined,
): CopyKind | undefined {
  const k = job ? record.resources[CopyResourceKeys.request(job.generation)] : undefined;
  return isCopyKind(k) ? k : undefined;
}

/**
 * The copy in one line, from what the store holds. Live DataSync byte counts are not stored (the
 * copy's own thread message shows them); status makes no AWS call, so it shows the job instead.
 */
export function copyLineOf(record: MigrationRecord, copyJob: JobRecord | undefined): string | undefined {
  const r = record.resources;
  const kind = copyKindOf(record, copyJob);
  const label = kind ? COPY_KIND_LABELS[kind] : 'Copy';
  if (copyJob && isOpen(copyJob))
    return `${label} ${copyJob.status}${copyJob.step ? ` (${copyJob.step})` : ''}`;
  if (copyJob?.status === 'failed') return `${label} failed`;
  const parts: string[] = [];
  if (r[CopyResourceKeys.verification]) parts.push(r[CopyResourceKeys.verification]!);
  else if (copyJob?.status === 'succeeded') parts.push(`${label} done`);
  if (r[CopyResourceKeys.lastReplicatedTimestamp])
    parts.push(`last replicated ${r[CopyResourceKeys.lastReplicatedTimestamp]}`);
  return parts.length ? parts.join('; ') : undefined;
}

export interface LineInputs {
  record: MigrationRecord;
  decision?: DecisionRecord;
  name?: string;
  copyJob?: JobRecord;
}

export function migrationLineOf({ record, decision, name, copyJob }: LineInputs): MigrationLine {
  const d = decision?.decision;
  const targetKey = d?.targetKeyAsGiven ?? d?.targetKmsKeyId;
  const twin = record.resources[BuildResourceKeys.targetFileSystemId];
  const copy = copyLineOf(record, copyJob);
  const c = record.lastChange;
  return {
    migrationId: record.id,
    fileSystemId: record.fileSystemId,
    ...(name ? { name } : {}),
    accountId: record.accountId,
    region: record.region,
    state: record.state,
    ...(record.state === 'failed' && record.failedFrom ? { failedFrom: record.failedFrom } : {}),
    ...(d ? { method: d.method } : {}),
    ...(targetKey ? { targetKey } : {}),
    ...(twin ? { twinFileSystemId: twin } : {}),
    ...(copy ? { copy } : {}),
    ...(record.lastError ? { lastError: record.lastError } : {}),
    ...(c
      ? { lastChange: { actor: c.actor, at: c.at, kind: c.kind, ...(c.detail ? { detail: c.detail } : {}) } }
      : {}),
  };
}

/** Lower is listed first: what needs attention, then what runs, then what waits, then what is done. */
const RANK: Record<MigrationState, number> = {
  failed: 0,
  target_creating: 1,
  copying: 1,
  final_sync: 1,
  cutover_pending: 2,
  decommission_pending: 2,
  target_ready: 3,
  synced: 3,
  verified: 3,
  rolled_back: 3,
  cut_over: 4,
  decided: 5,
  in_scope: 6,
  discovered: 7,
  decommissioned: 8,
  excluded: 9,
};

export function compareLines(a: MigrationLine, b: MigrationLine): number {
  return (
    RANK[a.state] - RANK[b.state] ||
    a.accountId.localeCompare(b.accountId) ||
    a.region.localeCompare(b.region) ||
    a.fileSystemId.localeCompare(b.fileSystemId)
  );
}

export interface NextStepInputs {
  record: MigrationRecord;
  method?: MigrationMethod;
  buildJob?: JobRecord;
  copyJob?: JobRecord;
}

/** What comes next for one migration, and who may do it (mirrors the phases' own rules). */
export function nextStepOf({ record, method, buildJob, copyJob }: NextStepInputs): NextStep {
  const fs = record.fileSystemId;
  const wait = (what: string): NextStep => ({
    text: `Wait: ${what}. Its progress is in the thread where it started.`,
    who: 'nobody',
  });
  const copyRunning = copyJob && isOpen(copyJob);
  switch (record.state) {
    case 'discovered':
    case 'in_scope':
      return {
        text: 'Decide its scope, target KMS key and copy method.',
        who: 'admins',
        command: '/efs-encrypt plan',
      };
    case 'excluded':
      return {
        text: 'Nothing: it is excluded. Bring it back into scope from the plan if that changes.',
        who: 'admins',
        command: '/efs-encrypt plan',
      };
    case 'decided':
      return {
        text: 'Build the encrypted twin (Review build / Build on the plan summary).',
        who: 'admins',
        command: `/efs-encrypt build ${fs}`,
      };
    case 'target_creating':
      return buildJob?.status === 'failed'
        ? {
            text: 'Retry the build (the Retry button on its message).',
            who: 'admins',
            command: `efs-encrypt build ${fs}`,
          }
        : wait(`the encrypted twin is being built${buildJob ? ` (job ${buildJob.status})` : ''}`);
    case 'target_ready':
      if (method === 'rsync')
        return {
          text: "Run the EC2 + rsync runbook, then report Initial copy done with verify.sh's summary.",
          who: 'admins',
          command: `efs-encrypt copy record ${fs} --pass initial`,
        };
      return {
        text: "Start the copy (Start copy on the twin's message).",
        who: 'admins',
        command: `efs-encrypt copy start ${fs}`,
      };
    case 'copying':
      if (copyRunning) return wait('the copy is running');
      if (method === 'rsync')
        return {
          text: "Report Initial copy done with verify.sh's summary once rsync finished.",
          who: 'admins',
          command: `efs-encrypt copy record ${fs} --pass initial`,
        };
      return wait('the copy job is resuming');
    case 'synced':
      if (copyRunning) return wait('a sync is running');
      if (method === 'rsync')
        return {
          text: "Stop writes to the source, run the final rsync pass, then report Final sync done with verify.sh's summary.",
          who: 'admins',
          command: `efs-encrypt copy record ${fs} --pass final --summary <file>`,
        };
      if (method === 'replication')
        return {
          text: 'Stop writes to the source, then confirm the time they stopped (Final sync); or wait for replication to catch up.',
          who: 'admins',
          command: `efs-encrypt copy final ${fs} --writes-stopped-at <time>`,
        };
      return {
        text: 'Sync again, or stop writes to the source and run the Final sync.',
        who: 'admins',
        command: `efs-encrypt copy final ${fs}`,
      };
    case 'final_sync':
      if (copyRunning) return wait('the final sync is running');
      if (method === 'rsync')
        return {
          text: 'The last verification found differences: run the final rsync pass again, then report Final sync done.',
          who: 'admins',
          command: `efs-encrypt copy record ${fs} --pass final --summary <file>`,
        };
      return {
        text: 'The last verification found differences: run the final sync again with writes stopped.',
        who: 'admins',
        command:
          method === 'replication'
            ? `efs-encrypt copy final ${fs} --writes-stopped-at <time>`
            : `efs-encrypt copy final ${fs}`,
      };
    case 'verified':
      return {
        text: 'Cut over: point the application at the encrypted twin (cutover is coming to the bot).',
        who: 'application owner',
      };
    case 'cutover_pending':
      return { text: 'Approve the cutover.', who: 'application owner' };
    case 'cut_over':
      return {
        text: 'Decommission the source once nothing references it, confirmed by typing its ID.',
        who: 'admins',
      };
    case 'decommission_pending':
      return { text: `Confirm the deletion by typing ${fs}.`, who: 'admins' };
    case 'decommissioned':
      return { text: 'Nothing: the migration is complete.', who: 'nobody' };
    case 'rolled_back':
      return { text: 'Cut over again when the application is ready.', who: 'application owner' };
    case 'failed':
      return retryStep(record, buildJob, copyJob);
  }
}

function retryStep(
  record: MigrationRecord,
  buildJob: JobRecord | undefined,
  copyJob: JobRecord | undefined,
): NextStep {
  const fs = record.fileSystemId;
  const why = record.lastError ? `${record.lastError.message} ` : '';
  const from = record.failedFrom;
  if (from === 'target_creating' && buildJob?.status === 'failed')
    return {
      text: `${why}Fix the cause, then Retry the build: it resumes from what it made.`,
      who: 'admins',
      command: `efs-encrypt build ${fs}`,
    };
  if ((from === 'copying' || from === 'final_sync') && copyJob?.status === 'failed')
    return {
      text: `${why}Fix the cause, then Retry the copy.`,
      who: 'admins',
      command: `efs-encrypt copy retry ${fs}`,
    };
  return { text: `${why}Fix the cause; a retry resumes from ${from ?? 'the failed step'}.`, who: 'admins' };
}
