import { READ_ONLY_PHASES, type Phase } from '../domain/phases.ts';

export { READ_ONLY_PHASES, type Phase };

/**
 * The AWS actions efs-encrypt calls, per phase: the one list the CDK stack's policies (infra/) and
 * the README's permission tables come from. An action goes here when a src/aws adapter sends its
 * command; a phase's list is what that phase's adapters send.
 */

/**
 * What a scan reads (src/aws/efs.ts, kms.ts, ec2.ts): the inventory, its keys, the interfaces
 * that use it. Validate and the digest run a fresh scan, so they read the same.
 */
const SCAN_READS = [
  'elasticfilesystem:DescribeFileSystems',
  'elasticfilesystem:DescribeMountTargets',
  'elasticfilesystem:DescribeAccessPoints',
  'elasticfilesystem:DescribeBackupPolicy',
  'elasticfilesystem:DescribeFileSystemPolicy',
  'elasticfilesystem:DescribeLifecycleConfiguration',
  'elasticfilesystem:DescribeReplicationConfigurations',
  'kms:DescribeKey',
  'kms:ListAliases',
  'ec2:DescribeNetworkInterfaces',
];

/**
 * Consumer discovery (src/aws/ecs.ts, lambda.ts, launch-templates.ts, auto-scaling.ts): who mounts
 * the source. The cutover runs it before a plan, the decommission guard before deleting.
 */
const CONSUMER_READS = [
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:ListTaskDefinitions',
  'ecs:DescribeTaskDefinition',
  'lambda:ListFunctions',
  'lambda:ListVersionsByFunction',
  'lambda:ListAliases',
  'lambda:ListTags',
  'lambda:GetFunctionConfiguration',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribeLaunchTemplateVersions',
  'autoscaling:DescribeAutoScalingGroups',
];

/** In each member account, through the member role. */
export const MEMBER_ACTIONS: Record<Phase, readonly string[]> = {
  scan: [
    ...SCAN_READS,
    // `efs-encrypt estate capture` (src/capture) reads these too, through the same role.
    'elasticfilesystem:DescribeMountTargetSecurityGroups',
    'kms:ListKeys',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeVpcs',
  ],
  // src/workflow/decide: the chosen key, and the network path from the mount targets' subnets and groups.
  decide: [
    'kms:DescribeKey',
    'kms:ListAliases',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
    'elasticfilesystem:DescribeMountTargets',
    'elasticfilesystem:DescribeMountTargetSecurityGroups',
  ],
  validate: SCAN_READS,
  digest: SCAN_READS,
  // src/aws/efs-writer.ts: the encrypted twin, its mount targets, access points and policies.
  build: [
    'elasticfilesystem:CreateFileSystem',
    'elasticfilesystem:CreateMountTarget',
    'elasticfilesystem:CreateAccessPoint',
    'elasticfilesystem:DescribeFileSystems',
    'elasticfilesystem:DescribeMountTargets',
    'elasticfilesystem:DescribeAccessPoints',
    'elasticfilesystem:PutBackupPolicy',
    'elasticfilesystem:PutFileSystemPolicy',
    'elasticfilesystem:PutLifecycleConfiguration',
    'elasticfilesystem:TagResource',
    // EFS describes a customer managed key and creates a grant on it for the file system it encrypts.
    'kms:DescribeKey',
    'kms:CreateGrant',
    // Mount targets are network interfaces EFS makes in the member's subnets on the caller's rights.
    'ec2:DescribeSubnets',
    'ec2:DescribeNetworkInterfaces',
    'ec2:CreateNetworkInterface',
  ],
  // src/aws/datasync.ts and efs-replication.ts; the network directory checks the path DataSync takes.
  copy: [
    'datasync:CreateLocationEfs',
    'datasync:CreateTask',
    'datasync:DescribeTask',
    'datasync:DescribeTaskExecution',
    'datasync:ListLocations',
    'datasync:ListTasks',
    'datasync:ListTagsForResource',
    'datasync:StartTaskExecution',
    'elasticfilesystem:CreateReplicationConfiguration',
    'elasticfilesystem:DeleteReplicationConfiguration',
    'elasticfilesystem:DescribeReplicationConfigurations',
    'elasticfilesystem:UpdateFileSystemProtection',
    'elasticfilesystem:DescribeFileSystems',
    'elasticfilesystem:DescribeMountTargets',
    'elasticfilesystem:DescribeMountTargetSecurityGroups',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
    'cloudwatch:GetMetricData',
    // A task report's bucket access role, passed to DataSync (PASSED_TO_SERVICES).
    'iam:PassRole',
  ],
  // src/aws/ecs-cutover.ts, lambda-cutover.ts, launch-template-cutover.ts, and consumer discovery.
  cutover: [
    ...CONSUMER_READS,
    'ecs:RegisterTaskDefinition',
    'ecs:UpdateService',
    'ecs:TagResource',
    'lambda:UpdateFunctionConfiguration',
    'lambda:PublishVersion',
    'lambda:GetAlias',
    'lambda:UpdateAlias',
    'ec2:CreateLaunchTemplateVersion',
    'ec2:ModifyLaunchTemplate',
    'autoscaling:StartInstanceRefresh',
    'autoscaling:DescribeInstanceRefreshes',
    // An instance refresh uses the new launch template version with the bot's rights.
    'ec2:RunInstances',
    'ec2:CreateTags',
    // Lambda checks the twin's mount targets when a function is pointed at it.
    'elasticfilesystem:DescribeMountTargets',
    // The new task definition revision keeps the service's task and execution roles; an instance
    // refresh passes the launch template's instance profile role to EC2.
    'iam:PassRole',
  ],
  // src/aws/efs-deleter.ts and backup.ts; the guards read activity, the twin's key, replications,
  // DataSync executions and consumers.
  decommission: [
    ...CONSUMER_READS,
    'cloudwatch:GetMetricData',
    'kms:DescribeKey',
    'elasticfilesystem:DescribeFileSystems',
    'elasticfilesystem:DescribeMountTargets',
    'elasticfilesystem:DescribeAccessPoints',
    'elasticfilesystem:DescribeReplicationConfigurations',
    'elasticfilesystem:DeleteAccessPoint',
    'elasticfilesystem:DeleteMountTarget',
    'elasticfilesystem:DeleteFileSystem',
    'datasync:DescribeTask',
    'datasync:DeleteTask',
    'datasync:DeleteLocation',
    'backup:StartBackupJob',
    'backup:DescribeBackupJob',
    // The backup role (IamRoleArn of StartBackupJob), passed to AWS Backup.
    'iam:PassRole',
  ],
};

