import {
  DescribeKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  type DescribeKeyCommandOutput,
  type KeyMetadata,
  type KMSClient,
  type ListAliasesCommandInput,
  type ListAliasesCommandOutput,
  type ListKeysCommandInput,
  type ListKeysCommandOutput,
} from '@aws-sdk/client-kms';
import pLimit from 'p-limit';
import { systemClock, type Clock } from '../domain/clock.ts';
import {
  isAwsManagedEfsKeyRef,
  parseKeyReference,
  type KeyFacts,
  type KeyLookup,
} from '../domain/decision.ts';
import { AWS_MANAGED_EFS_KEY_ALIAS } from '../domain/inventory.ts';
import { awsErrorCode, summariseAwsError } from './aws-errors.ts';
import { partitionOf } from './credentials.ts';
import { listAllAliases } from './kms.ts';

/** The KMS calls the key directory makes. */
export interface KmsDirectoryClient {
  describeKey(input: { KeyId: string }): Promise<DescribeKeyCommandOutput>;
  listAliases(input: ListAliasesCommandInput): Promise<ListAliasesCommandOutput>;
  listKeys(input: ListKeysCommandInput): Promise<ListKeysCommandOutput>;
}

export class SdkKmsDirectoryClient implements KmsDirectoryClient {
  constructor(readonly sdk: KMSClient) {}
  describeKey(input: { KeyId: string }) {
    return this.sdk.send(new DescribeKeyCommand(input));
  }
  listAliases(input: ListAliasesCommandInput) {
    return this.sdk.send(new ListAliasesCommand(input));
  }
  listKeys(input: ListKeysCommandInput) {
    return this.sdk.send(new ListKeysCommand(input));
  }
}

export interface Where {
  accountId: string;
  region: string;
}

/** A key a person can pick, as the modal lists it. */
export interface KeyChoiceEntry {
  keyId: string;
  arn: string;
  aliases: string[];
  keyState: string;
  keyManager?: string;
  keySpec?: string;
  keyUsage?: string;
  description?: string;
}

export interface KeyDirectory {
  /** Resolves a key ID, key ARN, alias name or alias ARN as the file system's account sees it. */
  lookup(ref: string, where: Where): Promise<KeyLookup>;
  /** The customer-managed keys of an account and region, aliases and state included. */
  listCustomerKeys(where: Where): Promise<KeyChoiceEntry[]>;
}

export interface KeyDirectoryOptions {
  /** KMS as the file system's account sees it, in `region`. */
  kmsFor(accountId: string, region: string): Promise<KmsDirectoryClient>;
  clock?: Clock;
  /** How long a listing is reused: a select's options are asked for on every keystroke. */
  listTtlMs?: number;
}

const DESCRIBE_CONCURRENCY = 5;

function factsOf(meta: KeyMetadata, fallbackRegion: string, aliases: string[], fsAccount: string): KeyFacts {
  const arn = meta.Arn ?? '';
  const region = arn.split(':')[3] || fallbackRegion;
  const accountId = meta.AWSAccountId ?? arn.split(':')[4] ?? '';
  return {
    keyId: meta.KeyId ?? '',
    arn,
    accountId,
    region,
    keyState: meta.KeyState ?? (meta.Enabled ? 'Enabled' : 'Disabled'),
    keySpec: meta.KeySpec ?? meta.CustomerMasterKeySpec,
    keyUsage: meta.KeyUsage,
    keyManager: meta.KeyManager,
    aliases,
    deletionDate: meta.DeletionDate?.toISOString(),
    // KMS answers DescribeKey for another account's key only when that key's policy (or a grant)
    // gives the caller's account access; having an answer is the fact the rule needs.
    crossAccountAccess: accountId !== fsAccount ? true : undefined,
  };
}

