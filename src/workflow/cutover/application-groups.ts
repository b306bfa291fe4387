import type { ApplicationGroup, ConsumerReport } from '../../domain/consumers.ts';

/**
 * Consumers by application (ApplicationGroup's rule): the consumer's `app` tag, else the file
 * system's, else `unassigned`; the owner is the first `owner` tag found among the group's
 * consumers, else the file system's. Groups sorted by name, the default cutover order.
 */
export function groupByApplication(
  report: ConsumerReport,
  fileSystemTags: Record<string, string>,
): ApplicationGroup[] {
  const groups = new Map<string, ApplicationGroup>();
  for (const consumer of report.consumers) {
    const app = consumer.tags.app ?? fileSystemTags.app ?? 'unassigned';
    const group = groups.get(app) ?? { app, consumers: [] };
    group.consumers.push(consumer);
    if (!group.ownerTag && consumer.tags.owner) group.ownerTag = consumer.tags.owner;
    groups.set(app, group);
  }
  for (const group of groups.values())
    if (!group.ownerTag && fileSystemTags.owner) group.ownerTag = fileSystemTags.owner;
  return [...groups.values()].sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0));
}
