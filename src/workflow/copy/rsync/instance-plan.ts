import { createHash } from 'node:crypto';

/**
 * The copy instance: names, idempotency token, image and the IAM policy it needs. Pure values the
 * runbook prints as AWS CLI commands.
 */

export interface CopyInstancePlan {
  instanceType: string;
  architecture: 'x86_64' | 'arm64';
  /** Public SSM parameter of the latest Amazon Linux 2023 AMI; RunInstances resolves `resolve:ssm:`. */
  amiParameter: string;
  /** RunInstances ClientToken (max 64 ASCII characters), derived from the migration ID: a retry finds the instance the first run made. */
  clientToken: string;
  roleName: string;
  instanceProfileName: string;
  securityGroupName: string;
  rolePolicyName: string;
  /** GiB: room for logs and verify.sh's manifests (about 250 bytes per file per tree). */
  rootVolumeGiB: number;
}

export const DEFAULT_INSTANCE_TYPE = 'm6i.2xlarge';

/** Graviton families carry a `g` after the generation digit (m7g, c6gn, r8g…). */
export function architectureOf(instanceType: string): 'x86_64' | 'arm64' {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? 'arm64' : 'x86_64';
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

export function fileSystemArn(region: string, accountId: string, fileSystemId: string): string {
  return `arn:${partitionOf(region)}:elasticfilesystem:${region}:${accountId}:file-system/${fileSystemId}`;
}

/** Deterministic per migration, so re-running the runbook's launch step cannot start a second instance. */
export function copyInstanceClientToken(migrationId: string): string {
  return `efs-encrypt-rsync-${createHash('sha256').update(migrationId).digest('hex').slice(0, 32)}`;
}

export function planCopyInstance(input: {
  migrationId: string;
  sourceFileSystemId: string;
  instanceType?: string;
  sourceSizeBytes: number;
}): CopyInstancePlan {
  const instanceType = input.instanceType ?? DEFAULT_INSTANCE_TYPE;
  const architecture = architectureOf(instanceType);
  const base = `efs-encrypt-copy-${input.sourceFileSystemId}`;
  // 30 GiB for the OS and logs, plus manifests: EFS does not report file counts, so estimate one
  // file per 64 KiB (small-file trees) and 2 × 250 bytes per file, capped at 1 TiB.
  const estimatedFiles = input.sourceSizeBytes / 65536;
  const manifestGiB = Math.ceil((estimatedFiles * 500 * 2) / 2 ** 30);
  return {
    instanceType,
    architecture,
    amiParameter: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`,
    clientToken: copyInstanceClientToken(input.migrationId),
    roleName: base,
    instanceProfileName: base,
    securityGroupName: base,
    rolePolicyName: 'efs-client-access',
    rootVolumeGiB: Math.min(1024, 30 + manifestGiB),
  };
}

/**
 * The instance role's inline policy: EFS client actions, source read-only (ClientMount without
 * ClientWrite) with root access (to read every file whatever its mode), target write and root
 * access (to set any owner). An allow in an identity policy suffices unless a file system policy
 * denies it (docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html).
 */
export function instanceRolePolicy(sourceArn: string, targetArn: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadSourceAsRoot',
        Effect: 'Allow',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess'],
        Resource: sourceArn,
      },
      {
        Sid: 'WriteTargetAsRoot',
        Effect: 'Allow',
        Action: [
          'elasticfilesystem:ClientMount',
          'elasticfilesystem:ClientWrite',
          'elasticfilesystem:ClientRootAccess',
        ],
        Resource: targetArn,
      },
      {
        Sid: 'MountHelperLookups',
        Effect: 'Allow',
        Action: ['elasticfilesystem:DescribeMountTargets', 'ec2:DescribeAvailabilityZones'],
        Resource: '*',
      },
    ],
  };
}

export const INSTANCE_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
