/**
 * The workload rows of the model-conformance session (model-conformance.test.ts): every ECS, Lambda,
 * launch-template and Auto Scaling operation the estate serves, against the sample estate's
 * workloads (src/estate/ESTATE_FORMAT.md), plus the errors the bot depends on and each service's
 * throttling answer. The sample's two workload accounts are added to the session's estate and
 * entered with AssumeRole, as the bot enters them.
 */
import { readFileSync } from 'node:fs';
import {
  AutoScalingClient,
  CancelInstanceRefreshCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import {
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';

/** The sample's platform account: the Jenkins cluster, the GitLab runners' launch templates and group. */
export const PLATFORM = '210987654321';
/** The sample's payments account: the merchant-portal (CODE_DEPLOY) and card-batch services, the Lambdas. */
export const PAYMENTS = '345678901234';
export const WORKLOAD_REGION = 'us-east-1';

const RUNNER_TEMPLATE = 'lt-0a1b2c3d4e5f60711';
const RUNNER_GROUP = 'gitlab-runners';
const THUMBNAILER = 'merchant-thumbnailer';
const PLATFORM_CLUSTER = 'platform';
const PAYMENTS_CLUSTER = 'payments';
const STALE_REVISION = '00000000-0000-4000-8000-000000000000';

interface SampleAccount {
  accountId: string;
}

/** The sample estate's workload accounts, whole (their VPCs, file systems and access points are referenced). */
export function workloadAccounts(): SampleAccount[] {
  const sample = JSON.parse(readFileSync(SAMPLE_ESTATE_PATH, 'utf8')) as { accounts: SampleAccount[] };
  return sample.accounts.filter((a) => a.accountId === PLATFORM || a.accountId === PAYMENTS);
}

export interface WorkloadServiceClients {
  ecs: ECSClient;
  lambda: LambdaClient;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
}

export interface WorkloadClients {
  /** The caller's own account (no workloads): for throttling and not-found answers. */
  caller: WorkloadServiceClients;
  platform: WorkloadServiceClients;
  payments: WorkloadServiceClients;
}

function serviceClients(endpoint: string, credentials: AwsCredentialIdentity): WorkloadServiceClients {
  // maxAttempts 1: a throttle or conflict is answered once and recorded, not retried away.
  const config = { region: WORKLOAD_REGION, endpoint, credentials, maxAttempts: 1 };
  return {
    ecs: new ECSClient(config),
    lambda: new LambdaClient(config),
    ec2: new EC2Client(config),
    autoScaling: new AutoScalingClient(config),
  };
}

async function assume(sts: STSClient, account: string): Promise<AwsCredentialIdentity> {
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/efs-encrypt`,
      RoleSessionName: 'workloads',
    }),
  );
  return {
    accessKeyId: c!.AccessKeyId!,
    secretAccessKey: c!.SecretAccessKey!,
    sessionToken: c!.SessionToken!,
  };
}

/**
 * Clients into the workload accounts; `assumeRoles` false gives the caller's clients in their place
 * (the throttling estate throttles every second AssumeRole; its rows use the caller's account).
 */
export async function workloadClientsFor(
  endpoint: string,
  base: AwsCredentialIdentity,
  assumeRoles = true,
): Promise<WorkloadClients> {
  const caller = serviceClients(endpoint, base);
  if (!assumeRoles) return { caller, platform: caller, payments: caller };
  const sts = new STSClient({ region: WORKLOAD_REGION, endpoint, credentials: base, maxAttempts: 1 });
  return {
    caller,
    platform: serviceClients(endpoint, await assume(sts, PLATFORM)),
    payments: serviceClients(endpoint, await assume(sts, PAYMENTS)),
  };
}

export interface WorkloadStep {
  /** The error AWS answers with here (the SDK's exception name); unset means success. */
  fails?: string;
  run: (
    c: WorkloadClients,
    s: Record<string, string>,
    h: { advance: (ms: number) => void },
  ) => Promise<unknown>;
}

const serviceArn = (account: string, cluster: string, name: string) =>
  `arn:aws:ecs:${WORKLOAD_REGION}:${account}:service/${cluster}/${name}`;
const functionArn = (name: string) => `arn:aws:lambda:${WORKLOAD_REGION}:${PAYMENTS}:function:${name}`;

/** Base64 as EC2 takes `UserData`. */
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

const CARD_BATCH_V2 = {
  family: 'card-batch',
  networkMode: 'awsvpc' as const,
  requiresCompatibilities: ['FARGATE' as const],
  cpu: '512',
  memory: '1024',
  containerDefinitions: [
    {
      name: 'card-batch',
      image: 'public.ecr.aws/docker/library/busybox:1.36',
      essential: true,
      mountPoints: [{ sourceVolume: 'ledger', containerPath: '/ledger' }],
    },
  ],
  volumes: [
    {
      name: 'ledger',
      efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', transitEncryption: 'ENABLED' as const },
    },
  ],
  tags: [{ key: 'efs-encrypt:migration', value: 'm-1' }],
};

export const WORKLOAD_SESSION: [name: string, step: WorkloadStep][] = [
  // ECS: what the bot reads to find EFS volumes in task definitions, and the redeploy it sends.
  ['ECS ListClusters', { run: (c) => c.platform.ecs.send(new ListClustersCommand({})) }],
  [
    'ECS DescribeClusters incl. TAGS',
    {
      run: (c) =>
        c.platform.ecs.send(
          new DescribeClustersCommand({ clusters: [PLATFORM_CLUSTER, 'nope'], include: ['TAGS'] }),
        ),
    },
  ],
  [
    'ECS ListServices',
    { run: (c) => c.payments.ecs.send(new ListServicesCommand({ cluster: PAYMENTS_CLUSTER })) },
  ],
  [
    'ECS ListServices unknown cluster',
    {
      fails: 'ClusterNotFoundException',
      run: (c) => c.payments.ecs.send(new ListServicesCommand({ cluster: 'nope' })),
    },
  ],
  [
    'ECS DescribeServices incl. TAGS',
    {
      run: (c) =>
        c.payments.ecs.send(
          new DescribeServicesCommand({
            cluster: PAYMENTS_CLUSTER,
            services: ['merchant-portal', 'card-batch', 'nope'],
            include: ['TAGS'],
          }),
        ),
    },
  ],
  [
    'ECS DescribeServices (platform)',
    {
      run: (c) =>
        c.platform.ecs.send(
          new DescribeServicesCommand({ cluster: PLATFORM_CLUSTER, services: ['jenkins'] }),
        ),
    },
  ],
  ['ECS ListTaskDefinitions', { run: (c) => c.platform.ecs.send(new ListTaskDefinitionsCommand({})) }],
  [
    'ECS ListTaskDefinitions INACTIVE',
    { run: (c) => c.platform.ecs.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' })) },
  ],
  [
    'ECS ListTaskDefinitionFamilies',
    { run: (c) => c.platform.ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ALL' })) },
  ],
  [
    'ECS DescribeTaskDefinition incl. TAGS',
    {
      run: (c) =>
        c.platform.ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition: 'jenkins', include: ['TAGS'] }),
        ),
    },
  ],
  [
    'ECS DescribeTaskDefinition INACTIVE revision',
    { run: (c) => c.platform.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'jenkins:1' })) },
  ],
  [
    'ECS DescribeTaskDefinition unknown',
    {
      fails: 'ClientException',
      run: (c) => c.platform.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:1' })),
    },
  ],
  [
    'ECS RegisterTaskDefinition',
    {
      run: async (c, s) => {
        const out = await c.payments.ecs.send(new RegisterTaskDefinitionCommand(CARD_BATCH_V2));
        s.cardBatchV2 = out.taskDefinition!.taskDefinitionArn!;
        return out;
      },
    },
  ],
  [
    'ECS UpdateService (new deployment)',
    {
      run: (c, s) =>
        c.payments.ecs.send(
          new UpdateServiceCommand({
            cluster: PAYMENTS_CLUSTER,
            service: 'card-batch',
            taskDefinition: s.cardBatchV2,
          }),
        ),
    },
  ],
  [
    'ECS DescribeServices during the deployment',
    {
      run: (c) =>
        c.payments.ecs.send(
          new DescribeServicesCommand({ cluster: PAYMENTS_CLUSTER, services: ['card-batch'] }),
        ),
    },
  ],
  [
    'ECS UpdateService CODE_DEPLOY refused',
    {
      fails: 'InvalidParameterException',
      run: (c, s) =>
        c.payments.ecs.send(
          new UpdateServiceCommand({
            cluster: PAYMENTS_CLUSTER,
            service: 'merchant-portal',
            taskDefinition: s.cardBatchV2,
          }),
        ),
    },
  ],
  [
    'ECS UpdateService unknown service',
    {
      fails: 'ServiceNotFoundException',
      run: (c) =>
        c.payments.ecs.send(
          new UpdateServiceCommand({ cluster: PAYMENTS_CLUSTER, service: 'nope', forceNewDeployment: true }),
        ),
    },
  ],
  [
    'ECS UpdateService unknown cluster',
    {
      fails: 'ClusterNotFoundException',
      run: (c) =>
        c.payments.ecs.send(
          new UpdateServiceCommand({ cluster: 'nope', service: 'card-batch', forceNewDeployment: true }),
        ),
    },
  ],
  [
    'ECS DescribeServices deployment completed',
    {
      run: (c, _s, h) => {
        h.advance(DEFAULT_TIMING.ecsDeploymentMs);
        return c.payments.ecs.send(
          new DescribeServicesCommand({ cluster: PAYMENTS_CLUSTER, services: ['card-batch'] }),
        );
      },
    },
  ],
  [
    'ECS DeregisterTaskDefinition',
    {
      run: (c) =>
        c.payments.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'card-batch:1' })),
    },
  ],
  [
    'ECS TagResource',
    {
      run: (c) =>
        c.payments.ecs.send(
          new TagResourceCommand({
            resourceArn: serviceArn(PAYMENTS, PAYMENTS_CLUSTER, 'card-batch'),
            tags: [{ key: 'efs-encrypt:migration', value: 'm-1' }],
          }),
        ),
    },
  ],
  [
    'ECS ListTagsForResource',
    {
      run: (c) =>
        c.payments.ecs.send(
          new ListTagsForResourceCommand({
            resourceArn: serviceArn(PAYMENTS, PAYMENTS_CLUSTER, 'card-batch'),
          }),
        ),
    },
  ],
  [
    'ECS UntagResource',
    {
      run: (c) =>
        c.payments.ecs.send(
          new UntagResourceCommand({
            resourceArn: serviceArn(PAYMENTS, PAYMENTS_CLUSTER, 'card-batch'),
            tagKeys: ['efs-encrypt:migration'],
          }),
        ),
    },
  ],
  [
    'ECS ListTagsForResource unknown service',
    {
      // The model declares no ResourceNotFoundException here; ClientException is AWS's "identifier that isn't valid".
      fails: 'ClientException',
      run: (c) =>
        c.payments.ecs.send(
          new ListTagsForResourceCommand({ resourceArn: serviceArn(PAYMENTS, PAYMENTS_CLUSTER, 'nope') }),
        ),
    },
  ],
  [
    'ECS TagResource unknown service',
    {
      fails: 'ResourceNotFoundException',
      run: (c) =>
        c.payments.ecs.send(
          new TagResourceCommand({
            resourceArn: serviceArn(PAYMENTS, PAYMENTS_CLUSTER, 'nope'),
            tags: [{ key: 'a', value: 'b' }],
          }),
        ),
    },
  ],
  [
    'ECS ListTasks',
    {
      run: async (c, s) => {
        const out = await c.payments.ecs.send(
          new ListTasksCommand({ cluster: PAYMENTS_CLUSTER, serviceName: 'card-batch' }),
        );
        s.task = out.taskArns![0]!;
        return out;
      },
    },
  ],
  [
    'ECS DescribeTasks',
    {
      run: (c, s) =>
        c.payments.ecs.send(
          new DescribeTasksCommand({
            cluster: PAYMENTS_CLUSTER,
            tasks: [s.task!, 'ffffffffffffffffffffffffffffffff'],
          }),
        ),
    },
  ],
  // Lambda: functions with a FileSystemConfig, their versions and aliases, and the configuration update.
  ['Lambda ListFunctions', { run: (c) => c.payments.lambda.send(new ListFunctionsCommand({})) }],
  [
    'Lambda ListFunctions ALL versions, paged',
    {
      run: async (c) => {
        const first = await c.payments.lambda.send(
          new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 2 }),
        );
        return c.payments.lambda.send(
          new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 2, Marker: first.NextMarker }),
        );
      },
    },
  ],
  [
    'Lambda GetFunction',
    {
      run: async (c, s) => {
        const out = await c.payments.lambda.send(new GetFunctionCommand({ FunctionName: THUMBNAILER }));
        s.revision = out.Configuration!.RevisionId!;
        return out;
      },
    },
  ],
  [
    'Lambda GetFunction unknown',
    {
      fails: 'ResourceNotFoundException',
      run: (c) => c.payments.lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })),
    },
  ],
  [
    'Lambda GetFunctionConfiguration',
    {
      run: (c) => c.payments.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: THUMBNAILER })),
    },
  ],
  [
    'Lambda GetFunctionConfiguration $LATEST',
    {
      run: (c) =>
        c.payments.lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: THUMBNAILER, Qualifier: '$LATEST' }),
        ),
    },
  ],
  [
    'Lambda GetFunctionConfiguration version 1',
    {
      run: (c) =>
        c.payments.lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: THUMBNAILER, Qualifier: '1' }),
        ),
    },
  ],
  [
    'Lambda GetFunctionConfiguration alias',
    {
      run: (c) =>
        c.payments.lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: THUMBNAILER, Qualifier: 'live' }),
        ),
    },
  ],
  [
    'Lambda GetFunctionConfiguration unknown version',
    {
      fails: 'ResourceNotFoundException',
      run: (c) =>
        c.payments.lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: THUMBNAILER, Qualifier: '99' }),
        ),
    },
  ],
  [
    'Lambda UpdateFunctionConfiguration stale RevisionId',
    {
      fails: 'PreconditionFailedException',
      run: (c) =>
        c.payments.lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: THUMBNAILER,
            MemorySize: 1024,
            RevisionId: STALE_REVISION,
          }),
        ),
    },
  ],
  [
    'Lambda UpdateFunctionConfiguration',
    {
      run: (c, s) =>
        c.payments.lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: THUMBNAILER,
            RevisionId: s.revision,
            FileSystemConfigs: [
              {
                Arn: `arn:aws:elasticfilesystem:${WORKLOAD_REGION}:${PAYMENTS}:access-point/fsap-f6478ec4fb73d5f11`,
                LocalMountPath: '/mnt/uploads',
              },
            ],
            MemorySize: 1024,
          }),
        ),
    },
  ],
  [
    'Lambda UpdateFunctionConfiguration during an update',
    {
      fails: 'ResourceConflictException',
      run: (c) =>
        c.payments.lambda.send(
          new UpdateFunctionConfigurationCommand({ FunctionName: THUMBNAILER, Timeout: 60 }),
        ),
    },
  ],
  [
    'Lambda GetFunction updated',
    {
      run: (c, _s, h) => {
        h.advance(DEFAULT_TIMING.lambdaUpdateMs);
        return c.payments.lambda.send(new GetFunctionCommand({ FunctionName: THUMBNAILER }));
      },
    },
  ],
  [
    'Lambda PublishVersion',
    {
      run: async (c, s) => {
        const out = await c.payments.lambda.send(new PublishVersionCommand({ FunctionName: THUMBNAILER }));
        s.version = out.Version!;
        return out;
      },
    },
  ],
  [
    'Lambda ListVersionsByFunction',
    { run: (c) => c.payments.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: THUMBNAILER })) },
  ],
  [
    'Lambda ListAliases',
    { run: (c) => c.payments.lambda.send(new ListAliasesCommand({ FunctionName: THUMBNAILER })) },
  ],
  [
    'Lambda GetAlias',
    {
      run: async (c, s) => {
        const out = await c.payments.lambda.send(
          new GetAliasCommand({ FunctionName: THUMBNAILER, Name: 'live' }),
        );
        s.aliasRevision = out.RevisionId!;
        return out;
      },
    },
  ],
  [
    'Lambda GetAlias unknown',
    {
      fails: 'ResourceNotFoundException',
      run: (c) => c.payments.lambda.send(new GetAliasCommand({ FunctionName: THUMBNAILER, Name: 'nope' })),
    },
  ],
  [
    'Lambda UpdateAlias',
    {
      run: (c, s) =>
        c.payments.lambda.send(
          new UpdateAliasCommand({
            FunctionName: THUMBNAILER,
            Name: 'live',
            FunctionVersion: s.version,
            RevisionId: s.aliasRevision,
          }),
        ),
    },
  ],
  [
    'Lambda UpdateAlias stale RevisionId',
    {
      fails: 'PreconditionFailedException',
      run: (c, s) =>
        c.payments.lambda.send(
          new UpdateAliasCommand({
            FunctionName: THUMBNAILER,
            Name: 'live',
            FunctionVersion: s.version,
            RevisionId: s.aliasRevision,
          }),
        ),
    },
  ],
  [
    'Lambda ListTags',
    { run: (c) => c.payments.lambda.send(new ListTagsCommand({ Resource: functionArn(THUMBNAILER) })) },
  ],
  // EC2 launch templates: the GitLab runners' template, its user data mounting EFS, the new version.
  [
    'EC2 DescribeLaunchTemplates',
    { run: (c) => c.platform.ec2.send(new DescribeLaunchTemplatesCommand({})) },
  ],
  [
    'EC2 DescribeLaunchTemplates by name',
    {
      run: (c) =>
        c.platform.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['gitlab-runner'] })),
    },
  ],
  [
    'EC2 DescribeLaunchTemplates unknown ID',
    {
      fails: 'InvalidLaunchTemplateId.NotFound',
      run: (c) =>
        c.platform.ec2.send(
          new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0ffffffffffffffff'] }),
        ),
    },
  ],
  [
    'EC2 DescribeLaunchTemplates malformed ID',
    {
      fails: 'InvalidLaunchTemplateId.Malformed',
      run: (c) => c.platform.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-nope'] })),
    },
  ],
  [
    'EC2 DescribeLaunchTemplates unknown name',
    {
      fails: 'InvalidLaunchTemplateName.NotFoundException',
      run: (c) => c.platform.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })),
    },
  ],
  [
    'EC2 DescribeLaunchTemplateVersions',
    {
      run: (c) =>
        c.platform.ec2.send(
          new DescribeLaunchTemplateVersionsCommand({
            LaunchTemplateId: RUNNER_TEMPLATE,
            Versions: ['$Latest', '$Default', '1'],
          }),
        ),
    },
  ],
  [
    'EC2 DescribeLaunchTemplateVersions unknown version',
    {
      fails: 'InvalidLaunchTemplateId.VersionNotFound',
      run: (c) =>
        c.platform.ec2.send(
          new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: RUNNER_TEMPLATE, Versions: ['99'] }),
        ),
    },
  ],
  [
    'EC2 CreateLaunchTemplateVersion',
    {
      run: async (c, s) => {
        const out = await c.platform.ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateId: RUNNER_TEMPLATE,
            SourceVersion: '2',
            VersionDescription: 'shared cache on the encrypted twin',
            LaunchTemplateData: {
              UserData: base64(
                '#!/bin/bash\nmkdir -p /cache\necho "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com:/ /cache nfs4 tls,_netdev 0 0" >> /etc/fstab\nmount -a\n',
              ),
            },
          }),
        );
        s.templateVersion = String(out.LaunchTemplateVersion!.VersionNumber!);
        return out;
      },
    },
  ],
  [
    'EC2 CreateLaunchTemplateVersion user data not base64',
    {
      fails: 'InvalidUserData.Malformed',
      run: (c) =>
        c.platform.ec2.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateId: RUNNER_TEMPLATE,
            LaunchTemplateData: { UserData: '#!/bin/bash\nmount -a\n' },
          }),
        ),
    },
  ],
  [
    'EC2 ModifyLaunchTemplate',
    {
      run: (c, s) =>
        c.platform.ec2.send(
          new ModifyLaunchTemplateCommand({
            LaunchTemplateId: RUNNER_TEMPLATE,
            DefaultVersion: s.templateVersion,
          }),
        ),
    },
  ],
  [
    'EC2 ModifyLaunchTemplate unknown template',
    {
      fails: 'InvalidLaunchTemplateId.NotFound',
      run: (c) =>
        c.platform.ec2.send(
          new ModifyLaunchTemplateCommand({ LaunchTemplateId: 'lt-0ffffffffffffffff', DefaultVersion: '1' }),
        ),
    },
  ],
  // Auto Scaling: the group launching the template, and the instance refresh that rolls the new version out.
  [
    'AutoScaling DescribeAutoScalingGroups',
    { run: (c) => c.platform.autoScaling.send(new DescribeAutoScalingGroupsCommand({})) },
  ],
  [
    'AutoScaling DescribeAutoScalingGroups by name',
    {
      run: (c) =>
        c.platform.autoScaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [RUNNER_GROUP, 'nope'] }),
        ),
    },
  ],
  [
    'AutoScaling CancelInstanceRefresh with none active',
    {
      fails: 'ActiveInstanceRefreshNotFoundFault',
      run: (c) =>
        c.platform.autoScaling.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: RUNNER_GROUP })),
    },
  ],
  [
    'AutoScaling StartInstanceRefresh',
    {
      run: (c) =>
        c.platform.autoScaling.send(
          new StartInstanceRefreshCommand({
            AutoScalingGroupName: RUNNER_GROUP,
            Preferences: { MinHealthyPercentage: 50, SkipMatching: true },
          }),
        ),
    },
  ],
  [
    'AutoScaling StartInstanceRefresh while one runs',
    {
      fails: 'InstanceRefreshInProgressFault',
      run: (c) =>
        c.platform.autoScaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: RUNNER_GROUP })),
    },
  ],
  [
    'AutoScaling StartInstanceRefresh unknown group',
    {
      fails: 'ValidationError',
      run: (c) =>
        c.platform.autoScaling.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'nope' })),
    },
  ],
  [
    'AutoScaling DescribeInstanceRefreshes in progress',
    {
      run: (c, _s, h) => {
        h.advance(DEFAULT_TIMING.instanceRefreshPendingMs);
        return c.platform.autoScaling.send(
          new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: RUNNER_GROUP }),
        );
      },
    },
  ],
  [
    'AutoScaling CancelInstanceRefresh',
    {
      run: (c) =>
        c.platform.autoScaling.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: RUNNER_GROUP })),
    },
  ],
  [
    'AutoScaling DescribeInstanceRefreshes cancelled',
    {
      run: (c, _s, h) => {
        h.advance(DEFAULT_TIMING.instanceRefreshCancelMs);
        return c.platform.autoScaling.send(
          new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: RUNNER_GROUP }),
        );
      },
    },
  ],
  [
    'AutoScaling DescribeAutoScalingGroups after the refresh',
    {
      run: (c) =>
        c.platform.autoScaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [RUNNER_GROUP] }),
        ),
    },
  ],
  // Each service's throttling answer (the throttling estate: the second call of an operation).
  [
    'throttled ECS',
    { fails: 'ThrottlingException', run: (c) => c.caller.ecs.send(new ListClustersCommand({})) },
  ],
  [
    'throttled Lambda',
    { fails: 'TooManyRequestsException', run: (c) => c.caller.lambda.send(new ListFunctionsCommand({})) },
  ],
  [
    'throttled EC2 launch templates',
    {
      fails: 'RequestLimitExceeded',
      run: (c) => c.caller.ec2.send(new DescribeLaunchTemplatesCommand({})),
    },
  ],
  [
    'throttled Auto Scaling',
    {
      fails: 'Throttling',
      run: (c) => c.caller.autoScaling.send(new DescribeAutoScalingGroupsCommand({})),
    },
  ],
];
