/** KMS handlers (read side), typed with the SDK's shapes; errors as KMS's JSON 1.1 `__type` codes. */
import type {
  AliasListEntry,
  DescribeKeyRequest,
  DescribeKeyResponse,
  KeyMetadata,
  ListAliasesRequest,
  ListAliasesResponse,
  ListKeysRequest,
  ListKeysResponse,
} from '@aws-sdk/client-kms';
import { arn } from '../ids.ts';
import { AWS_EFS_ALIAS, findKey } from '../normalise.ts';
import type { EstateKey } from '../types.ts';
import { AwsApiError } from './api-error.ts';
import { awsManagedEfsKey } from './efs-keys.ts';
import type { CallContext, EstateModel } from './estate-model.ts';
import { pageOf } from './paging.ts';

export const kmsErrors = {
  notFound: (message: string) => new AwsApiError('NotFoundException', message, 400),
  invalidMarker: () => new AwsApiError('InvalidMarkerException', 'Invalid marker.', 400),
  validation: (message: string) => new AwsApiError('ValidationException', message, 400),
  throttling: () => new AwsApiError('ThrottlingException', 'Rate exceeded', 400),
};

export function keyMetadata(key: EstateKey): KeyMetadata {
  const { Aliases: _aliases, ...metadata } = key;
  return {
    ...metadata,
    EncryptionAlgorithms: metadata.EncryptionAlgorithms && [...metadata.EncryptionAlgorithms],
  };
}

export class KmsService {
  constructor(private readonly model: EstateModel) {}

  private keys(ctx: CallContext): EstateKey[] {
    return this.model.region(ctx).keys;
  }

  private key(ctx: CallContext, ref: string | undefined): EstateKey {
    if (!ref)
      throw kmsErrors.validation(
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
      );
    // DescribeKey on the predefined alias creates the AWS-managed key if EFS has not yet (KMS's
    // DescribeKey documentation; moto does the same), in the caller's own account and Region only.
    if (ref === AWS_EFS_ALIAS || ref === arn.alias(ctx.region, ctx.accountId, AWS_EFS_ALIAS))
      return awsManagedEfsKey(this.model, ctx);
    const key = findKey(this.keys(ctx), ref, ctx.region, ctx.accountId);
    if (key) return key;
    const alias = ref.startsWith('alias/') || ref.includes(':alias/');
    throw kmsErrors.notFound(
      alias
        ? `Alias ${ref.startsWith('arn:') ? ref : arn.alias(ctx.region, ctx.accountId, ref)} is not found.`
        : `Key '${ref.startsWith('arn:') ? ref : arn.key(ctx.region, ctx.accountId, ref)}' does not exist`,
    );
  }

  private paging(scope: string, marker: string | undefined, limit: number | undefined, maxSize: number) {
    return {
      token: marker,
      limit,
      defaultSize: this.model.options.defaultPageSize,
      maxSize,
      scope,
      invalidToken: kmsErrors.invalidMarker,
      invalidLimit: (n: number) =>
        kmsErrors.validation(
          `1 validation error detected: Value '${n}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`,
        ),
    };
  }

  describeKey(ctx: CallContext, input: DescribeKeyRequest): DescribeKeyResponse {
    return { KeyMetadata: keyMetadata(this.key(ctx, input.KeyId)) } satisfies DescribeKeyResponse;
  }

  listAliases(ctx: CallContext, input: ListAliasesRequest): ListAliasesResponse {
    const keys = input.KeyId !== undefined ? [this.key(ctx, input.KeyId)] : this.keys(ctx);
    const entries: AliasListEntry[] = keys.flatMap((k) =>
      k.Aliases.map((name) => ({
        AliasName: name,
        AliasArn: arn.alias(ctx.region, ctx.accountId, name),
        TargetKeyId: k.KeyId,
        ...(k.CreationDate !== undefined
          ? { CreationDate: k.CreationDate, LastUpdatedDate: k.CreationDate }
          : {}),
      })),
    );
    const page = pageOf(entries, this.paging(`aliases:${input.KeyId}`, input.Marker, input.Limit, 100));
    return {
      Aliases: page.items,
      Truncated: page.next !== undefined,
      ...(page.next !== undefined ? { NextMarker: page.next } : {}),
    } satisfies ListAliasesResponse;
  }

  listKeys(ctx: CallContext, input: ListKeysRequest): ListKeysResponse {
    const entries = this.keys(ctx).map((k) => ({ KeyId: k.KeyId, KeyArn: k.Arn }));
    const page = pageOf(entries, this.paging('keys', input.Marker, input.Limit, 1000));
    return {
      Keys: page.items,
      Truncated: page.next !== undefined,
      ...(page.next !== undefined ? { NextMarker: page.next } : {}),
    } satisfies ListKeysResponse;
  }
}
