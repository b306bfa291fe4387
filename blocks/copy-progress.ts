import {
  COPY_KIND_LABELS,
  copyKindsOf,
  formatCopyProgress,
  type CopyAction,
  type CopyKind,
  type CopyProgress,
} from '../src/domain/copy.ts';
import type { JobError } from '../src/domain/job.ts';
import type { MigrationMethod } from '../src/domain/migration.ts';
import { code, escapeMrkdwn, humanDuration } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';
import { reviewCutoverElement } from './cutover-review.ts';
import { jobContextBlock } from './progress.ts';
import { findConsumersButton } from './consumers.ts';

/**
 * One file system's copy, as its own message in the thread, edited in place for every copy of it
 * (initial, incremental, final): while a DataSync execution runs, its phase, files and bytes of the
 * estimate, throughput, elapsed time and ETA; for EFS replication, the destination's status and
 * LastReplicatedTimestamp; then the result, with the buttons that apply next (the copy phase's
 * `status().actions`), or the AWS error and Retry.
 */

export const COPY_START_ACTION_ID = 'copy_start';
export const COPY_SYNC_ACTION_ID = 'copy_sync';
export const COPY_FINAL_ACTION_ID = 'copy_final';
/** Replication's Final sync: opens the modal asking when writes stopped. */
export const COPY_WRITES_STOPPED_ACTION_ID = 'copy_writes_stopped';
export const COPY_RUNBOOK_ACTION_ID = 'copy_runbook';
/** EC2 + rsync: open the modal where verify.sh's summary is pasted. */
export const COPY_RECORD_INITIAL_ACTION_ID = 'copy_record_initial';
export const COPY_RECORD_FINAL_ACTION_ID = 'copy_record_final';
export const COPY_RETRY_ACTION_ID = 'copy_retry';
/** DataSync and replication: the dry run of the copies the buttons beside it start (blocks/copy-review.ts). */
export const COPY_REVIEW_ACTION_ID = 'copy_review';

type Button = {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: string };
  value: string;
  style?: 'primary' | 'danger';
};

function button(actionId: string, label: string, migrationId: string, primary = false): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label },
    value: migrationId,
    ...(primary ? { style: 'primary' as const } : {}),
  };
}

/** The button for one copy action of `method` (labels as the thread names them). */
function actionButton(action: CopyAction, method: MigrationMethod, migrationId: string): Button | undefined {
  switch (action) {
    case 'start':
      return button(
        COPY_START_ACTION_ID,
        method === 'replication' ? 'Start replication' : 'Start copy',
        migrationId,
        true,
      );
    case 'sync':
      return button(COPY_SYNC_ACTION_ID, 'Sync again', migrationId);
    case 'final':
      return button(COPY_FINAL_ACTION_ID, 'Final sync', migrationId, true);
    case 'confirm_writes_stopped':
      return button(COPY_WRITES_STOPPED_ACTION_ID, 'Final sync', migrationId, true);
    case 'record_initial':
      return button(COPY_RECORD_INITIAL_ACTION_ID, 'Initial copy done', migrationId, true);
    case 'record_final':
      return button(COPY_RECORD_FINAL_ACTION_ID, 'Final sync done', migrationId, true);
    case 'retry':
      return button(COPY_RETRY_ACTION_ID, 'Retry', migrationId, true);
  }
}

/**
 * The actions block for what applies now; undefined when nothing does. EC2 + rsync always offers
 * Post runbook until verified (the runbook is a document: posting it again changes nothing).
 */
export function copyButtons(
  migrationId: string,
  method: MigrationMethod,
  actions: readonly CopyAction[],
  options: { runbook?: boolean; findConsumers?: boolean } = {},
): Block | undefined {
  const elements: Button[] = [
    ...(method === 'rsync' && options.runbook
      ? [
          button(
            COPY_RUNBOOK_ACTION_ID,
            'Post runbook',
            migrationId,
            actions.length === 0 || actions[0] === 'record_initial',
          ),
        ]
      : []),
    ...actions.flatMap((a) => actionButton(a, method, migrationId) ?? []),
    // Next to the buttons that call AWS: what they would call (rsync's calls are the runbook's).
    ...(method !== 'rsync' && copyKindsOf(actions).length > 0
      ? [button(COPY_REVIEW_ACTION_ID, 'Review copy', migrationId)]
      : []),
    // Verified: the next step is cutover: who uses the source, then the plan the owners approve.
    ...(options.findConsumers ? [findConsumersButton(migrationId), reviewCutoverElement(migrationId)] : []),
  ];
  // One primary per block reads best: the first.
  let primary = false;
  for (const e of elements) {
    if (e.style === 'primary' && primary) delete e.style;
    if (e.style === 'primary') primary = true;
  }
  if (elements.length === 0) return undefined;
  return { type: 'actions', block_id: clip(`copy|${migrationId}`, SlackLimits.blockId), elements };
}

/** The first copy buttons on a built twin's message: what starts the copy by the decided method. */
export function copyStartButtons(migrationId: string, method: MigrationMethod): Block | undefined {
  return method === 'rsync'
    ? copyButtons(migrationId, method, [], { runbook: true })
    : copyButtons(migrationId, method, ['start']);
}

