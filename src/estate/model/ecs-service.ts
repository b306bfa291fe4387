/**
 * Amazon ECS (JSON 1.1, `AmazonEC2ContainerServiceV20141113`): clusters, task definition
 * revisions, services and their deployments (ecs-deployments.ts), tags, and the tasks the
 * deployments run. Answers are typed with the SDK's output shapes; errors use AWS's codes.
 */
import type {
  Cluster,
  DeregisterTaskDefinitionCommandInput,
  DeregisterTaskDefinitionResponse,
  DescribeClustersCommandInput,
  DescribeClustersResponse,
  DescribeServicesCommandInput,
  DescribeServicesResponse,
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionResponse,
  DescribeTasksCommandInput,
  DescribeTasksResponse,
  Failure,
  ListClustersCommandInput,
  ListClustersResponse,
  ListServicesCommandInput,
  ListServicesResponse,
  ListTagsForResourceCommandInput,
  ListTagsForResourceResponse,
  ListTaskDefinitionFamiliesCommandInput,
  ListTaskDefinitionFamiliesResponse,
  ListTaskDefinitionsCommandInput,
  ListTaskDefinitionsResponse,
  ListTasksCommandInput,
  ListTasksResponse,
  RegisterTaskDefinitionCommandInput,
  RegisterTaskDefinitionResponse,
  Service,
  Tag,
  TagResourceCommandInput,
  TagResourceResponse,
  Task,
  UntagResourceCommandInput,
  UntagResourceResponse,
  UpdateServiceCommandInput,
  UpdateServiceResponse,
} from '@aws-sdk/client-ecs';
import {
  derivedTaskDefinitionMembers,
  withContainerDefaults,
  ecsArn,
  efsVolumeProblem,
  emptyEcs,
  type EstateEcs,
  type EstateEcsCluster,
  type EstateEcsService,
  type EstateTaskDefinition,
} from '../ecs-types.ts';
import { stableHex } from '../ids.ts';
import { AwsApiError } from './api-error.ts';
import { EcsDeployments } from './ecs-deployments.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { pageOf } from './paging.ts';

export const ecsErrors = {
  client: (message: string) => new AwsApiError('ClientException', message, 400),
  invalid: (message: string) => new AwsApiError('InvalidParameterException', message, 400),
  clusterNotFound: () => new AwsApiError('ClusterNotFoundException', 'Cluster not found.', 400),
  serviceNotFound: () => new AwsApiError('ServiceNotFoundException', 'Service not found.', 400),
  serviceNotActive: () => new AwsApiError('ServiceNotActiveException', 'Service was not ACTIVE.', 400),
  resourceNotFound: () =>
    new AwsApiError('ResourceNotFoundException', 'The specified resource could not be found.', 400),
  throttling: () => new AwsApiError('ThrottlingException', 'Rate exceeded', 400),
  server: (message: string) => new AwsApiError('ServerException', message, 500),
};

/** Which accounts and regions' ECS state the control surface may change (tests, demos). */
export interface EcsControl {
  /** The next deployment of this service (or any, with no service) fails as a marked revision does. */
  failNextDeployment(
    accountId: string,
    region: string,
    service?: { cluster: string; serviceName: string },
  ): void;
  /** A copy of the service as DescribeServices would show it, or undefined. */
  service(
    accountId: string,
    region: string,
    cluster: string,
    serviceName: string,
  ): EstateEcsService | undefined;
}

export class EcsService {
  private readonly deployments: EcsDeployments;

  constructor(private readonly model: EstateModel) {
    this.deployments = new EcsDeployments(model);
  }

  readonly control: EcsControl = {
    failNextDeployment: (accountId, region, service) => {
      const ecs = this.ecsOf({ accountId, region });
      ecs.failNextDeployment.push(
        service ? ecsArn.service(region, accountId, service.cluster, service.serviceName) : '*',
      );
    },
    service: (accountId, region, cluster, serviceName) => {
      this.model.settle();
      const found = this.ecsOf({ accountId, region }).services.find(
        (s) => s.clusterName === cluster && s.serviceName === serviceName,
      );
      return found ? structuredClone(found) : undefined;
    },
  };

