/**
 * The estate answers like AWS (issue #14 §5): a realistic session through the real SDK clients,
 * every raw answer recorded by a proxy in front of the estate and checked against AWS's own model
 * (test/harness/aws-model-check.ts). The session is a table: adding an operation is one row.
 *
 * The workloads (ECS, Lambda, launch templates, Auto Scaling) have their rows in workload-session.ts,
 * against the sample estate's workload accounts. Adding a service: its client in SessionClients/clientsFor
 * (or WorkloadClients), then one row per operation (and per error AWS answers on the way).
 * The coverage test fails until every command src/aws sends has a row that succeeds.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BackupClient, DescribeBackupJobCommand, StartBackupJobCommand } from '@aws-sdk/client-backup';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLocationEfsCommand,
  CreateTaskCommand,
  DataSyncClient,
  DescribeTaskCommand,
  DescribeTaskExecutionCommand,
  DeleteLocationCommand,
  DeleteTaskCommand,
  ListLocationsCommand,
  ListTagsForResourceCommand as ListDataSyncTagsCommand,
  ListTasksCommand,
  StartTaskExecutionCommand,
} from '@aws-sdk/client-datasync';
import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  CreateReplicationConfigurationCommand,
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DeleteReplicationConfigurationCommand,
  DescribeAccessPointsCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  TagResourceCommand,
  UpdateFileSystemProtectionCommand,
} from '@aws-sdk/client-efs';
import { DescribeKeyCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { createAccountClients } from '../../src/aws/account-clients.ts';
import { ManualClock, systemClock } from '../../src/domain/clock.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { RecordingIoHost } from '../../src/workflow/io-host.ts';
import { createScanWorkflow } from '../../src/workflow/scan/index.ts';
import { InMemoryScanRepository } from '../harness/fake-services.ts';
import { restoreEnv, useExampleCredentials } from '../harness/sdk-env.ts';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { EstateModel } from '../../src/estate/model/estate-model.ts';
import { createServices } from '../../src/estate/services.ts';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';
import {
  AwsModels,
  awsModelsDir,
  formatViolations,
  operationOf,
  type Exchange,
} from '../harness/aws-model-check.ts';
import { startRecordingProxy, type RecordingProxy } from '../harness/recording-proxy.ts';
import {
  WORKLOAD_SESSION,
  workloadAccounts,
  workloadClientsFor,
  type WorkloadClients,
} from './workload-session.ts';
import { BASE_CREDENTIALS } from './helpers.ts';
import { ACCOUNT, KEY, REGION, SG_NFS, SOURCE, SUBNET_A, SUBNET_C, WRITE_ESTATE } from './write-fixture.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODELS_DIR = awsModelsDir(PROJECT_ROOT);
const modelsPresent = existsSync(join(MODELS_DIR, 'efs', 'service-2.json'));
if (!modelsPresent)
  console.log(`model conformance skipped: no AWS models at ${MODELS_DIR} (../shared/aws-models)`);

const LOCKED_ACCOUNT = '555555555555';
const OU = 'ou-c0c0-11111111';

/** The write fixture plus an organisation and an account whose role cannot be assumed. */
const SESSION_ESTATE = {
  callerAccountId: ACCOUNT,
  organization: {
    Id: 'o-c0c0c0c0c0',
    RootId: 'r-c0c0',
    organizationalUnits: [{ Id: OU, Name: 'Workloads' }],
    accounts: [
      { Id: ACCOUNT, Name: 'payments', Email: 'aws+payments@example.com' },
      { Id: LOCKED_ACCOUNT, Name: 'locked', Email: 'aws+locked@example.com', Parent: OU },
    ],
  },
  accounts: [
    // The decommission rows back up into this vault.
    ...WRITE_ESTATE.accounts.map((a) => ({
      ...a,
      regions: { [REGION]: { ...a.regions[REGION], backupVaults: [{ BackupVaultName: 'keep' }] } },
    })),
    { accountId: LOCKED_ACCOUNT, assumable: false, regions: {} },
    ...workloadAccounts(),
  ],
};

