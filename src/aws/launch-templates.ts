import {
  EC2Client,
  paginateDescribeLaunchTemplates,
  paginateDescribeLaunchTemplateVersions,
  type LaunchTemplate,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import { gunzipSync } from 'node:zlib';
import type { AccountClients } from './account-clients.ts';
import { collectPages, pager } from './pages.ts';
import { serviceClientsFrom } from './service-clients.ts';

/** DescribeLaunchTemplates gives 5–200 per page (aws-models/ec2). */
const PAGE_SIZE = 200;
const MAX_PAGES = 1_000;

/**
 * The EC2 launch template reads of consumer discovery over one SDK client. Versions are asked by
 * number or alias (`$Default`, `$Latest`) without a page size: EC2 refuses MaxResults together
 * with a version list.
 */
export class SdkLaunchTemplateClient {
  constructor(readonly sdk: EC2Client) {}

  listLaunchTemplates(): Promise<LaunchTemplate[]> {
    return collectPages(
      paginateDescribeLaunchTemplates(pager(this.sdk, PAGE_SIZE), {}),
      (p) => p.LaunchTemplates,
      { next: (p) => p.NextToken, maxPages: MAX_PAGES },
    );
  }

  /** The versions asked for, with their user data decoded (decodeUserData). */
  async launchTemplateVersions(
    launchTemplateId: string,
    versions: string[],
  ): Promise<LaunchTemplateVersionText[]> {
    const described = await collectPages(
      paginateDescribeLaunchTemplateVersions(pager(this.sdk), {
        LaunchTemplateId: launchTemplateId,
        Versions: versions,
      }),
      (p) => p.LaunchTemplateVersions,
      { next: (p) => p.NextToken, maxPages: MAX_PAGES },
    );
    return described.flatMap((v: LaunchTemplateVersion) =>
      v.VersionNumber === undefined
        ? []
        : [{ versionNumber: v.VersionNumber, userData: decodeUserData(v.LaunchTemplateData?.UserData) }],
    );
  }
}

/** One launch template version as discovery reads it: its number and its user data as text. */
export interface LaunchTemplateVersionText {
  versionNumber: number;
  userData: string;
}

/**
 * User data as text: EC2 returns it base64-encoded, and cloud-init also accepts it gzip-compressed
 * (then base64), which a mount line inside would otherwise hide.
 */
export function decodeUserData(base64: string | undefined): string {
  if (!base64) return '';
  const bytes = Buffer.from(base64, 'base64');
  const gzipped = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Launch template clients over the account clients' credentials, rate limit and call counters. */
export function launchTemplateClientsFrom(accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>): {
  clientFor(accountId: string, region: string): Promise<SdkLaunchTemplateClient>;
  destroy(): void;
} {
  const clients = serviceClientsFrom(accounts, (config) => new EC2Client(config));
  return {
    clientFor: async (accountId, region) =>
      new SdkLaunchTemplateClient(await clients.clientFor(accountId, region)),
    destroy: clients.destroy,
  };
}
