/**
 * The estate file as written by a person or pasted from `aws ... describe-*` output: zod schemas
 * that use AWS's own member names and enums (taken from the SDK, so they never drift from it).
 * Objects are strict so that a misspelled member is refused with its path instead of silently
 * vanishing, as the SDK would do. Everything the defaults can fill is optional here.
 */
import { backupVaultInput } from './schema-backup.ts';
import { z } from 'zod';
import {
  LifeCycleState,
  PerformanceMode,
  ReplicationOverwriteProtection,
  ReplicationStatus,
  Status,
  ThroughputMode,
  TransitionToArchiveRules,
  TransitionToIARules,
  TransitionToPrimaryStorageClassRules,
} from '@aws-sdk/client-efs';
import {
  CustomerMasterKeySpec,
  EncryptionAlgorithmSpec,
  ExpirationModelType,
  KeyManagerType,
  KeySpec,
  KeyState,
  KeyAgreementAlgorithmSpec,
  KeyUsageType,
  MacAlgorithmSpec,
  OriginType,
  SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { AccountJoinedMethod, AccountState, AccountStatus } from '@aws-sdk/client-organizations';
import { lambdaRegionInput } from './schema-lambda.ts';
import { ecsRegionInput } from './ecs-schema.ts';
import { autoScalingGroupInput, launchTemplateInput } from './schema-auto-scaling.ts';

const enumOf = <T extends Record<string, string>>(values: T) =>
  z.enum(Object.values(values) as [T[keyof T], ...T[keyof T][]]);

/** Dates as the CLI prints them (ISO 8601) or as the JSON protocols send them (epoch seconds). */
export const awsDate = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a date: use ISO 8601 (2024-05-01T12:00:00Z) or epoch seconds`,
    });
    return z.NEVER;
  }
  return date;
});

export const accountIdSchema = z.string().regex(/^\d{12}$/, 'an AWS account ID is 12 digits');
const regionName = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name looks like eu-west-1');
const tag = z.strictObject({ Key: z.string().min(1), Value: z.string() });
const tags = z.array(tag);
const fileSystemId = z
  .string()
  .regex(/^fs-[0-9a-f]{8,40}$/, 'a file system ID looks like fs-0123456789abcdef0');

const mountTarget = z.strictObject({
  OwnerId: accountIdSchema.optional(),
  MountTargetId: z
    .string()
    .regex(/^fsmt-[0-9a-f]{8,40}$/, 'a mount target ID looks like fsmt-0123456789abcdef0')
    .optional(),
  FileSystemId: fileSystemId.optional(),
  SubnetId: z.string().regex(/^subnet-[0-9a-f]{8,40}$/, 'a subnet ID looks like subnet-0123456789abcdef0'),
  LifeCycleState: enumOf(LifeCycleState).optional(),
  IpAddress: z.string().optional(),
  Ipv6Address: z.string().optional(),
  NetworkInterfaceId: z.string().optional(),
  AvailabilityZoneId: z.string().optional(),
  AvailabilityZoneName: z.string().optional(),
  VpcId: z.string().optional(),
  /** Not part of MountTargetDescription: DescribeMountTargetSecurityGroups answers with these. */
  SecurityGroups: z
    .array(z.string().regex(/^sg-[0-9a-f]{8,40}$/, 'a security group ID looks like sg-0123456789abcdef0'))
    .min(1)
    .max(5)
    .optional(),
});

const accessPoint = z.strictObject({
  ClientToken: z.string().optional(),
  Name: z.string().optional(),
  Tags: tags.optional(),
  AccessPointId: z
    .string()
    .regex(/^fsap-[0-9a-f]{8,40}$/, 'an access point ID looks like fsap-0123456789abcdef0')
    .optional(),
  AccessPointArn: z.string().optional(),
  FileSystemId: fileSystemId.optional(),
  PosixUser: z
    .strictObject({
      Uid: z.number().int().min(0),
      Gid: z.number().int().min(0),
      SecondaryGids: z.array(z.number().int().min(0)).optional(),
    })
    .optional(),
  RootDirectory: z
    .strictObject({
      Path: z.string().startsWith('/').optional(),
      CreationInfo: z
        .strictObject({
          OwnerUid: z.number().int().min(0),
          OwnerGid: z.number().int().min(0),
          Permissions: z.string().regex(/^[0-7]{3,4}$/),
        })
        .optional(),
    })
    .optional(),
  OwnerId: accountIdSchema.optional(),
  LifeCycleState: enumOf(LifeCycleState).optional(),
});

const destination = z.strictObject({
  Status: enumOf(ReplicationStatus).optional(),
  FileSystemId: fileSystemId,
  Region: regionName,
  LastReplicatedTimestamp: awsDate.optional(),
  OwnerId: accountIdSchema.optional(),
  StatusMessage: z.string().optional(),
  RoleArn: z.string().optional(),
});

const replication = z.strictObject({
  SourceFileSystemId: fileSystemId.optional(),
  SourceFileSystemRegion: regionName.optional(),
  SourceFileSystemArn: z.string().optional(),
  OriginalSourceFileSystemArn: z.string().optional(),
  CreationTime: awsDate.optional(),
  Destinations: z.array(destination).min(1),
  SourceFileSystemOwnerId: accountIdSchema.optional(),
});

export const fileSystemInput = z.strictObject({
  OwnerId: accountIdSchema.optional(),
  CreationToken: z.string().min(1).max(64).optional(),
  FileSystemId: fileSystemId.optional(),
  FileSystemArn: z.string().optional(),
  CreationTime: awsDate.optional(),
  LifeCycleState: enumOf(LifeCycleState).optional(),
  Name: z.string().max(256).optional(),
  NumberOfMountTargets: z.number().int().min(0).optional(),
  SizeInBytes: z
    .strictObject({
      Value: z.number().int().min(0),
      Timestamp: awsDate.optional(),
      ValueInIA: z.number().int().min(0).optional(),
      ValueInStandard: z.number().int().min(0).optional(),
      ValueInArchive: z.number().int().min(0).optional(),
    })
    .optional(),
  PerformanceMode: enumOf(PerformanceMode).optional(),
  Encrypted: z.boolean().optional(),
  KmsKeyId: z.string().min(1).optional(),
  ThroughputMode: enumOf(ThroughputMode).optional(),
  ProvisionedThroughputInMibps: z.number().positive().optional(),
  AvailabilityZoneName: z.string().optional(),
  AvailabilityZoneId: z.string().optional(),
  Tags: tags.optional(),
  FileSystemProtection: z
    .strictObject({ ReplicationOverwriteProtection: enumOf(ReplicationOverwriteProtection).optional() })
    .optional(),
  // Estate additions: what the per-file-system Describe* calls answer.
  MountTargets: z.array(mountTarget).optional(),
  AccessPoints: z.array(accessPoint).optional(),
  LifecyclePolicies: z
    .array(
      z.strictObject({
        TransitionToIA: enumOf(TransitionToIARules).optional(),
        TransitionToPrimaryStorageClass: enumOf(TransitionToPrimaryStorageClassRules).optional(),
        TransitionToArchive: enumOf(TransitionToArchiveRules).optional(),
      }),
    )
    .optional(),
  BackupPolicy: z.strictObject({ Status: enumOf(Status) }).optional(),
  Policy: z
    .string()
    .refine((s) => isJson(s), 'Policy must be a JSON policy document serialised as a string')
    .optional(),
  Replications: z.array(replication).optional(),
  /** Estate addition: connected clients and I/O per minute, answered by CloudWatch (AWS/EFS). */
  Activity: z
    .strictObject({
      ClientConnections: z.number().int().min(0),
      TotalIOBytes: z.number().min(0).optional(),
      since: awsDate.optional(),
      until: awsDate.optional(),
    })
    .refine(
      (a) => !a.since || !a.until || a.since.getTime() < a.until.getTime(),
      'Activity.since must be before Activity.until',
    )
    .optional(),
});

export const keyInput = z.strictObject({
  AWSAccountId: accountIdSchema.optional(),
  KeyId: z
    .string()
    .regex(/^(mrk-)?[0-9a-f-]{32,36}$/, 'a key ID is a UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab')
    .optional(),
  Arn: z.string().optional(),
  CreationDate: awsDate.optional(),
  Enabled: z.boolean().optional(),
  Description: z.string().optional(),
  KeyUsage: enumOf(KeyUsageType).optional(),
  KeyState: enumOf(KeyState).optional(),
  DeletionDate: awsDate.optional(),
  ValidTo: awsDate.optional(),
  Origin: enumOf(OriginType).optional(),
  CustomKeyStoreId: z.string().optional(),
  CloudHsmClusterId: z.string().optional(),
  ExpirationModel: enumOf(ExpirationModelType).optional(),
  KeyManager: enumOf(KeyManagerType).optional(),
  CustomerMasterKeySpec: enumOf(CustomerMasterKeySpec).optional(),
  KeySpec: enumOf(KeySpec).optional(),
  EncryptionAlgorithms: z.array(enumOf(EncryptionAlgorithmSpec)).optional(),
  SigningAlgorithms: z.array(enumOf(SigningAlgorithmSpec)).optional(),
  KeyAgreementAlgorithms: z.array(enumOf(KeyAgreementAlgorithmSpec)).optional(),
  MultiRegion: z.boolean().optional(),
  MultiRegionConfiguration: z.unknown().optional(),
  PendingDeletionWindowInDays: z.number().int().min(1).max(365).optional(),
  MacAlgorithms: z.array(enumOf(MacAlgorithmSpec)).optional(),
  XksKeyConfiguration: z.unknown().optional(),
  CurrentKeyMaterialId: z.string().optional(),
  /** Estate addition: alias names pointing at this key. */
  Aliases: z
    .array(z.string().regex(/^alias\/[a-zA-Z0-9/_-]+$/, 'an alias name looks like alias/payments-efs'))
    .optional(),
});

// EC2 shapes: the members the estate reads are typed; the rarer ones (IPv6, encryption control,
// block public access) are listed so pasted CLI output is accepted and passed through as given.
const passThrough = z.unknown().optional();

export const vpcInput = z.strictObject({
  OwnerId: accountIdSchema.optional(),
  InstanceTenancy: z.enum(['default', 'dedicated', 'host']).optional(),
  Ipv6CidrBlockAssociationSet: passThrough,
  CidrBlockAssociationSet: passThrough,
  IsDefault: z.boolean().optional(),
  EncryptionControl: passThrough,
  Tags: tags.optional(),
  BlockPublicAccessStates: passThrough,
  VpcId: z
    .string()
    .regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC ID looks like vpc-0123456789abcdef0')
    .optional(),
  State: z.enum(['pending', 'available']).optional(),
  CidrBlock: z.string().optional(),
  DhcpOptionsId: z.string().optional(),
});

export const subnetInput = z.strictObject({
  AvailabilityZoneId: z.string().optional(),
  EnableLniAtDeviceIndex: z.number().int().optional(),
  MapCustomerOwnedIpOnLaunch: z.boolean().optional(),
  CustomerOwnedIpv4Pool: z.string().optional(),
  OwnerId: accountIdSchema.optional(),
  AssignIpv6AddressOnCreation: z.boolean().optional(),
  Ipv6CidrBlockAssociationSet: passThrough,
  Tags: tags.optional(),
  SubnetArn: z.string().optional(),
  OutpostArn: z.string().optional(),
  EnableDns64: z.boolean().optional(),
  Ipv6Native: z.boolean().optional(),
  PrivateDnsNameOptionsOnLaunch: passThrough,
  BlockPublicAccessStates: passThrough,
  Type: z.string().optional(),
  SubnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0'),
  State: z.enum(['pending', 'available', 'unavailable', 'failed', 'failed-insufficient-capacity']).optional(),
  VpcId: z.string().optional(),
  CidrBlock: z.string().optional(),
  AvailableIpAddressCount: z.number().int().min(0).optional(),
  AvailabilityZone: z.string().min(1),
  DefaultForAz: z.boolean().optional(),
  MapPublicIpOnLaunch: z.boolean().optional(),
});

export const securityGroupInput = z.strictObject({
  GroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group ID looks like sg-0123456789abcdef0'),
  IpPermissionsEgress: passThrough,
  Tags: tags.optional(),
  VpcId: z.string().optional(),
  SecurityGroupArn: z.string().optional(),
  OwnerId: accountIdSchema.optional(),
  GroupName: z.string().min(1),
  Description: z.string().optional(),
  IpPermissions: passThrough,
});

const regionInput = z.strictObject({
  fileSystems: z.array(fileSystemInput).optional(),
  keys: z.array(keyInput).optional(),
  vpcs: z.array(vpcInput).optional(),
  subnets: z.array(subnetInput).optional(),
  securityGroups: z.array(securityGroupInput).optional(),
  /** Lambda functions with their versions and aliases (schema-lambda.ts). */
  lambda: lambdaRegionInput.optional(),
  /** Clusters, task definitions and services (ecs-schema.ts). */
  ecs: ecsRegionInput.optional(),
  launchTemplates: z.array(launchTemplateInput).optional(),
  autoScalingGroups: z.array(autoScalingGroupInput).optional(),
  /** AWS Backup vaults (schema-backup.ts). */
  backupVaults: z.array(backupVaultInput).optional(),
});

// Organizations IDs, with the patterns of aws-models/organizations (OrganizationId, RootId, ParentId).
export const organizationalUnitId = z
  .string()
  .regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'an OU ID looks like ou-abcd-11111111');
const rootId = z.string().regex(/^r-[0-9a-z]{4,32}$/, 'a root ID looks like r-abcd');

/** One account as ListAccounts answers it (so `aws organizations list-accounts` output can be pasted), plus its parent. */
const organizationAccount = z.strictObject({
  Id: accountIdSchema,
  Arn: z.string().optional(),
  Email: z.string().optional(),
  Name: z.string().optional(),
  Status: enumOf(AccountStatus).optional(),
  State: enumOf(AccountState).optional(),
  Paths: z.array(z.string()).optional(),
  JoinedMethod: enumOf(AccountJoinedMethod).optional(),
  JoinedTimestamp: awsDate.optional(),
  /** Estate addition: the OU (or the root) the account sits in; default the root. */
  Parent: z.union([organizationalUnitId, rootId]).optional(),
});

const organizationInput = z.strictObject({
  Id: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, 'an organisation ID looks like o-a1b2c3d4e5')
    .optional(),
  RootId: rootId.optional(),
  /** Default: the estate's callerAccountId. */
  managementAccountId: accountIdSchema.optional(),
  /** Accounts that may list the organisation besides the management account. */
  delegatedAdministrators: z.array(accountIdSchema).optional(),
  /** OUs, each under the root or under another OU (`Parent`, default the root). */
  organizationalUnits: z
    .array(
      z.strictObject({
        Id: organizationalUnitId,
        Name: z.string().min(1),
        Arn: z.string().optional(),
        Parent: z.union([organizationalUnitId, rootId]).optional(),
      }),
    )
    .optional(),
  accounts: z.array(organizationAccount).min(1, 'an organisation has at least its management account'),
});

export const estateFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  callerAccountId: accountIdSchema.optional(),
  accounts: z
    .array(
      z.strictObject({
        accountId: accountIdSchema,
        name: z.string().optional(),
        assumable: z.boolean().optional(),
        regions: z.record(regionName, regionInput),
      }),
    )
    .min(1, 'an estate needs at least one account'),
  /** The AWS Organization the accounts belong to (absent: Organizations answers AWSOrganizationsNotInUseException). */
  organization: organizationInput.optional(),
});

export type EstateFile = z.infer<typeof estateFileSchema>;
export type FileSystemInput = z.infer<typeof fileSystemInput>;
export type KeyInput = z.infer<typeof keyInput>;
export type RegionInput = z.infer<typeof regionInput>;
export type OrganizationInput = z.infer<typeof organizationInput>;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