interface SessionClients {
  efs: EFSClient;
  kms: KMSClient;
  ec2: EC2Client;
  sts: STSClient;
  dataSync: DataSyncClient;
  cloudWatch: CloudWatchClient;
  organizations: OrganizationsClient;
  /** Into the sample's workload accounts (set once the session's roles are assumed). */
  workloads: WorkloadClients;
  backup: BackupClient;
}

function clientsFor(
  endpoint: string,
  workloads: WorkloadClients,
  credentials: AwsCredentialIdentity = BASE_CREDENTIALS,
): SessionClients {
  // maxAttempts 1: a throttle is answered once and recorded, not retried away.
  const config = { region: REGION, endpoint, credentials, maxAttempts: 1 };
  return {
    efs: new EFSClient(config),
    kms: new KMSClient(config),
    ec2: new EC2Client(config),
    sts: new STSClient(config),
    dataSync: new DataSyncClient(config),
    cloudWatch: new CloudWatchClient(config),
    // Organizations is global; its endpoint signs in us-east-1.
    organizations: new OrganizationsClient({ ...config, region: 'us-east-1' }),
    workloads,
    backup: new BackupClient(config),
  };
}

/** What earlier steps created, for later steps (the twin, its DataSync locations, the task…). */
type SessionState = Record<string, string>;

interface Step {
  /** The error code AWS answers with here (the SDK's exception name); unset means success. */
  fails?: string;
  run: (c: SessionClients, s: SessionState, h: { advance: (ms: number) => void }) => Promise<unknown>;
}

