import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { Service, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { AliasConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { FileSystemRecord } from '../../src/domain/inventory.ts';
import type { Store } from '../../src/store/index.ts';
import type {
  ConsumerReaders,
  ConsumersAutoScaling,
  ConsumersEcs,
  ConsumersLambda,
  ConsumersLaunchTemplates,
} from '../../src/workflow/consumers/index.ts';
import { fileSystem } from './scan-fixtures.ts';

/**
 * In-memory doubles of the four consumer readers (the workflow's ports), with a small estate of
 * workloads around one source file system, for the workflow, CLI and Slack tests. Every call is
 * counted, and a service can be made to answer AccessDenied as AWS does.
 */
export const CONSUMER_ACCOUNT = '111111111111';
export const CONSUMER_REGION = 'eu-west-1';
export const SOURCE_FS = 'fs-0c0c5e0000000001';
export const AP = 'fsap-0c0c5e00000000a1';
export const AP_ARN = `arn:aws:elasticfilesystem:${CONSUMER_REGION}:${CONSUMER_ACCOUNT}:access-point/${AP}`;
export const MT_IP = '10.0.1.17';

export function consumerSource(): FileSystemRecord {
  const base = fileSystem({ fileSystemId: SOURCE_FS, accountId: CONSUMER_ACCOUNT, region: CONSUMER_REGION });
  return {
    ...base,
    tags: { Name: 'ledger', app: 'ledger', owner: 'U0FSOWNER' },
    mountTargets: base.mountTargets.map((m, i) => ({ ...m, ipAddress: i === 0 ? MT_IP : '10.0.2.17' })),
    accessPoints: [{ accessPointId: AP, accessPointArn: AP_ARN, tags: {} }],
  };
}

/** A decided migration of the source with its inventory snapshot; returns its ID. */
export async function seedConsumerMigration(
  store: Pick<Store, 'migrations'>,
  observedAt: string,
): Promise<string> {
  const source = consumerSource();
  const record = await store.migrations.createMigration({
    accountId: CONSUMER_ACCOUNT,
    region: CONSUMER_REGION,
    fileSystemId: source.fileSystemId,
    state: 'decided',
    facts: { hasDecision: true },
    actor: 'U0ADMIN',
  });
  await store.migrations.putSnapshot(record.id, { observedAt, fileSystem: source });
  return record.id;
}

export class AccessDeniedException extends Error {
  override name = 'AccessDeniedException';
  readonly $metadata = { httpStatusCode: 403 };
}

const ECS_ARN = `arn:aws:ecs:${CONSUMER_REGION}:${CONSUMER_ACCOUNT}`;
export const TD = {
  web1: `${ECS_ARN}:task-definition/web:1`,
  web2: `${ECS_ARN}:task-definition/web:2`,
  batch: `${ECS_ARN}:task-definition/batch:4`,
  other: `${ECS_ARN}:task-definition/other:1`,
};
export const CLUSTER = `${ECS_ARN}:cluster/prod`;
export const SERVICE = `${ECS_ARN}:service/prod/web`;
export const FUNCTION_ARN = `arn:aws:lambda:${CONSUMER_REGION}:${CONSUMER_ACCOUNT}:function:ledger-worker`;

export interface FakeOptions {
  denied?: ('ecs' | 'lambda' | 'ec2' | 'autoscaling')[];
  /** Extra services, to try the Slack summary with many consumers. */
  manyServices?: number;
}

export interface FakeReaders extends ConsumerReaders {
  calls: string[];
}

export function fakeConsumerReaders(options: FakeOptions = {}): FakeReaders {
  const calls: string[] = [];
  const denied = new Set(options.denied);
  const call = (service: string, op: string) => {
    calls.push(`${service}:${op}`);
    if (denied.has(service as 'ecs'))
      throw new AccessDeniedException(`not authorized to perform ${service}:${op}`);
  };
  const efsVolume = (fileSystemId: string, accessPointId?: string) => ({
    name: 'data',
    efsVolumeConfiguration: {
      fileSystemId,
      transitEncryption: 'ENABLED' as const,
      ...(accessPointId ? { authorizationConfig: { accessPointId } } : {}),
    },
  });
  const taskDefinitions: Record<string, { taskDefinition: TaskDefinition; tags: Tag[] }> = {
    // web:1 is INACTIVE (not listed) but still what the service runs.
    [TD.web1]: {
      taskDefinition: {
        taskDefinitionArn: TD.web1,
        family: 'web',
        revision: 1,
        volumes: [efsVolume(SOURCE_FS, AP)],
      },
      tags: [{ key: 'app', value: 'storefront' }],
    },
    [TD.web2]: {
      taskDefinition: {
        taskDefinitionArn: TD.web2,
        family: 'web',
        revision: 2,
        volumes: [efsVolume(SOURCE_FS, AP)],
      },
      tags: [{ key: 'app', value: 'storefront' }],
    },
    [TD.batch]: {
      taskDefinition: {
        taskDefinitionArn: TD.batch,
        family: 'batch',
        revision: 4,
        volumes: [efsVolume(SOURCE_FS)],
      },
      tags: [],
    },
    [TD.other]: {
      taskDefinition: {
        taskDefinitionArn: TD.other,
        family: 'other',
        revision: 1,
        volumes: [efsVolume('fs-0other')],
      },
      tags: [],
    },
  };
  const services: Service[] = [
    {
      serviceArn: SERVICE,
      serviceName: 'web',
      clusterArn: CLUSTER,
      desiredCount: 2,
      runningCount: 2,
      deploymentController: { type: 'ECS' },
      deployments: [{ status: 'PRIMARY', taskDefinition: TD.web1 }],
      tags: [{ key: 'owner', value: 'U0WEBOWNER' }],
    },
    ...Array.from({ length: options.manyServices ?? 0 }, (_, i): Service => ({
      serviceArn: `${ECS_ARN}:service/prod/worker-${i}`,
      serviceName: `worker-${i}`,
      clusterArn: CLUSTER,
      desiredCount: 1,
      runningCount: 1,
      deploymentController: { type: 'ECS' },
      deployments: [{ status: 'PRIMARY', taskDefinition: TD.batch }],
      tags: [{ key: 'app', value: `app-${i % 30}` }],
    })),
  ];
  const ecs: ConsumersEcs = {
    async listClusterArns() {
      call('ecs', 'ListClusters');
      return [CLUSTER];
    },
    async listServiceArns() {
      call('ecs', 'ListServices');
      return services.map((s) => s.serviceArn!);
    },
    async describeServices(_cluster, arns) {
      call('ecs', 'DescribeServices');
      return services.filter((s) => arns.includes(s.serviceArn!));
    },
    async listActiveTaskDefinitionArns() {
      call('ecs', 'ListTaskDefinitions');
      return [TD.web2, TD.batch, TD.other];
    },
    async describeTaskDefinition(arn) {
      call('ecs', `DescribeTaskDefinition ${arn.split('/').pop()}`);
      const td = taskDefinitions[arn];
      if (!td) throw Object.assign(new Error('not found'), { name: 'ClientException' });
      return td;
    },
  };

  const fsConfig = [{ Arn: AP_ARN, LocalMountPath: '/mnt/ledger' }];
  const functions: FunctionConfiguration[] = [
    // $LATEST mounts nothing any more; versions 3 (listed) and 5 (not listed) behind aliases do.
    {
      FunctionName: 'ledger-worker',
      FunctionArn: FUNCTION_ARN,
      Version: '$LATEST',
      RevisionId: 'rev-latest',
    },
    { FunctionName: 'unrelated', FunctionArn: `${FUNCTION_ARN}-x`, Version: '$LATEST' },
  ];
  const aliases: Record<string, AliasConfiguration[]> = {
    'ledger-worker': [
      { Name: 'live', FunctionVersion: '3' },
      { Name: 'canary', FunctionVersion: '4', RoutingConfig: { AdditionalVersionWeights: { '5': 0.1 } } },
    ],
  };
  const versions: Record<string, FunctionConfiguration[]> = {
    'ledger-worker': [
      { Version: '3', FileSystemConfigs: fsConfig },
      { Version: '4', FileSystemConfigs: [] },
    ],
  };
  const lambda: ConsumersLambda = {
    async listFunctions() {
      call('lambda', 'ListFunctions');
      return functions;
    },
    async listAliases(name) {
      call('lambda', `ListAliases ${name}`);
      return aliases[name] ?? [];
    },
    async listVersions(name) {
      call('lambda', `ListVersionsByFunction ${name}`);
      return versions[name] ?? [];
    },
    async getFunctionConfiguration(name, qualifier) {
      call('lambda', `GetFunctionConfiguration ${name}:${qualifier}`);
      return { FunctionName: name, Version: qualifier, FileSystemConfigs: fsConfig };
    },
    async listTags(arn) {
      call('lambda', `ListTags ${arn.split(':').pop()}`);
      return { app: 'ledger-jobs', owner: 'jobs@example.com' };
    },
  };

  const userData: Record<number, string> = {
    1: `#!/bin/bash\nmount -t nfs4 ${MT_IP}:/ /mnt/ledger\n`,
    2: `#!/bin/bash\nmount -t nfs4 ${SOURCE_FS}.efs.${CONSUMER_REGION}.amazonaws.com:/ /mnt/ledger\n`,
    3: '#!/bin/bash\necho no mounts\n',
  };
  const templates: ConsumersLaunchTemplates = {
    async listLaunchTemplates() {
      call('ec2', 'DescribeLaunchTemplates');
      return [
        {
          LaunchTemplateId: 'lt-0ledger',
          LaunchTemplateName: 'ledger-hosts',
          DefaultVersionNumber: 2,
          LatestVersionNumber: 3,
        },
        {
          LaunchTemplateId: 'lt-0plain',
          LaunchTemplateName: 'plain',
          DefaultVersionNumber: 1,
          LatestVersionNumber: 1,
        },
      ];
    },
    async launchTemplateVersions(id, asked) {
      call('ec2', `DescribeLaunchTemplateVersions ${id} ${asked.join(',')}`);
      if (id === 'lt-0plain') return [{ versionNumber: 1, userData: 'echo hi' }];
      // ledger-hosts: the default (2) mounts by DNS name, the latest (3) nothing, the older 1 by IP.
      const numbers = asked.map((v) => (v === '$Default' ? 2 : v === '$Latest' ? 3 : Number(v)));
      return numbers.map((n) => ({ versionNumber: n, userData: userData[n] ?? '' }));
    },
  };
  const groups: AutoScalingGroup[] = [
    {
      AutoScalingGroupName: 'ledger-asg',
      LaunchTemplate: { LaunchTemplateId: 'lt-0ledger', Version: '$Default' },
      Instances: [
        { InstanceId: 'i-0old', LaunchTemplate: { LaunchTemplateId: 'lt-0ledger', Version: '1' } } as never,
        { InstanceId: 'i-0new', LaunchTemplate: { LaunchTemplateId: 'lt-0ledger', Version: '3' } } as never,
      ],
    } as unknown as AutoScalingGroup,
  ];
  const autoScaling: ConsumersAutoScaling = {
    async listAutoScalingGroups() {
      call('autoscaling', 'DescribeAutoScalingGroups');
      return groups;
    },
  };
  return {
    calls,
    ecsFor: async () => ecs,
    lambdaFor: async () => lambda,
    launchTemplatesFor: async () => templates,
    autoScalingFor: async () => autoScaling,
  };
}
