import { DecommissionResourceKeys } from '../../domain/decommission.ts';
import type { MigrationDetail, MigrationLine, StateCount, StatusOverview } from './status-model.ts';

/** Plain-text status for the terminal (the Slack rendering is blocks/status.ts). */

const counts = (byState: StateCount[]) => byState.map((c) => `${c.state} ${c.count}`).join(', ');

/** One migration on one line: what, where, where it stands, then what is known about it. */
export function formatMigrationLine(m: MigrationLine): string {
  const head = `${m.fileSystemId}${m.name ? ` (${m.name})` : ''} ${m.accountId} ${m.region}: ${m.state}${m.failedFrom ? ` (from ${m.failedFrom})` : ''}`;
  const parts = [
    ...(m.method ? [m.method] : []),
    ...(m.targetKey ? [`key ${m.targetKey}`] : []),
    ...(m.twinFileSystemId ? [`twin ${m.twinFileSystemId}`] : []),
    ...(m.copy ? [m.copy] : []),
    ...(m.progress ? [m.progress] : []),
    ...(m.lastError ? [`error ${m.lastError.code}: ${m.lastError.message}`] : []),
    ...(m.lastChange ? [`last: ${m.lastChange.kind} by ${m.lastChange.actor} at ${m.lastChange.at}`] : []),
  ];
  return parts.length ? `${head}; ${parts.join('; ')}` : head;
}

export function formatOverview(o: StatusOverview): string {
  if (o.total === 0) return 'No migrations yet: run a scan, then decide with plan.\n';
  const lines = [
    `${o.total} migration(s): ${counts(o.byState)}`,
    ...o.byPlace.map((p) => `  ${p.accountId} ${p.region}: ${p.total} (${counts(p.byState)})`),
    '',
    ...o.migrations.map(formatMigrationLine),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatDetail(d: MigrationDetail): string {
  const m = d.line;
  // The progress gets its own line under the copy below, not a second copy in the head line.
  const { progress: _shownBelow, ...head } = m;
  const lines = [
    formatMigrationLine(head),
    `  migration ${m.migrationId}, version ${d.record.version}, updated ${d.record.updatedAt} by ${d.record.updatedBy}`,
  ];
  const dec = d.decision?.decision;
  if (dec) {
    lines.push(
      `  decision: ${dec.method} to ${dec.targetKeyAsGiven ?? dec.targetKmsKeyId}${dec.targetKeyAsGiven ? ` (${dec.targetKmsKeyId})` : ''}, by ${dec.decidedBy} at ${dec.decidedAt}${dec.note ? `; note: ${dec.note}` : ''}`,
    );
    if (dec.constraints?.maintenanceWindow)
      lines.push(`  maintenance window: ${dec.constraints.maintenanceWindow}`);
  } else lines.push('  decision: none yet');
  const map = d.build.mapping;
  if (map.targetFileSystemId || d.build.job) {
    lines.push(
      `  build: ${d.build.job ? `job ${d.build.job.jobId} ${d.build.job.status}` : 'no job'}${map.lastStep ? `, last step ${map.lastStep}` : ''}`,
    );
    if (map.targetFileSystemId)
      lines.push(
        `    ${map.sourceFileSystemId} → ${map.targetFileSystemId}${map.targetKmsKeyArn ? ` (key ${map.targetKmsKeyArn})` : ''}`,
      );
    for (const [az, id] of Object.entries(map.mountTargets)) lines.push(`    mount target ${az}: ${id}`);
    for (const [from, to] of Object.entries(map.accessPoints)) lines.push(`    access point ${from} → ${to}`);
    for (const [what, why] of Object.entries(map.notCopied)) lines.push(`    not copied: ${what}: ${why}`);
  }
  const c = d.copy;
  if (c.job || c.verification) {
    lines.push(`  copy: ${c.job ? `${c.kind ?? 'copy'} job ${c.job.jobId} ${c.job.status}` : 'no job'}`);
    if (c.progress) lines.push(`    progress: ${c.progress.text}`);
    if (c.verification) lines.push(`    verification: ${c.verification}`);
    if (c.lastReplicatedTimestamp) lines.push(`    last replicated: ${c.lastReplicatedTimestamp}`);
    if (c.writesStoppedAt) lines.push(`    writes stopped at: ${c.writesStoppedAt}`);
    if (c.dataSyncExecutionArn) lines.push(`    DataSync execution: ${c.dataSyncExecutionArn}`);
  }
  lines.push(...decommissionLines(d.record.resources));
  if (m.lastError)
    lines.push(`  last error ${m.lastError.code} at ${m.lastError.at}: ${m.lastError.message}`);
  lines.push(`  next: ${d.next.text} Who: ${d.next.who}.${d.next.command ? ` (${d.next.command})` : ''}`);
  lines.push(`  events (last ${d.events.length} of ${d.totalEvents}):`);
  for (const e of d.events) {
    const move = e.from || e.to ? ` ${e.from ?? ''}→${e.to ?? ''}` : '';
    const ids = e.awsRequestIds?.length ? ` [AWS request ${e.awsRequestIds.join(', ')}]` : '';
    lines.push(`    ${e.at} ${e.actor} ${e.kind}${move}${e.detail ? `: ${e.detail}` : ''}${ids}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The decommissioning log's lines (who confirmed, the recovery point, each deletion), when confirmed. */
function decommissionLines(r: Record<string, string>): string[] {
  const by = r[DecommissionResourceKeys.confirmedBy];
  if (!by) return [];
  const deletions = Object.entries(r)
    .filter(([k, v]) => k.startsWith('decommissionDelete:') && v.startsWith('done'))
    .map(([k, v]) => {
      const [, requestId, at] = v.split('|');
      return `    ${at} ${k.slice('decommissionDelete:'.length).replace(':', ' ')}${requestId ? ` [AWS request ${requestId}]` : ''}`;
    })
    .sort();
  const rp = r[DecommissionResourceKeys.recoveryPointArn];
  return [
    `  decommission: confirmed by ${by} at ${r[DecommissionResourceKeys.confirmedAt] ?? '?'}${rp ? `, recovery point ${rp}` : ''}`,
    ...deletions,
  ];
}
