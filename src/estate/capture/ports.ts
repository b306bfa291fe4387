/**
 * What a capture reads, as narrow read-only interfaces: the EFS interface the scan uses, the KMS
 * interface of the key directory (ListKeys, ListAliases, DescribeKey) and three EC2 Describe calls.
 * Nothing here can change an AWS resource.
 */
import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type DescribeSecurityGroupsCommandInput,
  type DescribeSecurityGroupsCommandOutput,
  type DescribeSubnetsCommandInput,
  type DescribeSubnetsCommandOutput,
  type DescribeVpcsCommandInput,
  type DescribeVpcsCommandOutput,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { IEfsClient } from '../../aws/efs.ts';
import type { KmsDirectoryClient } from '../../aws/key-directory.ts';

export interface CaptureEc2Client {
  describeVpcs(input: DescribeVpcsCommandInput): Promise<DescribeVpcsCommandOutput>;
  describeSubnets(input: DescribeSubnetsCommandInput): Promise<DescribeSubnetsCommandOutput>;
  describeSecurityGroups(
    input: DescribeSecurityGroupsCommandInput,
  ): Promise<DescribeSecurityGroupsCommandOutput>;
}

export class SdkCaptureEc2Client implements CaptureEc2Client {
  constructor(readonly sdk: EC2Client) {}
  describeVpcs(input: DescribeVpcsCommandInput) {
    return this.sdk.send(new DescribeVpcsCommand(input));
  }
  describeSubnets(input: DescribeSubnetsCommandInput) {
    return this.sdk.send(new DescribeSubnetsCommand(input));
  }
  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput) {
    return this.sdk.send(new DescribeSecurityGroupsCommand(input));
  }
}

/** Read-only clients for one account and region. */
export interface CaptureClients {
  efs: IEfsClient;
  kms: KmsDirectoryClient;
  ec2: CaptureEc2Client;
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
