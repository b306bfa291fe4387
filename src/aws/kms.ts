import {
  DescribeKeyCommand,
  paginateListAliases,
  paginateListKeys,
  type AliasListEntry,
  type DescribeKeyCommandOutput,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { collectPages, pager } from './pages.ts';

/**
 * The KMS reads of the bot over one SDK client, listings followed with the SDK's paginators
 * (paginators-1.json: Marker/NextMarker while Truncated). The scan, the key directory and the
 * capture each declare the methods they call; this class matches them structurally.
 */
export class SdkKmsClient {
  constructor(readonly sdk: KMSClient) {}

  describeKey(input: { KeyId: string }): Promise<DescribeKeyCommandOutput> {
    return this.sdk.send(new DescribeKeyCommand(input));
  }

  /** Every alias in the region or, given a key, the aliases of that key. */
  listAliases(keyId?: string): Promise<AliasListEntry[]> {
    return collectPages(
      paginateListAliases(pager(this.sdk, 100), keyId !== undefined ? { KeyId: keyId } : {}),
      (p) => p.Aliases,
      { next: (p) => (p.Truncated ? p.NextMarker : undefined) },
    );
  }

  /** The ID of every key in the region (ListKeys: Limit 1..1000). */
  async listKeyIds(): Promise<string[]> {
    const keys = await collectPages(paginateListKeys(pager(this.sdk, 1000), {}), (p) => p.Keys, {
      next: (p) => (p.Truncated ? p.NextMarker : undefined),
    });
    return keys.flatMap((k) => (k.KeyId ? [k.KeyId] : []));
  }
}