/**
 * Granted actions no test run sends through the estate (test/deploy/least-privilege.test.ts proves
 * every other one is sent), each with why it is granted all the same.
 */
export const UNSENT_GRANTS: Partial<Record<Phase | 'bot', Record<string, string>>> = {
  scan: {
    'elasticfilesystem:DescribeMountTargetSecurityGroups': 'read by `estate capture`, not by the scan',
    'kms:ListKeys': 'read by `estate capture` (every key of a region), not by the scan',
    'ec2:DescribeSubnets': "read by `estate capture` (the mount targets' subnets), not by the scan",
    'ec2:DescribeSecurityGroups': "read by `estate capture` (the mount targets' groups), not by the scan",
    'ec2:DescribeVpcs': "read by `estate capture` (the subnets' VPCs), not by the scan",
  },
  decide: {
    'elasticfilesystem:DescribeMountTargets':
      'only for a file system whose scan could not read its mount targets',
    'elasticfilesystem:DescribeMountTargetSecurityGroups':
      'only for a file system whose scan could not read its mount targets',
  },
  build: {
    'elasticfilesystem:PutFileSystemPolicy': 'only for a source with a file system policy',
  },
  decommission: {
    'lambda:GetFunctionConfiguration':
      "discovery reads it only for an alias's version ListVersionsByFunction did not return",
  },
  copy: {
    'datasync:ListTagsForResource': 'only when a location of an earlier, interrupted copy is looked for',
  },
};

/** The member role's two flavours (infra/ deploys one or the other as a StackSet). */
export const MIGRATE_PHASES: readonly Phase[] = [
  ...READ_ONLY_PHASES,
  'build',
  'copy',
  'cutover',
  'decommission',
];

/** In the bot's own account: entering members (src/aws/sts.ts) and listing the organisation (organizations.ts). */
export const BOT_ACCOUNT_ACTIONS: readonly string[] = [
  'sts:GetCallerIdentity',
  'organizations:ListAccounts',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
];

