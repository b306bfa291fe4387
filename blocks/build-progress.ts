import type { BuildMapping, BuildStep } from '../src/domain/build-plan.ts';
import type { JobError } from '../src/domain/job.ts';
import type { MigrationMethod } from '../src/domain/migration.ts';
import { copyStartButtons } from './copy-progress.ts';
import { code, escapeMrkdwn } from './format.ts';
import { SlackLimits, clip, packLines, type Block, type SlackMessage } from './limits.ts';
import { jobContextBlock } from './progress.ts';

/**
 * One file system's build, as its own message in the thread: the steps done so far while it runs,
 * then the source → twin mapping with the validation line, or the failure with the AWS error, the
 * correlation ID and a Retry button.
 */

export const BUILD_RETRY_ACTION_ID = 'build_retry';

/** What the progress reporter keeps per file system, rebuilt from the build's own messages. */
export interface BuildProgressState {
  migrationId: string;
  sourceFileSystemId: string;
  accountId: string;
  region: string;
  /** The build job, whose ID is the correlation ID of every event the build logs. */
  jobId?: string;
  status: 'running' | 'succeeded' | 'failed';
  steps: readonly string[];
  /** The last completed step. */
  lastStep?: string;
  /** The latest progress line. */
  latest?: string;
  /** What could not be copied (and other warnings), oldest first. */
  warnings: string[];
  mapping?: BuildMapping;
  error?: JobError;
  /** The decided copy method: a built twin's message offers the buttons that start its copy. */
  copyMethod?: MigrationMethod;
  startedAt: Date;
  updatedAt: Date;
}

/** `FS#<account>#<region>#<fileSystemId>` into its parts (the ID is ours: DESIGN.md, State). */
export function migrationParts(migrationId: string): {
  accountId: string;
  region: string;
  fileSystemId: string;
} {
  const [, accountId = '', region = '', fileSystemId = migrationId] = migrationId.split('#');
  return { accountId, region, fileSystemId };
}

const MAX_WARNINGS = 5;

function stepLine(state: BuildProgressState): string {
  const done = state.lastStep ? state.steps.indexOf(state.lastStep) + 1 : 0;
  return state.steps
    .map((s, i) => {
      if (i < done) return `:white_check_mark: ${s}`;
      if (i === done && state.status === 'running') return `:hourglass_flowing_sand: ${s}`;
      if (i === done && state.status === 'failed') return `:x: ${s}`;
      return `:white_small_square: ${s}`;
    })
    .join('  ');
}

/** The mapping cutover will use, one line per resource. */
export function mappingLines(mapping: BuildMapping): string[] {
  return [
    `${code(mapping.sourceFileSystemId)} → ${code(mapping.targetFileSystemId ?? '(not created)')}`,
    ...Object.entries(mapping.mountTargets).map(
      ([az, id]) => `• mount target ${escapeMrkdwn(az)}: ${code(id)}`,
    ),
    ...Object.entries(mapping.accessPoints).map(([from, to]) => `• access point ${code(from)} → ${code(to)}`),
    ...Object.entries(mapping.notCopied).map(
      ([what, why]) => `:warning: not copied: ${escapeMrkdwn(what)}: ${escapeMrkdwn(clip(why, 300))}`,
    ),
  ];
}

/** The safety check the build made before it called the twin ready (DESIGN.md rule 1). */
export function validationLine(mapping: BuildMapping): string {
  return `:lock: Checked: ${code(mapping.targetFileSystemId ?? '?')} reports Encrypted=true with KmsKeyId ${code(mapping.targetKmsKeyArn ?? '?')}, and the key is Enabled.`;
}

function title(state: BuildProgressState): string {
  const where = `${state.accountId} ${state.region}`;
  switch (state.status) {
    case 'succeeded':
      return `:white_check_mark: Encrypted twin of ${code(state.sourceFileSystemId)} is ready (${where})`;
    case 'failed':
      return `:x: Build of ${code(state.sourceFileSystemId)}'s encrypted twin failed (${where})`;
    default:
      return `:hourglass_flowing_sand: Building the encrypted twin of ${code(state.sourceFileSystemId)} (${where})`;
  }
}

function plainTitle(state: BuildProgressState): string {
  const verb = state.status === 'succeeded' ? 'ready' : state.status === 'failed' ? 'failed' : 'building';
  return `Encrypted twin of ${state.sourceFileSystemId}: ${verb}${state.latest && state.status === 'running' ? ` (${state.latest})` : ''}`;
}

export function buildProgressMessage(state: BuildProgressState): SlackMessage {
  const lines: string[] = [title(state), stepLine(state)];
  if (state.status === 'running' && state.latest) lines.push(escapeMrkdwn(clip(state.latest, 500)));
  if (state.status === 'failed' && state.error) {
    const e = state.error;
    lines.push(
      `*${escapeMrkdwn(e.code)}*${e.step ? ` at ${escapeMrkdwn(e.step)}` : ''}: ${escapeMrkdwn(clip(e.message, 1500))}`,
    );
  }
  const warnings =
    state.status === 'succeeded'
      ? []
      : state.warnings.slice(-MAX_WARNINGS).map((w) => `:warning: ${escapeMrkdwn(clip(w, 300))}`);
  const body: Block[] = packLines([...lines, ...warnings]).map((text) => ({
    type: 'section',
    text: { type: 'mrkdwn', text },
  }));

  if (state.status === 'succeeded' && state.mapping) {
    for (const text of packLines([validationLine(state.mapping), ...mappingLines(state.mapping)]))
      body.push({ type: 'section', text: { type: 'mrkdwn', text } });
  } else if (state.status === 'failed' && state.mapping?.targetFileSystemId) {
    // What exists already is recorded; Retry resumes from it, never makes it twice.
    for (const text of packLines([
      'Made so far (recorded; Retry resumes from here):',
      ...mappingLines(state.mapping),
    ]))
      body.push({ type: 'section', text: { type: 'mrkdwn', text } });
  }

  body.push(jobContextBlock(state));

  const copy =
    state.status === 'succeeded' && state.copyMethod
      ? copyStartButtons(state.migrationId, state.copyMethod)
      : undefined;
  if (copy) body.push(copy);

  if (state.status === 'failed')
    body.push({
      type: 'actions',
      block_id: clip(`build_retry|${state.migrationId}`, SlackLimits.blockId),
      elements: [
        {
          type: 'button',
          action_id: BUILD_RETRY_ACTION_ID,
          style: 'primary',
          text: { type: 'plain_text', text: 'Retry' },
          value: state.migrationId,
        },
      ],
    });

  // Sections are packed within limits; a long mapping is the only thing that can grow, so cap blocks.
  const blocks =
    body.length > SlackLimits.blocksPerMessage
      ? [...body.slice(0, SlackLimits.blocksPerMessage - 2), ...body.slice(-2)]
      : body;
  return { text: clip(plainTitle(state), SlackLimits.messageText), blocks };
}

/** Whether `step` is a build step name (messages carry it as a string). */
export function isBuildStep(steps: readonly string[], step: unknown): step is BuildStep {
  return typeof step === 'string' && steps.includes(step);
}
