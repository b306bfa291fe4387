import {
  AutoScalingClient,
  paginateDescribeAutoScalingGroups,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import type { AccountClients } from './account-clients.ts';
import { collectPages, pager } from './pages.ts';
import { serviceClientsFrom } from './service-clients.ts';

/** DescribeAutoScalingGroups gives at most 100 per page (aws-models/autoscaling MaxRecords). */
const PAGE_SIZE = 100;
const MAX_PAGES = 1_000;

/** The Auto Scaling read of consumer discovery: every group with its instances (IncludeInstances defaults to true). */
export class SdkAutoScalingClient {
  constructor(readonly sdk: AutoScalingClient) {}

  listAutoScalingGroups(): Promise<AutoScalingGroup[]> {
    return collectPages(
      paginateDescribeAutoScalingGroups(pager(this.sdk, PAGE_SIZE), { IncludeInstances: true }),
      (p) => p.AutoScalingGroups,
      { next: (p) => p.NextToken, maxPages: MAX_PAGES },
    );
  }
}

/** Auto Scaling clients over the account clients' credentials, rate limit and call counters. */
export function autoScalingClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkAutoScalingClient>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new AutoScalingClient(config));
  return {
    clientFor: async (accountId, region) =>
      new SdkAutoScalingClient(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
