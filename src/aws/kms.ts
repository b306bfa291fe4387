import {
  DescribeKeyCommand,
  ListAliasesCommand,
  type AliasListEntry,
  type DescribeKeyCommandOutput,
  type KMSClient,
  type ListAliasesCommandInput,
  type ListAliasesCommandOutput,
} from '@aws-sdk/client-kms';

/** The KMS calls the bot makes. */
export interface IKmsClient {
  describeKey(input: { KeyId: string }): Promise<DescribeKeyCommandOutput>;
  listAliases(input: ListAliasesCommandInput): Promise<ListAliasesCommandOutput>;
}

export class SdkKmsClient implements IKmsClient {
  constructor(readonly sdk: KMSClient) {}
  describeKey(input: { KeyId: string }) {
    return this.sdk.send(new DescribeKeyCommand(input));
  }
  listAliases(input: ListAliasesCommandInput) {
    return this.sdk.send(new ListAliasesCommand(input));
  }
}

/** Every alias in the region (paginators-1.json: Marker/NextMarker while Truncated). */
export async function listAllAliases(kms: IKmsClient): Promise<AliasListEntry[]> {
  const all: AliasListEntry[] = [];
  const seen = new Set<string>();
  let Marker: string | undefined;
  for (;;) {
    const out = await kms.listAliases({ Marker, Limit: 100 });
    all.push(...(out.Aliases ?? []));
    if (!out.Truncated || !out.NextMarker || seen.has(out.NextMarker)) return all;
    seen.add(out.NextMarker);
    Marker = out.NextMarker;
  }
}
