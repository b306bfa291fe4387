/**
 * ECS in the loaded estate, typed with the SDK's own shapes: what the server's ECS handlers read
 * and change. Task definitions carry their tags (DescribeTaskDefinition answers them with
 * `include: ['TAGS']`); services carry their deployments and events as DescribeServices shows them.
 */
import type { Deployment, Service, ServiceEvent, Tag, TaskDefinition, TaskSet } from '@aws-sdk/client-ecs';

type Required<T, K extends keyof T> = T & { [P in K]-?: Exclude<T[P], undefined> };

export interface EstateEcsCluster {
  clusterName: string;
  clusterArn: string;
  tags: Tag[];
}

export type EstateTaskDefinition = Required<
  TaskDefinition,
  | 'taskDefinitionArn'
  | 'family'
  | 'revision'
  | 'status'
  | 'containerDefinitions'
  | 'volumes'
  | 'requiresAttributes'
  | 'compatibilities'
  | 'registeredAt'
  | 'registeredBy'
> & { tags: Tag[] };

export type EstateEcsDeployment = Required<
  Deployment,
  | 'id'
  | 'status'
  | 'taskDefinition'
  | 'desiredCount'
  | 'pendingCount'
  | 'runningCount'
  | 'failedTasks'
  | 'createdAt'
  | 'updatedAt'
  | 'rolloutState'
  | 'rolloutStateReason'
>;

export type EstateEcsService = Required<
  Omit<Service, 'deployments' | 'taskSets' | 'events'>,
  | 'serviceArn'
  | 'serviceName'
  | 'clusterArn'
  | 'status'
  | 'desiredCount'
  | 'taskDefinition'
  | 'deploymentController'
  | 'deploymentConfiguration'
  | 'schedulingStrategy'
  | 'createdAt'
  | 'tags'
> & {
  /** The cluster's name (the ARN is `clusterArn`). */
  clusterName: string;
  /** ECS controller: the deployments, newest first. CODE_DEPLOY and EXTERNAL: always empty (AWS's doc). */
  deployments: EstateEcsDeployment[];
  /** CODE_DEPLOY and EXTERNAL: the task set that runs the service's task definition. */
  taskSets: TaskSet[];
  /** Newest first, at most `MAX_SERVICE_EVENTS`. */
  events: ServiceEvent[];
};

export interface EstateEcs {
  clusters: EstateEcsCluster[];
  /** Every revision of every family, in registration order. */
  taskDefinitions: EstateTaskDefinition[];
  services: EstateEcsService[];
  /** Service ARNs whose next deployment fails (`control.ecs.failNextDeployment`); `*` matches any. */
  failNextDeployment: string[];
}

export const MAX_SERVICE_EVENTS = 20;

/** The tag that marks a revision whose deployments fail (its tasks never become healthy). */
export const FAIL_DEPLOYMENT_TAG = 'estate:fail-deployment';

export function emptyEcs(): EstateEcs {
  return { clusters: [], taskDefinitions: [], services: [], failNextDeployment: [] };
}

export const ecsArn = {
  cluster: (region: string, account: string, name: string) =>
    `arn:aws:ecs:${region}:${account}:cluster/${name}`,
  service: (region: string, account: string, cluster: string, name: string) =>
    `arn:aws:ecs:${region}:${account}:service/${cluster}/${name}`,
  taskDefinition: (region: string, account: string, family: string, revision: number) =>
    `arn:aws:ecs:${region}:${account}:task-definition/${family}:${revision}`,
  task: (region: string, account: string, cluster: string, id: string) =>
    `arn:aws:ecs:${region}:${account}:task/${cluster}/${id}`,
};

/**
 * What ECS derives from a task definition at registration: the container agent attributes it
 * requires and the launch types it is compatible with (read-only members of TaskDefinition).
 */
export function derivedTaskDefinitionMembers(
  td: Pick<
    TaskDefinition,
    'volumes' | 'taskRoleArn' | 'executionRoleArn' | 'networkMode' | 'requiresCompatibilities'
  >,
): Pick<EstateTaskDefinition, 'requiresAttributes' | 'compatibilities'> {
  const names = new Set<string>();
  if (td.taskRoleArn) names.add('com.amazonaws.ecs.capability.task-iam-role');
  if (td.executionRoleArn) names.add('ecs.capability.execution-role-awslogs');
  if (td.networkMode === 'awsvpc') names.add('ecs.capability.task-eni');
  for (const v of td.volumes ?? []) {
    const efs = v.efsVolumeConfiguration;
    if (!efs) continue;
    names.add('ecs.capability.efs');
    if (efs.authorizationConfig?.iam === 'ENABLED') names.add('ecs.capability.efsAuth');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.25');
  }
  const fargate = td.networkMode === 'awsvpc' || td.requiresCompatibilities?.includes('FARGATE');
  return {
    requiresAttributes: [...names].sort().map((name) => ({ name })),
    compatibilities: fargate ? ['EC2', 'FARGATE'] : ['EC2'],
  };
}

/**
 * A container definition as ECS answers it: the members it fills in when the request left them out
 * (`cpu` 0 and empty `portMappings`, `environment`, `mountPoints`, `volumesFrom`; found against moto).
 */
export function withContainerDefaults(
  containers: NonNullable<TaskDefinition['containerDefinitions']>,
): NonNullable<TaskDefinition['containerDefinitions']> {
  return containers.map((c) => ({
    cpu: 0,
    portMappings: [],
    environment: [],
    mountPoints: [],
    volumesFrom: [],
    ...c,
  }));
}

/**
 * "A platform family is specified only for tasks using the Fargate launch type" (aws-models/ecs,
 * Deployment.platformFamily); found missing against moto.
 */
export function fargatePlatform(launchType: string | undefined): { platformFamily?: string } {
  return launchType === 'FARGATE' ? { platformFamily: 'Linux' } : {};
}

/** AWS's rule: an access point or IAM authorisation needs transit encryption. Undefined when fine. */
export function efsVolumeProblem(volume: NonNullable<TaskDefinition['volumes']>[number]): string | undefined {
  const efs = volume.efsVolumeConfiguration;
  if (!efs) return undefined;
  const auth = efs.authorizationConfig;
  if ((auth?.accessPointId || auth?.iam === 'ENABLED') && efs.transitEncryption !== 'ENABLED')
    return `volume ${volume.name}: transit encryption must be enabled when an access point or IAM authorization is used`;
  return undefined;
}

/** `ecs-svc/` and 19 digits, the form of ECS deployment IDs, derived from a seed. */
export function deploymentIdFrom(hex: string): string {
  return `ecs-svc/${(BigInt(`0x${hex.slice(0, 16)}`) % 10n ** 19n).toString().padStart(19, '0')}`;
}

/** True when the revision is marked so that its deployments fail (see ESTATE_FORMAT.md). */
export function marksFailure(tags: readonly Tag[]): boolean {
  return tags.some((t) => t.key === FAIL_DEPLOYMENT_TAG && t.value === 'true');
}
