import { consumerReport, groupByApplication } from '../../domain/consumer-references.ts';
import { sourceIdentityOf, type ConsumerReport } from '../../domain/consumers.ts';
import { BadInputError } from '../../domain/errors.ts';
import { RecordNotFoundError } from '../../domain/migration.ts';
import { discoverEcsConsumers } from './ecs-consumers.ts';
import { discoverLambdaConsumers } from './lambda-consumers.ts';
import { discoverLaunchTemplateConsumers } from './launch-template-consumers.ts';
import type { ConsumerDiscoveryDeps } from './ports.ts';
import { UnreadableLog } from './unreadable.ts';

export const DEFAULT_DISCOVERY_CONCURRENCY = 4;
export const CONSUMERS_EVENT = 'consumers';

export interface DiscoverOptions {
  /** Who asked, for the audit log (`slack:U…`, `cli:alice`). */
  actor: string;
  correlationId?: string;
}

/**
 * Who uses a migration's source file system. Two calls on purpose: the decommission guard must
 * ask AWS again at the moment of deletion (`discoverConsumers`), while a thread or a status only
 * shows what was last found (`lastReport`), without a single AWS call.
 */
export interface ConsumerDiscovery {
  /** Asks ECS, Lambda, EC2 and Auto Scaling now, stores the report, logs it; then returns it. */
  discoverConsumers(migrationId: string, options: DiscoverOptions): Promise<ConsumerReport>;
  lastReport(migrationId: string): Promise<ConsumerReport | undefined>;
}

export class NoSnapshotError extends BadInputError {
  constructor(readonly migrationId: string) {
    super(
      `${migrationId} has no inventory snapshot, so its mount target IPs and access points are unknown. ` +
        'Scan its account and region again (efs-encrypt scan), then find consumers.',
    );
  }
}

export function createConsumerDiscovery(deps: ConsumerDiscoveryDeps): ConsumerDiscovery {
  const concurrency = deps.concurrency ?? DEFAULT_DISCOVERY_CONCURRENCY;
  return {
    async discoverConsumers(migrationId, options) {
      const migration = await deps.migrations.getMigration(migrationId);
      if (!migration) throw new RecordNotFoundError(migrationId);
      const snapshot = await deps.migrations.getSnapshot(migrationId);
      if (!snapshot) throw new NoSnapshotError(migrationId);
      const source = sourceIdentityOf(snapshot.fileSystem);
      const { accountId, region } = source;
      const unreadable = new UnreadableLog();
      // The four services in parallel; within each, per-item reads are bounded by `concurrency`
      // and every call by the per-operation rate limit of the account clients.
      const [ecs, lambda, templates] = await Promise.all([
        unreadable
          .attempt('ecs', 'client', () => deps.readers.ecsFor(accountId, region), undefined)
          .then((c) => (c ? discoverEcsConsumers(c, source, unreadable, concurrency) : [])),
        unreadable
          .attempt('lambda', 'client', () => deps.readers.lambdaFor(accountId, region), undefined)
          .then((c) => (c ? discoverLambdaConsumers(c, source, unreadable, concurrency) : [])),
        Promise.all([
          unreadable.attempt(
            'ec2',
            'client',
            () => deps.readers.launchTemplatesFor(accountId, region),
            undefined,
          ),
          unreadable.attempt(
            'autoscaling',
            'client',
            () => deps.readers.autoScalingFor(accountId, region),
            undefined,
          ),
        ]).then(([lt, asg]) =>
          lt
            ? discoverLaunchTemplateConsumers(
                lt,
                asg ?? { listAutoScalingGroups: async () => [] },
                source,
                unreadable,
                concurrency,
              )
            : [],
        ),
      ]);
      const report = consumerReport({
        migrationId,
        source,
        discoveredAt: deps.clock.now().toISOString(),
        consumers: [...ecs, ...lambda, ...templates],
        unreadable: unreadable.list(),
        twinFileSystemId: migration.resources.targetFileSystemId,
      });
      // Stored before it is announced: the thread and the CLI show what the store holds.
      await deps.reports.putConsumerReport(report);
      const apps = groupByApplication(report.consumers, snapshot.fileSystem.tags);
      await deps.events.appendEvent(migrationId, {
        actor: options.actor,
        kind: CONSUMERS_EVENT,
        detail:
          `${report.consumers.length} consumer(s) in ${apps.length} application(s)` +
          (report.unreadable.length
            ? `; could not read ${report.unreadable.map((u) => `${u.service}:${u.operation}`).join(', ')}`
            : ''),
        ...(options.correlationId ? { correlationId: options.correlationId } : {}),
        data: {
          discoveredAt: report.discoveredAt,
          consumers: report.consumers.map((c) => ({ kind: c.kind, id: c.id })),
          unreadable: report.unreadable,
        },
      });
      return report;
    },
    lastReport: (migrationId) => deps.reports.getConsumerReport(migrationId),
  };
}
