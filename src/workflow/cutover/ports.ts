import type {
  AutoScalingGroup,
  InstanceRefresh,
  StartInstanceRefreshCommandInput,
} from '@aws-sdk/client-auto-scaling';
import type {
  CreateLaunchTemplateVersionCommandInput,
  LaunchTemplateVersion,
  ModifyLaunchTemplateCommandInput,
} from '@aws-sdk/client-ec2';
import type { RegisterTaskDefinitionCommandInput, Service, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type {
  AliasConfiguration,
  FunctionConfiguration,
  PublishVersionCommandInput,
  UpdateAliasCommandInput,
  UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import type { ConsumerReport } from '../../domain/consumers.ts';

/**
 * What the cutover phase calls outside itself, declared by the phase (DESIGN.md: one small client
 * interface per AWS service). src/aws's Sdk*CutoverClient classes match these structurally; the
 * composition root hands them in. Every write answers with AWS's request ID for the audit log.
 */

/** Who uses the source: the consumers workflow (src/workflow/consumers/), built separately. */
export interface ConsumerDiscovery {
  discover(migrationId: string): Promise<ConsumerReport>;
  latest(migrationId: string): Promise<ConsumerReport | undefined>;
}

/** The `owner` tag → a Slack user (Slack: users.lookupByEmail; the CLI: IDs as they are). */
export interface OwnerDirectory {
  resolve(ownerTag?: string): Promise<{ userId?: string; fallbackReason?: string }>;
}

export interface IEcsCutoverClient {
  describeTaskDefinition(
    taskDefinition: string,
  ): Promise<{ taskDefinition: TaskDefinition; tags: Tag[]; requestId?: string } | undefined>;
  describeService(cluster: string, service: string): Promise<Service | undefined>;
  registerTaskDefinition(
    input: RegisterTaskDefinitionCommandInput,
  ): Promise<{ taskDefinitionArn: string; requestId?: string }>;
  updateService(input: {
    cluster: string;
    service: string;
    taskDefinition: string;
  }): Promise<{ service?: Service; requestId?: string }>;
}

export interface ILambdaCutoverClient {
  getFunctionConfiguration(
    functionName: string,
    qualifier?: string,
  ): Promise<(FunctionConfiguration & { requestId?: string }) | undefined>;
  listAliases(functionName: string): Promise<AliasConfiguration[]>;
  getAlias(functionName: string, name: string): Promise<AliasConfiguration | undefined>;
  updateFunctionConfiguration(
    input: UpdateFunctionConfigurationCommandInput,
  ): Promise<FunctionConfiguration & { requestId?: string }>;
  publishVersion(input: PublishVersionCommandInput): Promise<FunctionConfiguration & { requestId?: string }>;
  updateAlias(input: UpdateAliasCommandInput): Promise<AliasConfiguration & { requestId?: string }>;
}

export interface ILaunchTemplateCutoverClient {
  describeLaunchTemplateVersions(
    launchTemplateId: string,
    versions: string[],
  ): Promise<LaunchTemplateVersion[]>;
  createLaunchTemplateVersion(
    input: CreateLaunchTemplateVersionCommandInput,
  ): Promise<{ versionNumber: number; requestId?: string }>;
  modifyLaunchTemplate(
    input: ModifyLaunchTemplateCommandInput,
  ): Promise<{ defaultVersion?: number; requestId?: string }>;
  describeAutoScalingGroups(names: string[]): Promise<AutoScalingGroup[]>;
  startInstanceRefresh(
    input: StartInstanceRefreshCommandInput,
  ): Promise<{ instanceRefreshId: string; requestId?: string }>;
  describeInstanceRefresh(
    autoScalingGroupName: string,
    instanceRefreshId: string,
  ): Promise<InstanceRefresh | undefined>;
  /** The group's most recent instance refreshes, newest first (one page of DescribeInstanceRefreshes). */
  recentInstanceRefreshes(autoScalingGroupName: string): Promise<InstanceRefresh[]>;
}

/** The per-account, per-Region clients of the three services. */
export interface CutoverClients {
  ecsFor(accountId: string, region: string): Promise<IEcsCutoverClient>;
  lambdaFor(accountId: string, region: string): Promise<ILambdaCutoverClient>;
  launchTemplatesFor(accountId: string, region: string): Promise<ILaunchTemplateCutoverClient>;
}

/** The twin's mount targets with their IPs (user data that names an IP is rewritten to the twin's). */
export interface TwinMountTargets {
  list(
    accountId: string,
    region: string,
    fileSystemId: string,
  ): Promise<{ availabilityZone: string; mountTargetId: string; ipAddress: string }[]>;
}
