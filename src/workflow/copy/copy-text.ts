import {
  COPY_KIND_LABELS,
  formatCopyProgress,
  type CopyKind,
  type PlannedCopyCall,
} from '../../domain/copy.ts';
import { METHOD_LABELS } from '../../domain/decision.ts';
import type { NextStep } from '../status/index.ts';
import type { CopyStatus } from './copy-phase.ts';

/** The copy's dry run and status as plain text, for the CLI and logs. */

export function formatCopyPlan(fileSystemId: string, kind: CopyKind, calls: PlannedCopyCall[]): string {
  const lines = [
    `Dry run: nothing is changed. ${COPY_KIND_LABELS[kind]} of ${fileSystemId}, calls in order (<…> is known once made):`,
    ...calls.map(
      (c, i) =>
        `  ${String(i + 1).padStart(2)}. ${c.operation} ${JSON.stringify(c.input)}${c.note ? `\n      (${c.note})` : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** `next` is the status query's next step (the same words `efs-encrypt status FS_ID` prints). */
export function formatCopyStatus(s: CopyStatus, next: NextStep): string {
  const lines = [
    `${s.fileSystemId}: ${s.state} (${s.method ? METHOD_LABELS[s.method] : 'no method decided'})`,
    ...(s.job
      ? [
          `  latest copy: ${s.kind ? COPY_KIND_LABELS[s.kind] : 'copy'} job ${s.job.jobId} ${s.job.status}${s.job.step ? ` at ${s.job.step}` : ''}`,
        ]
      : []),
    ...(s.progress
      ? [`  progress: ${formatCopyProgress(s.progress)}`, `  execution: ${s.progress.executionArn}`]
      : []),
    ...(s.lastReplicatedTimestamp ? [`  last replicated: ${s.lastReplicatedTimestamp}`] : []),
    ...(s.writesStoppedAt ? [`  writes stopped at: ${s.writesStoppedAt}`] : []),
    ...(s.verification ? [`  verification: ${s.verification}`] : []),
    ...(s.lastError ? [`  error: ${s.lastError.code}: ${s.lastError.message}`] : []),
    `  next: ${next.text}${next.command ? ` (${next.command})` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}
