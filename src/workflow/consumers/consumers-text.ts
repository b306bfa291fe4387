import { groupByApplication } from '../../domain/consumer-references.ts';
import type { Consumer, ConsumerReport } from '../../domain/consumers.ts';

/** One line per consumer for a person: what it is and the facts cutover will act on. */
export function consumerHeadline(c: Consumer): string {
  switch (c.kind) {
    case 'ecs-service':
      return `ECS service ${c.name} (${c.deploymentController}, ${c.runningCount}/${c.desiredCount} running) on ${c.taskDefinitionArn}`;
    case 'ecs-task-definition':
      return `ECS task definition ${c.name}, run by no service (scheduled task, Step Functions or RunTask?)`;
    case 'lambda-function':
      return (
        `Lambda function ${c.name}, versions ${c.versions.join(', ')}` +
        (c.aliases.length
          ? `; aliases ${c.aliases.map((a) => `${a.name} → ${a.functionVersion}`).join(', ')}`
          : '')
      );
    case 'launch-template':
      return (
        `Launch template ${c.name} (${c.launchTemplateId}), versions ${c.versionsReferencing.join(', ')} ` +
        `(default ${c.defaultVersion}, latest ${c.latestVersion})` +
        (c.autoScalingGroups.length
          ? `; Auto Scaling ${c.autoScalingGroups
              .map(
                (g) =>
                  `${g.name} on ${g.version}` +
                  (g.instancesOnReferencingVersion.length
                    ? ` (${g.instancesOnReferencingVersion.length} instance(s) on a version that mounts it)`
                    : ''),
              )
              .join(', ')}`
          : '')
      );
  }
}

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
