/**
 * The services the estate serves, by SigV4 signing name: each pairs a protocol codec with its
 * handlers. Handlers are bound by operation name; adding the write side means adding entries here.
 */
import { AwsApiError } from './model/api-error.ts';
import { backupBinding } from './backup-binding.ts';
import { autoScalingBinding } from './services-auto-scaling.ts';
import { Ec2LaunchTemplates } from './model/ec2-launch-templates.ts';
import { CLOUDWATCH_ERROR_SHAPES, CloudWatchService, cloudWatchErrors } from './model/cloudwatch-service.ts';
import { DataSyncService, dataSyncErrors } from './model/datasync-service.ts';
import { Ec2Service, ec2Errors } from './model/ec2-service.ts';
import { EfsAccessPointWrites } from './model/efs-access-points.ts';
import { EfsFileSystemWrites } from './model/efs-file-systems.ts';
import { EfsMountTargetWrites } from './model/efs-mount-targets.ts';
import { EfsReplicationWrites } from './model/efs-replication.ts';
import { EcsService, ecsErrors } from './model/ecs-service.ts';
import { EfsService, efsErrors } from './model/efs-service.ts';
import type { CallContext, EstateModel } from './model/estate-model.ts';
import { KmsService, kmsErrors } from './model/kms-service.ts';
import { lambdaBinding } from './lambda-binding.ts';
import { OrganizationsService, organizationsErrors } from './model/organizations-service.ts';
import { StsService, stsErrors } from './model/sts-service.ts';
import { AwsQueryCodec } from './protocols/aws-query.ts';
import { Ec2QueryCodec } from './protocols/ec2-query.ts';
import { Json10QueryCompatibleCodec } from './protocols/json10-query-compatible.ts';
import { Json11Codec } from './protocols/json11.ts';
import { RestJsonCodec, type RestRoute } from './protocols/rest-json.ts';
import type { ProtocolCodec } from './protocols/wire.ts';

type Handler = (ctx: CallContext, input: never) => unknown;

export interface ServiceBinding {
  /** Short name used in stats keys (`efs:DescribeFileSystems`). */
  name: string;
  codec: ProtocolCodec;
  operations: Record<string, Handler>;
  throttling: () => AwsApiError;
  unknownOperation: (operation: string) => AwsApiError;
  internalError: (message: string) => AwsApiError;
}

export interface Services {
  bySigningName: Map<string, ServiceBinding>;
  sts: StsService;
  /** Also the DataSync part of the control surface (failures, verification errors). */
  dataSync: DataSyncService;
  /** Also the ECS part of the control surface (failing deployments). */
  ecs: EcsService;
}

/** Binds every public method of a handler class, so `operations.DescribeKey` calls `describeKey`. */
function operationsOf(service: object, names: string[]): Record<string, Handler> {
  const target = service as Record<string, unknown>;
  return Object.fromEntries(
    names.map((name) => {
      const method = target[name.charAt(0).toLowerCase() + name.slice(1)];
      if (typeof method !== 'function') throw new Error(`no handler for ${name}`);
      return [name, (method as Handler).bind(service)];
    }),
  );
}

const EFS_PREFIX = '/2015-02-01';
const FS = `${EFS_PREFIX}/file-systems/{FileSystemId}`;

/** Method, URI and success status of each EFS write, from aws-models/efs (`http` of each operation). */
const EFS_WRITE_ROUTES: RestRoute[] = [
  { method: 'POST', uri: `${EFS_PREFIX}/file-systems`, operation: 'CreateFileSystem', status: 201 },
  { method: 'DELETE', uri: FS, operation: 'DeleteFileSystem', status: 204 },
  { method: 'PUT', uri: FS, operation: 'UpdateFileSystem', status: 202 },
  { method: 'PUT', uri: `${FS}/protection`, operation: 'UpdateFileSystemProtection' },
  { method: 'PUT', uri: `${FS}/lifecycle-configuration`, operation: 'PutLifecycleConfiguration' },
  { method: 'PUT', uri: `${FS}/backup-policy`, operation: 'PutBackupPolicy' },
  { method: 'PUT', uri: `${FS}/policy`, operation: 'PutFileSystemPolicy' },
  { method: 'DELETE', uri: `${FS}/policy`, operation: 'DeleteFileSystemPolicy' },
  { method: 'POST', uri: `${EFS_PREFIX}/resource-tags/{ResourceId}`, operation: 'TagResource' },
  {
    method: 'DELETE',
    uri: `${EFS_PREFIX}/resource-tags/{ResourceId}`,
    operation: 'UntagResource',
    lists: ['tagKeys'],
    queryNames: { tagKeys: 'TagKeys' },
  },
  { method: 'POST', uri: `${EFS_PREFIX}/mount-targets`, operation: 'CreateMountTarget' },
  {
    method: 'DELETE',
    uri: `${EFS_PREFIX}/mount-targets/{MountTargetId}`,
    operation: 'DeleteMountTarget',
    status: 204,
  },
  {
    method: 'PUT',
    uri: `${EFS_PREFIX}/mount-targets/{MountTargetId}/security-groups`,
    operation: 'ModifyMountTargetSecurityGroups',
    status: 204,
  },
  { method: 'POST', uri: `${EFS_PREFIX}/access-points`, operation: 'CreateAccessPoint' },
  {
    method: 'DELETE',
    uri: `${EFS_PREFIX}/access-points/{AccessPointId}`,
    operation: 'DeleteAccessPoint',
    status: 204,
  },
  {
    method: 'POST',
    uri: `${EFS_PREFIX}/file-systems/{SourceFileSystemId}/replication-configuration`,
    operation: 'CreateReplicationConfiguration',
  },
  {
    method: 'DELETE',
    uri: `${EFS_PREFIX}/file-systems/{SourceFileSystemId}/replication-configuration`,
    operation: 'DeleteReplicationConfiguration',
    status: 204,
    queryNames: { deletionMode: 'DeletionMode' },
  },
];

