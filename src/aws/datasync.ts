import {
  CreateLocationEfsCommand,
  CreateTaskCommand,
  DataSyncClient,
  DescribeTaskCommand,
  DescribeTaskExecutionCommand,
  StartTaskExecutionCommand,
  paginateListLocations,
  paginateListTagsForResource,
  paginateListTasks,
  type CreateLocationEfsCommandInput,
  type CreateTaskCommandInput,
  type LocationListEntry,
  type StartTaskExecutionCommandInput,
  type TagListEntry,
  type TaskListEntry,
} from '@aws-sdk/client-datasync';
import type { AccountClients } from './account-clients.ts';
import { serviceClientsFrom } from './service-clients.ts';
import { collectPages, pager } from './pages.ts';

/** Bounded pagination: 100 pages of 100 (MaxResults maximum) is far beyond DataSync's quotas. */
const MAX_PAGES = 100;
const PAGE_SIZE = 100;

/**
 * The DataSync calls the copy makes, over one SDK client. The copy workflow declares them as its
 * port (IDataSyncClient, src/workflow/copy/ports.ts); this class matches it structurally. Listings
 * are followed to the end with the SDK's paginators; outputs keep `$metadata` so the workflow
 * records AWS request IDs. DataSync has no client token, so idempotency is the workflow's: it
 * records every ARN the moment it exists and finds its own resources again by tag and name.
 */
export class SdkDataSyncClient {
  constructor(readonly sdk: DataSyncClient) {}

  createLocationEfs(input: CreateLocationEfsCommandInput) {
    return this.sdk.send(new CreateLocationEfsCommand(input));
  }

  /** EFS locations whose URI contains `fileSystemId` (ListLocations filter LocationUri Contains). */
  listEfsLocations(fileSystemId: string): Promise<LocationListEntry[]> {
    return collectPages(
      paginateListLocations(pager(this.sdk, PAGE_SIZE), {
        Filters: [{ Name: 'LocationUri', Operator: 'Contains', Values: [fileSystemId] }],
      }),
      (p) => p.Locations,
      { next: (p) => p.NextToken, maxPages: MAX_PAGES },
    );
  }

  listTags(resourceArn: string): Promise<TagListEntry[]> {
    return collectPages(
      paginateListTagsForResource(pager(this.sdk, PAGE_SIZE), { ResourceArn: resourceArn }),
      (p) => p.Tags,
      { next: (p) => p.NextToken, maxPages: MAX_PAGES },
    );
  }

  createTask(input: CreateTaskCommandInput) {
    return this.sdk.send(new CreateTaskCommand(input));
  }

  /** Every task of the account and Region (ListTasks returns each task's Name). */
  listTasks(): Promise<TaskListEntry[]> {
    return collectPages(paginateListTasks(pager(this.sdk, PAGE_SIZE), {}), (p) => p.Tasks, {
      next: (p) => p.NextToken,
      maxPages: MAX_PAGES,
    });
  }

  describeTask(taskArn: string) {
    return this.sdk.send(new DescribeTaskCommand({ TaskArn: taskArn }));
  }

  startTaskExecution(input: StartTaskExecutionCommandInput) {
    return this.sdk.send(new StartTaskExecutionCommand(input));
  }

  describeTaskExecution(executionArn: string) {
    return this.sdk.send(new DescribeTaskExecutionCommand({ TaskExecutionArn: executionArn }));
  }
}

/**
 * DataSync clients over the account clients: the same AssumeRole credentials (the account's
 * `clientConfig`, as the decide phase's EC2 clients use) and, through `limit()`, the same
 * per-operation rate limit and call counters. One client per account and Region; `destroy()`
 * closes them.
 */
export function dataSyncClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkDataSyncClient>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new DataSyncClient(config));
  return {
    clientFor: async (accountId, region) => new SdkDataSyncClient(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
