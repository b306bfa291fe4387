import type { FileSystemRecord } from './inventory.ts';

/**
 * Who uses a file system, as AWS's APIs show it, and what no API shows. One read-only discovery
 * (src/workflow/consumers/) produces a ConsumerReport; cutover plans its changes from it, the
 * decommission guard refuses while it is not empty, and the validation report lists it.
 *
 * Values here are the bot's own names (camelCase), not AWS's: discovery keeps only what the
 * later phases need, and cutover re-reads each consumer fresh before it changes it.
 */

/** The forms a mount can name the source by; user data may hold any of them. */
export type ReferenceForm =
  /** `fs-0123…` (ECS `fileSystemId`, `mount -t efs fs-…:/`). */
  | 'file-system-id'
  /** `fs-0123….efs.<region>.amazonaws.com` (NFS mounts, fstab). */
  | 'dns-name'
  /** A source mount target's IP address (NFS mounts that skip DNS). */
  | 'mount-target-ip'
  /** `fsap-…` or its ARN (ECS `authorizationConfig.accessPointId`, Lambda `FileSystemConfigs[].Arn`). */
  | 'access-point'
  /** `fs-…::fsap-…` (efs-utils `accesspoint=` mounts, EKS `volumeHandle`). */
  | 'file-system-and-access-point';

/** One place a consumer names the source. */
export interface ConsumerReference {
  form: ReferenceForm;
  /** The text as found, e.g. `fs-0123….efs.us-east-1.amazonaws.com`. */
  value: string;
  /** Where in the consumer, for a person: `volume "data"`, `FileSystemConfigs[0]`, `user data line 12`. */
  where: string;
  /** For access-point forms: the source access point ID, so cutover can map it to the twin's. */
  accessPointId?: string;
}

/** Everything discovery needs to recognise the source in any consumer. */
export interface SourceIdentity {
  accountId: string;
  region: string;
  fileSystemId: string;
  /** `fs-….efs.<region>.amazonaws.com`. */
  dnsName: string;
  accessPointIds: string[];
  /** `arn:aws:elasticfilesystem:<region>:<account>:access-point/fsap-…`, one per access point. */
  accessPointArns: string[];
  mountTargetIps: string[];
}

export function sourceIdentityOf(fs: FileSystemRecord): SourceIdentity {
  return {
    accountId: fs.accountId,
    region: fs.region,
    fileSystemId: fs.fileSystemId,
    dnsName: `${fs.fileSystemId}.efs.${fs.region}.amazonaws.com`,
    accessPointIds: fs.accessPoints.map((ap) => ap.accessPointId),
    accessPointArns: fs.accessPoints.map(
      (ap) =>
        ap.accessPointArn ??
        `arn:aws:elasticfilesystem:${fs.region}:${fs.accountId}:access-point/${ap.accessPointId}`,
    ),
    mountTargetIps: fs.mountTargets.flatMap((mt) => (mt.ipAddress ? [mt.ipAddress] : [])),
  };
}

/** What every consumer carries, whatever its kind. */
interface ConsumerBase {
  /** Stable across discoveries: the ARN (service, function, task definition) or launch template ID. */
  id: string;
  /** For a person: service, function or template name. */
  name: string;
  /** Tags as read (`app`, `owner` matter to cutover). */
  tags: Record<string, string>;
  references: ConsumerReference[];
}

export type EcsDeploymentControllerType = 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';

/** An ECS service whose current (PRIMARY) deployment runs a task definition that mounts the source. */
export interface EcsServiceConsumer extends ConsumerBase {
  kind: 'ecs-service';
  clusterArn: string;
  serviceArn: string;
  /** The PRIMARY deployment's task definition. */
  taskDefinitionArn: string;
  deploymentController: EcsDeploymentControllerType;
  desiredCount: number;
  runningCount: number;
}

/**
 * An ACTIVE task definition revision that mounts the source but that no service runs: a scheduled
 * task (EventBridge), a Step Functions step or a `RunTask` caller may pin it. Cutover registers its
 * replacement; the pinning callers are on the checklist.
 */
export interface EcsTaskDefinitionConsumer extends ConsumerBase {
  kind: 'ecs-task-definition';
  taskDefinitionArn: string;
  family: string;
  revision: number;
}

/** A Lambda function whose `$LATEST` or a published version behind an alias mounts a source access point. */
export interface LambdaFunctionConsumer extends ConsumerBase {
  kind: 'lambda-function';
  functionArn: string;
  /** `$LATEST` and each published version that mounts the source. */
  versions: string[];
  /** Aliases whose version mounts the source. */
  aliases: { name: string; functionVersion: string }[];
  /** `$LATEST`'s RevisionId when read, so an update is conditional on it. */
  revisionId?: string;
}

/** An EC2 launch template whose default or latest version's user data mounts the source. */
export interface LaunchTemplateConsumer extends ConsumerBase {
  kind: 'launch-template';
  launchTemplateId: string;
  defaultVersion: number;
  latestVersion: number;
  /** The versions (default and/or latest) whose user data names the source. */
  versionsReferencing: number[];
  /** Auto Scaling groups that launch from this template. */
  autoScalingGroups: {
    name: string;
    /** As the group names it: `$Default`, `$Latest` or a number. */
    version: string;
    /** Instances whose launch template version names the source. */
    instancesOnReferencingVersion: string[];
  }[];
}

export type Consumer =
  EcsServiceConsumer | EcsTaskDefinitionConsumer | LambdaFunctionConsumer | LaunchTemplateConsumer;
export type ConsumerKind = Consumer['kind'];

/** What no AWS API shows: a person must check it, and cutover lists it in the thread. */
export interface ChecklistItem {
  /** Stable: `fstab`, `eks-persistent-volumes`, `pinned-task-definitions`, `on-premises`, … */
  id: string;
  title: string;
  /** What to look for and what to change, naming the source's IDs and the twin's when known. */
  detail: string;
}

/** A service discovery could not read (AccessDenied, throttled out): said, never silent. */
export interface UnreadableSource {
  service: 'ecs' | 'lambda' | 'ec2' | 'autoscaling';
  operation: string;
  code: string;
  message: string;
}

export interface ConsumerReport {
  migrationId: string;
  accountId: string;
  region: string;
  fileSystemId: string;
  discoveredAt: string;
  consumers: Consumer[];
  checklist: ChecklistItem[];
  unreadable: UnreadableSource[];
}

/** An application and who owns it, from the `app` and `owner` tags (consumer first, then file system). */
export interface ApplicationGroup {
  /** The `app` tag; consumers without one share the file system's, else `unassigned`. */
  app: string;
  /** The `owner` tag as written: a Slack user ID, an email, or a team name Slack cannot resolve. */
  ownerTag?: string;
  consumers: Consumer[];
}
