/**
 * Shared ground for the EFS write handlers: finding file systems, mount targets and access points
 * (by ID or ARN, in any account and Region of the estate), state preconditions, tag rules, and the
 * write-side error codes with the HTTP statuses of the EFS model (aws-models/efs).
 */
import type { Tag } from '@aws-sdk/client-efs';
import type { EstateAccessPoint, EstateFileSystem, EstateMountTarget } from '../types.ts';
import { AwsApiError } from './api-error.ts';
import { EMPTY_FILE_SYSTEM_BYTES, totals, type FileSystemContent } from './content.ts';
import { efsErrors } from './efs-service.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

export const efsWriteErrors = {
  ...efsErrors,
  fileSystemAlreadyExists: (id: string, token: string) =>
    new AwsApiError(
      'FileSystemAlreadyExists',
      `File system '${id}' already exists with creation token '${token}'.`,
      409,
      'Sender',
      { FileSystemId: id },
    ),
  accessPointAlreadyExists: (id: string, token: string) =>
    new AwsApiError(
      'AccessPointAlreadyExists',
      `Access point '${id}' already exists with client token '${token}'.`,
      409,
      'Sender',
      { AccessPointId: id },
    ),
  fileSystemLimitExceeded: (limit: number) =>
    new AwsApiError(
      'FileSystemLimitExceeded',
      `The account already has the maximum of ${limit} file systems in this Region.`,
      403,
    ),
  accessPointLimitExceeded: (id: string, limit: number) =>
    new AwsApiError(
      'AccessPointLimitExceeded',
      `File system '${id}' already has the maximum of ${limit} access points.`,
      403,
    ),
  incorrectFileSystemLifeCycleState: (id: string, state: string, wanted = 'available') =>
    new AwsApiError(
      'IncorrectFileSystemLifeCycleState',
      `File system '${id}' is in state ${state}; it must be ${wanted}.`,
      409,
    ),
  fileSystemInUse: (message: string) => new AwsApiError('FileSystemInUse', message, 409),
  mountTargetConflict: (message: string) => new AwsApiError('MountTargetConflict', message, 409),
  subnetNotFound: (id: string) =>
    new AwsApiError('SubnetNotFound', `The subnet ID '${id}' does not exist`, 400),
  securityGroupNotFound: (message: string) => new AwsApiError('SecurityGroupNotFound', message, 400),
  securityGroupLimitExceeded: (limit: number) =>
    new AwsApiError(
      'SecurityGroupLimitExceeded',
      `A mount target can have at most ${limit} security groups.`,
      400,
    ),
  ipAddressInUse: (ip: string, subnet: string) =>
    new AwsApiError('IpAddressInUse', `IP address ${ip} is already in use in subnet ${subnet}.`, 409),
  availabilityZonesMismatch: (message: string) => new AwsApiError('AvailabilityZonesMismatch', message, 400),
  unsupportedAvailabilityZone: (zone: string) =>
    new AwsApiError('UnsupportedAvailabilityZone', `Availability Zone ${zone} is not supported.`, 400),
  invalidPolicy: (message: string) => new AwsApiError('InvalidPolicyException', message, 400),
  tooManyRequests: (message: string) => new AwsApiError('TooManyRequests', message, 429),
  replicationAlreadyExists: (message: string) => new AwsApiError('ReplicationAlreadyExists', message, 409),
  validation: (message: string) => new AwsApiError('ValidationException', message, 400),
  conflict: (message: string) => new AwsApiError('ConflictException', message, 409),
};

const FILE_SYSTEM_ARN = /^arn:aws[a-z-]*:elasticfilesystem:([^:]+):(\d{12}):file-system\/(fs-[0-9a-f]+)$/;
const ACCESS_POINT_ARN = /^arn:aws[a-z-]*:elasticfilesystem:([^:]+):(\d{12}):access-point\/(fsap-[0-9a-f]+)$/;

export interface Located<T> {
  item: T;
  accountId: string;
  region: string;
}

export class EfsStore {
  constructor(readonly model: EstateModel) {}

  /** The Region's file systems that still exist (not `deleted`). */
  fileSystems(where: Pick<CallContext, 'accountId' | 'region'>): EstateFileSystem[] {
    return this.model.region(where).fileSystems.filter((fs) => fs.LifeCycleState !== 'deleted');
  }

  /** By ID in the caller's Region, or by ARN anywhere in the estate. */
  fileSystem(ctx: Pick<CallContext, 'accountId' | 'region'>, ref: string | undefined): EstateFileSystem {
    return this.locateFileSystem(ctx, ref).item;
  }

  locateFileSystem(
    ctx: Pick<CallContext, 'accountId' | 'region'>,
    ref: string | undefined,
  ): Located<EstateFileSystem> {
    if (!ref) throw efsWriteErrors.badRequest('FileSystemId is required.');
    const arn = FILE_SYSTEM_ARN.exec(ref);
    const where = arn ? { region: arn[1]!, accountId: arn[2]! } : ctx;
    const id = arn ? arn[3]! : ref;
    const fs = this.fileSystems(where).find((f) => f.FileSystemId === id);
    if (!fs) throw efsWriteErrors.fileSystemNotFound(ref);
    return { item: fs, ...where };
  }

