import { consumersRemaining } from '../../domain/cutover-change.ts';
import type { CutoverRepository } from '../../domain/cutover-records.ts';
import type { MigrationRecord, MigrationRepository } from '../../domain/migration.ts';
import type { ConsumerDiscovery } from './ports.ts';

/**
 * After an application is applied or rolled back: the consumers neither verified nor waived,
 * recounted from the store (every planned consumer and every consumer discovery found), and the
 * migration moved accordingly: cutover_pending → cut_over when none remain (the state machine's
 * guard checks the count again); cut_over → rolled_back when a rollback undid a change;
 * cutover_pending → rolled_back when nothing is changed any more.
 */
export async function remainingConsumers(
  cutovers: CutoverRepository,
  discovery: ConsumerDiscovery | undefined,
  migrationId: string,
): Promise<string[]> {
  const [plans, changes, waivers, report] = await Promise.all([
    cutovers.listPlans(migrationId),
    cutovers.listChanges(migrationId),
    cutovers.listWaivers(migrationId),
    discovery?.latest(migrationId),
  ]);
  const ids = [
    ...plans.flatMap((p) => p.plan.changes.map((c) => c.consumerId)),
    ...(report?.consumers.map((c) => c.id) ?? []),
  ];
  return consumersRemaining(ids, changes, waivers);
}

export async function settleMigration(
  deps: { migrations: MigrationRepository; cutovers: CutoverRepository; discovery?: ConsumerDiscovery },
  migrationId: string,
  audit: { actor: string; correlationId?: string; after: 'apply' | 'rollback' },
): Promise<MigrationRecord> {
  const remaining = await remainingConsumers(deps.cutovers, deps.discovery, migrationId);
  const record = (await deps.migrations.getMigration(migrationId))!;
  const facts = { consumersRemaining: remaining.length };
  const base = {
    expectedVersion: record.version,
    facts,
    actor: audit.actor,
    ...(audit.correlationId ? { correlationId: audit.correlationId } : {}),
  };
  if (audit.after === 'apply' && record.state === 'cutover_pending' && remaining.length === 0)
    return deps.migrations.transitionMigration(migrationId, {
      ...base,
      to: 'cut_over',
      detail: 'every consumer is cut over or waived',
    });
  if (audit.after === 'rollback') {
    const changes = await deps.cutovers.listChanges(migrationId);
    const live = changes.some(
      (c) => c.status === 'verified' || c.status === 'applied' || c.status === 'applying',
    );
    if (record.state === 'cut_over' || (record.state === 'cutover_pending' && !live))
      return deps.migrations.transitionMigration(migrationId, {
        ...base,
        to: 'rolled_back',
        detail: 'cutover rolled back; review the cutover again to start a new one',
      });
  }
  return deps.migrations.updateMigration(migrationId, {
    ...base,
    detail: `${remaining.length} consumer${remaining.length === 1 ? '' : 's'} neither cut over nor waived`,
  });
}