export interface CopyProgressState {
  migrationId: string;
  sourceFileSystemId: string;
  accountId: string;
  region: string;
  method?: MigrationMethod;
  kind?: CopyKind;
  jobId?: string;
  status: 'running' | 'done' | 'failed' | 'differs';
  /** DataSync: the latest DescribeTaskExecution, as the copy phase computed it. */
  progress?: CopyProgress;
  /** EFS replication: Destinations[].Status and LastReplicatedTimestamp. */
  replication?: { status?: string; lastReplicatedTimestamp?: string; elapsedMs?: number };
  /** The latest step line while running, or the outcome once done. */
  latest?: string;
  /** The migration's state after the copy. */
  state?: string;
  error?: JobError;
  /** What EFS replication does not carry. */
  notCarried?: string[];
  /** Differences the verification listed. */
  differences?: string[];
  /** The buttons that apply now (the copy phase's status().actions). */
  actions: CopyAction[];
  startedAt: Date;
  updatedAt: Date;
}

function what(state: CopyProgressState): string {
  return state.kind ? COPY_KIND_LABELS[state.kind] : 'Copy';
}

function methodLabel(method: MigrationMethod | undefined): string {
  return method === 'datasync'
    ? 'DataSync'
    : method === 'replication'
      ? 'EFS replication'
      : method === 'rsync'
        ? 'EC2 + rsync'
        : 'copy';
}

function title(state: CopyProgressState): string {
  const fs = code(state.sourceFileSystemId);
  const where = `${state.accountId} ${state.region}, ${methodLabel(state.method)}`;
  switch (state.status) {
    case 'done':
      return state.state === 'verified'
        ? `:white_check_mark: ${what(state)} of ${fs} done: verified (${where})`
        : `:white_check_mark: ${what(state)} of ${fs} done (${where})`;
    case 'failed':
      return `:x: ${what(state)} of ${fs} failed (${where})`;
    case 'differs':
      return `:warning: ${what(state)} of ${fs} is NOT verified: source and twin differ (${where})`;
    default:
      return `:hourglass_flowing_sand: ${what(state)} of ${fs} running (${where})`;
  }
}

/** The fallback text; also what tests and notifications see. */
export function copyPlainTitle(state: CopyProgressState): string {
  const outcome = {
    running: 'running',
    done: state.state === 'verified' ? 'verified' : 'done',
    failed: 'failed',
    differs: 'not verified',
  }[state.status];
  return `Copy of ${state.sourceFileSystemId}: ${outcome}`;
}

function progressLines(state: CopyProgressState): string[] {
  const lines: string[] = [];
  if (state.progress) {
    const p = state.progress;
    const filled = Math.round(p.percent / 10);
    lines.push(`\`${'█'.repeat(filled)}${'░'.repeat(10 - filled)}\` ${escapeMrkdwn(formatCopyProgress(p))}`);
  }
  if (state.replication) {
    const r = state.replication;
    lines.push(
      `Destination status *${escapeMrkdwn(r.status ?? 'unknown')}* · LastReplicatedTimestamp ${r.lastReplicatedTimestamp ? code(r.lastReplicatedTimestamp) : '_not yet_'}${r.elapsedMs !== undefined ? ` · waiting ${humanDuration(r.elapsedMs)}` : ''}`,
    );
  }
  return lines;
}

export function copyProgressMessage(state: CopyProgressState): SlackMessage {
  const lines: string[] = [title(state)];
  if (state.status === 'running' || state.status === 'done') lines.push(...progressLines(state));
  if (state.latest && state.status !== 'failed') lines.push(escapeMrkdwn(clip(state.latest, 1500)));
  if (state.status === 'failed' && state.error) {
    const e = state.error;
    lines.push(
      `*${escapeMrkdwn(e.code)}*${e.step ? ` at ${escapeMrkdwn(e.step)}` : ''}: ${escapeMrkdwn(clip(e.message, 1500))}`,
    );
  }
  if (state.differences?.length)
    lines.push(
      'Differences verify.sh listed:',
      ...state.differences.slice(0, 20).map((d) => `• ${code(clip(d, 300))}`),
    );
  if (state.notCarried?.length)
    lines.push(
      ':warning: *Not carried by EFS replication*',
      ...state.notCarried.map((n) => `• ${escapeMrkdwn(clip(n, 500))}`),
    );
  const body: Block[] = packLines(lines).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));

  body.push(jobContextBlock(state, state.state ? [`migration ${escapeMrkdwn(state.state)}`] : []));

  const buttons =
    state.method && state.status !== 'running'
      ? copyButtons(state.migrationId, state.method, state.actions, {
          runbook: state.method === 'rsync' && state.state !== 'verified',
          findConsumers: state.state === 'verified',
        })
      : undefined;
  if (buttons) body.push(buttons);
  const blocks =
    body.length > SlackLimits.blocksPerMessage
      ? [...body.slice(0, SlackLimits.blocksPerMessage - 2), ...body.slice(-2)]
      : body;
  return { text: clip(copyPlainTitle(state), SlackLimits.messageText), blocks };
}
