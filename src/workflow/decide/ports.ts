import type { KeyChoiceEntry, KeyLookup, NetworkFacts } from '../../domain/decision.ts';

/**
 * What the decide phase reads from AWS, declared here by the phase that calls it. The adapters in
 * src/aws (createKeyDirectory, createNetworkDirectory) match these structurally; the composition
 * root (src/cli) hands them in, and TypeScript checks the fit there.
 */

export interface Where {
  accountId: string;
  region: string;
}

export interface KeyDirectory {
  /** Resolves a key ID, key ARN, alias name or alias ARN as the file system's account sees it. */
  lookup(ref: string, where: Where): Promise<KeyLookup>;
  /** The customer-managed keys of an account and region, aliases and state included. */
  listCustomerKeys(where: Where): Promise<KeyChoiceEntry[]>;
}

export type KnownMountTarget = NetworkFacts['mountTargets'][number];

export interface NetworkDirectory {
  /** The source's mount targets as they are now, with their subnets and security group rules. */
  describe(fs: { accountId: string; region: string; fileSystemId: string }): Promise<NetworkFacts>;
  /**
   * Mount targets already known (from a scan), with their subnets and security-group rules read
   * now: one DescribeSubnets and one DescribeSecurityGroups for all of them, no EFS call. The plan
   * modal checks a whole page this way inside Slack's 3 seconds, even while a scan keeps the EFS
   * rate limits busy.
   */
  describeKnown(where: Where, mountTargets: KnownMountTarget[]): Promise<NetworkFacts>;
}

export type { KeyChoiceEntry };
