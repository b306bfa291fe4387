import { code, escapeMrkdwn, humanDuration, plural } from './format.ts';
import { SlackLimits, clip, type Block, type SlackMessage } from './limits.ts';

/** What the thread's single progress message shows; kept by the thread reporter. */
export interface ProgressState {
  startedAt: Date;
  updatedAt: Date;
  /** The latest progress or info line. */
  latest?: string;
  warnings: number;
  errors: number;
  /** The most recent warnings and errors, oldest first (the reporter keeps a handful). */
  recentProblems: { level: 'warn' | 'error'; message: string }[];
  /** Set when the work has ended; the message then reads as a result, not a status. */
  final?: { outcome: 'succeeded' | 'failed'; line: string };
}

const PROBLEM_CHARS = 300;

export function progressMessage(state: ProgressState): SlackMessage {
  const elapsed = humanDuration(state.updatedAt.getTime() - state.startedAt.getTime());
  const icon = state.final
    ? state.final.outcome === 'succeeded'
      ? ':white_check_mark:'
      : ':x:'
    : ':hourglass_flowing_sand:';
  const headline = state.final?.line ?? state.latest ?? 'Starting…';
  const lines = [`${icon} ${escapeMrkdwn(clip(headline, 500))}`];
  if (state.final && state.latest && state.final.line !== state.latest)
    lines.push(`Last step: ${escapeMrkdwn(clip(state.latest, 500))}`);
  for (const p of state.recentProblems) {
    lines.push(
      `${p.level === 'error' ? ':x:' : ':warning:'} ${escapeMrkdwn(clip(p.message, PROBLEM_CHARS))}`,
    );
  }
  const text = clip(lines.join('\n'), SlackLimits.sectionText);
  const counts = [state.final ? `took ${elapsed}` : `running for ${elapsed}`];
  if (state.warnings) counts.push(plural(state.warnings, 'warning'));
  if (state.errors) counts.push(plural(state.errors, 'error'));
  return {
    text: clip(headline, SlackLimits.messageText),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: counts.join(' · ') }] },
    ],
  };
}

/**
 * The context line under a job's per-file-system message (build, copy): how long it has run (or
 * took), then `details` (e.g. the migration's state), the correlation ID and AWS's request ID.
 */
export function jobContextBlock(
  state: {
    status: string;
    startedAt: Date;
    updatedAt: Date;
    jobId?: string;
    error?: { awsRequestId?: string };
  },
  details: string[] = [],
): Block {
  const context = [
    `${state.status === 'running' ? 'running for' : 'took'} ${humanDuration(state.updatedAt.getTime() - state.startedAt.getTime())}`,
    ...details,
    ...(state.jobId ? [`correlation ID ${code(state.jobId)}`] : []),
    ...(state.error?.awsRequestId ? [`AWS request ID ${code(state.error.awsRequestId)}`] : []),
  ].join(' · ');
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: clip(context, SlackLimits.contextElementText) }],
  };
}
