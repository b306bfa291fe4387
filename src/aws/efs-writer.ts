import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DescribeFileSystemsCommand,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  TagResourceCommand,
  paginateDescribeAccessPoints,
  paginateDescribeMountTargets,
  type AccessPointDescription,
  type CreateAccessPointCommandInput,
  type CreateFileSystemCommandInput,
  type CreateMountTargetCommandInput,
  type EFSClient,
  type MountTargetDescription,
  type PutBackupPolicyCommandInput,
  type PutFileSystemPolicyCommandInput,
  type PutLifecycleConfigurationCommandInput,
  type TagResourceCommandInput,
} from '@aws-sdk/client-efs';
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { AccountClients } from './account-clients.ts';
import { awsErrorCode } from './aws-errors.ts';
import { PAGE_SIZE } from './efs.ts';
import { collectPages, pager } from './pages.ts';

/**
 * The EFS (and KMS) calls the build makes, over the account's SDK clients. The provision workflow
 * declares them as its port (IEfsWriter, src/workflow/provision/ports.ts); this class matches it
 * structurally. Outputs keep `$metadata`, so the workflow records AWS request IDs in the audit log.
 */
export class SdkEfsWriter {
  constructor(
    readonly efs: EFSClient,
    readonly kms: KMSClient,
  ) {}

  createFileSystem(input: CreateFileSystemCommandInput) {
    return this.efs.send(new CreateFileSystemCommand(input));
  }

  async describeFileSystem(fileSystemId: string) {
    try {
      return (await this.efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId })))
        .FileSystems?.[0];
    } catch (e) {
      if (awsErrorCode(e) === 'FileSystemNotFound') return undefined;
      throw e;
    }
  }

  findByCreationToken(creationToken: string) {
    return this.efs.send(new DescribeFileSystemsCommand({ CreationToken: creationToken }));
  }

  createMountTarget(input: CreateMountTargetCommandInput) {
    return this.efs.send(new CreateMountTargetCommand(input));
  }

  describeMountTargets(fileSystemId: string): Promise<MountTargetDescription[]> {
    // Bounded: a file system has at most one mount target per AZ.
    return collectPages(
      paginateDescribeMountTargets(pager(this.efs, PAGE_SIZE), { FileSystemId: fileSystemId }),
      (p) => p.MountTargets,
      { next: (p) => p.NextMarker, maxPages: 100 },
    );
  }

  createAccessPoint(input: CreateAccessPointCommandInput) {
    return this.efs.send(new CreateAccessPointCommand(input));
  }

  describeAccessPoints(fileSystemId: string): Promise<AccessPointDescription[]> {
    // Bounded: 10,000 access points per file system at most (CreateAccessPoint doc) = 100 pages.
    return collectPages(
      paginateDescribeAccessPoints(pager(this.efs, PAGE_SIZE), { FileSystemId: fileSystemId }),
      (p) => p.AccessPoints,
      { next: (p) => p.NextToken, maxPages: 200 },
    );
  }

  putLifecycleConfiguration(input: PutLifecycleConfigurationCommandInput) {
    return this.efs.send(new PutLifecycleConfigurationCommand(input));
  }

  putBackupPolicy(input: PutBackupPolicyCommandInput) {
    return this.efs.send(new PutBackupPolicyCommand(input));
  }

  putFileSystemPolicy(input: PutFileSystemPolicyCommandInput) {
    return this.efs.send(new PutFileSystemPolicyCommand(input));
  }

  tagResource(input: TagResourceCommandInput) {
    return this.efs.send(new TagResourceCommand(input));
  }

  describeKey(keyId: string) {
    return this.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
  }
}

/**
 * Writers over the account clients: the same AssumeRole credentials, rate limits and retries as
 * the scan (the SDK clients are shared, so the per-operation buckets are too).
 */
export function efsWritersFrom(
  accounts: Pick<AccountClients, 'sdkClientsFor'>,
): (accountId: string, region: string) => Promise<SdkEfsWriter> {
  return async (accountId, region) => {
    const { efs, kms } = await accounts.sdkClientsFor(accountId, region);
    return new SdkEfsWriter(efs, kms);
  };
}

/** The ID EFS names in FileSystemAlreadyExists (CreationToken reuse), if that is the error. */
export function existingFileSystemId(e: unknown): string | undefined {
  return awsErrorCode(e) === 'FileSystemAlreadyExists' ? stringMember(e, 'FileSystemId') : undefined;
}

/** The ID EFS names in AccessPointAlreadyExists (ClientToken reuse), if that is the error. */
export function existingAccessPointId(e: unknown): string | undefined {
  return awsErrorCode(e) === 'AccessPointAlreadyExists' ? stringMember(e, 'AccessPointId') : undefined;
}

function stringMember(e: unknown, name: string): string | undefined {
  const v = (e as Record<string, unknown> | null)?.[name];
  return typeof v === 'string' && v ? v : undefined;
}
