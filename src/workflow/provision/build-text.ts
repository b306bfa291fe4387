import type { BuildMapping, BuildPlan } from '../../domain/build-plan.ts';
import type { CompensationStep } from '../../domain/job.ts';
import { PRICE_LABEL } from '../../domain/twin-cost.ts';

/**
 * The dry run and the build's outcome as plain text, for the CLI and logs. The Slack blocks are
 * built from the same BuildPlan values.
 */

export function formatBuildPlan(plan: BuildPlan): string {
  const lines = [
    `${plan.sourceFileSystemId}${plan.sourceName ? ` (${plan.sourceName})` : ''} ${plan.accountId} ${plan.region} → encrypted twin with ${plan.intendedKeyArn}`,
    '  Calls, in order (<twin> is the new file system, known once created):',
    ...plan.calls.map(
      (c, i) => `  ${String(i + 1).padStart(3)}. [${c.step}] ${c.operation} ${JSON.stringify(c.input)}`,
    ),
    '  Differs from the source:',
    ...plan.differs.map((d) => `    - ${d.subject}: ${d.change} (${d.why})`),
    `  While both exist (${PRICE_LABEL}):`,
    ...plan.whileBothExist.lines.map((l) => `    - ${l}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatBuildPlans(plans: BuildPlan[]): string {
  if (plans.length === 0) return 'Nothing to build: no decided file system was given.\n';
  return `Dry run: nothing is created. ${plans.length} file system(s).\n\n${plans.map(formatBuildPlan).join('\n')}`;
}

export function formatMapping(mapping: BuildMapping): string {
  const lines = [
    `${mapping.sourceFileSystemId} → ${mapping.targetFileSystemId ?? '(not created)'}${mapping.targetKmsKeyArn ? ` encrypted with ${mapping.targetKmsKeyArn}` : ''}`,
    ...Object.entries(mapping.mountTargets).map(([az, id]) => `  mount target ${az}: ${id}`),
    ...Object.entries(mapping.accessPoints).map(([from, to]) => `  access point ${from} → ${to}`),
    ...Object.entries(mapping.notCopied).map(([what, why]) => `  not copied: ${what}: ${why}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatCompensation(steps: CompensationStep[]): string {
  if (steps.length === 0) return 'Nothing to undo: the build made nothing.\n';
  return `Rollback dry run (nothing is deleted):\n${steps.map((s, i) => `  ${i + 1}. ${s.operation} ${s.resourceId} (${s.accountId} ${s.region}): ${s.description}`).join('\n')}\n`;
}