  requireAvailable(fs: EstateFileSystem): void {
    if (fs.LifeCycleState !== 'available')
      throw efsWriteErrors.incorrectFileSystemLifeCycleState(fs.FileSystemId, fs.LifeCycleState);
  }

  mountTarget(ctx: CallContext, id: string | undefined): { fs: EstateFileSystem; mt: EstateMountTarget } {
    if (!id) throw efsWriteErrors.badRequest('MountTargetId is required.');
    for (const fs of this.fileSystems(ctx)) {
      const mt = fs.MountTargets.find((m) => m.MountTargetId === id);
      if (mt) return { fs, mt };
    }
    throw efsWriteErrors.mountTargetNotFound(id);
  }

  accessPoint(ctx: CallContext, ref: string | undefined): { fs: EstateFileSystem; ap: EstateAccessPoint } {
    if (!ref) throw efsWriteErrors.badRequest('AccessPointId is required.');
    const arn = ACCESS_POINT_ARN.exec(ref);
    const where = arn ? { region: arn[1]!, accountId: arn[2]! } : ctx;
    for (const fs of this.fileSystems(where)) {
      const ap = fs.AccessPoints.find((a) => a.AccessPointId === (arn ? arn[3] : ref));
      if (ap) return { fs, ap };
    }
    throw efsWriteErrors.accessPointNotFound(ref);
  }

  /** The file system's content (content.ts), seeded from its SizeInBytes on first use. */
  content(fs: EstateFileSystem): FileSystemContent {
    return this.model.content(fs.FileSystemArn, fs.SizeInBytes.Value ?? 0);
  }

  /** Replaces the content and reports the new size, as EFS's metered size follows the data. */
  setContent(fs: EstateFileSystem, content: FileSystemContent, at: Date): void {
    this.model.setContent(fs.FileSystemArn, content);
    const bytes = EMPTY_FILE_SYSTEM_BYTES + Math.max(0, totals(content).bytes);
    fs.SizeInBytes = { Value: bytes, Timestamp: at, ValueInStandard: bytes, ValueInIA: 0, ValueInArchive: 0 };
  }

  /** Is a replication configuration using this file system (as source or destination)? */
  replicationOf(fs: EstateFileSystem) {
    return fs.Replications[0];
  }
}

/** The characters EFS allows in tag keys and values (TagKey and TagValue `pattern`s of the model). */
const TAG_KEY_CHARACTERS = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$/u;
const TAG_VALUE_CHARACTERS = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

/**
 * EFS tag rules (Tag and TagKey in the EFS model): keys are 1–128 characters, unique, and may not
 * start with `aws:` in any case (`^(?![aA]{1}[wW]{1}[sS]{1}:)…`); values up to 256 characters; both only
 * letters, spaces, digits and `_.:/=+-@`.
 */
export function checkTags(tags: readonly Tag[] | undefined, member = 'tags'): Tag[] {
  const list = tags ?? [];
  const seen = new Set<string>();
  list.forEach((tag, i) => {
    const key = tag.Key ?? '';
    if (key.length < 1 || key.length > 128)
      throw efsWriteErrors.badRequest(
        `1 validation error detected: Value '${key}' at '${member}.${i + 1}.member.key' failed to satisfy constraint: Member must have length between 1 and 128`,
      );
    if (/^aws:/i.test(key))
      throw efsWriteErrors.badRequest(
        `1 validation error detected: Value '${key}' at '${member}.${i + 1}.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?![aA]{1}[wW]{1}[sS]{1}:)([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$ (tag keys beginning with aws: are reserved for AWS)`,
      );
    if (!TAG_KEY_CHARACTERS.test(key))
      throw efsWriteErrors.badRequest(
        `1 validation error detected: Value '${key}' at '${member}.${i + 1}.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ${TAG_KEY_CHARACTERS.source}`,
      );
    if ((tag.Value ?? '').length > 256)
      throw efsWriteErrors.badRequest(`Tag '${key}' has a value longer than 256 characters.`);
    if (!TAG_VALUE_CHARACTERS.test(tag.Value ?? ''))
      throw efsWriteErrors.badRequest(
        `1 validation error detected: Value '${tag.Value}' at '${member}.${i + 1}.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: ${TAG_VALUE_CHARACTERS.source}`,
      );
    if (seen.has(key)) throw efsWriteErrors.badRequest(`Tag key '${key}' is given more than once.`);
    seen.add(key);
  });
  return list.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' }));
}

/** Merges tags into a resource's list (a key given again replaces its value), keeping `Name` in step. */
export function mergeTags(target: { Tags: Tag[]; Name?: string }, tags: Tag[]): void {
  for (const tag of tags) {
    const existing = target.Tags.find((t) => t.Key === tag.Key);
    if (existing) existing.Value = tag.Value;
    else target.Tags.push({ ...tag });
    if (tag.Key === 'Name') target.Name = tag.Value;
  }
}

export function removeTags(target: { Tags: Tag[]; Name?: string }, keys: readonly string[]): void {
  target.Tags = target.Tags.filter((t) => !keys.includes(t.Key ?? ''));
  if (keys.includes('Name')) delete target.Name;
}