export function createKeyDirectory(options: KeyDirectoryOptions): KeyDirectory {
  const clock = options.clock ?? systemClock;
  const ttl = options.listTtlMs ?? 60_000;
  const listings = new Map<string, { at: number; keys: Promise<KeyChoiceEntry[]> }>();

  async function aliasesOf(kms: KmsDirectoryClient, keyId: string): Promise<string[]> {
    try {
      const out = await kms.listAliases({ KeyId: keyId });
      return (out.Aliases ?? []).flatMap((a) => (a.AliasName ? [a.AliasName] : [])).sort();
    } catch {
      // Aliases only decorate the answer; the key's own metadata decides.
      return [];
    }
  }

  async function lookup(input: string, where: Where): Promise<KeyLookup> {
    const ref = parseKeyReference(input);
    if ('error' in ref) return { kind: 'invalid', reason: ref.error };
    // An ARN names its region; everything else is resolved in the file system's own region.
    const region = 'region' in ref ? ref.region : where.region;
    try {
      const kms = await options.kmsFor(where.accountId, region);
      const { KeyMetadata: meta } = await kms.describeKey({ KeyId: ref.value });
      if (!meta) return { kind: 'not-found', ref: ref.value, accountId: where.accountId, region };
      const sameAccount = (meta.AWSAccountId ?? where.accountId) === where.accountId;
      const aliases =
        sameAccount && meta.KeyId
          ? await aliasesOf(kms, meta.KeyId)
          : ref.kind === 'alias'
            ? [ref.value]
            : [];
      return { kind: 'found', key: factsOf(meta, region, aliases, where.accountId) };
    } catch (e) {
      if (awsErrorCode(e) === 'NotFoundException') {
        if (isAwsManagedEfsKeyRef(ref, where.accountId, where.region))
          return {
            kind: 'aws-managed-not-yet-created',
            aliasArn: `arn:${partitionOf(where.region)}:kms:${where.region}:${where.accountId}:${AWS_MANAGED_EFS_KEY_ALIAS}`,
          };
        return {
          kind: 'not-found',
          ref: ref.value,
          accountId: 'accountId' in ref ? ref.accountId : where.accountId,
          region,
        };
      }
      const s = summariseAwsError(e);
      return { kind: 'unreadable', ref: ref.value, code: s.code, message: s.message };
    }
  }

  async function list(where: Where): Promise<KeyChoiceEntry[]> {
    const kms = await options.kmsFor(where.accountId, where.region);
    const ids: string[] = [];
    const seen = new Set<string>();
    let Marker: string | undefined;
    for (;;) {
      const out = await kms.listKeys({ Marker, Limit: 1000 });
      for (const k of out.Keys ?? []) if (k.KeyId) ids.push(k.KeyId);
      if (!out.Truncated || !out.NextMarker || seen.has(out.NextMarker)) break;
      seen.add(out.NextMarker);
      Marker = out.NextMarker;
    }
    const aliases = await listAllAliases(kms);
    const limit = pLimit(DESCRIBE_CONCURRENCY);
    const metas = await Promise.all(
      ids.map((KeyId) => limit(() => kms.describeKey({ KeyId }).then((o) => o.KeyMetadata))),
    );
    return metas
      .filter((m): m is KeyMetadata => m?.KeyManager === 'CUSTOMER' && !!m.KeyId && !!m.Arn)
      .map((m) => ({
        keyId: m.KeyId!,
        arn: m.Arn!,
        aliases: aliases
          .filter((a) => a.TargetKeyId === m.KeyId && a.AliasName)
          .map((a) => a.AliasName!)
          .sort(),
        keyState: m.KeyState ?? 'Unknown',
        keyManager: m.KeyManager,
        keySpec: m.KeySpec,
        keyUsage: m.KeyUsage,
        description: m.Description,
      }))
      .sort((a, b) => (a.aliases[0] ?? `~${a.keyId}`).localeCompare(b.aliases[0] ?? `~${b.keyId}`));
  }

  return {
    lookup,
    listCustomerKeys(where) {
      const key = `${where.accountId}/${where.region}`;
      const now = clock.now().getTime();
      const cached = listings.get(key);
      if (cached && now - cached.at < ttl) return cached.keys;
      const keys = list(where);
      // A failure is not cached (the next call lists again); the caller still gets the rejection.
      keys.catch(() => listings.delete(key));
      listings.set(key, { at: now, keys });
      return keys;
    },
  };
}
