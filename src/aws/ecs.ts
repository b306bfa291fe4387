import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  paginateListClusters,
  paginateListServices,
  paginateListTaskDefinitions,
  type Service,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ResponseIncompleteError } from '../domain/errors.ts';
import type { AccountClients } from './account-clients.ts';
import { collectPages, pager } from './pages.ts';
import { serviceClientsFrom } from './service-clients.ts';

/** ListClusters, ListServices and ListTaskDefinitions give at most 100 per page (aws-models/ecs). */
const PAGE_SIZE = 100;
/** DescribeServices takes up to 10 services per call (aws-models/ecs `services`). */
export const DESCRIBE_SERVICES_BATCH = 10;
/** Far beyond ECS's quotas (10,000 clusters, 5,000 services per cluster): more pages is a fault. */
const MAX_PAGES = 1_000;

/** A task definition revision and the tags `include: ['TAGS']` returns beside it. */
export interface DescribedTaskDefinition {
  taskDefinition: TaskDefinition;
  tags: Tag[];
}

/**
 * The ECS reads of consumer discovery over one SDK client: listings followed with the SDK's
 * paginators (nextToken), services described in batches of 10, task definitions described once
 * per ARN for the life of this object (a revision is immutable, so the cache never goes stale).
 * src/workflow/consumers/ports.ts declares what it calls; this class matches it structurally.
 */
export class SdkEcsClient {
  private readonly taskDefinitions = new Map<string, Promise<DescribedTaskDefinition>>();

  constructor(readonly sdk: ECSClient) {}

  listClusterArns(): Promise<string[]> {
    return collectPages(paginateListClusters(pager(this.sdk, PAGE_SIZE), {}), (p) => p.clusterArns, {
      next: (p) => p.nextToken,
      maxPages: MAX_PAGES,
    });
  }

  listServiceArns(clusterArn: string): Promise<string[]> {
    return collectPages(
      paginateListServices(pager(this.sdk, PAGE_SIZE), { cluster: clusterArn }),
      (p) => p.serviceArns,
      { next: (p) => p.nextToken, maxPages: MAX_PAGES },
    );
  }

  /** The services with their tags, 10 per call; a service ECS reports as a failure is left out. */
  async describeServices(clusterArn: string, serviceArns: string[]): Promise<Service[]> {
    const services: Service[] = [];
    for (let i = 0; i < serviceArns.length; i += DESCRIBE_SERVICES_BATCH) {
      const out = await this.sdk.send(
        new DescribeServicesCommand({
          cluster: clusterArn,
          services: serviceArns.slice(i, i + DESCRIBE_SERVICES_BATCH),
          include: ['TAGS'],
        }),
      );
      services.push(...(out.services ?? []));
    }
    return services;
  }

  /** Every ACTIVE revision of every family (an INACTIVE one can no longer start new tasks). */
  listActiveTaskDefinitionArns(): Promise<string[]> {
    return collectPages(
      paginateListTaskDefinitions(pager(this.sdk, PAGE_SIZE), { status: 'ACTIVE' }),
      (p) => p.taskDefinitionArns,
      { next: (p) => p.nextToken, maxPages: MAX_PAGES },
    );
  }

  describeTaskDefinition(taskDefinitionArn: string): Promise<DescribedTaskDefinition> {
    let described = this.taskDefinitions.get(taskDefinitionArn);
    if (!described) {
      described = this.sdk
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn, include: ['TAGS'] }))
        .then((out) => {
          if (!out.taskDefinition)
            throw new ResponseIncompleteError(
              'ecs:DescribeTaskDefinition',
              'taskDefinition',
              taskDefinitionArn,
            );
          return { taskDefinition: out.taskDefinition, tags: out.tags ?? [] };
        });
      // A failed read is not kept: the next discovery asks again.
      described.catch(() => this.taskDefinitions.delete(taskDefinitionArn));
      this.taskDefinitions.set(taskDefinitionArn, described);
    }
    return described;
  }
}

/** ECS clients over the account clients' credentials, rate limit and call counters. */
export function ecsClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkEcsClient>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new ECSClient(config));
  return {
    clientFor: async (accountId, region) => new SdkEcsClient(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
