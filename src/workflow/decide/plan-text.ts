import { METHOD_LABELS } from '../../domain/decision.ts';
import type { CandidateStatus, PlanSummary, RecordedChoice, ValidatedChoice } from './decide-workflow.ts';

/** Plain-text renderings of the decide phase's results (terminal, logs); Slack has blocks/plan*.ts. */

function where(s: CandidateStatus): string {
  const fs = s.fileSystem;
  return `${fs.fileSystemId}${fs.name ? ` (${fs.name})` : ''} ${fs.accountId} ${fs.region}`;
}

/** What storing one choice did, in words: `fs-… 111122223333 eu-west-1: decided`. */
export function formatRecorded(r: RecordedChoice): string {
  const fs = r.fileSystem;
  const what =
    r.outcome === 'unchanged'
      ? `unchanged (already ${r.state === 'excluded' ? 'excluded' : 'decided'} the same way)`
      : r.outcome;
  return `${fs.fileSystemId}${fs.name ? ` (${fs.name})` : ''} ${fs.accountId} ${fs.region}: ${what}`;
}

/** One line per problem: `fs-… field: reason`. */
export function formatProblems(invalid: ValidatedChoice[]): string[] {
  return invalid.flatMap((v) =>
    Object.entries(v.errors).map(
      ([field, message]) => `${v.fileSystem?.fileSystemId ?? v.choice.fileSystemId} ${field}: ${message}`,
    ),
  );
}

export function formatPlanSummary(plan: PlanSummary): string {
  const lines = [
    `Plan from ${plan.basis}: ${plan.candidates} unencrypted file systems, ${plan.decided.length} decided, ${plan.excluded.length} excluded, ${plan.undecided.length} undecided${plan.started.length ? `, ${plan.started.length} already building` : ''}.`,
  ];
  if (plan.unread.length)
    lines.push(
      `No stored scan could read ${plan.unread.join(', ')} (see the scan's failures): their file systems can be planned once a scan reads them.`,
    );
  if (plan.decided.length) {
    lines.push('', 'Decided:');
    for (const s of plan.decided) {
      const d = s.decision!.decision;
      const c = d.constraints ?? {};
      const extras = [
        c.maintenanceWindow && `window ${c.maintenanceWindow}`,
        c.expectedChangeRate && `change ${c.expectedChangeRate}`,
        c.bandwidthLimit && `DataSync limit ${c.bandwidthLimit}`,
        c.notes && `notes: ${c.notes}`,
      ].filter(Boolean);
      lines.push(
        `  ${where(s)}: ${METHOD_LABELS[d.method]} to ${d.targetKeyAsGiven ?? d.targetKmsKeyId}${d.keyManager === 'AWS' ? ' (AWS managed)' : ''}; by ${d.decidedBy} at ${d.decidedAt}${extras.length ? `; ${extras.join('; ')}` : ''}`,
      );
    }
  }
  if (plan.excluded.length) {
    lines.push('', 'Excluded:');
    for (const s of plan.excluded)
      lines.push(`  ${where(s)}: ${s.exclusionReason ?? '(no reason)'}; by ${s.updatedBy} at ${s.updatedAt}`);
  }
  if (plan.undecided.length) {
    lines.push('', 'Still needs a decision:');
    for (const s of plan.undecided)
      lines.push(`  ${where(s)}${s.state && s.state !== 'discovered' ? ` (${s.state})` : ''}`);
  }
  if (plan.started.length) {
    lines.push('', 'Build started (decisions fixed):');
    for (const s of plan.started) lines.push(`  ${where(s)}: ${s.state}`);
  }
  return `${lines.join('\n')}\n`;
}