  listClusters(ctx: CallContext, input: ListClustersCommandInput) {
    const page = this.page(
      this.ecsOf(ctx).clusters.map((c) => c.clusterArn),
      input,
      'ListClusters',
    );
    return { clusterArns: page.items, nextToken: page.next } satisfies ListClustersResponse;
  }

  describeClusters(ctx: CallContext, input: DescribeClustersCommandInput) {
    const ecs = this.ecsOf(ctx);
    const clusters: Cluster[] = [];
    const failures: Failure[] = [];
    for (const ref of input.clusters ?? ['default']) {
      const cluster = this.findCluster(ctx, ecs, ref);
      if (!cluster) {
        failures.push({ arn: this.clusterArnOf(ctx, ref), reason: 'MISSING' });
        continue;
      }
      const services = ecs.services.filter((s) => s.clusterArn === cluster.clusterArn);
      const tasks = services.flatMap((s) => s.deployments);
      clusters.push({
        clusterArn: cluster.clusterArn,
        clusterName: cluster.clusterName,
        status: 'ACTIVE',
        registeredContainerInstancesCount: 0,
        runningTasksCount: sum(tasks.map((d) => d.runningCount)),
        pendingTasksCount: sum(tasks.map((d) => d.pendingCount)),
        activeServicesCount: services.filter((s) => s.status === 'ACTIVE').length,
        statistics: [],
        settings: [{ name: 'containerInsights', value: 'disabled' }],
        capacityProviders: [],
        defaultCapacityProviderStrategy: [],
        ...(input.include?.includes('TAGS') ? { tags: structuredClone(cluster.tags) } : {}),
      });
    }
    return { clusters, failures } satisfies DescribeClustersResponse;
  }

  listServices(ctx: CallContext, input: ListServicesCommandInput) {
    const ecs = this.ecsOf(ctx);
    const cluster = this.cluster(ctx, ecs, input.cluster);
    const arns = ecs.services
      .filter(
        (s) =>
          s.clusterArn === cluster.clusterArn &&
          s.status === 'ACTIVE' &&
          (!input.launchType || s.launchType === input.launchType) &&
          (!input.schedulingStrategy || s.schedulingStrategy === input.schedulingStrategy),
      )
      .map((s) => s.serviceArn);
    const page = this.page(
      arns,
      input,
      `ListServices/${cluster.clusterArn}/${input.launchType}/${input.schedulingStrategy}`,
    );
    return { serviceArns: page.items, nextToken: page.next } satisfies ListServicesResponse;
  }

  describeServices(ctx: CallContext, input: DescribeServicesCommandInput) {
    const ecs = this.ecsOf(ctx);
    const cluster = this.cluster(ctx, ecs, input.cluster);
    const refs = input.services ?? [];
    if (refs.length === 0) throw ecsErrors.invalid('Services cannot be empty.');
    if (refs.length > 10) throw ecsErrors.invalid('Services cannot have more than 10 elements.');
    const services: Service[] = [];
    const failures: Failure[] = [];
    for (const ref of refs) {
      const service = this.findService(ecs, cluster, ref);
      if (service) services.push(this.view(service, input.include?.includes('TAGS') ?? false));
      else
        failures.push({
          arn: ref.startsWith('arn:')
            ? ref
            : ecsArn.service(ctx.region, ctx.accountId, cluster.clusterName, ref),
          reason: 'MISSING',
        });
    }
    return { services, failures } satisfies DescribeServicesResponse;
  }

