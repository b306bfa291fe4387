import type { AliasListEntry } from '@aws-sdk/client-kms';
import { awsErrorCode, summariseAwsError } from '../../aws/aws-errors.ts';
import type { KeyManager } from '../../domain/inventory.ts';
import type { ScanKms } from './ports.ts';

export interface ReadError {
  operation: string;
  code: string;
  message: string;
}

/** What the scan knows about one KMS key; `errors` says what could not be read. */
export interface KeyInfo {
  keyId?: string;
  keyArn?: string;
  keyManager?: KeyManager;
  keyState?: string;
  deletionDate?: string;
  aliases: string[];
  errors: ReadError[];
}

/**
 * KMS `NotFoundException` on a file system's key: the key is gone (or not visible to us), and
 * EFS cannot use a key it cannot find, so it is reported as a state that flags key-at-risk.
 */
export const KEY_NOT_FOUND_STATE = 'NotFound';

export interface KeyResolver {
  resolve(kmsKeyId: string): Promise<KeyInfo>;
}

/**
 * One per account and region: ListAliases once, DescribeKey once per distinct key, however many
 * file systems share it. Failures are reported on the key, never thrown: a file system whose key
 * cannot be read is still inventoried with what is known.
 */
export function createKeyResolver(kms: ScanKms): KeyResolver {
  let aliases: Promise<AliasListEntry[] | { error: ReadError }> | undefined;
  const keys = new Map<string, Promise<KeyInfo>>();

  const loadAliases = () =>
    (aliases ??= kms.listAliases().catch((e: unknown) => {
      const s = summariseAwsError(e);
      return { error: { operation: 'ListAliases', code: s.code, message: s.message } };
    }));

  async function describe(kmsKeyId: string): Promise<KeyInfo> {
    const aliasList = await loadAliases();
    const aliasErrors = Array.isArray(aliasList) ? [] : [aliasList.error];
    const aliasesOf = (keyId: string | undefined) =>
      Array.isArray(aliasList) && keyId
        ? aliasList
            .filter((a) => a.TargetKeyId === keyId && a.AliasName)
            .map((a) => a.AliasName as string)
            .sort()
        : [];

    try {
      const { KeyMetadata: meta } = await kms.describeKey({ KeyId: kmsKeyId });
      return {
        keyId: meta?.KeyId,
        keyArn: meta?.Arn,
        keyManager: meta?.KeyManager,
        keyState: meta?.KeyState,
        ...(meta?.DeletionDate ? { deletionDate: meta.DeletionDate.toISOString() } : {}),
        aliases: aliasesOf(meta?.KeyId),
        errors: aliasErrors,
      };
    } catch (e) {
      const s = summariseAwsError(e);
      const keyId = keyIdFrom(kmsKeyId);
      return {
        keyId,
        keyArn: kmsKeyId.startsWith('arn:') && kmsKeyId.includes(':key/') ? kmsKeyId : undefined,
        keyState: awsErrorCode(e) === 'NotFoundException' ? KEY_NOT_FOUND_STATE : undefined,
        aliases: aliasesOf(keyId),
        errors: [...aliasErrors, { operation: 'DescribeKey', code: s.code, message: s.message }],
      };
    }
  }

  return {
    resolve(kmsKeyId) {
      let info = keys.get(kmsKeyId);
      if (!info) {
        info = describe(kmsKeyId);
        keys.set(kmsKeyId, info);
      }
      return info;
    },
  };
}

/** The bare key ID from a key ARN (`arn:aws:kms:r:a:key/<id>`) or an ID; aliases give none. */
function keyIdFrom(kmsKeyId: string): string | undefined {
  if (kmsKeyId.startsWith('arn:')) {
    const resource = kmsKeyId.split(':').slice(5).join(':');
    return resource.startsWith('key/') ? resource.slice(4) : undefined;
  }
  return kmsKeyId.startsWith('alias/') ? undefined : kmsKeyId;
}
