import { consumerHeadline, groupByApplication } from '../../domain/consumer-references.ts';
import type { ConsumerReport } from '../../domain/consumers.ts';

/**
 * `efs-encrypt cutover refs` as text: consumers grouped by application with their owner, each
 * reference (form, value, where), what could not be read, and the checklist of what no API shows.
 */
export function formatConsumerReport(report: ConsumerReport, fileSystemTags: Record<string, string>): string {
  const lines: string[] = [
    `${report.fileSystemId} (${report.accountId} ${report.region}): ${report.consumers.length} consumer(s), discovered ${report.discoveredAt}`,
  ];
  for (const group of groupByApplication(report.consumers, fileSystemTags)) {
    lines.push('', `app ${group.app} — owner ${group.ownerTag ?? '(no owner tag: the admins)'}`);
    for (const c of group.consumers) {
      lines.push(`  ${consumerHeadline(c)}`);
      for (const r of c.references) lines.push(`    ${r.form} ${r.value} — ${r.where}`);
    }
  }
  if (report.consumers.length === 0) lines.push('', 'No ECS, Lambda or launch template consumer found.');
  if (report.unreadable.length) {
    lines.push('', 'Could not read (the report is incomplete until these are readable):');
    for (const u of report.unreadable) lines.push(`  ${u.service}:${u.operation} — ${u.code}: ${u.message}`);
  }
  lines.push('', 'Check by hand (no AWS API shows these):');
  for (const item of report.checklist) lines.push(`  [ ] ${item.title}: ${item.detail}`);
  return `${lines.join('\n')}\n`;
}
