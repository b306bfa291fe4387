import type {
  AccessPointDescription,
  CreateAccessPointCommandInput,
  CreateAccessPointCommandOutput,
  CreateFileSystemCommandInput,
  CreateFileSystemCommandOutput,
  CreateMountTargetCommandInput,
  CreateMountTargetCommandOutput,
  DescribeFileSystemsCommandOutput,
  FileSystemDescription,
  MountTargetDescription,
  PutBackupPolicyCommandInput,
  PutBackupPolicyCommandOutput,
  PutFileSystemPolicyCommandInput,
  PutFileSystemPolicyCommandOutput,
  PutLifecycleConfigurationCommandInput,
  PutLifecycleConfigurationCommandOutput,
  TagResourceCommandInput,
  TagResourceCommandOutput,
} from '@aws-sdk/client-efs';
import type { DescribeKeyCommandOutput } from '@aws-sdk/client-kms';

/**
 * The EFS (and KMS) calls the build makes, as a narrow interface owned by the build: src/aws's
 * SdkEfsWriter matches it structurally (src/aws does not import workflows), and the composition
 * root hands one in per account and region. Tests substitute the SDK's wire with the local estate
 * or aws-sdk-client-mock. Outputs keep `$metadata`, so the workflow records AWS request IDs in the
 * audit log. Listings come back whole: the adapter pages with the SDK's paginators.
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
