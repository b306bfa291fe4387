/**
 * Conformance tier for the workloads that mount file systems (issue #14 §5): moto_server and the local
 * estate are seeded with the same ECS cluster, task definition (an EFS volume) and service, the same
 * Lambda function (VPC and FileSystemConfig), the same launch template (user data mounting EFS) and
 * Auto Scaling group; the same reads go through the same SDK clients to both, and the answers' shapes
 * (member paths present, enum values; never IDs or times) are compared. Every difference is named in
 * KNOWN_DIFFERENCES with the side AWS's documentation supports; a new one fails the test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { awsModelsDir, type ServiceModel } from '../harness/aws-model-check.ts';
import { answerShape, shapeDifferences } from './answer-shape.ts';
import { motoServerAvailable, startMotoServer, type MotoServer } from './moto-server.ts';
import { MOTO_EMPTY_ZIP, createMotoLambdaRole } from './moto-seed.ts';

const available = motoServerAvailable();
if (!available) console.log('moto workloads conformance skipped: moto_server is not on PATH');

/** moto's default account: any access key it did not issue acts as it; the estate names it the caller. */
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'AKIDWORKLOADS', secretAccessKey: 'workloads' };
const ROLE = `arn:aws:iam::${ACCOUNT}:role/thumbnailer-role`;
const FS = 'fs-0c0c0c0c0c0c0c0c1';
const AP = 'fsap-0c0c0c0c0c0c0c0c1';
const AP_ARN = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/${AP}`;
const RUNNER_DATA = `#!/bin/bash\nmkdir -p /cache\necho '${FS}.efs.${REGION}.amazonaws.com:/ /cache nfs4 _netdev 0 0' >> /etc/fstab\nmount -a\n`;
const AMI = 'ami-0a1b2c3d4e5f60718';

