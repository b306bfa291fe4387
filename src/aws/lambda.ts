import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListTagsCommand,
  paginateListAliases,
  paginateListFunctions,
  paginateListVersionsByFunction,
  type AliasConfiguration,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import type { AccountClients } from './account-clients.ts';
import { collectPages, pager } from './pages.ts';
import { serviceClientsFrom } from './service-clients.ts';

/** Lambda's listings return at most 50 items per page whatever MaxItems asks. */
const PAGE_SIZE = 50;
const MAX_PAGES = 1_000;

/**
 * The Lambda reads of consumer discovery over one SDK client, listings followed with the SDK's
 * paginators (Marker/NextMarker). ListFunctions and ListVersionsByFunction return each version's
 * whole configuration, FileSystemConfigs included, so GetFunctionConfiguration is only for a
 * version an alias names that the listing did not return.
 */
export class SdkLambdaClient {
  constructor(readonly sdk: LambdaClient) {}

  /** `$LATEST` of every function. */
  listFunctions(): Promise<FunctionConfiguration[]> {
    return collectPages(paginateListFunctions(pager(this.sdk, PAGE_SIZE), {}), (p) => p.Functions, {
      next: (p) => p.NextMarker,
      maxPages: MAX_PAGES,
    });
  }

  listVersions(functionName: string): Promise<FunctionConfiguration[]> {
    return collectPages(
      paginateListVersionsByFunction(pager(this.sdk, PAGE_SIZE), { FunctionName: functionName }),
      (p) => p.Versions,
      { next: (p) => p.NextMarker, maxPages: MAX_PAGES },
    );
  }

  listAliases(functionName: string): Promise<AliasConfiguration[]> {
    return collectPages(
      paginateListAliases(pager(this.sdk, PAGE_SIZE), { FunctionName: functionName }),
      (p) => p.Aliases,
      { next: (p) => p.NextMarker, maxPages: MAX_PAGES },
    );
  }

  /** The function's tags (Lambda tags functions only, not versions or aliases). */
  async listTags(functionArn: string): Promise<Record<string, string>> {
    return (await this.sdk.send(new ListTagsCommand({ Resource: functionArn }))).Tags ?? {};
  }

  getFunctionConfiguration(functionName: string, qualifier: string): Promise<FunctionConfiguration> {
    return this.sdk.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: qualifier }),
    );
  }
}

/** Lambda clients over the account clients' credentials, rate limit and call counters. */
export function lambdaClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkLambdaClient>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new LambdaClient(config));
  return {
    clientFor: async (accountId, region) => new SdkLambdaClient(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
