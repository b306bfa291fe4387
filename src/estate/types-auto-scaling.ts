/**
 * EC2 launch templates and the Auto Scaling groups that launch them, after loading: typed with the
 * SDK's own output shapes (`LaunchTemplate`, `LaunchTemplateVersion`, `AutoScalingGroup`).
 */
import type { LaunchTemplate, LaunchTemplateVersion, ResponseLaunchTemplateData } from '@aws-sdk/client-ec2';
import type { AutoScalingGroup, Instance } from '@aws-sdk/client-auto-scaling';
import type { WithRequired } from './types.ts';

/** One version; `LaunchTemplateData.UserData` is held base64-encoded, as EC2 answers it. */
export type EstateLaunchTemplateVersion = WithRequired<
  LaunchTemplateVersion,
  | 'LaunchTemplateId'
  | 'LaunchTemplateName'
  | 'VersionNumber'
  | 'CreateTime'
  | 'CreatedBy'
  | 'DefaultVersion'
  | 'LaunchTemplateData'
> & { LaunchTemplateData: ResponseLaunchTemplateData };

export type EstateLaunchTemplate = WithRequired<
  LaunchTemplate,
  | 'LaunchTemplateId'
  | 'LaunchTemplateName'
  | 'CreateTime'
  | 'CreatedBy'
  | 'DefaultVersionNumber'
  | 'LatestVersionNumber'
  | 'Tags'
> & {
  /** Ascending by VersionNumber (numbers of deleted versions may be missing, as in EC2). */
  Versions: EstateLaunchTemplateVersion[];
  /** CreateLaunchTemplateVersion ClientTokens already used → the version each created (idempotency). */
  ClientTokens: Record<string, { version: number; request: string }>;
};

/** An instance of a group; its `LaunchTemplate.Version` is the number it was launched from. */
export type EstateGroupInstance = WithRequired<
  Instance,
  'InstanceId' | 'AvailabilityZone' | 'LifecycleState' | 'HealthStatus' | 'ProtectedFromScaleIn'
>;

export type EstateAutoScalingGroup = Omit<AutoScalingGroupWithRequired, 'Instances'> & {
  Instances: EstateGroupInstance[];
};

type AutoScalingGroupWithRequired = WithRequired<
  AutoScalingGroup,
  | 'AutoScalingGroupName'
  | 'AutoScalingGroupARN'
  | 'MinSize'
  | 'MaxSize'
  | 'DesiredCapacity'
  | 'DefaultCooldown'
  | 'AvailabilityZones'
  | 'HealthCheckType'
  | 'CreatedTime'
  | 'VPCZoneIdentifier'
  | 'Tags'
>;
