import { BuildResourceKeys, buildCanRetry } from '../../domain/build-plan.ts';
import {
  COPY_KIND_LABELS,
  COPY_RUNNING_STATES,
  copyActionsFor,
  copyCanRetry,
  CopyResourceKeys,
  formatProgressSample,
  isCopyKind,
  progressSampleAge,
  type CopyAction,
  type CopyKind,
  type CopyProgressSample,
} from '../../domain/copy.ts';
import { METHOD_LABELS } from '../../domain/decision.ts';
import { describeLeaseHolder, isOpen, type JobActivity, type JobRecord } from '../../domain/job.ts';
import type { DecisionRecord, MigrationMethod, MigrationRecord } from '../../domain/migration.ts';
import type { MigrationState } from '../../domain/migration-state.ts';

export { DEFAULT_DETAIL_EVENTS } from '../../domain/migration.ts';
import type { CopyProgressView, JobSummary, MigrationLine, NextStep } from '../../domain/status-view.ts';
export type {
  CopyProgressView,
  JobSummary,
  MigrationDetail,
  MigrationLine,
  NextStep,
  PlaceCount,
  StateCount,
  StatusOverview,
  StepOwner,
} from '../../domain/status-view.ts';

/**
 * What `status` shows, as data, and the pure rules that derive it from stored records: the copy
 * line, the next step and who may take it, the order migrations are listed in. No I/O: the query
 * (status-query.ts) reads the store and hands the records here.
 */

/**
 * A job as status reads it: `activity` says `interrupted` for a running job whose lease expired or
 * whose holder process is gone (the query works it out; without it the stored status is shown).
 */
export type JobView = JobRecord & { activity?: JobActivity };

const activityOf = (job: JobView): JobActivity => job.activity ?? job.status;

/** The open job's activity in words: an interrupted one says how it continues. */
function activityText(job: JobView): string {
  const a = activityOf(job);
  return a === 'interrupted' ? 'interrupted (its process is gone): resumes on the next run' : a;
}

/**
 * The progress to show: only while the migration is in a copy's running state, and only a sample
 * of its latest copy job (an earlier job's last sample says nothing about the one running now).
 */
export function copyProgressViewOf(
  record: Pick<MigrationRecord, 'state'>,
  copyJob: Pick<JobRecord, 'jobId'> | undefined,
  sample: CopyProgressSample | undefined,
  now: Date,
): CopyProgressView | undefined {
  if (!sample || !copyJob || sample.jobId !== copyJob.jobId) return undefined;
  if (!COPY_RUNNING_STATES.includes(record.state)) return undefined;
  return { sample, ...progressSampleAge(sample, now), text: formatProgressSample(sample, now) };
}

