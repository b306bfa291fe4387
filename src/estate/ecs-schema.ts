/**
 * The `ecs` member of an estate region: clusters, task definition revisions and services, in the
 * member names of AWS's ECS API (lower camel case, as `aws ecs describe-*` prints them) so CLI
 * output can be pasted. The members the estate reads are typed; the rarer ones are listed so they
 * are accepted and passed through as given, and a misspelled member is still refused.
 */
import { z } from 'zod';
import {
  Compatibility,
  DeploymentControllerType,
  EFSAuthorizationConfigIAM,
  EFSTransitEncryption,
  LaunchType,
  NetworkMode,
  PropagateTags,
  SchedulingStrategy,
  TaskDefinitionStatus,
} from '@aws-sdk/client-ecs';

const enumOf = <T extends Record<string, string>>(values: T) =>
  z.enum(Object.values(values) as [T[keyof T], ...T[keyof T][]]);
const passThrough = z.unknown().optional();
const passThroughMembers = (names: string) =>
  Object.fromEntries(names.split(' ').map((name) => [name, passThrough])) as Record<
    string,
    typeof passThrough
  >;

const awsDate = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a date: use ISO 8601 or epoch seconds` });
    return z.NEVER;
  }
  return date;
});

/** ECS tags are `{ key, value }` (lower case, unlike EFS's `{ Key, Value }`). */
export const ecsTags = z.array(
  z.strictObject({ key: z.string().min(1).max(128), value: z.string().max(256) }),
);

/** Cluster, service and family names: up to 255 letters, digits, hyphens and underscores. */
const ecsName = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, `a ${what} name has up to 255 letters, digits, hyphens and underscores`);
const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
    'a role ARN looks like arn:aws:iam::123456789012:role/name',
  );

const containerDefinition = z.strictObject({
  name: z.string().min(1),
  image: z.string().min(1),
  essential: z.boolean().optional(),
  cpu: z.number().int().min(0).optional(),
  memory: z.number().int().positive().optional(),
  environment: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
  mountPoints: z
    .array(
      z.strictObject({
        sourceVolume: z.string().min(1),
        containerPath: z.string().startsWith('/'),
        readOnly: z.boolean().optional(),
      }),
    )
    .optional(),
  ...passThroughMembers(
    'repositoryCredentials memoryReservation links portMappings restartPolicy entryPoint command environmentFiles volumesFrom linuxParameters secrets dependsOn startTimeout stopTimeout versionConsistency hostname user workingDirectory disableNetworking privileged readonlyRootFilesystem dnsServers dnsSearchDomains extraHosts dockerSecurityOptions interactive pseudoTerminal dockerLabels ulimits logConfiguration healthCheck systemControls resourceRequirements firelensConfiguration credentialSpecs',
  ),
});

export const efsVolumeConfiguration = z.strictObject({
  fileSystemId: z.string().regex(/^fs-[0-9a-f]{8,40}$/, 'a file system ID looks like fs-0123456789abcdef0'),
  rootDirectory: z.string().optional(),
  transitEncryption: enumOf(EFSTransitEncryption).optional(),
  transitEncryptionPort: z.number().int().min(1).max(65535).optional(),
  authorizationConfig: z
    .strictObject({
      accessPointId: z
        .string()
        .regex(/^fsap-[0-9a-f]{8,40}$/, 'an access point ID looks like fsap-0123456789abcdef0')
        .optional(),
      iam: enumOf(EFSAuthorizationConfigIAM).optional(),
    })
    .optional(),
});

const volume = z.strictObject({
  name: z.string().min(1),
  efsVolumeConfiguration: efsVolumeConfiguration.optional(),
  ...passThroughMembers(
    'host dockerVolumeConfiguration s3filesVolumeConfiguration fsxWindowsFileServerVolumeConfiguration configuredAtLaunch',
  ),
});

export const ecsTaskDefinitionInput = z.strictObject({
  family: ecsName('task definition family'),
  /** Default: one more than the family's previous entry in the file (1 for the first). */
  revision: z.number().int().min(1).optional(),
  /** Default ACTIVE. */
  status: enumOf(TaskDefinitionStatus).optional(),
  containerDefinitions: z.array(containerDefinition).min(1, 'a task definition has at least one container'),
  volumes: z.array(volume).optional(),
  taskRoleArn: roleArn.optional(),
  executionRoleArn: roleArn.optional(),
  networkMode: enumOf(NetworkMode).optional(),
  requiresCompatibilities: z.array(enumOf(Compatibility)).optional(),
  cpu: z.string().optional(),
  memory: z.string().optional(),
  registeredAt: awsDate.optional(),
  deregisteredAt: awsDate.optional(),
  registeredBy: z.string().optional(),
  /** Estate addition (DescribeTaskDefinition answers them with `include: ['TAGS']`). */
  tags: ecsTags.optional(),
  ...passThroughMembers(
    'taskDefinitionArn requiresAttributes placementConstraints compatibilities runtimePlatform inferenceAccelerators pidMode ipcMode proxyConfiguration deleteRequestedAt ephemeralStorage enableFaultInjection',
  ),
});

export const ecsServiceInput = z.strictObject({
  /** The cluster's name, one of this region's `ecs.clusters`. */
  cluster: ecsName('cluster'),
  serviceName: ecsName('service'),
  /** `family:revision` (or the full ARN) of one of this region's `ecs.taskDefinitions`. */
  taskDefinition: z.string().min(1),
  desiredCount: z.number().int().min(0),
  launchType: enumOf(LaunchType).optional(),
  deploymentController: z.strictObject({ type: enumOf(DeploymentControllerType) }).optional(),
  deploymentConfiguration: z
    .strictObject({
      deploymentCircuitBreaker: z.strictObject({ enable: z.boolean(), rollback: z.boolean() }).optional(),
      maximumPercent: z.number().int().min(0).optional(),
      minimumHealthyPercent: z.number().int().min(0).optional(),
      ...passThroughMembers(
        'alarms strategy bakeTimeInMinutes lifecycleHooks linearConfiguration canaryConfiguration',
      ),
    })
    .optional(),
  schedulingStrategy: enumOf(SchedulingStrategy).optional(),
  propagateTags: enumOf(PropagateTags).optional(),
  createdAt: awsDate.optional(),
  tags: ecsTags.optional(),
  ...passThroughMembers(
    'loadBalancers serviceRegistries platformVersion platformFamily networkConfiguration healthCheckGracePeriodSeconds roleArn createdBy enableECSManagedTags enableExecuteCommand capacityProviderStrategy placementConstraints placementStrategy',
  ),
});

export const ecsRegionInput = z.strictObject({
  clusters: z.array(z.strictObject({ clusterName: ecsName('cluster'), tags: ecsTags.optional() })).optional(),
  taskDefinitions: z.array(ecsTaskDefinitionInput).optional(),
  services: z.array(ecsServiceInput).optional(),
});

export type EcsRegionInput = z.infer<typeof ecsRegionInput>;