/** An SDK service's IAM prefix, where they differ (the estate counts calls by the SDK's name). */
export const IAM_PREFIX: Record<string, string> = { efs: 'elasticfilesystem' };

/**
 * Operations whose IAM action has another name, or which IAM also authorises on further actions
 * (the service authorization reference's "dependent actions", and the API reference's "requires
 * permissions for"). Keyed by the estate's `service:Operation`; the first action is the operation's own.
 */
export const OPERATION_ACTIONS: Record<string, readonly string[]> = {
  // Lambda's Invoke API is the lambda:InvokeFunction action.
  'lambda:Invoke': ['lambda:InvokeFunction'],
  // Tags given at creation are authorised on TagResource too; a customer managed key is described
  // and granted to EFS on the caller's behalf.
  'efs:CreateFileSystem': [
    'elasticfilesystem:CreateFileSystem',
    'elasticfilesystem:TagResource',
    'kms:DescribeKey',
    'kms:CreateGrant',
  ],
  'efs:CreateAccessPoint': ['elasticfilesystem:CreateAccessPoint', 'elasticfilesystem:TagResource'],
  // A mount target is a network interface EFS makes in the caller's subnet, with the caller's rights.
  'efs:CreateMountTarget': [
    'elasticfilesystem:CreateMountTarget',
    'ec2:DescribeSubnets',
    'ec2:DescribeNetworkInterfaces',
    'ec2:CreateNetworkInterface',
  ],
  // The backup role (IamRoleArn) is passed to AWS Backup.
  'backup:StartBackupJob': ['backup:StartBackupJob', 'iam:PassRole'],
  // The copied revision keeps the service's task and execution roles (passed to ECS tasks) and its
  // tags (tag-on-create is authorised on TagResource).
  'ecs:RegisterTaskDefinition': ['ecs:RegisterTaskDefinition', 'iam:PassRole', 'ecs:TagResource'],
  // Lambda checks a file system's mount targets with the caller's rights when a function mounts it.
  'lambda:UpdateFunctionConfiguration': [
    'lambda:UpdateFunctionConfiguration',
    'elasticfilesystem:DescribeMountTargets',
  ],
  // With a task report configured, its bucket access role is passed to DataSync.
  'datasync:CreateTask': ['datasync:CreateTask', 'iam:PassRole'],
  // A refresh to a desired launch template is authorised as a use of that template, with the
  // caller's rights: ec2:RunInstances, iam:PassRole for its instance profile's role (passed to EC2),
  // ec2:CreateTags for its tag specifications (AWS, "Control Amazon EC2 launch template usage in
  // Auto Scaling groups"; refused otherwise with "You are not authorized to use launch template").
  'autoscaling:StartInstanceRefresh': [
    'autoscaling:StartInstanceRefresh',
    'ec2:RunInstances',
    'iam:PassRole',
    'ec2:CreateTags',
  ],
};

/** The services a phase passes roles to: infra/ grants iam:PassRole only with iam:PassedToService. */
export const PASSED_TO_SERVICES: readonly string[] = [
  'backup.amazonaws.com',
  'datasync.amazonaws.com',
  'ecs-tasks.amazonaws.com',
  // A launch template's instance profile role, when an instance refresh uses the template.
  'ec2.amazonaws.com',
];

/** `efs:DescribeFileSystems` (service and operation) as the IAM action `elasticfilesystem:DescribeFileSystems`. */
export function iamActionOf(serviceOperation: string): string {
  return iamActionsOf(serviceOperation)[0]!;
}

/** Every IAM action one call of `serviceOperation` is authorised on: its own, then the dependent ones. */
export function iamActionsOf(serviceOperation: string): string[] {
  const known = OPERATION_ACTIONS[serviceOperation];
  if (known) return [...known];
  const [service = '', operation = ''] = serviceOperation.split(':');
  return [`${IAM_PREFIX[service] ?? service}:${operation}`];
}

/** The actions of `phases`, each once, sorted (stable policies, stable diffs). */
export function memberActionsFor(phases: readonly Phase[]): string[] {
  return [...new Set(phases.flatMap((p) => MEMBER_ACTIONS[p]))].sort();
}
