import type { Consumer } from '../../domain/consumers.ts';
import { CutoverPlanError } from '../../domain/cutover-calls.ts';
import type { DescribedAlias, DescribedFunctionConfiguration } from '../../domain/cutover-lambda.ts';
import type { ConsumerDescription } from '../../domain/cutover-plan.ts';
import type { CutoverClients } from './ports.ts';

/**
 * Describes each consumer fresh just before it is planned: discovery may be minutes or days old,
 * and the plan (and the digest an owner approves) must be built from what AWS says now.
 */
export async function describeConsumer(
  clients: CutoverClients,
  where: { accountId: string; region: string },
  consumer: Consumer,
  options: { instanceRefresh?: boolean } = {},
): Promise<ConsumerDescription> {
  const { accountId, region } = where;
  switch (consumer.kind) {
    case 'ecs-service': {
      const ecs = await clients.ecsFor(accountId, region);
      const service = await ecs.describeService(consumer.clusterArn, consumer.serviceArn);
      if (!service || service.status === 'INACTIVE')
        throw new CutoverPlanError(
          `ECS service ${consumer.name} was not found in ${consumer.clusterArn} (deleted since consumers were found). Find consumers again, then review the cutover.`,
        );
      const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
      const fresh = {
        ...consumer,
        taskDefinitionArn: primary?.taskDefinition ?? service.taskDefinition ?? consumer.taskDefinitionArn,
        deploymentController: service.deploymentController?.type ?? consumer.deploymentController,
        desiredCount: service.desiredCount ?? consumer.desiredCount,
        runningCount: service.runningCount ?? consumer.runningCount,
      };
      const described = await ecs.describeTaskDefinition(fresh.taskDefinitionArn);
      if (!described)
        throw new CutoverPlanError(
          `Task definition ${fresh.taskDefinitionArn} of ${consumer.name} could not be described. Find consumers again.`,
        );
      return {
        kind: 'ecs-service',
        consumer: fresh,
        taskDefinition: described.taskDefinition,
        tags: described.tags,
      };
    }
    case 'ecs-task-definition': {
      const ecs = await clients.ecsFor(accountId, region);
      const described = await ecs.describeTaskDefinition(consumer.taskDefinitionArn);
      if (!described)
        throw new CutoverPlanError(
          `Task definition ${consumer.taskDefinitionArn} could not be described (deregistered since consumers were found). Find consumers again.`,
        );
      return {
        kind: 'ecs-task-definition',
        consumer,
        taskDefinition: described.taskDefinition,
        tags: described.tags,
      };
    }
    case 'lambda-function': {
      const lambda = await clients.lambdaFor(accountId, region);
      const latest = await lambda.getFunctionConfiguration(consumer.functionArn);
      if (!latest)
        throw new CutoverPlanError(
          `Lambda function ${consumer.name} was not found (deleted since consumers were found). Find consumers again.`,
        );
      const { requestId: _r, ...latestConfig } = latest;
      const aliases: DescribedAlias[] = [];
      const versions: Record<string, DescribedFunctionConfiguration> = {};
      for (const a of consumer.aliases) {
        const alias = await lambda.getAlias(consumer.functionArn, a.name);
        if (!alias?.FunctionVersion) continue;
        aliases.push({
          Name: alias.Name,
          FunctionVersion: alias.FunctionVersion,
          RevisionId: alias.RevisionId,
        });
        if (!versions[alias.FunctionVersion]) {
          const v = await lambda.getFunctionConfiguration(consumer.functionArn, alias.FunctionVersion);
          if (v) {
            const { requestId: _v, ...config } = v;
            versions[alias.FunctionVersion] = config as DescribedFunctionConfiguration;
          }
        }
      }
      return {
        kind: 'lambda-function',
        consumer,
        latest: latestConfig as DescribedFunctionConfiguration,
        ...(aliases.length ? { aliases, versions } : {}),
      };
    }
    case 'launch-template': {
      const ec2 = await clients.launchTemplatesFor(accountId, region);
      const described = await ec2.describeLaunchTemplateVersions(consumer.launchTemplateId, [
        '$Default',
        '$Latest',
      ]);
      if (!described.length)
        throw new CutoverPlanError(
          `Launch template ${consumer.name} (${consumer.launchTemplateId}) was not found. Find consumers again.`,
        );
      const numbers = described.map((v) => v.VersionNumber ?? 0);
      const defaultVersion =
        described.find((v) => v.DefaultVersion)?.VersionNumber ?? consumer.defaultVersion;
      const fresh = { ...consumer, defaultVersion, latestVersion: Math.max(...numbers) };
      return {
        kind: 'launch-template',
        consumer: fresh,
        versions: described.map((v) => ({
          VersionNumber: v.VersionNumber ?? 0,
          ...(v.LaunchTemplateData?.UserData ? { UserData: v.LaunchTemplateData.UserData } : {}),
        })),
        ...(options.instanceRefresh ? { instanceRefresh: true } : {}),
      };
    }
  }
}