export const jobSummaryOf = (j: JobView): JobSummary => ({
  jobId: j.jobId,
  status: activityOf(j),
  ...(j.status === 'running' ? { heldBy: describeLeaseHolder(j) } : {}),
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
 * The copy in one line, from what the store holds: the job, the last verification, the last
 * replicated time. How far a running copy is comes separately (copyProgressViewOf): status makes
 * no AWS call, so it shows the sample the copy job last stored.
 */
export function copyLineOf(record: MigrationRecord, copyJob: JobView | undefined): string | undefined {
  const r = record.resources;
  const kind = copyKindOf(record, copyJob);
  const label = kind ? COPY_KIND_LABELS[kind] : 'Copy';
  if (copyJob && isOpen(copyJob))
    return `${label} ${activityText(copyJob)}${copyJob.step ? ` (${copyJob.step})` : ''}`;
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
  copyJob?: JobView;
  /** The running copy's stored progress, shown as of `now` (copyProgressViewOf). */
  progress?: CopyProgressView;
}

export function migrationLineOf({ record, decision, name, copyJob, progress }: LineInputs): MigrationLine {
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
    ...(progress ? { progress: progress.text } : {}),
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

/**
 * Where a next step is read: Slack names its buttons and slash commands; the terminal names
 * `efs-encrypt` commands only (a CLI user may have no Slack thread at all).
 */
export type Surface = 'slack' | 'cli';

export interface NextStepInputs {
  record: MigrationRecord;
  method?: MigrationMethod;
  buildJob?: JobView;
  copyJob?: JobView;
  /** Default slack. */
  surface?: Surface;
}

/** What comes next for one migration, and who may do it (mirrors the phases' own rules). */
export function nextStepOf({
  record,
  method,
  buildJob,
  copyJob,
  surface = 'slack',
}: NextStepInputs): NextStep {
  const fs = record.fileSystemId;
  const cli = surface === 'cli';
  switch (record.state) {
    case 'discovered':
    case 'in_scope':
      return {
        text: cli
          ? 'Decide its scope, target KMS key and copy method in a decision file (format: efs-encrypt plan --help).'
          : 'Decide its scope, target KMS key and copy method.',
        who: 'admins',
        command: cli ? 'efs-encrypt plan --decisions FILE' : '/efs-encrypt plan',
      };
    case 'excluded': {
      const reason = record.facts.exclusionReason;
      return {
        text: `Nothing: it is excluded${reason ? ` (${reason})` : ''}. Bring it back into scope ${cli ? 'with a decision' : 'from the plan'} if that changes.`,
        who: 'admins',
        command: cli ? 'efs-encrypt plan --decisions FILE' : '/efs-encrypt plan',
      };
    }
    case 'decided':
      return cli
        ? {
            text: 'Build the encrypted twin (efs-encrypt build --dry-run shows the calls first).',
            who: 'admins',
            command: `efs-encrypt build ${fs}`,
          }
        : {
            text: 'Build the encrypted twin (Review build / Build on the plan summary).',
            who: 'admins',
            command: `/efs-encrypt build ${fs}`,
          };
    case 'target_creating':
      // Still target_creating but its job failed (it stopped before recording the failure): the
      // build phase's retry() starts a new job for any failed one.
      if (buildJob?.status === 'failed')
        return {
          text: cli
            ? 'Retry the build: it resumes from what it made.'
            : 'Retry the build (the Retry button on its message).',
          who: 'admins',
          command: `efs-encrypt build ${fs}`,
        };
      if (buildJob && activityOf(buildJob) === 'interrupted')
        return {
          text: `The build was interrupted (the process running it is gone): run the build again, or let the bot's next poll take it; it resumes${buildJob.step ? ` after ${buildJob.step}` : ''}.`,
          who: 'admins',
          command: `efs-encrypt build ${fs}`,
        };
      return wait(
        `the encrypted twin is being built${buildJob ? ` (job ${buildJob.status})` : ''}`,
        surface,
        fs,
      );
    case 'target_ready':
    case 'copying':
    case 'synced':
    case 'final_sync':
    case 'verified':
      return copyStep(record, method, copyJob, surface);
    case 'cutover_pending':
      return cli
        ? {
            text: 'Approve and apply the cutover of each application, naming who approved.',
            who: 'application owner',
            command: `efs-encrypt cutover apply ${fs} --approved-by NAME`,
          }
        : {
            text: 'Approve the cutover of each application (Approve cutover in the thread).',
            who: 'application owner',
          };
    case 'cut_over':
      return cli
        ? {
            text: 'Decommission the source once nothing uses it: every guard is read live first.',
            who: 'admins',
            command: `efs-encrypt decommission ${fs} --confirm ${fs}`,
          }
        : {
            text: 'Decommission the source once nothing uses it: Decommission… in the thread reads every guard, then an admin types its ID.',
            who: 'admins',
          };
    case 'decommission_pending':
      return { text: `Confirm the deletion by typing ${fs}.`, who: 'admins' };
    case 'decommissioned':
      return { text: 'Nothing: the migration is complete.', who: 'nobody' };
    case 'rolled_back':
      return cli
        ? {
            text: 'Review the cutover again when the application is ready.',
            who: 'admins',
            command: `efs-encrypt cutover plan ${fs}`,
          }
        : {
            text: 'Review the cutover again when the application is ready (Review cutover in the thread).',
            who: 'admins',
          };
    case 'failed':
      return retryStep(record, method, buildJob, copyJob, surface);
  }
}

/** Waiting for a running job: where its progress shows depends on where it is read. */
function wait(
  what: string,
  surface: Surface,
  fs: string,
  where = 'in the thread where it started',
): NextStep {
  return {
    text:
      surface === 'cli'
        ? `Wait: ${what}. efs-encrypt status ${fs} shows how far it is.`
        : `Wait: ${what}. Its progress is ${where}.`,
    who: 'nobody',
  };
}

/** A verified migration's next phase: the cutover, which an admin reviews and each owner approves. */
function cutoverNext(record: MigrationRecord, surface: Surface): NextStep {
  return surface === 'cli'
    ? {
        text: "Verified. Next: cut over: review the plan per application; each application's owner approves.",
        who: 'admins',
        command: `efs-encrypt cutover plan ${record.fileSystemId}`,
      }
    : {
        text: "Verified. Next: cut over: Find consumers and Review cutover in the thread; each application's owner approves.",
        who: 'admins',
      };
}

/**
 * The copy states' next step, from copyActionsFor (the rule the copy phase and its Slack buttons
 * use): a running job means wait; otherwise the actions it allows now, in words and as a command;
 * none left after verification means the next phase, cutover.
 */
function copyStep(
  record: MigrationRecord,
  method: MigrationMethod | undefined,
  copyJob: JobView | undefined,
  surface: Surface,
): NextStep {
  const jobRunning = copyJob !== undefined && isOpen(copyJob);
  const actions = method ? copyActionsFor(method, record.state, { jobRunning }) : [];
  if (actions.length) return actionStep(record, method!, actions, surface);
  if (jobRunning && activityOf(copyJob) === 'interrupted') {
    const kind = copyKindOf(record, copyJob);
    return {
      text: `The ${(kind ? COPY_KIND_LABELS[kind] : 'copy').toLowerCase()} was interrupted (the process running it is gone): run it again, or let the bot's next poll take it; it resumes${copyJob.step ? ` after ${copyJob.step}` : ''}.`,
      who: 'admins',
      command: `efs-encrypt copy retry ${record.fileSystemId}`,
    };
  }
  if (jobRunning) {
    const kind = copyKindOf(record, copyJob);
    return wait(
      `the ${(kind ? COPY_KIND_LABELS[kind] : 'copy').toLowerCase()} is ${copyJob.status}`,
      surface,
      record.fileSystemId,
      'in the thread where it started, and in status while it runs',
    );
  }
  if (record.state === 'verified') return cutoverNext(record, surface);
  if (record.state === 'copying' || record.state === 'final_sync')
    return wait('the copy job is resuming', surface, record.fileSystemId);
  return {
    text: method
      ? `No copy step applies to ${record.state} by ${METHOD_LABELS[method]}; ${surface === 'cli' ? `see efs-encrypt copy status ${record.fileSystemId}` : "see the copy's thread"}.`
      : 'Decide its copy method first.',
    who: 'admins',
    ...(method
      ? {}
      : { command: surface === 'cli' ? 'efs-encrypt plan --decisions FILE' : '/efs-encrypt plan' }),
  };
}

/** The actions as one sentence (alternatives joined by "or"); the command is the last, the one that moves it on. */
function actionStep(
  record: MigrationRecord,
  method: MigrationMethod,
  actions: CopyAction[],
  surface: Surface,
): NextStep {
  const steps = actions.map((a) => copyActionStep(a, record, method, surface));
  const lead = record.state === 'final_sync' ? 'The last verification found differences: ' : '';
  const sentence = `${lead}${steps.map((st) => st.text).join(', or ')}.`;
  return {
    text: lead ? sentence : sentence.charAt(0).toUpperCase() + sentence.slice(1),
    who: 'admins',
    command: steps.at(-1)!.command,
  };
}

/** One copy action in words (buttons named as the thread names them, or CLI commands) and as its CLI command. */
function copyActionStep(
  action: CopyAction,
  record: MigrationRecord,
  method: MigrationMethod,
  surface: Surface,
): { text: string; command: string } {
  const fs = record.fileSystemId;
  const again = record.state === 'final_sync' ? ' again' : '';
  const cli = surface === 'cli';
  switch (action) {
    case 'start':
      return {
        text: cli
          ? `start the ${method === 'replication' ? 'replication' : 'copy'}`
          : `start the copy (${method === 'replication' ? 'Start replication' : 'Start copy'} on the twin's message)`,
        command: `efs-encrypt copy start ${fs}`,
      };
    case 'sync':
      return {
        text: `${cli ? 'run an incremental sync' : 'Sync again'} to ${method === 'replication' ? 'wait for replication to catch up' : 'copy what changed since'}`,
        command: `efs-encrypt copy sync ${fs}`,
      };
    case 'final':
      return {
        text: `stop writes to the source and run the ${cli ? 'final sync' : 'Final sync'}${again} (it removes deleted files and verifies point in time)`,
        command: `efs-encrypt copy final ${fs}`,
      };
    case 'confirm_writes_stopped':
      return {
        text: cli
          ? `stop writes to the source, then run the final sync${again} with the time they stopped`
          : `stop writes to the source, then confirm the time they stopped (Final sync${again})`,
        command: `efs-encrypt copy final ${fs} --writes-stopped-at TIME`,
      };
    case 'record_initial': {
      const report = cli
        ? "record the initial pass with verify.sh's summary"
        : "report Initial copy done with verify.sh's summary";
      return {
        text:
          record.state === 'copying'
            ? `${report} once the initial rsync pass finished`
            : `run the EC2 + rsync runbook${cli ? ` (efs-encrypt copy runbook ${fs} --out DIR)` : ''}, then ${report}`,
        command: `efs-encrypt copy record ${fs} --pass initial --summary FILE`,
      };
    }
    case 'record_final':
      return {
        text: `stop writes to the source, run the final rsync pass${again}, then ${cli ? 'record the final pass' : 'report Final sync done'} with verify.sh's summary`,
        command: `efs-encrypt copy record ${fs} --pass final --summary FILE`,
      };
    case 'retry':
      return {
        text: `fix the cause, then ${cli ? 'retry' : 'Retry'} the copy`,
        command: `efs-encrypt copy retry ${fs}`,
      };
  }
}

function retryStep(
  record: MigrationRecord,
  method: MigrationMethod | undefined,
  buildJob: JobView | undefined,
  copyJob: JobView | undefined,
  surface: Surface,
): NextStep {
  const fs = record.fileSystemId;
  const why = record.lastError ? `${record.lastError.message} ` : '';
  const from = record.failedFrom;
  if (buildCanRetry(record, buildJob))
    return {
      text: `${why}Fix the cause, then ${surface === 'cli' ? 'retry' : 'Retry'} the build: it resumes from what it made.`,
      who: 'admins',
      command: `efs-encrypt build ${fs}`,
    };
  const copyActions = method
    ? copyActionsFor(method, record.state, { canRetry: copyCanRetry(record, copyJob) })
    : [];
  if (copyActions.length) {
    const step = actionStep(record, method!, copyActions, surface);
    return { ...step, text: `${why}${step.text}` };
  }
  return { text: `${why}Fix the cause; a retry resumes from ${from ?? 'the failed step'}.`, who: 'admins' };
}