function efsWriteOperations(model: EstateModel): Record<string, Handler> {
  const fileSystems = new EfsFileSystemWrites(model);
  return {
    ...operationsOf(fileSystems, [
      'CreateFileSystem',
      'DeleteFileSystem',
      'UpdateFileSystem',
      'UpdateFileSystemProtection',
      'PutLifecycleConfiguration',
      'PutBackupPolicy',
      'PutFileSystemPolicy',
      'DeleteFileSystemPolicy',
      'TagResource',
      'UntagResource',
    ]),
    ...operationsOf(new EfsMountTargetWrites(model), [
      'CreateMountTarget',
      'DeleteMountTarget',
      'ModifyMountTargetSecurityGroups',
    ]),
    ...operationsOf(new EfsAccessPointWrites(model), ['CreateAccessPoint', 'DeleteAccessPoint']),
    ...operationsOf(new EfsReplicationWrites(model, fileSystems), [
      'CreateReplicationConfiguration',
      'DeleteReplicationConfiguration',
    ]),
  };
}

export function createServices(model: EstateModel): Services {
  const sts = new StsService(model);
  const efs: ServiceBinding = {
    name: 'efs',
    codec: new RestJsonCodec([
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/file-systems`,
        operation: 'DescribeFileSystems',
        integers: ['MaxItems'],
      },
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/file-systems/replication-configurations`,
        operation: 'DescribeReplicationConfigurations',
        integers: ['MaxResults'],
      },
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/file-systems/{FileSystemId}/lifecycle-configuration`,
        operation: 'DescribeLifecycleConfiguration',
      },
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/file-systems/{FileSystemId}/backup-policy`,
        operation: 'DescribeBackupPolicy',
      },
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/file-systems/{FileSystemId}/policy`,
        operation: 'DescribeFileSystemPolicy',
      },
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/mount-targets`,
        operation: 'DescribeMountTargets',
        integers: ['MaxItems'],
      },
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/mount-targets/{MountTargetId}/security-groups`,
        operation: 'DescribeMountTargetSecurityGroups',
      },
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/access-points`,
        operation: 'DescribeAccessPoints',
        integers: ['MaxResults'],
      },
      {
        method: 'GET',
        uri: `${EFS_PREFIX}/resource-tags/{ResourceId}`,
        operation: 'ListTagsForResource',
        integers: ['MaxResults'],
      },
      ...EFS_WRITE_ROUTES,
    ]),
    operations: {
      ...efsWriteOperations(model),
      ...operationsOf(new EfsService(model), [
        'DescribeFileSystems',
        'DescribeMountTargets',
        'DescribeMountTargetSecurityGroups',
        'DescribeAccessPoints',
        'DescribeLifecycleConfiguration',
        'DescribeBackupPolicy',
        'DescribeFileSystemPolicy',
        'DescribeReplicationConfigurations',
        'ListTagsForResource',
      ]),
    },
    throttling: efsErrors.throttling,
    unknownOperation: (op) => efsErrors.badRequest(`The estate does not implement ${op} yet.`),
    internalError: (message) => new AwsApiError('InternalServerError', message, 500),
  };
  const kms: ServiceBinding = {
    name: 'kms',
    codec: new Json11Codec('TrentService'),
    operations: operationsOf(new KmsService(model), ['DescribeKey', 'ListAliases', 'ListKeys']),
    throttling: kmsErrors.throttling,
    unknownOperation: (op) =>
      new AwsApiError('UnknownOperationException', `The estate does not implement ${op} yet.`, 400),
    internalError: (message) => new AwsApiError('KMSInternalException', message, 500),
  };
  const ec2: ServiceBinding = {
    name: 'ec2',
    codec: new Ec2QueryCodec(),
    operations: {
      ...operationsOf(new Ec2Service(model), [
        'DescribeVpcs',
        'DescribeSubnets',
        'DescribeSecurityGroups',
        'DescribeNetworkInterfaces',
      ]),
      ...operationsOf(new Ec2LaunchTemplates(model), [
        'DescribeLaunchTemplates',
        'DescribeLaunchTemplateVersions',
        'CreateLaunchTemplateVersion',
        'ModifyLaunchTemplate',
      ]),
    },
    throttling: ec2Errors.throttling,
    unknownOperation: (op) =>
      new AwsApiError(
        'InvalidAction',
        `The action ${op} is not valid for this web service (the estate does not implement it yet).`,
        400,
      ),
    internalError: (message) => new AwsApiError('InternalError', message, 500),
  };
  const stsBinding: ServiceBinding = {
    name: 'sts',
    codec: new AwsQueryCodec('https://sts.amazonaws.com/doc/2011-06-15/', new Set(['DurationSeconds'])),
    operations: operationsOf(sts, ['AssumeRole', 'GetCallerIdentity']),
    throttling: stsErrors.throttling,
    unknownOperation: (op) =>
      new AwsApiError(
        'InvalidAction',
        `Could not find operation ${op} (the estate does not implement it yet).`,
        400,
      ),
    internalError: (message) => new AwsApiError('InternalFailure', message, 500, 'Receiver'),
  };
  const dataSync = new DataSyncService(model);
  const dataSyncBinding: ServiceBinding = {
    name: 'datasync',
    codec: new Json11Codec('FmrsService'),
    operations: operationsOf(dataSync, [
      'CreateLocationEfs',
      'DescribeLocationEfs',
      'ListLocations',
      'DeleteLocation',
      'CreateTask',
      'DescribeTask',
      'ListTasks',
      'DeleteTask',
      'StartTaskExecution',
      'DescribeTaskExecution',
      'CancelTaskExecution',
      'ListTaskExecutions',
      'TagResource',
      'UntagResource',
      'ListTagsForResource',
    ]),
    throttling: dataSyncErrors.throttling,
    unknownOperation: (op) => dataSyncErrors.invalid(`The estate does not implement DataSync ${op} yet.`),
    internalError: (message) => dataSyncErrors.internal(message),
  };
  const cloudWatch: ServiceBinding = {
    name: 'cloudwatch',
    codec: new Json10QueryCompatibleCodec('GraniteServiceVersion20100801', CLOUDWATCH_ERROR_SHAPES),
    operations: operationsOf(new CloudWatchService(model), ['GetMetricData', 'GetMetricStatistics']),
    throttling: cloudWatchErrors.throttling,
    unknownOperation: (op) =>
      new AwsApiError('InvalidAction', `The estate does not implement CloudWatch ${op} yet.`, 400),
    internalError: (message) => cloudWatchErrors.internal(message),
  };
  const organizations: ServiceBinding = {
    name: 'organizations',
    codec: new Json11Codec('AWSOrganizationsV20161128'),
    operations: operationsOf(new OrganizationsService(model), [
      'ListAccounts',
      'ListAccountsForParent',
      'ListOrganizationalUnitsForParent',
    ]),
    throttling: organizationsErrors.throttling,
    unknownOperation: (op) =>
      new AwsApiError(
        'UnknownOperationException',
        `The estate does not implement Organizations ${op} yet.`,
        400,
      ),
    internalError: (message) => organizationsErrors.internal(message),
  };
  const ecs = new EcsService(model);
  const ecsBinding: ServiceBinding = {
    name: 'ecs',
    codec: new Json11Codec('AmazonEC2ContainerServiceV20141113'),
    operations: operationsOf(ecs, [...ECS_OPERATIONS]),
    throttling: ecsErrors.throttling,
    unknownOperation: (op) => ecsErrors.client(`The estate does not implement ECS ${op} yet.`),
    internalError: (message) => ecsErrors.server(message),
  };
  return {
    bySigningName: new Map([
      ['ecs', ecsBinding],
      ['elasticfilesystem', efs],
      ['kms', kms],
      ['ec2', ec2],
      ['sts', stsBinding],
      ['datasync', dataSyncBinding],
      // CloudWatch signs as `monitoring` (its endpoint prefix).
      ['monitoring', cloudWatch],
      ['organizations', organizations],
      ['lambda', lambdaBinding(model)],
      ['autoscaling', autoScalingBinding(model, operationsOf)],
      ['backup', backupBinding(model)],
    ]),
    sts,
    dataSync,
    ecs,
  };
}

const ECS_OPERATIONS = [
  'ListClusters',
  'DescribeClusters',
  'ListServices',
  'DescribeServices',
  'UpdateService',
  'ListTaskDefinitions',
  'ListTaskDefinitionFamilies',
  'DescribeTaskDefinition',
  'RegisterTaskDefinition',
  'DeregisterTaskDefinition',
  'ListTagsForResource',
  'TagResource',
  'UntagResource',
  'ListTasks',
  'DescribeTasks',
] as const;
