import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  TagResourceCommand,
  type AccessPointDescription,
  type CreateAccessPointCommandInput,
  type CreateAccessPointCommandOutput,
  type CreateFileSystemCommandInput,
  type CreateFileSystemCommandOutput,
  type CreateMountTargetCommandInput,
  type CreateMountTargetCommandOutput,
  type DescribeFileSystemsCommandOutput,
  type EFSClient,
  type FileSystemDescription,
  type MountTargetDescription,
  type PutBackupPolicyCommandInput,
  type PutBackupPolicyCommandOutput,
  type PutFileSystemPolicyCommandInput,
  type PutFileSystemPolicyCommandOutput,
  type PutLifecycleConfigurationCommandInput,
  type PutLifecycleConfigurationCommandOutput,
  type TagResourceCommandInput,
  type TagResourceCommandOutput,
} from '@aws-sdk/client-efs';
import { DescribeKeyCommand, type DescribeKeyCommandOutput, type KMSClient } from '@aws-sdk/client-kms';
import type { AccountClients } from './account-clients.ts';
import { awsErrorCode } from './aws-errors.ts';
import { PAGE_SIZE, SdkEfsClient } from './efs.ts';
import { SdkKmsClient } from './kms.ts';

/**
 * The EFS (and KMS) calls the build makes, as a narrow interface: the build workflow depends on
 * this, tests substitute the SDK's wire with the local estate or aws-sdk-client-mock. Outputs keep
 * `$metadata`, so the workflow records AWS request IDs in the audit log.
 */
export interface IEfsWriter {
  createFileSystem(input: CreateFileSystemCommandInput): Promise<CreateFileSystemCommandOutput>;
  /** The file system, or undefined when EFS says FileSystemNotFound. */
  describeFileSystem(fileSystemId: string): Promise<FileSystemDescription | undefined>;
  /** Every file system with this creation token (at most one, by EFS's idempotency). */
  findByCreationToken(creationToken: string): Promise<DescribeFileSystemsCommandOutput>;
  createMountTarget(input: CreateMountTargetCommandInput): Promise<CreateMountTargetCommandOutput>;
  describeMountTargets(fileSystemId: string): Promise<MountTargetDescription[]>;
  createAccessPoint(input: CreateAccessPointCommandInput): Promise<CreateAccessPointCommandOutput>;
  describeAccessPoints(fileSystemId: string): Promise<AccessPointDescription[]>;
  putLifecycleConfiguration(
    input: PutLifecycleConfigurationCommandInput,
  ): Promise<PutLifecycleConfigurationCommandOutput>;
  putBackupPolicy(input: PutBackupPolicyCommandInput): Promise<PutBackupPolicyCommandOutput>;
  putFileSystemPolicy(input: PutFileSystemPolicyCommandInput): Promise<PutFileSystemPolicyCommandOutput>;
  tagResource(input: TagResourceCommandInput): Promise<TagResourceCommandOutput>;
  /** KMS DescribeKey, through the same account's credentials: the key must be Enabled. */
  describeKey(keyId: string): Promise<DescribeKeyCommandOutput>;
}

export class SdkEfsWriter implements IEfsWriter {
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

  async describeMountTargets(fileSystemId: string) {
    const all: MountTargetDescription[] = [];
    let Marker: string | undefined;
    // Bounded: a file system has at most one mount target per AZ.
    for (let page = 0; page < 100; page++) {
      const out = await this.efs.send(
        new DescribeMountTargetsCommand({ FileSystemId: fileSystemId, Marker, MaxItems: PAGE_SIZE }),
      );
      all.push(...(out.MountTargets ?? []));
      if (!out.NextMarker || out.NextMarker === Marker) break;
      Marker = out.NextMarker;
    }
    return all;
  }

  createAccessPoint(input: CreateAccessPointCommandInput) {
    return this.efs.send(new CreateAccessPointCommand(input));
  }

  async describeAccessPoints(fileSystemId: string) {
    const all: AccessPointDescription[] = [];
    let NextToken: string | undefined;
    // Bounded: 10,000 access points per file system at most (CreateAccessPoint doc) = 100 pages.
    for (let page = 0; page < 200; page++) {
      const out = await this.efs.send(
        new DescribeAccessPointsCommand({ FileSystemId: fileSystemId, NextToken, MaxResults: PAGE_SIZE }),
      );
      all.push(...(out.AccessPoints ?? []));
      if (!out.NextToken || out.NextToken === NextToken) break;
      NextToken = out.NextToken;
    }
    return all;
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
  accounts: Pick<AccountClients, 'clientsFor'>,
): (accountId: string, region: string) => Promise<IEfsWriter> {
  return async (accountId, region) => {
    const { efs, kms } = await accounts.clientsFor(accountId, region);
    if (!(efs instanceof SdkEfsClient) || !(kms instanceof SdkKmsClient))
      throw new Error('the build needs SDK-backed account clients');
    return new SdkEfsWriter(efs.sdk, kms.sdk);
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
