/**
 * The AWS actions efs-encrypt calls, per phase: the one list the CDK stack's policies (infra/) and
 * the README's permission tables come from. An action goes here when a src/aws adapter sends its
 * command; a phase's list is what that phase's adapters send.
 */
export type Phase = 'scan' | 'decide' | 'validate' | 'digest' | 'build' | 'copy' | 'cutover' | 'decommission';

/** In each member account, through the member role. */
export const MEMBER_ACTIONS: Record<Phase, readonly string[]> = {
  // src/aws/efs.ts, kms.ts, ec2.ts: the inventory, its keys and its network.
  scan: [
    'elasticfilesystem:DescribeFileSystems',
    'elasticfilesystem:DescribeMountTargets',
    'elasticfilesystem:DescribeMountTargetSecurityGroups',
    'elasticfilesystem:DescribeAccessPoints',
    'elasticfilesystem:DescribeBackupPolicy',
    'elasticfilesystem:DescribeFileSystemPolicy',
    'elasticfilesystem:DescribeLifecycleConfiguration',
    'elasticfilesystem:DescribeReplicationConfigurations',
    'kms:ListKeys',
    'kms:ListAliases',
    'kms:DescribeKey',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeVpcs',
    'ec2:DescribeNetworkInterfaces',
  ],
  // Decisions check the chosen key.
  decide: ['kms:DescribeKey', 'kms:ListAliases'],
  // src/aws/cloudwatch.ts: who still reads or writes a file system.
  validate: ['cloudwatch:GetMetricData', 'elasticfilesystem:DescribeFileSystems'],
  digest: ['elasticfilesystem:DescribeFileSystems'],
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
    'kms:DescribeKey',
    // EFS creates a grant on a customer-managed key for the file system it encrypts.
    'kms:CreateGrant',
    // Mount targets are network interfaces in the member's subnets.
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeNetworkInterfaces',
    'ec2:CreateNetworkInterface',
  ],
  // src/aws/datasync.ts and efs-replication.ts.
  copy: [
    'datasync:CreateLocationEfs',
    'datasync:CreateTask',
    'datasync:DescribeTask',
    'datasync:DescribeTaskExecution',
    'datasync:ListLocations',
    'datasync:ListTasks',
    'datasync:ListTagsForResource',
    'datasync:StartTaskExecution',
    'datasync:TagResource',
    'elasticfilesystem:CreateReplicationConfiguration',
    'elasticfilesystem:DeleteReplicationConfiguration',
    'elasticfilesystem:DescribeReplicationConfigurations',
    'elasticfilesystem:UpdateFileSystemProtection',
    'elasticfilesystem:DescribeFileSystems',
    'cloudwatch:GetMetricData',
  ],
  cutover: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets'],
  decommission: ['elasticfilesystem:DescribeFileSystems', 'cloudwatch:GetMetricData'],
};

/** The member role's two flavours (infra/ deploys one or the other as a StackSet). */
export const READ_ONLY_PHASES: readonly Phase[] = ['scan', 'decide', 'validate', 'digest'];
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

/** `efs:DescribeFileSystems` (service and operation) as the IAM action `elasticfilesystem:DescribeFileSystems`. */
export function iamActionOf(serviceOperation: string): string {
  const [service = '', operation = ''] = serviceOperation.split(':');
  return `${IAM_PREFIX[service] ?? service}:${operation}`;
}

/** The actions of `phases`, each once, sorted (stable policies, stable diffs). */
export function memberActionsFor(phases: readonly Phase[]): string[] {
  return [...new Set(phases.flatMap((p) => MEMBER_ACTIONS[p]))].sort();
}
