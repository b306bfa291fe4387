import {
  CreateLocationEfsCommand,
  CreateTaskCommand,
  DataSyncClient,
  DescribeTaskCommand,
  DescribeTaskExecutionCommand,
  ListLocationsCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  StartTaskExecutionCommand,
  type CreateLocationEfsCommandInput,
  type CreateLocationEfsCommandOutput,
  type CreateTaskCommandInput,
  type CreateTaskCommandOutput,
  type DescribeTaskCommandOutput,
  type DescribeTaskExecutionCommandOutput,
  type LocationListEntry,
  type StartTaskExecutionCommandInput,
  type StartTaskExecutionCommandOutput,
  type TagListEntry,
  type TaskListEntry,
} from '@aws-sdk/client-datasync';
import { DEFAULT_MAX_ATTEMPTS, type AccountClients } from './account-clients.ts';
import { SdkKmsClient } from './kms.ts';

/**
 * The DataSync calls the copy makes, as a narrow interface (DESIGN.md: one small client interface
 * per AWS service). Listings are followed to the end; outputs keep `$metadata` so the workflow
 * records AWS request IDs. DataSync has no client token, so idempotency is the workflow's: it
 * records every ARN the moment it exists and finds its own resources again by tag and name.
 */
export interface IDataSyncClient {
  createLocationEfs(input: CreateLocationEfsCommandInput): Promise<CreateLocationEfsCommandOutput>;
  /** EFS locations whose URI contains `fileSystemId` (ListLocations filter LocationUri Contains). */
  listEfsLocations(fileSystemId: string): Promise<LocationListEntry[]>;
  listTags(resourceArn: string): Promise<TagListEntry[]>;
  createTask(input: CreateTaskCommandInput): Promise<CreateTaskCommandOutput>;
  /** Every task of the account and Region (ListTasks returns each task's Name). */
  listTasks(): Promise<TaskListEntry[]>;
  describeTask(taskArn: string): Promise<DescribeTaskCommandOutput>;
  startTaskExecution(input: StartTaskExecutionCommandInput): Promise<StartTaskExecutionCommandOutput>;
  describeTaskExecution(executionArn: string): Promise<DescribeTaskExecutionCommandOutput>;
}

/** Bounded pagination: 100 pages of 100 (MaxResults maximum) is far beyond DataSync's quotas. */
const MAX_PAGES = 100;
const PAGE_SIZE = 100;

export class SdkDataSyncClient implements IDataSyncClient {
  constructor(readonly sdk: DataSyncClient) {}

  createLocationEfs(input: CreateLocationEfsCommandInput) {
    return this.sdk.send(new CreateLocationEfsCommand(input));
  }

  async listEfsLocations(fileSystemId: string) {
    const all: LocationListEntry[] = [];
    let NextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.sdk.send(
        new ListLocationsCommand({
          Filters: [{ Name: 'LocationUri', Operator: 'Contains', Values: [fileSystemId] }],
          MaxResults: PAGE_SIZE,
          NextToken,
        }),
      );
      all.push(...(out.Locations ?? []));
      if (!out.NextToken || out.NextToken === NextToken) break;
      NextToken = out.NextToken;
    }
    return all;
  }

  async listTags(resourceArn: string) {
    const all: TagListEntry[] = [];
    let NextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.sdk.send(
        new ListTagsForResourceCommand({ ResourceArn: resourceArn, MaxResults: PAGE_SIZE, NextToken }),
      );
      all.push(...(out.Tags ?? []));
      if (!out.NextToken || out.NextToken === NextToken) break;
      NextToken = out.NextToken;
    }
    return all;
  }

  createTask(input: CreateTaskCommandInput) {
    return this.sdk.send(new CreateTaskCommand(input));
  }

  async listTasks() {
    const all: TaskListEntry[] = [];
    let NextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.sdk.send(new ListTasksCommand({ MaxResults: PAGE_SIZE, NextToken }));
      all.push(...(out.Tasks ?? []));
      if (!out.NextToken || out.NextToken === NextToken) break;
      NextToken = out.NextToken;
    }
    return all;
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
 * DataSync clients over the account clients: the same AssumeRole credentials (taken from the
 * account's KMS client, as the decide phase's EC2 clients are) and, through `limit()`, the same
 * per-operation rate limit and call counters. One client per account and Region; `destroy()`
 * closes them.
 */
export function dataSyncClientsFrom(accounts: Pick<AccountClients, 'clientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<IDataSyncClient>;
  destroy(): void;
} {
  const clients = new Map<string, DataSyncClient>();
  return {
    async clientFor(accountId, region) {
      const key = `${accountId}/${region}`;
      let sdk = clients.get(key);
      if (!sdk) {
        const { kms } = await accounts.clientsFor(accountId, region);
        if (!(kms instanceof SdkKmsClient))
          throw new Error('the DataSync copy needs SDK-backed account clients');
        sdk = accounts.limit(
          new DataSyncClient({
            region,
            credentials: kms.sdk.config.credentials,
            retryMode: 'adaptive',
            maxAttempts: DEFAULT_MAX_ATTEMPTS,
          }),
          accountId,
          region,
        );
        clients.set(key, sdk);
      }
      return new SdkDataSyncClient(sdk);
    },
    destroy() {
      for (const c of clients.values()) c.destroy();
      clients.clear();
    },
  };
}
