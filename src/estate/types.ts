/**
 * The estate after loading: every object typed with the AWS SDK's own output shapes, with the
 * defaults filled in. The server builds its mutable model from this value; nothing here does I/O.
 */
import type {
  AccessPointDescription,
  BackupPolicy,
  FileSystemDescription,
  LifecyclePolicy,
  MountTargetDescription,
  ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { Account, OrganizationalUnit } from '@aws-sdk/client-organizations';
import type { EstateLambda } from './lambda-types.ts';
import type { EstateEcs } from './ecs-types.ts';
import type { EstateAutoScalingGroup, EstateLaunchTemplate } from './types-auto-scaling.ts';

/** Makes the listed members of an SDK shape required (the SDK types every member `| undefined`). */
export type WithRequired<T, K extends keyof T> = T & { [P in K]-?: Exclude<T[P], undefined> };

export type EstateMountTarget = WithRequired<
  MountTargetDescription,
  'MountTargetId' | 'FileSystemId' | 'SubnetId' | 'LifeCycleState' | 'OwnerId' | 'VpcId'
> & { SecurityGroups: string[] };

export type EstateAccessPoint = WithRequired<
  AccessPointDescription,
  'AccessPointId' | 'AccessPointArn' | 'FileSystemId' | 'OwnerId' | 'LifeCycleState' | 'Tags'
>;

export type EstateFileSystem = WithRequired<
  FileSystemDescription,
  | 'OwnerId'
  | 'CreationToken'
  | 'FileSystemId'
  | 'FileSystemArn'
  | 'CreationTime'
  | 'LifeCycleState'
  | 'NumberOfMountTargets'
  | 'SizeInBytes'
  | 'PerformanceMode'
  | 'Encrypted'
  | 'ThroughputMode'
  | 'Tags'
> & {
  MountTargets: EstateMountTarget[];
  AccessPoints: EstateAccessPoint[];
  LifecyclePolicies: LifecyclePolicy[];
  BackupPolicy?: BackupPolicy;
  /** The file system policy, a JSON document as a string (as DescribeFileSystemPolicy returns it). */
  Policy?: string;
  Replications: ReplicationConfigurationDescription[];
  /** Who uses the file system, as CloudWatch's AWS/EFS metrics report it (absent: no client, no I/O). */
  Activity?: EstateActivity;
};

/**
 * Constant client activity on a file system from `since` until `until` (open-ended when absent):
 * `ClientConnections` connected clients and `TotalIOBytes` bytes of I/O in every minute. Served by
 * CloudWatch GetMetricData / GetMetricStatistics (namespace AWS/EFS, dimension FileSystemId).
 */
export interface EstateActivity {
  ClientConnections: number;
  TotalIOBytes: number;
  since?: Date;
  until?: Date;
}

export type EstateKey = WithRequired<
  KeyMetadata,
  'KeyId' | 'Arn' | 'AWSAccountId' | 'KeyState' | 'KeyManager'
> & {
  /** Alias names, each starting with `alias/`. */
  Aliases: string[];
};

export type EstateVpc = WithRequired<Vpc, 'VpcId' | 'OwnerId'>;
export type EstateSubnet = WithRequired<Subnet, 'SubnetId' | 'VpcId' | 'AvailabilityZone' | 'OwnerId'>;
export type EstateSecurityGroup = WithRequired<SecurityGroup, 'GroupId' | 'GroupName' | 'VpcId' | 'OwnerId'>;

export interface EstateRegion {
  fileSystems: EstateFileSystem[];
  keys: EstateKey[];
  vpcs: EstateVpc[];
  subnets: EstateSubnet[];
  securityGroups: EstateSecurityGroup[];
  lambda: EstateLambda;
  /** Absent: no ECS resources (the ECS handlers create it on first write). */
  ecs?: EstateEcs;
  launchTemplates: EstateLaunchTemplate[];
  autoScalingGroups: EstateAutoScalingGroup[];
  /** AWS Backup vaults (absent: none). */
  backupVaults?: EstateBackupVault[];
}

export interface EstateBackupVault {
  BackupVaultName: string;
  /** Every backup job into this vault ends FAILED (to rehearse a failed backup). */
  failJobs?: boolean;
}

export interface EstateAccount {
  accountId: string;
  name?: string;
  /** False: STS AssumeRole into this account answers AccessDenied. */
  assumable: boolean;
  regions: Record<string, EstateRegion>;
}

/** An account of the organisation as ListAccounts answers it, plus the root or OU it sits in. */
export type EstateOrganizationAccount = WithRequired<
  Account,
  'Id' | 'Arn' | 'Email' | 'Name' | 'State' | 'JoinedMethod' | 'JoinedTimestamp'
> & { Parent: string };

export interface EstateOrganization {
  Id: string;
  RootId: string;
  managementAccountId: string;
  /** Accounts that may list the organisation besides the management account. */
  delegatedAdministrators: string[];
  /** Each with the root or OU it sits in (ListOrganizationalUnitsForParent answers without it). */
  organizationalUnits: (WithRequired<OrganizationalUnit, 'Id' | 'Arn' | 'Name'> & { Parent: string })[];
  /** In file order: ListAccounts answers them in this order. */
  accounts: EstateOrganizationAccount[];
}

export interface Estate {
  /** The account that base (not estate-issued) credentials act as. */
  callerAccountId: string;
  accounts: EstateAccount[];
  /** Absent: the accounts belong to no organisation. */
  organization?: EstateOrganization;
}

export function emptyRegion(): EstateRegion {
  return {
    lambda: { functions: [] },
    fileSystems: [],
    keys: [],
    vpcs: [],
    subnets: [],
    securityGroups: [],
    launchTemplates: [],
    autoScalingGroups: [],
  };
}

/** Account IDs in file order. */
export function estateAccounts(estate: Estate): string[] {
  return estate.accounts.map((a) => a.accountId);
}

/** Every region any account lists, sorted. */
export function estateRegions(estate: Estate): string[] {
  return [...new Set(estate.accounts.flatMap((a) => Object.keys(a.regions)))].sort();
}
