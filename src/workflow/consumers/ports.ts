import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { Service, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { AliasConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { Clock } from '../../domain/clock.ts';
import type { ConsumerReport } from '../../domain/consumers.ts';
import type { MigrationEventLog, MigrationRepository } from '../../domain/migration.ts';

/**
 * What consumer discovery calls, declared by the discovery itself. src/aws's SdkEcsClient,
 * SdkLambdaClient, SdkLaunchTemplateClient and SdkAutoScalingClient match these structurally; the
 * composition root (src/cli/phases/consumers-phase.ts) hands them in and TypeScript checks the fit
 * there. Listings come back whole (the adapters page with the SDK's paginators under the rate limit).
 */

export interface ConsumersEcs {
  listClusterArns(): Promise<string[]>;
  listServiceArns(clusterArn: string): Promise<string[]>;
  /** With their tags (`include: ['TAGS']`), any number of ARNs (the adapter batches by 10). */
  describeServices(clusterArn: string, serviceArns: string[]): Promise<Service[]>;
  listActiveTaskDefinitionArns(): Promise<string[]>;
  /** With its tags; the adapter describes each ARN once. */
  describeTaskDefinition(taskDefinitionArn: string): Promise<{ taskDefinition: TaskDefinition; tags: Tag[] }>;
}

export interface ConsumersLambda {
  /** `$LATEST` of every function, FileSystemConfigs included. */
  listFunctions(): Promise<FunctionConfiguration[]>;
  /** Every version's configuration, FileSystemConfigs included. */
  listVersions(functionName: string): Promise<FunctionConfiguration[]>;
  listAliases(functionName: string): Promise<AliasConfiguration[]>;
  listTags(functionArn: string): Promise<Record<string, string>>;
  getFunctionConfiguration(functionName: string, qualifier: string): Promise<FunctionConfiguration>;
}

export interface LaunchTemplateSummary {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  DefaultVersionNumber?: number;
  LatestVersionNumber?: number;
  Tags?: { Key?: string; Value?: string }[];
}

export interface ConsumersLaunchTemplates {
  listLaunchTemplates(): Promise<LaunchTemplateSummary[]>;
  /** The versions asked for (numbers, `$Default`, `$Latest`), user data base64-decoded by the adapter. */
  launchTemplateVersions(
    launchTemplateId: string,
    versions: string[],
  ): Promise<{ versionNumber: number; userData: string }[]>;
}

export interface ConsumersAutoScaling {
  /** Every group with its instances. */
  listAutoScalingGroups(): Promise<AutoScalingGroup[]>;
}

/** The four readers of one account and region, each made on first use. */
export interface ConsumerReaders {
  ecsFor(accountId: string, region: string): Promise<ConsumersEcs>;
  lambdaFor(accountId: string, region: string): Promise<ConsumersLambda>;
  launchTemplatesFor(accountId: string, region: string): Promise<ConsumersLaunchTemplates>;
  autoScalingFor(accountId: string, region: string): Promise<ConsumersAutoScaling>;
}

/** Where the last report of each migration is kept (an item in the migration's partition). */
export interface ConsumerReportRepository {
  /** Keeps the newest discovery; an older one is ignored (false). */
  putConsumerReport(report: ConsumerReport): Promise<boolean>;
  getConsumerReport(migrationId: string): Promise<ConsumerReport | undefined>;
}

export interface ConsumerDiscoveryDeps {
  migrations: Pick<MigrationRepository, 'getMigration' | 'getSnapshot'>;
  events: Pick<MigrationEventLog, 'appendEvent'>;
  reports: ConsumerReportRepository;
  readers: ConsumerReaders;
  clock: Clock;
  /** Per-item reads in flight per service (each under the per-operation rate limit too); default 4. */
  concurrency?: number;
}
