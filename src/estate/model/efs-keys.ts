/**
 * How EFS resolves the KMS key of an encrypted file system: a key ID, key ARN, alias name or alias
 * ARN (CreateFileSystemRequest.KmsKeyId in the EFS model); no key means the AWS-managed
 * `aws/elasticfilesystem` key, which AWS creates in the account and Region on first use.
 */
import { AWS_EFS_ALIAS, ensureAwsManagedEfsKey, findKey } from '../normalise.ts';
import type { EstateKey } from '../types.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

type Where = Pick<CallContext, 'accountId' | 'region'>;

/** The key a reference names, looking in the account and Region its ARN names; undefined if none. */
export function resolveKey(model: EstateModel, where: Where, ref: string | undefined): EstateKey | undefined {
  if (ref === undefined || ref === AWS_EFS_ALIAS) return awsManagedEfsKey(model, where);
  const m = /^arn:aws[a-z-]*:kms:([^:]+):(\d{12}):(.+)$/.exec(ref);
  const owner = m ? { region: m[1]!, accountId: m[2]! } : where;
  // The alias ARN names the AWS-managed key as surely as the alias does (the plan records it so
  // before the key exists), and AWS creates the key on that first use too; only the caller's own
  // account and Region have one (an AWS-managed key is never shared).
  if (m?.[3] === AWS_EFS_ALIAS && owner.accountId === where.accountId && owner.region === where.region)
    return awsManagedEfsKey(model, owner);
  return findKey(model.region(owner).keys, ref, owner.region, owner.accountId);
}

export function awsManagedEfsKey(model: EstateModel, where: Where): EstateKey {
  return ensureAwsManagedEfsKey(model.region(where).keys, where.accountId, where.region);
}

/** Why EFS cannot encrypt with this key, or undefined when it can. */
export function unusableKeyReason(key: EstateKey): string | undefined {
  if (key.KeyState !== 'Enabled') return `KMS key ${key.Arn} is ${key.KeyState}`;
  if (
    (key.KeySpec ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT' ||
    (key.KeyUsage ?? 'ENCRYPT_DECRYPT') !== 'ENCRYPT_DECRYPT'
  )
    return `KMS key ${key.Arn} is not a symmetric encryption key; EFS accepts only symmetric keys`;
  return undefined;
}
