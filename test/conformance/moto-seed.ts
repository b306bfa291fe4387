import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import {
  EFSClient,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  CreateAccessPointCommand,
  PutLifecycleConfigurationCommand,
  PutFileSystemPolicyCommand,
} from '@aws-sdk/client-efs';
import {
  KMSClient,
  CreateKeyCommand,
  CreateAliasCommand,
  DisableKeyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  EC2Client,
  CreateVpcCommand,
  CreateSubnetCommand,
  CreateSecurityGroupCommand,
} from '@aws-sdk/client-ec2';

type AwsCredentialIdentity = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/**
 * Seeds moto_server through the real SDK, the way an organisation would look: two accounts reached by
 * AssumeRole, keys in several states, encrypted and unencrypted file systems, mount targets and access
 * points. Returns the IDs the conformance test expects to find in the inventory.
 */
export const MOTO_ACCOUNTS = { payments: '111111111111', analytics: '222222222222' } as const;
export const MOTO_REGIONS = ['eu-west-1', 'us-east-1'] as const;
export const MOTO_ROLE = 'EfsEncryptRole';

/** Credentials for `accountId` through moto's STS, as the bot gets them in each member account. */
export async function assumeMotoRole(
  endpoint: string,
  accountId: string,
  sessionName = 'seed',
): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDSEED', secretAccessKey: 'seed' },
  });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${MOTO_ROLE}`,
        RoleSessionName: sessionName,
      }),
    );
    const c = out.Credentials!;
    return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}

/**
 * A role Lambda may assume, made through IAM's query API by hand (the IAM client is no dependency
 * of the bot): moto's CreateFunction refuses a role IAM does not hold. moto routes by the signing
 * scope and does not verify the signature. Returns the role's ARN.
 */
export async function createMotoLambdaRole(
  endpoint: string,
  credentials: AwsCredentialIdentity,
  roleName: string,
): Promise<string> {
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    }),
  });
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260601/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
      ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
    },
    body,
  });
  const text = await res.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!res.ok || !arn) throw new Error(`IAM CreateRole failed: ${res.status} ${text.slice(0, 300)}`);
  return arn;
}

/** An empty zip archive: moto stores a function's code and never runs it (no docker needed). */
export const MOTO_EMPTY_ZIP = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64');

export interface MotoSeed {
  unencryptedWithMounts: string;
  unencryptedInactive: string;
  encryptedCmkEnabled: string;
  encryptedCmkDisabled: string;
  encryptedCmkPendingDeletion: string;
  encryptedDefaultKey: string;
  oneZoneProvisioned: string;
  accessPointId: string;
  mountTargetIds: string[];
  securityGroupId: string;
  /** The two subnets of the payments VPC (eu-west-1a, eu-west-1b), where the source's mount targets are. */
  subnetIds: string[];
  vpcId: string;
  enabledKeyArn: string;
}

export async function seedMoto(endpoint: string): Promise<MotoSeed> {
  const payments = await assumeMotoRole(endpoint, MOTO_ACCOUNTS.payments);
  const analytics = await assumeMotoRole(endpoint, MOTO_ACCOUNTS.analytics);
  const region = 'eu-west-1';
  const cfg = (credentials: AwsCredentialIdentity, r = region) => ({ region: r, endpoint, credentials });

  const ec2 = new EC2Client(cfg(payments));
  const kms = new KMSClient(cfg(payments));
  const efs = new EFSClient(cfg(payments));

  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const vpcId = vpc.Vpc!.VpcId!;
  const subnetA = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.1.0/24', AvailabilityZone: 'eu-west-1a' }),
  );
  const subnetB = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.20.2.0/24', AvailabilityZone: 'eu-west-1b' }),
  );
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'efs-nfs', Description: 'NFS from app tier', VpcId: vpcId }),
  );

  const enabled = await kms.send(new CreateKeyCommand({ Description: 'payments data' }));
  await kms.send(
    new CreateAliasCommand({ AliasName: 'alias/payments-data', TargetKeyId: enabled.KeyMetadata!.KeyId }),
  );
  const disabled = await kms.send(new CreateKeyCommand({ Description: 'retired ledger key' }));
  const doomed = await kms.send(new CreateKeyCommand({ Description: 'scheduled for deletion' }));

  const tags = (name: string, env: string) => [
    { Key: 'Name', Value: name },
    { Key: 'env', Value: env },
    { Key: 'app', Value: name.split('-')[0]! },
    { Key: 'owner', Value: 'payments-platform' },
  ];

  const plain = await efs.send(
    new CreateFileSystemCommand({ CreationToken: 'ledger-shared', Tags: tags('ledger-shared', 'prod') }),
  );
  const mtA = await efs.send(
    new CreateMountTargetCommand({
      FileSystemId: plain.FileSystemId,
      SubnetId: subnetA.Subnet!.SubnetId,
      SecurityGroups: [sg.GroupId!],
    }),
  );
  const mtB = await efs.send(
    new CreateMountTargetCommand({
      FileSystemId: plain.FileSystemId,
      SubnetId: subnetB.Subnet!.SubnetId,
      SecurityGroups: [sg.GroupId!],
    }),
  );
  const ap = await efs.send(
    new CreateAccessPointCommand({
      FileSystemId: plain.FileSystemId,
      ClientToken: 'ledger-app',
      PosixUser: { Uid: 1001, Gid: 1001, SecondaryGids: [2000] },
      RootDirectory: {
        Path: '/ledger',
        CreationInfo: { OwnerUid: 1001, OwnerGid: 1001, Permissions: '750' },
      },
      Tags: [{ Key: 'Name', Value: 'ledger-app' }],
    }),
  );
  await efs.send(
    new PutLifecycleConfigurationCommand({
      FileSystemId: plain.FileSystemId,
      LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }],
    }),
  );
  await efs.send(
    new PutFileSystemPolicyCommand({
      FileSystemId: plain.FileSystemId,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    }),
  );
  const inactive = await efs.send(
    new CreateFileSystemCommand({ CreationToken: 'scratch-old', Tags: tags('scratch-old', 'dev') }),
  );
  const cmk = await efs.send(
    new CreateFileSystemCommand({
      CreationToken: 'cards-vault',
      Encrypted: true,
      KmsKeyId: enabled.KeyMetadata!.KeyId,
      Tags: tags('cards-vault', 'prod'),
    }),
  );
  const cmkDisabled = await efs.send(
    new CreateFileSystemCommand({
      CreationToken: 'ledger-archive',
      Encrypted: true,
      KmsKeyId: disabled.KeyMetadata!.KeyId,
      Tags: tags('ledger-archive', 'prod'),
    }),
  );
  const cmkDoomed = await efs.send(
    new CreateFileSystemCommand({
      CreationToken: 'reports-tmp',
      Encrypted: true,
      KmsKeyId: doomed.KeyMetadata!.KeyId,
      Tags: tags('reports-tmp', 'staging'),
    }),
  );
  // Keys change state after the file systems were made with them, as they do in real estates.
  await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyMetadata!.KeyId }));
  await kms.send(
    new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyMetadata!.KeyId, PendingWindowInDays: 7 }),
  );

  const efsAnalytics = new EFSClient(cfg(analytics, 'us-east-1'));
  const defaultKey = await efsAnalytics.send(
    new CreateFileSystemCommand({
      CreationToken: 'warehouse-spill',
      Encrypted: true,
      Tags: tags('warehouse-spill', 'prod'),
    }),
  );
  const oneZone = await efsAnalytics.send(
    new CreateFileSystemCommand({
      CreationToken: 'notebooks-home',
      AvailabilityZoneName: 'us-east-1a',
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 64,
      Tags: tags('notebooks-home', 'dev'),
    }),
  );

  return {
    unencryptedWithMounts: plain.FileSystemId!,
    unencryptedInactive: inactive.FileSystemId!,
    encryptedCmkEnabled: cmk.FileSystemId!,
    encryptedCmkDisabled: cmkDisabled.FileSystemId!,
    encryptedCmkPendingDeletion: cmkDoomed.FileSystemId!,
    encryptedDefaultKey: defaultKey.FileSystemId!,
    oneZoneProvisioned: oneZone.FileSystemId!,
    accessPointId: ap.AccessPointId!,
    mountTargetIds: [mtA.MountTargetId!, mtB.MountTargetId!],
    securityGroupId: sg.GroupId!,
    subnetIds: [subnetA.Subnet!.SubnetId!, subnetB.Subnet!.SubnetId!],
    vpcId,
    enabledKeyArn: enabled.KeyMetadata!.Arn!,
  };
}
