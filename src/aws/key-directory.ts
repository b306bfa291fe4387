import type { AliasListEntry, DescribeKeyCommandOutput, KeyMetadata } from '@aws-sdk/client-kms';
import pLimit from 'p-limit';
import { systemClock, type Clock } from '../domain/clock.ts';
import {
  isAwsManagedEfsKeyRef,
  parseKeyReference,
  type KeyChoiceEntry,
  type KeyFacts,
  type KeyLookup,
} from '../domain/decision.ts';
import { AWS_MANAGED_EFS_KEY_ALIAS } from '../domain/inventory.ts';
import { awsErrorCode, summariseAwsError } from './aws-errors.ts';
import { partitionOf } from './credentials.ts';

/** The KMS reads the key directory makes (SdkKmsClient has them, listings paginated). */
export interface KeyReads {
  describeKey(input: { KeyId: string }): Promise<DescribeKeyCommandOutput>;
  listAliases(keyId?: string): Promise<AliasListEntry[]>;
  listKeyIds(): Promise<string[]>;
}

interface Where {
  accountId: string;
  region: string;
}

export interface KeyDirectoryOptions {
  /** KMS as the file system's account sees it, in `region`. */
  kmsFor(accountId: string, region: string): Promise<KeyReads>;
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

/** Key lookups and listings as the decide phase's KeyDirectory port asks for them. */
export function createKeyDirectory(options: KeyDirectoryOptions): {
  lookup(ref: string, where: Where): Promise<KeyLookup>;
  listCustomerKeys(where: Where): Promise<KeyChoiceEntry[]>;
} {
  const clock = options.clock ?? systemClock;
  const ttl = options.listTtlMs ?? 60_000;
  const listings = new Map<string, { at: number; keys: Promise<KeyChoiceEntry[]> }>();

  async function aliasesOf(kms: KeyReads, keyId: string): Promise<string[]> {
    try {
      return (await kms.listAliases(keyId)).flatMap((a) => (a.AliasName ? [a.AliasName] : [])).sort();
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
    const ids = await kms.listKeyIds();
    const aliases = await kms.listAliases();
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
