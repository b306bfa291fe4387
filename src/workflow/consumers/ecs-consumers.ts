import type { Service, Tag } from '@aws-sdk/client-ecs';
import pLimit from 'p-limit';
import { referencesInEcsVolumes } from '../../domain/consumer-references.ts';
import type {
  ConsumerReference,
  EcsDeploymentControllerType,
  EcsServiceConsumer,
  EcsTaskDefinitionConsumer,
  SourceIdentity,
} from '../../domain/consumers.ts';
import type { ConsumersEcs } from './ports.ts';
import type { UnreadableLog } from './unreadable.ts';

interface MountingRevision {
  arn: string;
  family: string;
  revision: number;
  tags: Record<string, string>;
  references: ConsumerReference[];
}

export function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (tags ?? []).flatMap((t) => (t.key !== undefined ? [[t.key, t.value ?? '']] : [])),
  );
}

/**
 * ECS consumers: every ACTIVE task definition revision whose volumes mount the source, and every
 * service (all clusters) whose PRIMARY deployment runs one. A revision a service runs is reported
 * through the service; the rest as task definitions (scheduled tasks, Step Functions, RunTask).
 */
export async function discoverEcsConsumers(
  ecs: ConsumersEcs,
  source: SourceIdentity,
  unreadable: UnreadableLog,
  concurrency: number,
): Promise<(EcsServiceConsumer | EcsTaskDefinitionConsumer)[]> {
  const limit = pLimit(concurrency);
  const revisions = new Map<string, Promise<MountingRevision | undefined>>();

  /** The revision if it mounts the source; a revision that cannot be read is said, not guessed. */
  const mountingRevision = (arn: string) => {
    let found = revisions.get(arn);
    if (!found) {
      found = limit(() =>
        unreadable.attempt(
          'ecs',
          'DescribeTaskDefinition',
          async () => {
            const { taskDefinition, tags } = await ecs.describeTaskDefinition(arn);
            const references = referencesInEcsVolumes(taskDefinition.volumes, source);
            if (references.length === 0) return undefined;
            return {
              arn: taskDefinition.taskDefinitionArn ?? arn,
              family: taskDefinition.family ?? '',
              revision: taskDefinition.revision ?? 0,
              tags: tagMap(tags),
              references,
            };
          },
          undefined,
        ),
      );
      revisions.set(arn, found);
    }
    return found;
  };

  const [activeArns, services] = await Promise.all([
    unreadable.attempt('ecs', 'ListTaskDefinitions', () => ecs.listActiveTaskDefinitionArns(), []),
    listServices(ecs, unreadable, limit),
  ]);

  const serviceConsumers: EcsServiceConsumer[] = [];
  const runByServices = new Set<string>();
  await Promise.all(
    services.map(async (service) => {
      const deployments = service.deployments ?? [];
      for (const d of deployments) if (d.taskDefinition) runByServices.add(d.taskDefinition);
      // A CODE_DEPLOY or EXTERNAL service lists task sets, not deployments: its revisions are
      // the service's too (else they come back as stray task definitions to cut over twice).
      for (const t of service.taskSets ?? []) if (t.taskDefinition) runByServices.add(t.taskDefinition);
      if (service.taskDefinition) runByServices.add(service.taskDefinition);
      const primary =
        deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? service.taskDefinition;
      if (!primary || !service.serviceArn) return;
      // A service may run a revision that is no longer ACTIVE: described here all the same.
      const revision = await mountingRevision(primary);
      if (!revision) return;
      serviceConsumers.push({
        kind: 'ecs-service',
        id: service.serviceArn,
        name: service.serviceName ?? service.serviceArn,
        // The service's own tags win; the task definition's `app`/`owner` count when the service has none.
        tags: { ...revision.tags, ...tagMap(service.tags) },
        references: revision.references,
        clusterArn: service.clusterArn ?? '',
        serviceArn: service.serviceArn,
        taskDefinitionArn: revision.arn,
        deploymentController: (service.deploymentController?.type ?? 'ECS') as EcsDeploymentControllerType,
        desiredCount: service.desiredCount ?? 0,
        runningCount: service.runningCount ?? 0,
      });
    }),
  );

  const mounting = await Promise.all(activeArns.map(mountingRevision));
  const taskDefinitionConsumers = mounting.flatMap((r): EcsTaskDefinitionConsumer[] =>
    r && !runByServices.has(r.arn)
      ? [
          {
            kind: 'ecs-task-definition',
            id: r.arn,
            name: `${r.family}:${r.revision}`,
            tags: r.tags,
            references: r.references,
            taskDefinitionArn: r.arn,
            family: r.family,
            revision: r.revision,
          },
        ]
      : [],
  );
  return [...serviceConsumers, ...taskDefinitionConsumers];
}

async function listServices(
  ecs: ConsumersEcs,
  unreadable: UnreadableLog,
  limit: ReturnType<typeof pLimit>,
): Promise<Service[]> {
  const clusters = await unreadable.attempt('ecs', 'ListClusters', () => ecs.listClusterArns(), []);
  const perCluster = await Promise.all(
    clusters.map((cluster) =>
      limit(async () => {
        const arns = await unreadable.attempt('ecs', 'ListServices', () => ecs.listServiceArns(cluster), []);
        if (arns.length === 0) return [];
        return unreadable.attempt('ecs', 'DescribeServices', () => ecs.describeServices(cluster, arns), []);
      }),
    ),
  );
  return perCluster.flat();
}
