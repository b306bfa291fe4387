/**
 * The KMS keys a captured region keeps: every key a file system of the region uses (whatever its
 * manager) and every customer-managed key (the candidates a migration can choose). Other
 * AWS-managed keys (aws/ebs, aws/s3…) are left out: no file system uses them and no migration can
 * pick them. Keys are recognised as AWS-managed by their `alias/aws/…` alias before any DescribeKey,
 * which saves one rate-limited call per such key.
 */
import type { AliasListEntry, KeyMetadata } from '@aws-sdk/client-kms';
import pLimit from 'p-limit';
import { summariseAwsError } from '../aws/aws-errors.ts';
import type { CaptureKms, CaptureNotice } from './ports.ts';

export type CapturedKey = KeyMetadata & { Aliases: string[] };

const DESCRIBE_CONCURRENCY = 4;

export interface KeyCaptureInput {
  kms: CaptureKms;
  accountId: string;
  region: string;
  /** The `KmsKeyId` of every encrypted file system in the region. */
  usedKeyRefs: string[];
  notice: CaptureNotice;
}

export async function captureKeys(input: KeyCaptureInput): Promise<CapturedKey[]> {
  const { kms, accountId, region, notice } = input;
  const [aliases, keyIds] = await Promise.all([kms.listAliases(), kms.listKeyIds()]);
  const awsManaged = new Set(
    aliases.filter((a) => a.AliasName?.startsWith('alias/aws/') && a.TargetKeyId).map((a) => a.TargetKeyId!),
  );
  const limit = pLimit(DESCRIBE_CONCURRENCY);
  const byId = new Map<string, KeyMetadata>();

  // Keys in use first: a failure here is reported (the file system would otherwise name a key the file lacks).
  const localRefs = [...new Set(input.usedKeyRefs.filter((ref) => isLocalKeyRef(ref, accountId, region)))];
  await Promise.all(
    localRefs.map((ref) =>
      limit(async () => {
        try {
          const meta = (await kms.describeKey({ KeyId: ref })).KeyMetadata;
          if (meta?.KeyId) byId.set(meta.KeyId, meta);
        } catch (e) {
          const placeholder = unreadableKey(ref, accountId, aliases, e);
          if (placeholder) {
            byId.set(placeholder.KeyId!, placeholder);
            notice(
              `${accountId} ${region}: key ${ref} used by a file system could not be described (${summariseAwsError(e).code}); ` +
                'written as a placeholder in state Unavailable. Give the role kms:DescribeKey on it and capture again for the real state.',
            );
          } else {
            notice(
              `${accountId} ${region}: key ${ref} used by a file system could not be described (${summariseAwsError(e).code}).`,
            );
          }
        }
      }),
    ),
  );

  await Promise.all(
    keyIds
      .filter((id) => !awsManaged.has(id) && !byId.has(id))
      .map((KeyId) =>
        limit(async () => {
          try {
            const meta = (await kms.describeKey({ KeyId })).KeyMetadata;
            if (meta?.KeyId && meta.KeyManager === 'CUSTOMER') byId.set(meta.KeyId, meta);
          } catch (e) {
            notice(
              `${accountId} ${region}: customer key ${KeyId} left out: DescribeKey failed (${summariseAwsError(e).code}).`,
            );
          }
        }),
      ),
  );

  return [...byId.values()].map((meta) => ({
    ...withoutDerived(meta),
    Aliases: aliasesOf(meta.KeyId!, aliases),
  }));
}

/** `Enabled` is derived from `KeyState` when the file is loaded (and must agree with it), so it is not written. */
function withoutDerived(meta: KeyMetadata): KeyMetadata {
  const { Enabled: _enabled, ...rest } = meta;
  return rest;
}

function aliasesOf(keyId: string, aliases: AliasListEntry[]): string[] {
  return aliases
    .filter((a) => a.TargetKeyId === keyId && a.AliasName)
    .map((a) => a.AliasName!)
    .sort();
}

const KMS_ARN = /^arn:aws[a-z-]*:kms:([^:]+):(\d{12}):(key|alias)\/(.+)$/;

/** A key ID, alias or ARN of this account and region (a key elsewhere stays as the file system names it). */
export function isLocalKeyRef(ref: string, accountId: string, region: string): boolean {
  const m = KMS_ARN.exec(ref);
  return !m || (m[1] === region && m[2] === accountId);
}

/**
 * A key a file system names but KMS will not describe (deleted, or the role may not read it). The
 * estate format needs the key of a file system's own region to exist, so it is written with the
 * facts known and the state `Unavailable`, which the inventory flags key-at-risk as it would the
 * real answer. Undefined when the reference names no key ID (an alias that no longer resolves).
 */
function unreadableKey(
  ref: string,
  accountId: string,
  aliases: AliasListEntry[],
  e: unknown,
): KeyMetadata | undefined {
  const m = KMS_ARN.exec(ref);
  const keyId =
    m?.[3] === 'key'
      ? m[4]
      : ref.startsWith('alias/')
        ? aliases.find((a) => a.AliasName === ref)?.TargetKeyId
        : m
          ? aliases.find((a) => a.AliasName === `alias/${m[4]}`)?.TargetKeyId
          : ref;
  if (!keyId) return undefined;
  return {
    KeyId: keyId,
    ...(m?.[3] === 'key' ? { Arn: ref } : {}),
    AWSAccountId: accountId,
    KeyState: 'Unavailable',
    KeyManager: aliasesOf(keyId, aliases).some((a) => a.startsWith('alias/aws/')) ? 'AWS' : 'CUSTOMER',
    Description: `Placeholder written by estate capture: DescribeKey answered ${summariseAwsError(e).code}.`,
  };
}
