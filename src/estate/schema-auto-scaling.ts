/**
 * Estate-file schemas for EC2 launch templates (with their versions) and the Auto Scaling groups that
 * launch them. Member names are AWS's (`LaunchTemplate`, `LaunchTemplateVersion`, `AutoScalingGroup`),
 * objects are strict; one estate choice: `UserData` is written as plain text (the script itself) and
 * answered base64-encoded, as EC2 sends it.
 */
import { z } from 'zod';
import { LifecycleState } from '@aws-sdk/client-auto-scaling';
import { ShutdownBehavior } from '@aws-sdk/client-ec2';

const enumOf = <T extends Record<string, string>>(values: T) =>
  z.enum(Object.values(values) as [T[keyof T], ...T[keyof T][]]);

/** Dates as ISO 8601 or epoch seconds (the same rule as the rest of the file). */
const date = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a date: use ISO 8601 (2024-05-01T12:00:00Z) or epoch seconds`,
    });
    return z.NEVER;
  }
  return d;
});
const tag = z.strictObject({ Key: z.string().min(1), Value: z.string() });
const passThrough = z.unknown().optional();
export const launchTemplateIdSchema = z
  .string()
  .regex(/^lt-[0-9a-f]{17}$/, 'a launch template ID looks like lt-0123456789abcdef0');
const launchTemplateName = z
  .string()
  .regex(/^[a-zA-Z0-9().\-/_]{3,128}$/, 'a launch template name is 3 to 128 letters, digits and ( ) . - / _');
const securityGroupId = z
  .string()
  .regex(/^sg-[0-9a-f]{8,17}$/, 'a security group ID looks like sg-0123456789abcdef0');

/**
 * `ResponseLaunchTemplateData`: the members the estate reads are typed, the others are accepted as
 * given so pasted `describe-launch-template-versions` output loads.
 */
const launchTemplateData = z.strictObject({
  KernelId: z.string().optional(),
  EbsOptimized: z.boolean().optional(),
  IamInstanceProfile: z.strictObject({ Arn: z.string().optional(), Name: z.string().optional() }).optional(),
  BlockDeviceMappings: passThrough,
  NetworkInterfaces: passThrough,
  ImageId: z
    .string()
    .regex(/^ami-[0-9a-f]{8,17}$/, 'an AMI ID looks like ami-0123456789abcdef0')
    .optional(),
  InstanceType: z.string().min(1).optional(),
  KeyName: z.string().optional(),
  Monitoring: z.strictObject({ Enabled: z.boolean().optional() }).optional(),
  Placement: passThrough,
  RamDiskId: z.string().optional(),
  DisableApiTermination: z.boolean().optional(),
  InstanceInitiatedShutdownBehavior: enumOf(ShutdownBehavior).optional(),
  /** Estate choice: the script as plain text; EC2 answers it base64-encoded. */
  UserData: z.string().optional(),
  TagSpecifications: z
    .array(z.strictObject({ ResourceType: z.string().min(1), Tags: z.array(tag) }))
    .optional(),
  ElasticGpuSpecifications: passThrough,
  ElasticInferenceAccelerators: passThrough,
  SecurityGroupIds: z.array(securityGroupId).optional(),
  SecurityGroups: z.array(z.string()).optional(),
  InstanceMarketOptions: passThrough,
  CreditSpecification: passThrough,
  CpuOptions: passThrough,
  CapacityReservationSpecification: passThrough,
  LicenseSpecifications: passThrough,
  HibernationOptions: passThrough,
  MetadataOptions: passThrough,
  EnclaveOptions: passThrough,
  InstanceRequirements: passThrough,
  PrivateDnsNameOptions: passThrough,
  MaintenanceOptions: passThrough,
  DisableApiStop: z.boolean().optional(),
  Operator: passThrough,
  NetworkPerformanceOptions: passThrough,
  SecondaryInterfaces: passThrough,
});

const launchTemplateVersion = z.strictObject({
  LaunchTemplateId: launchTemplateIdSchema.optional(),
  LaunchTemplateName: launchTemplateName.optional(),
  /** Default: its position (1, 2, …). */
  VersionNumber: z.number().int().min(1).optional(),
  VersionDescription: z.string().max(255).optional(),
  CreateTime: date.optional(),
  CreatedBy: z.string().optional(),
  /** Derived from the template's DefaultVersionNumber; given, it must agree. */
  DefaultVersion: z.boolean().optional(),
  LaunchTemplateData: launchTemplateData,
  Operator: passThrough,
});

export const launchTemplateInput = z.strictObject({
  LaunchTemplateId: launchTemplateIdSchema.optional(),
  LaunchTemplateName: launchTemplateName,
  CreateTime: date.optional(),
  CreatedBy: z.string().optional(),
  /** Default 1, as EC2 leaves the first version the default until ModifyLaunchTemplate changes it. */
  DefaultVersionNumber: z.number().int().min(1).optional(),
  /** Derived from Versions; given, it must agree. */
  LatestVersionNumber: z.number().int().min(1).optional(),
  Tags: z.array(tag).optional(),
  Operator: passThrough,
  /** Estate addition: the versions, oldest first. */
  Versions: z.array(launchTemplateVersion).min(1, 'a launch template has at least one version'),
});

const launchTemplateSpecification = z.strictObject({
  LaunchTemplateId: launchTemplateIdSchema.optional(),
  LaunchTemplateName: launchTemplateName.optional(),
  /** `$Default` (the default), `$Latest` or a version number. */
  Version: z
    .string()
    .regex(/^(\$Default|\$Latest|[1-9]\d*)$/, 'Version is $Default, $Latest or a version number')
    .optional(),
});

const groupInstance = z.strictObject({
  InstanceId: z
    .string()
    .regex(/^i-[0-9a-f]{8,17}$/, 'an instance ID looks like i-0123456789abcdef0')
    .optional(),
  InstanceType: z.string().optional(),
  /** Default: the zones of the group's subnets in turn. */
  AvailabilityZone: z.string().optional(),
  AvailabilityZoneId: z.string().optional(),
  LifecycleState: enumOf(LifecycleState).optional(),
  HealthStatus: z.enum(['Healthy', 'Unhealthy']).optional(),
  /** The version this instance was launched from; default the group's version as it resolves now. */
  LaunchTemplate: launchTemplateSpecification.optional(),
  ImageId: z.string().optional(),
  ProtectedFromScaleIn: z.boolean().optional(),
  WeightedCapacity: z.string().optional(),
});

export const autoScalingGroupInput = z.strictObject({
  AutoScalingGroupName: z.string().min(1).max(255),
  AutoScalingGroupARN: z.string().optional(),
  LaunchTemplate: launchTemplateSpecification.optional(),
  MixedInstancesPolicy: z
    .strictObject({
      LaunchTemplate: z.strictObject({
        LaunchTemplateSpecification: launchTemplateSpecification,
        Overrides: passThrough,
      }),
      InstancesDistribution: passThrough,
    })
    .optional(),
  MinSize: z.number().int().min(0).optional(),
  MaxSize: z.number().int().min(0).optional(),
  /** Default: the number of Instances. */
  DesiredCapacity: z.number().int().min(0).optional(),
  DefaultCooldown: z.number().int().min(0).optional(),
  AvailabilityZones: z.array(z.string()).optional(),
  HealthCheckType: z.enum(['EC2', 'ELB', 'VPC_LATTICE', 'EBS']).optional(),
  HealthCheckGracePeriod: z.number().int().min(0).optional(),
  /** Comma-separated subnet IDs of this region's subnets. */
  VPCZoneIdentifier: z.string().min(1),
  Instances: z.array(groupInstance).optional(),
  CreatedTime: date.optional(),
  Status: z.string().optional(),
  TargetGroupARNs: z.array(z.string()).optional(),
  TerminationPolicies: z.array(z.string()).optional(),
  NewInstancesProtectedFromScaleIn: z.boolean().optional(),
  ServiceLinkedRoleARN: z.string().optional(),
  CapacityRebalance: z.boolean().optional(),
  Tags: z
    .array(
      z.strictObject({
        ResourceId: z.string().optional(),
        ResourceType: z.literal('auto-scaling-group').optional(),
        Key: z.string().min(1),
        Value: z.string(),
        PropagateAtLaunch: z.boolean().optional(),
      }),
    )
    .optional(),
});

export type LaunchTemplateInput = z.infer<typeof launchTemplateInput>;
export type AutoScalingGroupInput = z.infer<typeof autoScalingGroupInput>;
