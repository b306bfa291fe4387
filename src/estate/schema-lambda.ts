/**
 * The `lambda` member of an estate region: functions as `aws lambda get-function-configuration`
 * prints them (FunctionConfiguration), plus their tags, published versions and aliases. Enums come
 * from the SDK and patterns from aws-models/lambda, so a pasted configuration is accepted as is and
 * a misspelled member is refused with its path.
 */
import { z } from 'zod';
import {
  Architecture,
  LastUpdateStatus,
  LastUpdateStatusReasonCode,
  PackageType,
  Runtime,
  State,
  StateReasonCode,
  TracingMode,
} from '@aws-sdk/client-lambda';

const enumOf = <T extends Record<string, string>>(values: T) =>
  z.enum(Object.values(values) as [T[keyof T], ...T[keyof T][]]);
const passThrough = z.unknown().optional();

/** FunctionName without ARN or qualifier (the model's pattern is `[a-zA-Z0-9-_]+`, at most 64 for a name). */
export const lambdaFunctionName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a function name is 1 to 64 letters, digits, hyphens or underscores');

/** FileSystemConfig: the model's FileSystemArn (an EFS access point ARN) and LocalMountPath patterns. */
const fileSystemConfig = z.strictObject({
  Arn: z
    .string()
    .regex(
      /^arn:aws[a-zA-Z-]*:elasticfilesystem:[a-z]{2}(-[a-z]+)+-\d:\d{12}:access-point\/fsap-[a-f0-9]{17}$/,
      'Lambda mounts EFS through an access point: arn:aws:elasticfilesystem:<region>:<account>:access-point/fsap-<17 hex>',
    ),
  LocalMountPath: z
    .string()
    .max(160)
    .regex(/^\/mnt\/[a-zA-Z0-9-_.]+$/, 'LocalMountPath looks like /mnt/data (one directory under /mnt)'),
});

const vpcConfig = z.strictObject({
  SubnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0'))
    .max(16),
  SecurityGroupIds: z
    .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group ID looks like sg-0123456789abcdef0'))
    .max(5),
  VpcId: z.string().optional(),
  Ipv6AllowedForDualStack: z.boolean().optional(),
});

/** Every member of FunctionConfiguration (aws-models/lambda); the ones the estate reads are typed. */
const configurationMembers = {
  FunctionArn: z.string().optional(),
  Runtime: enumOf(Runtime).optional(),
  Role: z
    .string()
    .regex(/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+$/, 'Role is an IAM role ARN')
    .optional(),
  Handler: z.string().max(128).optional(),
  CodeSize: z.number().int().min(0).optional(),
  Description: z.string().max(256).optional(),
  Timeout: z.number().int().min(1).max(900).optional(),
  MemorySize: z.number().int().min(128).max(10240).optional(),
  LastModified: z.string().optional(),
  CodeSha256: z.string().optional(),
  VpcConfig: vpcConfig.optional(),
  DeadLetterConfig: passThrough,
  Environment: z
    .strictObject({ Variables: z.record(z.string(), z.string()).optional(), Error: passThrough })
    .optional(),
  KMSKeyArn: z.string().optional(),
  TracingConfig: z.strictObject({ Mode: enumOf(TracingMode).optional() }).optional(),
  MasterArn: z.string().optional(),
  RevisionId: z.string().optional(),
  Layers: passThrough,
  State: enumOf(State).optional(),
  StateReason: z.string().optional(),
  StateReasonCode: enumOf(StateReasonCode).optional(),
  LastUpdateStatus: enumOf(LastUpdateStatus).optional(),
  LastUpdateStatusReason: z.string().optional(),
  LastUpdateStatusReasonCode: enumOf(LastUpdateStatusReasonCode).optional(),
  FileSystemConfigs: z
    .array(fileSystemConfig)
    .max(1, 'Lambda allows one file system per function')
    .optional(),
  SigningProfileVersionArn: z.string().optional(),
  SigningJobArn: z.string().optional(),
  PackageType: enumOf(PackageType).optional(),
  ImageConfigResponse: passThrough,
  Architectures: z.array(enumOf(Architecture)).length(1).optional(),
  EphemeralStorage: z.strictObject({ Size: z.number().int().min(512).max(10240) }).optional(),
  SnapStart: passThrough,
  RuntimeVersionConfig: passThrough,
  LoggingConfig: passThrough,
  TenancyConfig: passThrough,
  CapacityProviderConfig: passThrough,
  ConfigSha256: z.string().optional(),
  DurableConfig: passThrough,
};

/** A published version: what it does not give is what $LATEST had (the file's function members). */
const versionInput = z.strictObject({
  ...configurationMembers,
  FunctionName: lambdaFunctionName.optional(),
  Version: z.string().regex(/^[1-9]\d*$/, 'a published version is a number: "1", "2"…'),
});

const aliasInput = z.strictObject({
  Name: z
    .string()
    .regex(/^(?!\d+$)[a-zA-Z0-9_-]{1,128}$/, 'an alias name is letters, digits, - or _, and not only digits'),
  FunctionVersion: z.string().regex(/^(\$LATEST|\d+)$/, 'FunctionVersion is "$LATEST" or a version number'),
  AliasArn: z.string().optional(),
  Description: z.string().max(256).optional(),
  RoutingConfig: z
    .strictObject({ AdditionalVersionWeights: z.record(z.string(), z.number().min(0).max(1)).optional() })
    .optional(),
  RevisionId: z.string().optional(),
});

export const lambdaFunctionInput = z.strictObject({
  ...configurationMembers,
  FunctionName: lambdaFunctionName,
  Version: z.literal('$LATEST').optional(),
  /** Estate additions: what GetFunction/ListTags, ListVersionsByFunction and ListAliases answer. */
  Tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
  Versions: z.array(versionInput).optional(),
  Aliases: z.array(aliasInput).optional(),
});

export const lambdaRegionInput = z.strictObject({ functions: z.array(lambdaFunctionInput) });

export type LambdaFunctionInput = z.infer<typeof lambdaFunctionInput>;
export type LambdaRegionInput = z.infer<typeof lambdaRegionInput>;
