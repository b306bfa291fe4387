/**
 * The `ecs` member of a region, from file to estate: ARNs, revisions, registration times and
 * derived members filled in; references checked (a service's cluster and task definition, a
 * container's mount points); every service starts settled on its revision (one COMPLETED
 * deployment, or a task set for CODE_DEPLOY and EXTERNAL controllers).
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { EcsRegionInput } from './ecs-schema.ts';
import {
  deploymentIdFrom,
  derivedTaskDefinitionMembers,
  withContainerDefaults,
  fargatePlatform,
  ecsArn,
  efsVolumeProblem,
  type EstateEcs,
  type EstateEcsService,
  type EstateTaskDefinition,
} from './ecs-types.ts';
import { stableDate, stableHex, stableUuid } from './ids.ts';
import type { PathPart, Problems } from './normalise.ts';

export interface EcsContext {
  account: string;
  region: string;
  /** The region's path in the file, e.g. `accounts[0].regions.us-east-1`. */
  path: PathPart[];
  problems: Problems;
}

export function normaliseEcs(input: EcsRegionInput, ctx: EcsContext): EstateEcs {
  const path = [...ctx.path, 'ecs'];
  const seed = (...parts: PathPart[]) => [ctx.account, ctx.region, 'ecs', ...parts].join('/');
  const clusters = (input.clusters ?? []).map((c) => ({
    clusterName: c.clusterName,
    clusterArn: ecsArn.cluster(ctx.region, ctx.account, c.clusterName),
    tags: c.tags ?? [],
  }));
  firstOfEach(
    clusters.map((c) => c.clusterName),
    [...path, 'clusters'],
    'clusterName',
    ctx.problems,
  );

  const lastRevision = new Map<string, number>();
  const taskDefinitions = (input.taskDefinitions ?? []).map((t, i): EstateTaskDefinition => {
    const tdPath = [...path, 'taskDefinitions', i];
    const revision = t.revision ?? (lastRevision.get(t.family) ?? 0) + 1;
    lastRevision.set(t.family, Math.max(revision, lastRevision.get(t.family) ?? 0));
    const volumeNames = new Set((t.volumes ?? []).map((v) => v.name));
    t.containerDefinitions.forEach((c, j) =>
      (c.mountPoints ?? []).forEach((m, k) => {
        if (!volumeNames.has(m.sourceVolume))
          ctx.problems.at(
            [...tdPath, 'containerDefinitions', j, 'mountPoints', k, 'sourceVolume'],
            `${m.sourceVolume} is not one of this task definition's volumes; add it under volumes`,
          );
      }),
    );
    (t.volumes ?? []).forEach((v, j) => {
      const problem = efsVolumeProblem(v as NonNullable<TaskDefinition['volumes']>[number]);
      if (problem)
        ctx.problems.at(
          [...tdPath, 'volumes', j, 'efsVolumeConfiguration', 'transitEncryption'],
          `${problem} (set it to ENABLED)`,
        );
    });
    const status = t.status ?? 'ACTIVE';
    const registeredAt = t.registeredAt ?? stableDate(seed('td', t.family, revision));
    // Pass-through members are kept as the file gave them (pasted CLI output), not checked here.
    const td = { ...(t as unknown as TaskDefinition), tags: undefined };
    return {
      ...td,
      ...derivedTaskDefinitionMembers(td),
      taskDefinitionArn: ecsArn.taskDefinition(ctx.region, ctx.account, t.family, revision),
      family: t.family,
      revision,
      status,
      containerDefinitions: withContainerDefaults(td.containerDefinitions ?? []),
      volumes: td.volumes ?? [],
      placementConstraints: td.placementConstraints ?? [],
      registeredAt,
      registeredBy: t.registeredBy ?? `arn:aws:iam::${ctx.account}:root`,
      ...(status === 'INACTIVE'
        ? { deregisteredAt: t.deregisteredAt ?? new Date(registeredAt.getTime() + 86_400_000) }
        : {}),
      tags: t.tags ?? [],
    };
  });
  firstOfEach(
    taskDefinitions.map((t) => `${t.family}:${t.revision}`),
    [...path, 'taskDefinitions'],
    'revision',
    ctx.problems,
  );

  const services = (input.services ?? []).flatMap((s, i): EstateEcsService[] => {
    const sPath = [...path, 'services', i];
    const cluster = clusters.find((c) => c.clusterName === s.cluster);
    if (!cluster) {
      ctx.problems.at(
        [...sPath, 'cluster'],
        `${s.cluster} is not one of this region's ecs.clusters; add it there`,
      );
      return [];
    }
    const td = taskDefinitions.find(
      (t) => t.taskDefinitionArn === s.taskDefinition || `${t.family}:${t.revision}` === s.taskDefinition,
    );
    if (!td) {
      ctx.problems.at(
        [...sPath, 'taskDefinition'],
        `${s.taskDefinition} is not one of this region's ecs.taskDefinitions; name it as family:revision`,
      );
      return [];
    }
    const createdAt = s.createdAt ?? new Date(td.registeredAt.getTime() + 3_600_000);
    const controller = s.deploymentController?.type ?? 'ECS';
    const launchType = s.launchType ?? 'FARGATE';
    const id = deploymentIdFrom(stableHex(seed('deployment', s.cluster, s.serviceName), 16));
    const steadyAt = new Date(createdAt.getTime() + 5 * 60_000);
    const { cluster: _cluster, createdAt: _createdAt, tags, deploymentConfiguration, ...rest } = s;
    const passThrough = rest as unknown as Partial<EstateEcsService>;
    return [
      {
        ...passThrough,
        serviceArn: ecsArn.service(ctx.region, ctx.account, s.cluster, s.serviceName),
        serviceName: s.serviceName,
        clusterArn: cluster.clusterArn,
        clusterName: cluster.clusterName,
        status: 'ACTIVE',
        desiredCount: s.desiredCount,
        launchType,
        taskDefinition: td.taskDefinitionArn,
        deploymentController: { type: controller },
        deploymentConfiguration: {
          maximumPercent: 200,
          minimumHealthyPercent: 100,
          ...(deploymentConfiguration as EstateEcsService['deploymentConfiguration']),
          deploymentCircuitBreaker: deploymentConfiguration?.deploymentCircuitBreaker ?? {
            enable: false,
            rollback: false,
          },
        },
        schedulingStrategy: s.schedulingStrategy ?? 'REPLICA',
        // AWS answers these on every service, empty (or NONE) when unused (found against moto).
        loadBalancers: passThrough.loadBalancers ?? [],
        serviceRegistries: passThrough.serviceRegistries ?? [],
        propagateTags: passThrough.propagateTags ?? 'NONE',
        createdAt,
        tags: tags ?? [],
        deployments:
          controller === 'ECS'
            ? [
                {
                  id,
                  status: 'PRIMARY',
                  taskDefinition: td.taskDefinitionArn,
                  desiredCount: s.desiredCount,
                  pendingCount: 0,
                  runningCount: s.desiredCount,
                  failedTasks: 0,
                  createdAt,
                  updatedAt: steadyAt,
                  launchType,
                  ...fargatePlatform(launchType),
                  // A deployment carries the service's awsvpc configuration (Deployment.networkConfiguration).
                  ...(passThrough.networkConfiguration
                    ? { networkConfiguration: passThrough.networkConfiguration }
                    : {}),
                  rolloutState: 'COMPLETED',
                  rolloutStateReason: `ECS deployment ${id} completed.`,
                },
              ]
            : [],
        taskSets:
          controller === 'ECS'
            ? []
            : [
                {
                  id: `ecs-svc/${stableHex(seed('taskset', s.cluster, s.serviceName), 16)}`,
                  status: 'PRIMARY',
                  taskDefinition: td.taskDefinitionArn,
                  computedDesiredCount: s.desiredCount,
                  pendingCount: 0,
                  runningCount: s.desiredCount,
                  createdAt,
                  updatedAt: steadyAt,
                  launchType,
                  stabilityStatus: 'STEADY_STATE',
                  stabilityStatusAt: steadyAt,
                  ...(controller === 'CODE_DEPLOY' ? { startedBy: 'CODE_DEPLOY' } : {}),
                },
              ],
        events: [
          {
            id: stableUuid(seed('event', s.cluster, s.serviceName)),
            createdAt: steadyAt,
            message: `(service ${s.serviceName}) has reached a steady state.`,
          },
        ],
      },
    ];
  });
  firstOfEach(
    services.map((s) => s.serviceArn),
    [...path, 'services'],
    'serviceName',
    ctx.problems,
  );
  return { clusters, taskDefinitions, services, failNextDeployment: [] };
}

function firstOfEach(ids: string[], listPath: PathPart[], member: string, problems: Problems): void {
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    const earlier = first.get(id);
    if (earlier !== undefined)
      problems.at([...listPath, i, member], `${id} is already used by ${pathText([...listPath, earlier])}`);
    else first.set(id, i);
  });
}

/** normalise.ts's formatPath (importing it would make a cycle: normalise.ts calls normaliseEcs). */
function pathText(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}
