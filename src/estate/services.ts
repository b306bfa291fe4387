/**
 * The services the estate serves, by SigV4 signing name: each pairs a protocol codec with its
 * handlers. Handlers are bound by operation name; adding the write side means adding entries here.
 */
import { AwsApiError } from './model/api-error.ts';
import { Ec2Service, ec2Errors } from './model/ec2-service.ts';
import { EfsService, efsErrors } from './model/efs-service.ts';
import type { CallContext, EstateModel } from './model/estate-model.ts';
import { KmsService, kmsErrors } from './model/kms-service.ts';
import { StsService, stsErrors } from './model/sts-service.ts';
import { AwsQueryCodec } from './protocols/aws-query.ts';
import { Ec2QueryCodec } from './protocols/ec2-query.ts';
import { Json11Codec } from './protocols/json11.ts';
import { RestJsonCodec } from './protocols/rest-json.ts';
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
    ]),
    operations: operationsOf(new EfsService(model), [
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
    operations: operationsOf(new Ec2Service(model), [
      'DescribeVpcs',
      'DescribeSubnets',
      'DescribeSecurityGroups',
    ]),
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
  return {
    bySigningName: new Map([
      ['elasticfilesystem', efs],
      ['kms', kms],
      ['ec2', ec2],
      ['sts', stsBinding],
    ]),
    sts,
  };
}