const arn = {
  fs: (id: string) => `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${id}`,
  subnet: (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${id}`,
  sg: (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${id}`,
};
const MINUTE = 60_000;
const NOW = new Date('2026-01-10T09:00:00Z');

/**
 * The session: every read and write the bot sends today (src/aws), in the order a migration sends
 * them, plus the errors AWS answers on the way. One row per call; the name is for failure messages.
 */
const SESSION: [name: string, step: Step][] = [
  // STS and Organizations: who am I, which accounts, into which can I go.
  ['GetCallerIdentity', { run: (c) => c.sts.send(new GetCallerIdentityCommand({})) }],
  [
    'AssumeRole',
    {
      run: (c) =>
        c.sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${ACCOUNT}:role/efs-encrypt`,
            RoleSessionName: 'conformance',
          }),
        ),
    },
  ],
  [
    'AssumeRole refused',
    {
      fails: 'AccessDenied',
      run: (c) =>
        c.sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${LOCKED_ACCOUNT}:role/efs-encrypt`,
            RoleSessionName: 'conformance',
          }),
        ),
    },
  ],
  [
    'AssumeRole bad ARN',
    {
      fails: 'ValidationError',
      run: (c) =>
        c.sts.send(new AssumeRoleCommand({ RoleArn: 'not-an-arn', RoleSessionName: 'conformance' })),
    },
  ],
  ['ListAccounts', { run: (c) => c.organizations.send(new ListAccountsCommand({})) }],
  [
    'ListAccountsForParent',
    { run: (c) => c.organizations.send(new ListAccountsForParentCommand({ ParentId: OU })) },
  ],
  [
    'ListOrganizationalUnitsForParent',
    { run: (c) => c.organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'r-c0c0' })) },
  ],
  [
    'ListAccountsForParent unknown',
    {
      fails: 'ParentNotFoundException',
      run: (c) => c.organizations.send(new ListAccountsForParentCommand({ ParentId: 'ou-c0c0-99999999' })),
    },
  ],
  // Scan: file systems and everything about them.
  ['DescribeFileSystems', { run: (c) => c.efs.send(new DescribeFileSystemsCommand({})) }],
  [
    'DescribeFileSystems one',
    { run: (c) => c.efs.send(new DescribeFileSystemsCommand({ FileSystemId: SOURCE })) },
  ],
  [
    'DescribeFileSystems unknown',
    {
      fails: 'FileSystemNotFound',
      run: (c) => c.efs.send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-0ffffffffffffffff' })),
    },
  ],
  [
    'DescribeMountTargets',
    { run: (c) => c.efs.send(new DescribeMountTargetsCommand({ FileSystemId: SOURCE })) },
  ],
  [
    'DescribeMountTargetSecurityGroups',
    {
      run: async (c, s) => {
        const mts = await c.efs.send(new DescribeMountTargetsCommand({ FileSystemId: SOURCE }));
        s.sourceMountTarget = mts.MountTargets![0]!.MountTargetId!;
        return c.efs.send(
          new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: s.sourceMountTarget }),
        );
      },
    },
  ],
  [
    'DescribeMountTargetSecurityGroups unknown',
    {
      fails: 'MountTargetNotFound',
      run: (c) =>
        c.efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: 'fsmt-0ffffffffffffffff' })),
    },
  ],
  [
    'DescribeAccessPoints',
    { run: (c) => c.efs.send(new DescribeAccessPointsCommand({ FileSystemId: SOURCE })) },
  ],
  [
    'DescribeLifecycleConfiguration',
    { run: (c) => c.efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: SOURCE })) },
  ],
  [
    'DescribeBackupPolicy',
    {
      fails: 'PolicyNotFound',
      run: (c) => c.efs.send(new DescribeBackupPolicyCommand({ FileSystemId: SOURCE })),
    },
  ],
  [
    'DescribeFileSystemPolicy',
    {
      fails: 'PolicyNotFound',
      run: (c) => c.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: SOURCE })),
    },
  ],
  [
    'DescribeReplicationConfigurations',
    {
      fails: 'ReplicationNotFound',
      run: (c) => c.efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SOURCE })),
    },
  ],
  ['DescribeKey', { run: (c) => c.kms.send(new DescribeKeyCommand({ KeyId: KEY })) }],
  ['DescribeKey by alias', { run: (c) => c.kms.send(new DescribeKeyCommand({ KeyId: 'alias/twin-key' })) }],
  [
    'DescribeKey AWS-managed before EFS used it',
    { run: (c) => c.kms.send(new DescribeKeyCommand({ KeyId: 'alias/aws/elasticfilesystem' })) },
  ],
  [
    'DescribeKey unknown',
    { fails: 'NotFoundException', run: (c) => c.kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' })) },
  ],
  ['ListKeys', { run: (c) => c.kms.send(new ListKeysCommand({})) }],
  ['ListAliases', { run: (c) => c.kms.send(new ListAliasesCommand({})) }],
  ['DescribeVpcs', { run: (c) => c.ec2.send(new DescribeVpcsCommand({})) }],
  ['DescribeSubnets', { run: (c) => c.ec2.send(new DescribeSubnetsCommand({})) }],
  [
    'DescribeSubnets unknown',
    {
      fails: 'InvalidSubnetID.NotFound',
      run: (c) => c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0ffffffffffffffff'] })),
    },
  ],
  ['DescribeSecurityGroups', { run: (c) => c.ec2.send(new DescribeSecurityGroupsCommand({})) }],
  [
    'DescribeSecurityGroups unknown',
    {
      fails: 'InvalidGroup.NotFound',
      run: (c) => c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0ffffffffffffffff'] })),
    },
  ],
  ['DescribeNetworkInterfaces', { run: (c) => c.ec2.send(new DescribeNetworkInterfacesCommand({})) }],
  [
    'GetMetricData',
    {
      run: (c) =>
        c.cloudWatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(NOW.getTime() - 60 * MINUTE),
            EndTime: NOW,
            MetricDataQueries: [
              {
                Id: 'io',
                MetricStat: {
                  Metric: {
                    Namespace: 'AWS/EFS',
                    MetricName: 'TotalIOBytes',
                    Dimensions: [{ Name: 'FileSystemId', Value: SOURCE }],
                  },
                  Period: 300,
                  Stat: 'Sum',
                },
              },
            ],
          }),
        ),
    },
  ],
  [
    'GetMetricData bad token',
    {
      fails: 'InvalidNextToken',
      run: (c) =>
        c.cloudWatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(NOW.getTime() - 60 * MINUTE),
            EndTime: NOW,
            NextToken: 'not-a-token',
            MetricDataQueries: [
              {
                Id: 'io',
                MetricStat: {
                  Metric: {
                    Namespace: 'AWS/EFS',
                    MetricName: 'TotalIOBytes',
                    Dimensions: [{ Name: 'FileSystemId', Value: SOURCE }],
                  },
                  Period: 300,
                  Stat: 'Sum',
                },
              },
            ],
          }),
        ),
    },
  ],
  // Build: the encrypted twin and its configuration.
  [
    'CreateFileSystem',
    {
      run: async (c, s, h) => {
        const twin = await c.efs.send(
          new CreateFileSystemCommand({
            CreationToken: 'twin',
            Encrypted: true,
            KmsKeyId: KEY,
            Tags: [{ Key: 'Name', Value: 'payments-encrypted' }],
          }),
        );
        s.twin = twin.FileSystemId!;
        h.advance(DEFAULT_TIMING.fileSystemCreateMs);
        return twin;
      },
    },
  ],
  [
    'CreateFileSystem tag value AWS refuses',
    {
      fails: 'BadRequest',
      run: (c) =>
        c.efs.send(
          new CreateFileSystemCommand({
            CreationToken: 'refused',
            Tags: [{ Key: 'Name', Value: 'payments (encrypted)' }],
          }),
        ),
    },
  ],
  [
    'CreateFileSystem again',
    {
      fails: 'FileSystemAlreadyExists',
      run: (c) =>
        c.efs.send(new CreateFileSystemCommand({ CreationToken: 'twin', Encrypted: true, KmsKeyId: KEY })),
    },
  ],
  [
    'DescribeFileSystems by token',
    { run: (c) => c.efs.send(new DescribeFileSystemsCommand({ CreationToken: 'twin' })) },
  ],
  [
    'CreateMountTarget',
    {
      run: async (c, s, h) => {
        const mt = await c.efs.send(
          new CreateMountTargetCommand({
            FileSystemId: s.twin,
            SubnetId: SUBNET_A,
            SecurityGroups: [SG_NFS],
          }),
        );
        h.advance(DEFAULT_TIMING.mountTargetCreateMs);
        return mt;
      },
    },
  ],
  [
    'CreateMountTarget same zone',
    {
      fails: 'MountTargetConflict',
      run: (c, s) =>
        c.efs.send(
          new CreateMountTargetCommand({
            FileSystemId: s.twin,
            SubnetId: SUBNET_A,
            SecurityGroups: [SG_NFS],
          }),
        ),
    },
  ],
  [
    'CreateMountTarget second',
    {
      run: (c, s) =>
        c.efs.send(
          new CreateMountTargetCommand({
            FileSystemId: s.twin,
            SubnetId: SUBNET_C,
            SecurityGroups: [SG_NFS],
          }),
        ),
    },
  ],
  [
    'CreateAccessPoint',
    {
      run: (c, s) =>
        c.efs.send(
          new CreateAccessPointCommand({
            ClientToken: 'ap-app',
            FileSystemId: s.twin,
            PosixUser: { Uid: 1000, Gid: 1000, SecondaryGids: [2000] },
            RootDirectory: {
              Path: '/app',
              CreationInfo: { OwnerUid: 1000, OwnerGid: 1000, Permissions: '750' },
            },
            Tags: [{ Key: 'Name', Value: 'app' }],
          }),
        ),
    },
  ],
  [
    'DescribeAccessPoints twin',
    { run: (c, s) => c.efs.send(new DescribeAccessPointsCommand({ FileSystemId: s.twin })) },
  ],
  [
    'PutLifecycleConfiguration',
    {
      run: (c, s) =>
        c.efs.send(
          new PutLifecycleConfigurationCommand({
            FileSystemId: s.twin,
            LifecyclePolicies: [
              { TransitionToIA: 'AFTER_30_DAYS' },
              { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
            ],
          }),
        ),
    },
  ],
  [
    'PutBackupPolicy',
    {
      run: (c, s) =>
        c.efs.send(new PutBackupPolicyCommand({ FileSystemId: s.twin, BackupPolicy: { Status: 'ENABLED' } })),
    },
  ],
  [
    'PutFileSystemPolicy',
    {
      run: (c, s) =>
        c.efs.send(
          new PutFileSystemPolicyCommand({
            FileSystemId: s.twin,
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
        ),
    },
  ],
  [
    'DescribeFileSystemPolicy twin',
    { run: (c, s) => c.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: s.twin })) },
  ],
  [
    'DescribeBackupPolicy twin',
    { run: (c, s) => c.efs.send(new DescribeBackupPolicyCommand({ FileSystemId: s.twin })) },
  ],
  [
    'TagResource',
    {
      run: (c, s) =>
        c.efs.send(
          new TagResourceCommand({
            ResourceId: s.twin,
            Tags: [{ Key: 'efs-encrypt:source', Value: SOURCE }],
          }),
        ),
    },
  ],
  [
    'DescribeMountTargets twin',
    { run: (c, s) => c.efs.send(new DescribeMountTargetsCommand({ FileSystemId: s.twin })) },
  ],
  // Copy: DataSync from the source to the twin.
  [
    'CreateLocationEfs source',
    {
      run: async (c, s) => {
        const out = await c.dataSync.send(
          new CreateLocationEfsCommand({
            EfsFilesystemArn: arn.fs(SOURCE),
            Ec2Config: { SubnetArn: arn.subnet(SUBNET_A), SecurityGroupArns: [arn.sg(SG_NFS)] },
            Subdirectory: '/',
            Tags: [{ Key: 'efs-encrypt:migration', Value: 'm-1' }],
          }),
        );
        s.sourceLocation = out.LocationArn!;
        return out;
      },
    },
  ],
  [
    'CreateLocationEfs twin',
    {
      run: async (c, s) => {
        const out = await c.dataSync.send(
          new CreateLocationEfsCommand({
            EfsFilesystemArn: arn.fs(s.twin!),
            Ec2Config: { SubnetArn: arn.subnet(SUBNET_A), SecurityGroupArns: [arn.sg(SG_NFS)] },
            Subdirectory: '/',
          }),
        );
        s.twinLocation = out.LocationArn!;
        return out;
      },
    },
  ],
  ['ListLocations', { run: (c) => c.dataSync.send(new ListLocationsCommand({})) }],
  [
    'ListTagsForResource (DataSync)',
    { run: (c, s) => c.dataSync.send(new ListDataSyncTagsCommand({ ResourceArn: s.sourceLocation })) },
  ],
  [
    'CreateTask',
    {
      run: async (c, s) => {
        const out = await c.dataSync.send(
          new CreateTaskCommand({
            SourceLocationArn: s.sourceLocation,
            DestinationLocationArn: s.twinLocation,
            Name: 'efs-encrypt m-1',
            Options: {
              VerifyMode: 'POINT_IN_TIME_CONSISTENT',
              PosixPermissions: 'PRESERVE',
              Uid: 'INT_VALUE',
              Gid: 'INT_VALUE',
            },
          }),
        );
        s.task = out.TaskArn!;
        return out;
      },
    },
  ],
  ['ListTasks', { run: (c) => c.dataSync.send(new ListTasksCommand({})) }],
  ['DescribeTask', { run: (c, s) => c.dataSync.send(new DescribeTaskCommand({ TaskArn: s.task })) }],
  [
    'DescribeTask unknown',
    {
      fails: 'InvalidRequestException',
      run: (c) =>
        c.dataSync.send(
          new DescribeTaskCommand({
            TaskArn: `arn:aws:datasync:${REGION}:${ACCOUNT}:task/task-0ffffffffffffffff`,
          }),
        ),
    },
  ],
  [
    'StartTaskExecution',
    {
      run: async (c, s) => {
        const out = await c.dataSync.send(new StartTaskExecutionCommand({ TaskArn: s.task }));
        s.execution = out.TaskExecutionArn!;
        return out;
      },
    },
  ],
  [
    'DescribeTaskExecution running',
    {
      run: (c, s, h) => {
        h.advance(2 * MINUTE);
        return c.dataSync.send(new DescribeTaskExecutionCommand({ TaskExecutionArn: s.execution }));
      },
    },
  ],
  [
    'DescribeTaskExecution done',
    {
      run: (c, s, h) => {
        h.advance(24 * 60 * MINUTE);
        return c.dataSync.send(new DescribeTaskExecutionCommand({ TaskExecutionArn: s.execution }));
      },
    },
  ],
  // Cut-over preparation: protection and replication.
  [
    'UpdateFileSystemProtection',
    {
      run: (c, s) =>
        c.efs.send(
          new UpdateFileSystemProtectionCommand({
            FileSystemId: s.twin,
            ReplicationOverwriteProtection: 'DISABLED',
          }),
        ),
    },
  ],
  [
    'CreateReplicationConfiguration',
    {
      run: (c, s) =>
        c.efs.send(
          new CreateReplicationConfigurationCommand({
            SourceFileSystemId: SOURCE,
            Destinations: [{ FileSystemId: s.twin, Region: REGION }],
          }),
        ),
    },
  ],
  [
    'DescribeReplicationConfigurations replicating',
    { run: (c) => c.efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SOURCE })) },
  ],
  [
    'DeleteReplicationConfiguration',
    { run: (c) => c.efs.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: SOURCE })) },
  ],
  // Decommission (on the twin of this session: the wire is the same): backup, then delete in order.
  [
    'StartBackupJob',
    {
      run: async (c, s) => {
        const out = await c.backup.send(
          new StartBackupJobCommand({
            BackupVaultName: 'keep',
            ResourceArn: arn.fs(s.twin!),
            IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/backup`,
            IdempotencyToken: 'efs-encrypt-decommission:m-1',
            Lifecycle: { DeleteAfterDays: 35 },
          }),
        );
        s.backupJob = out.BackupJobId!;
        return out;
      },
    },
  ],
  [
    'DescribeBackupJob completed',
    {
      run: (c, s, h) => {
        h.advance(2 * DEFAULT_TIMING.backupJobPhaseMs);
        return c.backup.send(new DescribeBackupJobCommand({ BackupJobId: s.backupJob }));
      },
    },
  ],
  [
    'DescribeBackupJob unknown',
    {
      fails: 'ResourceNotFoundException',
      run: (c) => c.backup.send(new DescribeBackupJobCommand({ BackupJobId: 'no-such-job' })),
    },
  ],
  [
    'DeleteAccessPoint',
    {
      run: async (c, s) => {
        const aps = await c.efs.send(new DescribeAccessPointsCommand({ FileSystemId: s.twin }));
        return c.efs.send(
          new DeleteAccessPointCommand({ AccessPointId: aps.AccessPoints![0]!.AccessPointId }),
        );
      },
    },
  ],
  [
    'DeleteFileSystem with mount targets',
    {
      fails: 'FileSystemInUse',
      run: (c, s) => c.efs.send(new DeleteFileSystemCommand({ FileSystemId: s.twin })),
    },
  ],
  [
    'DeleteMountTarget',
    {
      run: async (c, s, h) => {
        const mts = await c.efs.send(new DescribeMountTargetsCommand({ FileSystemId: s.twin }));
        let out;
        for (const mt of mts.MountTargets ?? [])
          out = await c.efs.send(new DeleteMountTargetCommand({ MountTargetId: mt.MountTargetId }));
        h.advance(DEFAULT_TIMING.mountTargetDeleteMs);
        return out;
      },
    },
  ],
  ['DeleteFileSystem', { run: (c, s) => c.efs.send(new DeleteFileSystemCommand({ FileSystemId: s.twin })) }],
  [
    'DescribeFileSystems deleted',
    {
      fails: 'FileSystemNotFound',
      run: (c, s, h) => {
        h.advance(DEFAULT_TIMING.fileSystemDeleteMs);
        return c.efs.send(new DescribeFileSystemsCommand({ FileSystemId: s.twin }));
      },
    },
  ],
  [
    'DeleteLocation in use',
    {
      fails: 'InvalidRequestException',
      run: (c, s) => c.dataSync.send(new DeleteLocationCommand({ LocationArn: s.sourceLocation })),
    },
  ],
  ['DeleteTask', { run: (c, s) => c.dataSync.send(new DeleteTaskCommand({ TaskArn: s.task })) }],
  [
    'DeleteLocation',
    { run: (c, s) => c.dataSync.send(new DeleteLocationCommand({ LocationArn: s.sourceLocation })) },
  ],
  // Every service's throttling answer: the second call of an operation is throttled (see `throttled`).
  [
    'throttled EFS',
    { fails: 'ThrottlingException', run: (c) => c.efs.send(new DescribeFileSystemsCommand({})) },
  ],
  ['throttled KMS', { fails: 'ThrottlingException', run: (c) => c.kms.send(new ListKeysCommand({})) }],
  ['throttled EC2', { fails: 'RequestLimitExceeded', run: (c) => c.ec2.send(new DescribeVpcsCommand({})) }],
  ['throttled STS', { fails: 'Throttling', run: (c) => c.sts.send(new GetCallerIdentityCommand({})) }],
  [
    'throttled DataSync',
    { fails: 'ThrottlingException', run: (c) => c.dataSync.send(new ListTasksCommand({})) },
  ],
  [
    'throttled CloudWatch',
    {
      fails: 'Throttling',
      run: (c) =>
        c.cloudWatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(NOW.getTime() - MINUTE),
            EndTime: NOW,
            MetricDataQueries: [],
          }),
        ),
    },
  ],
  [
    'throttled Organizations',
    { fails: 'TooManyRequestsException', run: (c) => c.organizations.send(new ListAccountsCommand({})) },
  ],
  // The workloads that mount file systems: ECS, Lambda, launch templates, Auto Scaling (and their throttling).
  ...WORKLOAD_SESSION.map(([name, step]): [string, Step] => [
    name,
    { ...step, run: (c, s, h) => step.run(c.workloads, s, h) },
  ]),
];

/** Rows whose name starts with this run against a second estate that throttles every other call. */
const THROTTLED = 'throttled ';

/** The workload services' signing names (each also its model's folder): every operation they serve needs a row. */
const WORKLOAD_SIGNING_NAMES = ['ecs', 'lambda', 'ec2', 'autoscaling'];

/** `@aws-sdk/client-<name>` to the folder of its model under aws-models. */
const MODEL_OF_CLIENT: Record<string, string> = { 'auto-scaling': 'autoscaling' };

/** Every `<service>:<Operation>` the bot's AWS adapters (src/aws) send: commands and paginators. */
function operationsTheBotSends(): Set<string> {
  const dir = join(PROJECT_ROOT, 'src', 'aws');
  const sent = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const [, names, client] of source.matchAll(
      /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([\w-]+)'/g,
    )) {
      const service = MODEL_OF_CLIENT[client!] ?? client!;
      for (const raw of names!.split(',')) {
        const name = raw.trim().split(/\s+as\s+/)[0]!;
        const op = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (op && !name.startsWith('type ')) sent.add(`${service}:${op}`);
      }
    }
  }
  return sent;
}

describe.skipIf(!modelsPresent)("the estate's answers against AWS's models", () => {
  let models: AwsModels;
  let server: EstateServer;
  let throttling: EstateServer;
  let proxy: RecordingProxy;
  let throttledProxy: RecordingProxy;
  const outcomes: { name: string; expected: string; got: string }[] = [];

  beforeAll(async () => {
    models = new AwsModels(MODELS_DIR);
    const clock = new ManualClock(NOW);
    server = await startEstateServer({ estate: parseEstate(SESSION_ESTATE, 'conformance'), clock });
    throttling = await startEstateServer({
      estate: parseEstate(SESSION_ESTATE, 'conformance'),
      throttleEvery: 2,
    });
    proxy = await startRecordingProxy(server.endpoint);
    throttledProxy = await startRecordingProxy(throttling.endpoint);
    const clients = clientsFor(proxy.endpoint, await workloadClientsFor(proxy.endpoint, BASE_CREDENTIALS));
    const throttled = clientsFor(
      throttledProxy.endpoint,
      await workloadClientsFor(throttledProxy.endpoint, BASE_CREDENTIALS, false),
    );
    const advance = (ms: number) => {
      clock.advance(ms);
      server.control.settle();
    };
    const state: SessionState = {};
    for (const [name, step] of SESSION) {
      const target = name.startsWith(THROTTLED) ? throttled : clients;
      // The first call of each throttled row passes, the second is throttled.
      if (target === throttled) await step.run(target, state, { advance }).catch(() => undefined);
      const got = await step.run(target, state, { advance }).then(
        () => 'success',
        (e: unknown) => (e instanceof Error ? e.name : String(e)),
      );
      outcomes.push({ name, expected: step.fails ?? 'success', got });
    }
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await throttledProxy?.close();
    await server?.close();
    await throttling?.close();
  });

  const all = (): Exchange[] => [...proxy.exchanges, ...throttledProxy.exchanges];

  test('every step of the session answers as AWS does (success or the named error)', () => {
    expect(outcomes.filter((o) => o.expected !== o.got)).toEqual([]);
  });

  test('every raw answer matches the operation in AWS’s model: members, enums, required, types, errors', () => {
    const violations = all().flatMap((e) => models.check(e));
    expect(violations, `\n${formatViolations(violations)}\n`).toEqual([]);
  });

  test('the session covers every operation the bot sends (src/aws), each answered successfully at least once', () => {
    const answered = new Set(
      all()
        .filter((e) => e.response.status < 300)
        .map((e) => {
          const model = models.modelFor(e.request)!;
          return `${model.service}:${operationOf(model, e.request)?.name}`;
        }),
    );
    const missing = [...operationsTheBotSends()].filter((op) => !answered.has(op));
    expect(missing, 'add a row to SESSION for each').toEqual([]);
  });

  test('the session covers every operation the estate serves for the workloads, each answered successfully', () => {
    const answered = new Set(
      all()
        .filter((e) => e.response.status < 300)
        .map((e) => {
          const model = models.modelFor(e.request)!;
          return `${model.service}:${operationOf(model, e.request)?.name}`;
        }),
    );
    const estate = new EstateModel(parseEstate(SESSION_ESTATE, 'conformance'), {
      clock: systemClock,
      defaultPageSize: 5,
    });
    const served = createServices(estate).bySigningName;
    const workloadOperations = WORKLOAD_SIGNING_NAMES.flatMap((name) =>
      Object.keys(served.get(name)!.operations).map((op) => `${name}:${op}`),
    );
    const missing = workloadOperations.filter((op) => !answered.has(op));
    expect(missing, 'add a row to WORKLOAD_SESSION (workload-session.ts) for each').toEqual([]);
  });
});

describe.skipIf(!modelsPresent)(
  "the bot's own scan of the sample estate, every answer against AWS's models",
  () => {
    const saved = { ...process.env };
    afterAll(() => restoreEnv(saved));

    test('every account, region and file system of the sample organisation answers within the model', async () => {
      const models = new AwsModels(MODELS_DIR);
      const sample = JSON.parse(readFileSync(SAMPLE_ESTATE_PATH, 'utf8')) as typeof SESSION_ESTATE;
      const server = await startEstateServer({ estate: parseEstate(sample, 'sample') });
      const proxy = await startRecordingProxy(server.endpoint);
      useExampleCredentials('us-east-1');
      process.env.AWS_ENDPOINT_URL = proxy.endpoint;
      const clients = createAccountClients({
        accounts: [],
        organization: { parents: [] },
        roleName: 'efs-encrypt',
        regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'],
        rateLimitPerSecond: 1000,
        maxAttempts: 1,
      });
      try {
        const scan = await createScanWorkflow({
          clientsFor: (a, r) => clients.clientsFor(a, r),
          listTargets: () => clients.listTargets(),
          scans: new InMemoryScanRepository(),
          io: new RecordingIoHost(),
          clock: systemClock,
          concurrency: 4,
          callCounts: () => clients.stats.snapshot(),
        }).run({ requestedBy: 'conformance' });
        expect(scan.fileSystems.length).toBeGreaterThan(5);
        const violations = proxy.exchanges.flatMap((e) => models.check(e));
        expect(violations, `\n${formatViolations(violations)}\n`).toEqual([]);
      } finally {
        clients.destroy();
        await proxy.close();
        await server.close();
      }
    });
  },
);
