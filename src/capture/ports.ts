/**
 * What a capture reads, declared by the capture itself as narrow read-only interfaces: EFS reads,
 * KMS listings and DescribeKey, and EC2 Describe calls. src/aws's SdkEfsClient, SdkKmsClient and
 * SdkEc2Client match them structurally, listings already followed to the end with the SDK's
 * paginators. Nothing here can change an AWS resource.
 */
import type { SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type {
  AccessPointDescription,
  FileSystemDescription,
  LifecyclePolicy,
  MountTargetDescription,
  ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import type { AliasListEntry, DescribeKeyCommandOutput } from '@aws-sdk/client-kms';

export interface CaptureEfs {
  listFileSystems(): Promise<FileSystemDescription[]>;
  listMountTargets(fileSystemId: string): Promise<MountTargetDescription[]>;
  /** Security groups of a mount target; none while it is not `available`. */
  mountTargetSecurityGroups(mountTarget: MountTargetDescription): Promise<string[]>;
  /** One file system's access points or, without one, every access point of the region. */
  listAccessPoints(fileSystemId?: string): Promise<AccessPointDescription[]>;
  /** One file system's replications (either side); none is []. */
  listReplications(fileSystemId: string): Promise<ReplicationConfigurationDescription[]>;
  lifecyclePolicies(fileSystemId: string): Promise<LifecyclePolicy[]>;
  backupPolicyStatus(fileSystemId: string): Promise<string | undefined>;
  fileSystemPolicy(fileSystemId: string): Promise<string | undefined>;
}

export interface CaptureKms {
  describeKey(input: { KeyId: string }): Promise<DescribeKeyCommandOutput>;
  /** Every alias of the region. */
  listAliases(): Promise<AliasListEntry[]>;
  /** The ID of every key of the region. */
  listKeyIds(): Promise<string[]>;
}

export interface CaptureEc2 {
  vpcs(vpcIds: string[]): Promise<Vpc[]>;
  subnets(subnetIds: string[]): Promise<Subnet[]>;
  securityGroups(groupIds: string[]): Promise<SecurityGroup[]>;
  /** The `default` security group of each VPC. */
  defaultSecurityGroups(vpcIds: string[]): Promise<SecurityGroup[]>;
}

/** Read-only clients for one account and region. */
export interface CaptureClients {
  efs: CaptureEfs;
  kms: CaptureKms;
  ec2: CaptureEc2;
}

export interface CaptureSource {
  /** The accounts and regions to capture. */
  listTargets(): Promise<{ accounts: string[]; regions: string[] }>;
  /** Clients inside one account and region; rejects when the account cannot be entered. */
  clientsFor(accountId: string, region: string): Promise<CaptureClients>;
  /** The account plain credentials act as (GetCallerIdentity), or undefined when it cannot be read. */
  callerAccountId(): Promise<string | undefined>;
}

/** Where a capture says what it left out or could not read (the CLI prints these on stderr). */
export type CaptureNotice = (line: string) => void;