  listTaskDefinitions(ctx: CallContext, input: ListTaskDefinitionsCommandInput) {
    const status = input.status ?? 'ACTIVE';
    // familyPrefix is the full family name here (AWS's doc), unlike ListTaskDefinitionFamilies.
    const matching = this.ecsOf(ctx)
      .taskDefinitions.filter(
        (t) => t.status === status && (!input.familyPrefix || t.family === input.familyPrefix),
      )
      .sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1))
      .map((t) => t.taskDefinitionArn);
    if (input.sort === 'DESC') matching.reverse();
    const page = this.page(
      matching,
      input,
      `ListTaskDefinitions/${input.familyPrefix}/${status}/${input.sort}`,
    );
    return {
      taskDefinitionArns: page.items,
      nextToken: page.next,
    } satisfies ListTaskDefinitionsResponse;
  }

  listTaskDefinitionFamilies(ctx: CallContext, input: ListTaskDefinitionFamiliesCommandInput) {
    const status = input.status ?? 'ACTIVE';
    const all = this.ecsOf(ctx).taskDefinitions;
    const families = [...new Set(all.map((t) => t.family))]
      .filter((family) => !input.familyPrefix || family.startsWith(input.familyPrefix))
      .filter((family) => {
        if (status === 'ALL') return true;
        const active = all.some((t) => t.family === family && t.status === 'ACTIVE');
        return status === 'ACTIVE' ? active : !active;
      })
      .sort();
    const page = this.page(families, input, `ListTaskDefinitionFamilies/${input.familyPrefix}/${status}`);
    return {
      families: page.items,
      nextToken: page.next,
    } satisfies ListTaskDefinitionFamiliesResponse;
  }

  describeTaskDefinition(ctx: CallContext, input: DescribeTaskDefinitionCommandInput) {
    const td = this.findTaskDefinition(ctx, this.ecsOf(ctx), input.taskDefinition);
    if (!td) throw ecsErrors.client('Unable to describe task definition.');
    const { tags, ...taskDefinition } = structuredClone(td);
    return {
      taskDefinition,
      ...(input.include?.includes('TAGS') ? { tags } : {}),
    } satisfies DescribeTaskDefinitionResponse;
  }

  registerTaskDefinition(ctx: CallContext, input: RegisterTaskDefinitionCommandInput) {
    const ecs = this.ecsOf(ctx);
    if (!input.family || !/^[A-Za-z0-9_-]{1,255}$/.test(input.family))
      throw ecsErrors.client(
        'Family contains invalid characters or is too long: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.',
      );
    if (!input.containerDefinitions?.length) throw ecsErrors.client('Container list cannot be empty.');
    const volumeNames = new Set((input.volumes ?? []).map((v) => v.name));
    for (const c of input.containerDefinitions) {
      if (!c.name || !c.image)
        throw ecsErrors.client('Container.name and Container.image should not be null or empty.');
      for (const m of c.mountPoints ?? [])
        if (!m.sourceVolume || !volumeNames.has(m.sourceVolume))
          throw ecsErrors.client(
            `Invalid 'sourceVolume' for mount point '${m.containerPath}' in container '${c.name}'.`,
          );
    }
    for (const v of input.volumes ?? []) {
      const problem = efsVolumeProblem(v);
      if (problem) throw ecsErrors.invalid(problem.charAt(0).toUpperCase() + problem.slice(1) + '.');
    }
    checkTags(input.tags);
    const revision =
      1 + Math.max(0, ...ecs.taskDefinitions.filter((t) => t.family === input.family).map((t) => t.revision));
    const { tags = [], ...request } = structuredClone(input);
    const td: EstateTaskDefinition = {
      ...request,
      ...derivedTaskDefinitionMembers(request),
      taskDefinitionArn: ecsArn.taskDefinition(ctx.region, ctx.accountId, input.family, revision),
      family: input.family,
      revision,
      status: 'ACTIVE',
      containerDefinitions: withContainerDefaults(request.containerDefinitions ?? []),
      volumes: request.volumes ?? [],
      placementConstraints: request.placementConstraints ?? [],
      registeredAt: this.model.now(),
      registeredBy: `arn:aws:iam::${ctx.accountId}:root`,
      tags,
    };
    ecs.taskDefinitions.push(td);
    const { tags: answeredTags, ...taskDefinition } = structuredClone(td);
    return { taskDefinition, tags: answeredTags } satisfies RegisterTaskDefinitionResponse;
  }

  deregisterTaskDefinition(ctx: CallContext, input: DeregisterTaskDefinitionCommandInput) {
    const ref = input.taskDefinition ?? '';
    if (!ref.includes(':'))
      throw ecsErrors.client('Revision must be specified: use family:revision or the full ARN.');
    const td = this.findTaskDefinition(ctx, this.ecsOf(ctx), ref);
    if (!td) throw ecsErrors.client('The specified task definition does not exist.');
    if (td.status === 'ACTIVE') {
      td.status = 'INACTIVE';
      td.deregisteredAt = this.model.now();
    }
    const { tags: _tags, ...taskDefinition } = structuredClone(td);
    return { taskDefinition } satisfies DeregisterTaskDefinitionResponse;
  }

  updateService(ctx: CallContext, input: UpdateServiceCommandInput) {
    const ecs = this.ecsOf(ctx);
    const cluster = this.cluster(ctx, ecs, input.cluster);
    const service = input.service ? this.findService(ecs, cluster, input.service) : undefined;
    if (!service) throw ecsErrors.serviceNotFound();
    if (service.status !== 'ACTIVE') throw ecsErrors.serviceNotActive();
    const controller = service.deploymentController.type;
    let target: EstateTaskDefinition | undefined;
    if (input.taskDefinition !== undefined) {
      if (controller === 'CODE_DEPLOY')
        throw ecsErrors.invalid(
          'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
        );
      if (controller === 'EXTERNAL')
        throw ecsErrors.invalid(
          'Unable to update task definition on services with an EXTERNAL deployment controller. Create a new task set with the task definition instead.',
        );
      target = this.findTaskDefinition(ctx, ecs, input.taskDefinition);
      if (!target) throw ecsErrors.invalid('TaskDefinition not found.');
      if (target.status !== 'ACTIVE') throw ecsErrors.invalid('TaskDefinition is inactive');
    }
    if (input.desiredCount !== undefined) {
      if (!Number.isInteger(input.desiredCount) || input.desiredCount < 0)
        throw ecsErrors.invalid('The desired count must be a non-negative integer.');
      service.desiredCount = input.desiredCount;
    }
    if (input.deploymentConfiguration)
      service.deploymentConfiguration = {
        ...service.deploymentConfiguration,
        ...input.deploymentConfiguration,
      };
    const redeploy =
      controller === 'ECS' &&
      ((target && target.taskDefinitionArn !== service.taskDefinition) || input.forceNewDeployment === true);
    if (redeploy) this.deployments.start(ecs, service, target?.taskDefinitionArn ?? service.taskDefinition);
    else if (input.desiredCount !== undefined) {
      if (controller === 'ECS') this.deployments.scale(service);
      else
        for (const set of service.taskSets)
          set.computedDesiredCount = set.runningCount = service.desiredCount;
    }
    return { service: this.view(service, false) } satisfies UpdateServiceResponse;
  }

  listTagsForResource(ctx: CallContext, input: ListTagsForResourceCommandInput) {
    // ListTagsForResource's model declares no ResourceNotFoundException: a missing resource is
    // ClientException ("specifying an identifier that isn't valid"), as AWS's API reference lists.
    const owner = this.tagged(ctx, input.resourceArn, () =>
      ecsErrors.client('The specified resource could not be found.'),
    );
    return { tags: structuredClone(owner.tags) } satisfies ListTagsForResourceResponse;
  }

  tagResource(ctx: CallContext, input: TagResourceCommandInput) {
    const owner = this.tagged(ctx, input.resourceArn);
    checkTags(input.tags);
    for (const tag of input.tags ?? []) {
      const existing = owner.tags.find((t) => t.key === tag.key);
      if (existing) existing.value = tag.value;
      else owner.tags.push({ key: tag.key, value: tag.value });
    }
    return {} satisfies TagResourceResponse;
  }

  untagResource(ctx: CallContext, input: UntagResourceCommandInput) {
    const owner = this.tagged(ctx, input.resourceArn);
    const remove = new Set(input.tagKeys ?? []);
    owner.tags = owner.tags.filter((t) => !remove.has(t.key ?? ''));
    return {} satisfies UntagResourceResponse;
  }

  listTasks(ctx: CallContext, input: ListTasksCommandInput) {
    const ecs = this.ecsOf(ctx);
    const cluster = this.cluster(ctx, ecs, input.cluster);
    let services = ecs.services.filter((s) => s.clusterArn === cluster.clusterArn);
    if (input.serviceName) {
      const one = this.findService(ecs, cluster, input.serviceName);
      if (!one) throw ecsErrors.serviceNotFound();
      services = [one];
    }
    // Stopped tasks are not kept: a STOPPED listing is empty.
    const tasks =
      input.desiredStatus === 'STOPPED'
        ? []
        : this.tasksOf(ctx, services).filter(
            (t) =>
              (!input.family || t.taskDefinitionArn?.includes(`:task-definition/${input.family}:`)) &&
              (!input.startedBy || t.startedBy === input.startedBy) &&
              (!input.launchType || t.launchType === input.launchType),
          );
    const page = this.page(
      tasks.map((t) => t.taskArn!),
      input,
      `ListTasks/${cluster.clusterArn}/${input.serviceName}/${input.family}/${input.desiredStatus}`,
    );
    return { taskArns: page.items, nextToken: page.next } satisfies ListTasksResponse;
  }

  describeTasks(ctx: CallContext, input: DescribeTasksCommandInput) {
    const ecs = this.ecsOf(ctx);
    const cluster = this.cluster(ctx, ecs, input.cluster);
    if (!input.tasks?.length) throw ecsErrors.invalid('Tasks cannot be empty.');
    if (input.tasks.length > 100) throw ecsErrors.invalid('Tasks cannot have more than 100 elements.');
    const all = this.tasksOf(
      ctx,
      ecs.services.filter((s) => s.clusterArn === cluster.clusterArn),
    );
    const tasks: Task[] = [];
    const failures: Failure[] = [];
    for (const ref of input.tasks) {
      const task = all.find((t) => t.taskArn === ref || t.taskArn?.endsWith(`/${ref}`));
      if (task) tasks.push(task);
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    return { tasks, failures } satisfies DescribeTasksResponse;
  }

  /** The running tasks of the services' deployments (and task sets), with stable IDs. */
  private tasksOf(ctx: CallContext, services: EstateEcsService[]): Task[] {
    return services.flatMap((s) => {
      const runs = [
        ...s.deployments.map((d) => ({
          id: d.id,
          taskDefinition: d.taskDefinition,
          running: d.runningCount,
          at: d.updatedAt,
        })),
        ...s.taskSets.map((t) => ({
          id: t.id!,
          taskDefinition: t.taskDefinition!,
          running: t.runningCount ?? 0,
          at: t.updatedAt!,
        })),
      ];
      return runs.flatMap((run) =>
        Array.from({ length: run.running }, (_, i): Task => {
          const id = stableHex(`${s.serviceArn}/${run.id}/${i}`, 32);
          return {
            taskArn: ecsArn.task(ctx.region, ctx.accountId, s.clusterName, id),
            clusterArn: s.clusterArn,
            taskDefinitionArn: run.taskDefinition,
            group: `service:${s.serviceName}`,
            startedBy: run.id,
            lastStatus: 'RUNNING',
            desiredStatus: 'RUNNING',
            healthStatus: 'UNKNOWN',
            ...(s.launchType ? { launchType: s.launchType } : {}),
            createdAt: run.at,
            startedAt: run.at,
            containers: [],
            overrides: { containerOverrides: [] },
            version: 2,
          };
        }),
      );
    });
  }

  private view(service: EstateEcsService, withTags: boolean): Service {
    const { clusterName: _name, tags, ...rest } = structuredClone(service);
    const running =
      rest.deployments.length > 0
        ? rest.deployments
        : rest.taskSets.map((t) => ({
            runningCount: t.runningCount ?? 0,
            pendingCount: t.pendingCount ?? 0,
          }));
    return {
      ...rest,
      runningCount: sum(running.map((d) => d.runningCount)),
      pendingCount: sum(running.map((d) => d.pendingCount)),
      ...(withTags ? { tags } : {}),
    };
  }

  /** The resource an ARN names, for the tagging calls. */
  private tagged(
    ctx: CallContext,
    resourceArn: string | undefined,
    notFound: () => AwsApiError = ecsErrors.resourceNotFound,
  ): { tags: Tag[] } {
    const ecs = this.ecsOf(ctx);
    const m = /^arn:aws[a-z-]*:ecs:([^:]+):(\d{12}):(cluster|service|task-definition)\/(.+)$/.exec(
      resourceArn ?? '',
    );
    if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId)
      throw ecsErrors.invalid(
        `The ARN ${resourceArn ?? '(none)'} is not an ECS cluster, service or task definition of this account and Region.`,
      );
    const [, , , kind, rest] = m as unknown as [string, string, string, string, string];
    if (kind === 'cluster') {
      const cluster = ecs.clusters.find((c) => c.clusterArn === resourceArn);
      if (!cluster) throw ecsErrors.clusterNotFound();
      return cluster;
    }
    if (kind === 'service') {
      const [clusterName] = rest.split('/');
      if (!ecs.clusters.some((c) => c.clusterName === clusterName)) throw ecsErrors.clusterNotFound();
      const service = ecs.services.find((s) => s.serviceArn === resourceArn);
      if (!service) throw notFound();
      return service;
    }
    const td = ecs.taskDefinitions.find((t) => t.taskDefinitionArn === resourceArn);
    if (!td) throw notFound();
    return td;
  }

  private ecsOf(ctx: Pick<CallContext, 'accountId' | 'region'>): EstateEcs {
    const region = this.model.region(ctx);
    return (region.ecs ??= emptyEcs());
  }

  private clusterArnOf(ctx: CallContext, ref: string): string {
    return ref.startsWith('arn:') ? ref : ecsArn.cluster(ctx.region, ctx.accountId, ref);
  }

  private findCluster(ctx: CallContext, ecs: EstateEcs, ref: string): EstateEcsCluster | undefined {
    const arn = this.clusterArnOf(ctx, ref);
    return ecs.clusters.find((c) => c.clusterArn === arn);
  }

  /** The named cluster (AWS's default is `default`), or ClusterNotFoundException. */
  private cluster(ctx: CallContext, ecs: EstateEcs, ref: string | undefined): EstateEcsCluster {
    const cluster = this.findCluster(ctx, ecs, ref ?? 'default');
    if (!cluster) throw ecsErrors.clusterNotFound();
    return cluster;
  }

  private findService(ecs: EstateEcs, cluster: EstateEcsCluster, ref: string): EstateEcsService | undefined {
    return ecs.services.find(
      (s) => s.clusterArn === cluster.clusterArn && (s.serviceArn === ref || s.serviceName === ref),
    );
  }

  /** `family` (its latest ACTIVE revision), `family:revision`, or the full ARN. */
  private findTaskDefinition(
    ctx: CallContext,
    ecs: EstateEcs,
    ref: string | undefined,
  ): EstateTaskDefinition | undefined {
    if (!ref) throw ecsErrors.client('Task definition must be specified.');
    const local = ref.startsWith('arn:') ? /:task-definition\/(.+)$/.exec(ref)?.[1] : ref;
    if (!local) return undefined;
    const [family, revision] = local.split(':');
    const candidates = ecs.taskDefinitions.filter(
      (t) =>
        t.family === family &&
        (revision === undefined ? t.status === 'ACTIVE' : String(t.revision) === revision) &&
        (!ref.startsWith('arn:') || t.taskDefinitionArn === ref),
    );
    return candidates.sort((a, b) => b.revision - a.revision)[0];
  }

  private page<T>(
    all: T[],
    input: { nextToken?: string | undefined; maxResults?: number | undefined },
    scope: string,
  ) {
    return pageOf(all, {
      token: input.nextToken,
      limit: input.maxResults,
      defaultSize: this.model.options.defaultPageSize,
      maxSize: 100,
      scope,
      invalidToken: () => ecsErrors.invalid('Invalid nextToken.'),
      invalidLimit: (limit) => ecsErrors.invalid(`maxResults must be between 1 and 100, got ${limit}.`),
    });
  }
}

function checkTags(tags: Tag[] | undefined): void {
  for (const tag of tags ?? []) {
    if (!tag.key) throw ecsErrors.invalid('Tag keys must not be empty.');
    if (tag.key.toLowerCase().startsWith('aws:'))
      throw ecsErrors.invalid(`Tag key ${tag.key} is invalid: the aws: prefix is reserved for use by AWS.`);
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