const CLUSTER_TAGS = [{ key: 'team', value: 'platform' }];
const TASK_DEFINITION: RegisterTaskDefinitionCommandInput = {
  family: 'jenkins',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '1024',
  memory: '2048',
  executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/jenkins-exec`,
  containerDefinitions: [
    {
      name: 'jenkins',
      image: 'jenkins/jenkins:lts',
      essential: true,
      mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }],
    },
  ],
  volumes: [
    {
      name: 'data',
      efsVolumeConfiguration: {
        fileSystemId: FS,
        transitEncryption: 'ENABLED',
        authorizationConfig: { accessPointId: AP, iam: 'ENABLED' },
      },
    },
  ],
  tags: [{ key: 'app', value: 'jenkins' }],
};
const FUNCTION = {
  FunctionName: 'thumbnailer',
  Runtime: 'nodejs20.x' as const,
  Handler: 'index.handler',
  MemorySize: 512,
  Timeout: 30,
  Tags: { app: 'merchant-portal' },
};
const GROUP = 'gitlab-runners';
const TEMPLATE = 'gitlab-runner';

/**
 * Every difference between the two answers, and the side AWS's documentation (the API reference and
 * aws-models) supports: `estate` means moto lacks or differs. Where moto was right the estate was
 * fixed instead, so nothing here says `moto`: ECS services' loadBalancers, serviceRegistries,
 * propagateTags and deployments' platformFamily and networkConfiguration; task definitions' container defaults and
 * placementConstraints; Lambda's SnapStart; Auto Scaling groups' empty lists, CapacityRebalance, and
 * the instances of their desired capacity.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  // ECS
  'ecs:DescribeClusters estate only: clusters[].capacityProviders':
    'estate: AWS answers capacityProviders, [] when none (DescribeClusters example response); moto omits it',
  'ecs:DescribeClusters estate only: clusters[].defaultCapacityProviderStrategy':
    'estate: answered as [] when none (DescribeClusters example response); moto omits it',
  'ecs:DescribeClusters estate only: clusters[].statistics':
    'estate: answered as [] unless STATISTICS is included (DescribeClusters example response); moto omits it',
  'ecs:DescribeServices enum services[].deployments[].rolloutState: moto IN_PROGRESS, estate COMPLETED':
    'estate: a settled service\'s deployment is COMPLETED ("the service reached a steady state"); moto never completes one',
  'ecs:DescribeServices estate only: services[].createdAt':
    'estate: Service.createdAt is set on every service (API reference); moto omits it',
  'ecs:DescribeServices estate only: services[].deploymentConfiguration':
    'estate: AWS answers the defaults (maximumPercent 200, minimumHealthyPercent 100, circuit breaker off); moto omits them',
  'ecs:DescribeServices estate only: services[].events[]':
    'estate: ECS records service events ("has reached a steady state"); moto keeps none',
  'ecs:DescribeTaskDefinition estate only: taskDefinition.registeredAt':
    'estate: TaskDefinition.registeredAt is answered for every revision (API reference); moto omits it',
  'ecs:DescribeTaskDefinition estate only: taskDefinition.registeredBy':
    'estate: TaskDefinition.registeredBy is answered for every revision (API reference); moto omits it',
  'ecs:DescribeTaskDefinition estate only: taskDefinition.requiresAttributes':
    'estate: ECS derives requiresAttributes (ecs.capability.efs, efsAuth, task-eni…); moto does not',
  'ecs:DescribeTaskDefinition moto only: taskDefinition.volumes[].efsVolumeConfiguration.rootDirectory':
    'undocumented either way: AWS says omitting rootDirectory equals "/"; the estate answers the volume as registered, moto fills in "/"',
  'ecs:UpdateService enum service.deployments[].rolloutState: moto IN_PROGRESS, estate COMPLETED|IN_PROGRESS':
    'estate: the previous deployment stays (ACTIVE, COMPLETED) while the new PRIMARY is IN_PROGRESS (Deployment.status); moto replaces it',
  'ecs:UpdateService estate only: service.createdAt': 'estate: as for DescribeServices',
  'ecs:UpdateService estate only: service.deploymentConfiguration': 'estate: as for DescribeServices',
  'ecs:UpdateService estate only: service.events[]': 'estate: as for DescribeServices',
  'ecs:UpdateService moto only: service.tags':
    'undocumented either way: Service.tags is documented as returned by DescribeServices with include TAGS; UpdateService takes no include, so the estate leaves them out',
  // Launch templates
  'ec2:CreateLaunchTemplateVersion estate only: LaunchTemplateVersion.LaunchTemplateData.ImageId':
    'estate: a version based on SourceVersion "inherits the same launch parameters as the source version" (API reference); moto 5.2 keeps only the members given',
  'ec2:CreateLaunchTemplateVersion estate only: LaunchTemplateVersion.LaunchTemplateData.InstanceType':
    'estate: as for ImageId',
  // Lambda
  'lambda:PublishVersion estate only: FileSystemConfigs': 'estate: as for ListFunctions',
  'lambda:PublishVersion estate only: LoggingConfig': 'estate: as for ListFunctions',
  'lambda:PublishVersion estate only: RevisionId': 'estate: as for ListFunctions',
  'lambda:PublishVersion moto only: Layers': 'estate: as for ListFunctions',
  'lambda:ListFunctions estate only: Functions[].FileSystemConfigs':
    'estate: FunctionConfiguration.FileSystemConfigs (API reference); moto 5.2 CreateFunction drops it',
  'lambda:ListFunctions estate only: Functions[].LoggingConfig':
    'estate: Lambda answers LoggingConfig (Text, /aws/lambda/<name>) for every function; moto omits it',
  'lambda:ListFunctions estate only: Functions[].RevisionId':
    'estate: FunctionConfiguration.RevisionId is answered for every function (the RevisionId precondition needs it); moto omits it',
  'lambda:ListFunctions moto only: Functions[].LastUpdateStatus':
    'estate: "ListFunctions returns a subset of the FunctionConfiguration fields" without LastUpdateStatus (API reference)',
  'lambda:ListFunctions moto only: Functions[].State':
    'estate: ListFunctions leaves State out, "use GetFunction" (API reference)',
  'lambda:ListFunctions moto only: Functions[].Layers':
    'estate: Layers is answered for functions with layers; moto answers [] for one without',
  'lambda:GetFunction estate only: Configuration.FileSystemConfigs': 'estate: as for ListFunctions',
  'lambda:GetFunction estate only: Configuration.LoggingConfig': 'estate: as for ListFunctions',
  'lambda:GetFunction estate only: Configuration.RevisionId': 'estate: as for ListFunctions',
  'lambda:GetFunction moto only: Configuration.Layers': 'estate: as for ListFunctions',
  'lambda:GetFunctionConfiguration estate only: FileSystemConfigs': 'estate: as for ListFunctions',
  'lambda:GetFunctionConfiguration estate only: LoggingConfig': 'estate: as for ListFunctions',
  'lambda:GetFunctionConfiguration estate only: RevisionId': 'estate: as for ListFunctions',
  'lambda:GetFunctionConfiguration moto only: Layers': 'estate: as for ListFunctions',
  'lambda:ListVersionsByFunction estate only: Versions[].FileSystemConfigs': 'estate: as for ListFunctions',
  'lambda:ListVersionsByFunction estate only: Versions[].LoggingConfig': 'estate: as for ListFunctions',
  'lambda:ListVersionsByFunction estate only: Versions[].RevisionId': 'estate: as for ListFunctions',
  'lambda:ListVersionsByFunction moto only: Versions[].Layers': 'estate: as for ListFunctions',
  // Auto Scaling
  'autoscaling:DescribeAutoScalingGroups estate only: AutoScalingGroups[].Instances[].AvailabilityZoneId':
    'estate: Instance.AvailabilityZoneId "where the instance was launched" (aws-models/autoscaling); moto omits it',
};

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
function model(service: string): ServiceModel {
  const file = join(awsModelsDir(PROJECT_ROOT), service, 'service-2.json');
  return { service, ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<ServiceModel, 'service'>) };
}

interface Clients {
  ecs: ECSClient;
  lambda: LambdaClient;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
}

function clientsFor(endpoint: string): Clients {
  const config = { region: REGION, endpoint, credentials, maxAttempts: 1 };
  return {
    ecs: new ECSClient(config),
    lambda: new LambdaClient(config),
    ec2: new EC2Client(config),
    autoScaling: new AutoScalingClient(config),
  };
}

async function seedMoto(endpoint: string): Promise<void> {
  const c = clientsFor(endpoint);
  const vpc = await c.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }));
  const subnets = await Promise.all(
    ['a', 'b'].map((zone, i) =>
      c.ec2.send(
        new CreateSubnetCommand({
          VpcId: vpc.Vpc!.VpcId,
          CidrBlock: `10.30.${i}.0/24`,
          AvailabilityZone: `${REGION}${zone}`,
        }),
      ),
    ),
  );
  const subnetIds = subnets.map((s) => s.Subnet!.SubnetId!);
  const sg = await c.ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: 'lambda',
      Description: 'thumbnailer',
      VpcId: vpc.Vpc!.VpcId,
    }),
  );
  await c.ecs.send(new CreateClusterCommand({ clusterName: 'platform', tags: CLUSTER_TAGS }));
  await c.ecs.send(new RegisterTaskDefinitionCommand(TASK_DEFINITION));
  await c.ecs.send(
    new CreateServiceCommand({
      cluster: 'platform',
      serviceName: 'jenkins',
      taskDefinition: 'jenkins:1',
      desiredCount: 1,
      launchType: 'FARGATE',
      deploymentController: { type: 'ECS' },
      // AWS requires it for an awsvpc service; moto would answer an empty one without it.
      networkConfiguration: { awsvpcConfiguration: { subnets: subnetIds, securityGroups: [sg.GroupId!] } },
      tags: [{ key: 'app', value: 'jenkins' }],
    }),
  );
  await createMotoLambdaRole(endpoint, credentials, 'thumbnailer-role');
  await c.lambda.send(
    new CreateFunctionCommand({
      ...FUNCTION,
      Role: ROLE,
      Code: { ZipFile: MOTO_EMPTY_ZIP },
      VpcConfig: { SubnetIds: subnetIds, SecurityGroupIds: [sg.GroupId!] },
      FileSystemConfigs: [{ Arn: AP_ARN, LocalMountPath: '/mnt/uploads' }],
    }),
  );
  // moto 5.2 answers 500 when a group launches from a version with user data (it asserts on its
  // own unwrapped UserData), so its group launches version 1, the runner without the cache, and the
  // version with the EFS mount comes after: the order a migration meets anyway.
  await c.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: TEMPLATE,
      LaunchTemplateData: { ImageId: AMI, InstanceType: 'm6i.large' },
    }),
  );
  await c.autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: GROUP,
      LaunchTemplate: { LaunchTemplateName: TEMPLATE, Version: '$Default' },
      MinSize: 1,
      MaxSize: 4,
      DesiredCapacity: 2,
      VPCZoneIdentifier: subnetIds.join(','),
      Tags: [{ Key: 'owner', Value: 'platform-team', PropagateAtLaunch: true }],
    }),
  );
  await c.ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateName: TEMPLATE,
      SourceVersion: '1',
      LaunchTemplateData: { UserData: Buffer.from(RUNNER_DATA).toString('base64') },
    }),
  );
  await c.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateName: TEMPLATE, DefaultVersion: '2' }));
  for (const client of Object.values(c)) client.destroy();
}

/** The same workloads as an estate file. */
const ESTATE = {
  callerAccountId: ACCOUNT,
  accounts: [
    {
      accountId: ACCOUNT,
      regions: {
        [REGION]: {
          vpcs: [{ VpcId: 'vpc-0c0c0c0c0c0c0c0c0', CidrBlock: '10.30.0.0/16' }],
          subnets: ['a', 'b'].map((zone, i) => ({
            SubnetId: `subnet-0c0c0c0c0c0c0c0c${i}`,
            VpcId: 'vpc-0c0c0c0c0c0c0c0c0',
            AvailabilityZone: `${REGION}${zone}`,
            CidrBlock: `10.30.${i}.0/24`,
          })),
          securityGroups: [
            { GroupId: 'sg-0c0c0c0c0c0c0c0c1', GroupName: 'lambda', VpcId: 'vpc-0c0c0c0c0c0c0c0c0' },
          ],
          fileSystems: [
            { FileSystemId: FS, AccessPoints: [{ AccessPointId: AP, RootDirectory: { Path: '/uploads' } }] },
          ],
          ecs: {
            clusters: [{ clusterName: 'platform', tags: CLUSTER_TAGS }],
            taskDefinitions: [{ ...TASK_DEFINITION, revision: 1 }],
            services: [
              {
                cluster: 'platform',
                serviceName: 'jenkins',
                taskDefinition: 'jenkins:1',
                desiredCount: 1,
                launchType: 'FARGATE',
                deploymentController: { type: 'ECS' },
                networkConfiguration: {
                  awsvpcConfiguration: {
                    subnets: ['subnet-0c0c0c0c0c0c0c0c0', 'subnet-0c0c0c0c0c0c0c0c1'],
                    securityGroups: ['sg-0c0c0c0c0c0c0c0c1'],
                  },
                },
                tags: [{ key: 'app', value: 'jenkins' }],
              },
            ],
          },
          lambda: {
            functions: [
              {
                ...FUNCTION,
                Role: ROLE,
                VpcConfig: {
                  SubnetIds: ['subnet-0c0c0c0c0c0c0c0c0', 'subnet-0c0c0c0c0c0c0c0c1'],
                  SecurityGroupIds: ['sg-0c0c0c0c0c0c0c0c1'],
                },
                FileSystemConfigs: [{ Arn: AP_ARN, LocalMountPath: '/mnt/uploads' }],
              },
            ],
          },
          launchTemplates: [
            {
              LaunchTemplateName: TEMPLATE,
              DefaultVersionNumber: 2,
              Versions: [
                { LaunchTemplateData: { ImageId: AMI, InstanceType: 'm6i.large' } },
                { LaunchTemplateData: { ImageId: AMI, InstanceType: 'm6i.large', UserData: RUNNER_DATA } },
              ],
            },
          ],
          autoScalingGroups: [
            {
              AutoScalingGroupName: GROUP,
              LaunchTemplate: { LaunchTemplateName: TEMPLATE, Version: '$Default' },
              MinSize: 1,
              MaxSize: 4,
              DesiredCapacity: 2,
              VPCZoneIdentifier: 'subnet-0c0c0c0c0c0c0c0c0,subnet-0c0c0c0c0c0c0c0c1',
              Tags: [{ Key: 'owner', Value: 'platform-team', PropagateAtLaunch: true }],
            },
          ],
        },
      },
    },
  ],
};

/** One read: the model folder, the operation, and how to send it (same input on both sides). */
type Read = [service: string, operation: string, send: (c: Clients) => Promise<object>];

const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/platform`;
const READS: Read[] = [
  ['ecs', 'ListClusters', (c) => c.ecs.send(new ListClustersCommand({}))],
  [
    'ecs',
    'DescribeClusters',
    (c) => c.ecs.send(new DescribeClustersCommand({ clusters: ['platform'], include: ['TAGS'] })),
  ],
  ['ecs', 'ListServices', (c) => c.ecs.send(new ListServicesCommand({ cluster: 'platform' }))],
  [
    'ecs',
    'DescribeServices',
    (c) =>
      c.ecs.send(
        new DescribeServicesCommand({ cluster: 'platform', services: ['jenkins'], include: ['TAGS'] }),
      ),
  ],
  ['ecs', 'ListTaskDefinitions', (c) => c.ecs.send(new ListTaskDefinitionsCommand({}))],
  ['ecs', 'ListTaskDefinitionFamilies', (c) => c.ecs.send(new ListTaskDefinitionFamiliesCommand({}))],
  [
    'ecs',
    'DescribeTaskDefinition',
    (c) => c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'jenkins', include: ['TAGS'] })),
  ],
  [
    'ecs',
    'ListTagsForResource',
    (c) => c.ecs.send(new ListTagsForResourceCommand({ resourceArn: clusterArn })),
  ],
  ['lambda', 'ListFunctions', (c) => c.lambda.send(new ListFunctionsCommand({}))],
  [
    'lambda',
    'GetFunction',
    (c) => c.lambda.send(new GetFunctionCommand({ FunctionName: FUNCTION.FunctionName })),
  ],
  [
    'lambda',
    'GetFunctionConfiguration',
    (c) => c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION.FunctionName })),
  ],
  [
    'lambda',
    'ListVersionsByFunction',
    (c) => c.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: FUNCTION.FunctionName })),
  ],
  [
    'lambda',
    'ListAliases',
    (c) => c.lambda.send(new ListAliasesCommand({ FunctionName: FUNCTION.FunctionName })),
  ],
  [
    'lambda',
    'ListTags',
    (c) =>
      c.lambda.send(
        new ListTagsCommand({
          Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION.FunctionName}`,
        }),
      ),
  ],
  [
    'ec2',
    'DescribeLaunchTemplates',
    (c) => c.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [TEMPLATE] })),
  ],
  [
    'ec2',
    'DescribeLaunchTemplateVersions',
    (c) => c.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: TEMPLATE })),
  ],
  // The writes a migration sends, answered alike (moto 5.2 has no instance refresh: StartInstanceRefresh is
  // held to AWS's model alone, in test/estate/model-conformance.test.ts).
  [
    'ecs',
    'UpdateService',
    (c) =>
      c.ecs.send(
        new UpdateServiceCommand({ cluster: 'platform', service: 'jenkins', forceNewDeployment: true }),
      ),
  ],
  [
    'lambda',
    'PublishVersion',
    (c) => c.lambda.send(new PublishVersionCommand({ FunctionName: FUNCTION.FunctionName })),
  ],
  [
    'ec2',
    'CreateLaunchTemplateVersion',
    (c) =>
      c.ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateName: TEMPLATE,
          SourceVersion: '2',
          VersionDescription: 'cache on the encrypted twin',
          LaunchTemplateData: {
            UserData: Buffer.from(RUNNER_DATA.replace(FS, 'fs-0d0d0d0d0d0d0d0d1')).toString('base64'),
          },
        }),
      ),
  ],
  [
    'ec2',
    'ModifyLaunchTemplate',
    (c) => c.ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateName: TEMPLATE, DefaultVersion: '3' })),
  ],
  [
    'autoscaling',
    'DescribeAutoScalingGroups',
    (c) => c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] })),
  ],
];

describe.skipIf(!available)('workloads: moto_server and the local estate answer with the same shapes', () => {
  let moto: MotoServer;
  let estate: EstateServer;
  let fromMoto: Clients;
  let fromEstate: Clients;
  const models = new Map<string, ServiceModel>();

  beforeAll(async () => {
    moto = await startMotoServer();
    await seedMoto(moto.endpoint);
    estate = await startEstateServer({ estate: parseEstate(ESTATE, 'conformance') });
    fromMoto = clientsFor(moto.endpoint);
    fromEstate = clientsFor(estate.endpoint);
    for (const s of ['ecs', 'lambda', 'ec2', 'autoscaling']) models.set(s, model(s));
  }, 60_000);

  afterAll(async () => {
    for (const c of [fromMoto, fromEstate]) if (c) for (const client of Object.values(c)) client.destroy();
    await estate?.close();
    await moto?.close();
  });

  test('every difference in the answers is a named one, with the side AWS documents', async () => {
    const differences: string[] = [];
    for (const [service, operation, send] of READS) {
      const m = models.get(service)!;
      const [a, b] = [await send(fromMoto), await send(fromEstate)];
      differences.push(
        ...shapeDifferences(
          `${service}:${operation}`,
          answerShape(m, operation, a),
          answerShape(m, operation, b),
        ),
      );
    }
    expect(differences.sort()).toEqual(Object.keys(KNOWN_DIFFERENCES).sort());
  }, 60_000);
});
