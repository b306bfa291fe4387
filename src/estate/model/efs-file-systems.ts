/**
 * EFS file system writes with AWS's rules (each rule cites the EFS API reference text it follows,
 * from aws-models/efs): create with CreationToken idempotency, delete with its preconditions,
 * throughput and protection updates, lifecycle, backup and file system policies, and tags.
 */
import type {
  BackupPolicyDescription,
  CreateFileSystemRequest,
  DeleteFileSystemPolicyRequest,
  DeleteFileSystemRequest,
  FileSystemDescription,
  FileSystemPolicyDescription,
  FileSystemProtectionDescription,
  LifecycleConfigurationDescription,
  LifecyclePolicy,
  PutBackupPolicyRequest,
  PutFileSystemPolicyRequest,
  PutLifecycleConfigurationRequest,
  TagResourceRequest,
  UntagResourceRequest,
  UpdateFileSystemProtectionRequest,
  UpdateFileSystemRequest,
} from '@aws-sdk/client-efs';
import { arn, availabilityZoneId, stableHex } from '../ids.ts';
import type { EstateFileSystem } from '../types.ts';
import { EMPTY_FILE_SYSTEM_BYTES } from './content.ts';
import { fileSystemDescription } from './efs-service.ts';
import { checkTags, efsWriteErrors, EfsStore, mergeTags, removeTags } from './efs-store.ts';
import { resolveKey, unusableKeyReason } from './efs-keys.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

const DAY_MS = 86_400_000;
/** CreateFileSystem reference: "Valid values are 1-3414 MiBps, with the upper limit depending on Region." */
const MAX_PROVISIONED_MIBPS = 3414;
/** PutFileSystemPolicy reference: "EFS file system policies have a 20,000 character limit." */
const MAX_POLICY_CHARS = 20_000;
const DAYS = /^AFTER_(\d+)_DAYS?$/;

export class EfsFileSystemWrites {
  private readonly store: EfsStore;
  /** When each file system last changed throughput mode or lowered provisioned throughput. */
  private readonly throughputChangedAt = new Map<string, number>();

  constructor(private readonly model: EstateModel) {
    this.store = new EfsStore(model);
  }

  createFileSystem(ctx: CallContext, input: CreateFileSystemRequest): FileSystemDescription {
    const token = input.CreationToken ?? '';
    if (token.length < 1 || token.length > 64)
      throw efsWriteErrors.badRequest('CreationToken must be 1 to 64 characters.');
    // "If a file system does not currently exist that is owned by the caller's account with the
    // specified creation token … Otherwise, this operation returns a FileSystemAlreadyExists error
    // with the ID of the existing file system."
    const existing = this.store.fileSystems(ctx).find((fs) => fs.CreationToken === token);
    if (existing) throw efsWriteErrors.fileSystemAlreadyExists(existing.FileSystemId, token);

    const PerformanceMode = input.PerformanceMode ?? 'generalPurpose';
    // "Default is bursting." (ThroughputMode in CreateFileSystemRequest)
    const ThroughputMode = input.ThroughputMode ?? 'bursting';
    const zone = input.AvailabilityZoneName;
    // "MaxIO mode is not supported for One Zone file systems or file systems that use Elastic throughput."
    if (PerformanceMode === 'maxIO' && ThroughputMode === 'elastic')
      throw efsWriteErrors.badRequest(
        'Performance mode maxIO is not supported with Elastic throughput; use generalPurpose.',
      );
    if (PerformanceMode === 'maxIO' && zone !== undefined)
      throw efsWriteErrors.badRequest(
        'Performance mode maxIO is not supported for One Zone file systems; use generalPurpose.',
      );
    this.checkThroughput(ThroughputMode, input.ProvisionedThroughputInMibps);
    if (zone !== undefined && !new RegExp(`^${ctx.region}[a-z]$`).test(zone))
      throw efsWriteErrors.unsupportedAvailabilityZone(zone);
    if (input.KmsKeyId !== undefined && input.Encrypted !== true)
      throw efsWriteErrors.badRequest('KmsKeyId is only allowed with Encrypted set to true.');
    const Tags = checkTags(input.Tags);
    if (this.store.fileSystems(ctx).length >= this.model.limits.fileSystemsPerRegion)
      throw efsWriteErrors.fileSystemLimitExceeded(this.model.limits.fileSystemsPerRegion);

    let keyArn: string | undefined;
    let keyProblem: string | undefined;
    if (input.Encrypted === true) {
      const key = resolveKey(this.model, ctx, input.KmsKeyId);
      // A key that does not exist is refused at once (KMS's NotFoundException text in a BadRequest).
      if (!key)
        throw efsWriteErrors.badRequest(
          `The request was rejected because the specified KMS key '${input.KmsKeyId}' could not be found (NotFoundException).`,
        );
      keyArn = key.Arn;
      // "If you disable or delete the KMS key …: That KMS key can't be used as the key for new
      // encrypted-at-rest file systems." (EFS user guide, Managing KMS keys). Creation is
      // asynchronous, so the estate accepts the call and the file system ends in `error`.
      keyProblem = unusableKeyReason(key);
    }

    const region = this.model.region(ctx);
    const now = this.model.now();
    const FileSystemId = `fs-${stableHex(`${ctx.accountId}/${ctx.region}/${token}/${region.fileSystems.length}`, 17)}`;
    const name = Tags.find((t) => t.Key === 'Name')?.Value;
    // "Default is false. However, if you specify an AvailabilityZoneName, the default is true." (Backup)
    const backup = input.Backup ?? zone !== undefined;
    const fs: EstateFileSystem = {
      OwnerId: ctx.accountId,
      CreationToken: token,
      FileSystemId,
      FileSystemArn: arn.fileSystem(ctx.region, ctx.accountId, FileSystemId),
      CreationTime: now,
      LifeCycleState: 'creating',
      ...(name !== undefined ? { Name: name } : {}),
      NumberOfMountTargets: 0,
      SizeInBytes: {
        Value: EMPTY_FILE_SYSTEM_BYTES,
        ValueInStandard: EMPTY_FILE_SYSTEM_BYTES,
        ValueInIA: 0,
        ValueInArchive: 0,
      },
      PerformanceMode,
      Encrypted: input.Encrypted === true,
      ...(keyArn !== undefined ? { KmsKeyId: keyArn } : {}),
      ThroughputMode,
      ...(ThroughputMode === 'provisioned'
        ? { ProvisionedThroughputInMibps: input.ProvisionedThroughputInMibps! }
        : {}),
      ...(zone !== undefined
        ? { AvailabilityZoneName: zone, AvailabilityZoneId: availabilityZoneId(ctx.region, zone) }
        : {}),
      Tags,
      FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
      MountTargets: [],
      AccessPoints: [],
      LifecyclePolicies: [],
      BackupPolicy: { Status: backup ? 'ENABLED' : 'DISABLED' },
      Replications: [],
    };
    region.fileSystems.push(fs);
    this.store.setContent(fs, { batches: [] }, now);
    this.model.timeline.at(now.getTime() + this.model.timing.fileSystemCreateMs, () => {
      if (fs.LifeCycleState === 'creating') fs.LifeCycleState = keyProblem ? 'error' : 'available';
    });
    return fileSystemDescription(fs) satisfies FileSystemDescription;
  }

  /**
   * "You can't delete a file system that is in use. That is, if the file system has any mount
   * targets" and "You cannot delete a file system that is part of an EFS replication configuration."
   * The reference names FileSystemInUse for the first; the estate answers it for both.
   */
  deleteFileSystem(ctx: CallContext, input: DeleteFileSystemRequest): void {
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    if (fs.LifeCycleState === 'deleting') return;
    if (fs.MountTargets.length > 0)
      throw efsWriteErrors.fileSystemInUse(
        `File system '${fs.FileSystemId}' has ${fs.MountTargets.length} mount target(s); delete them (and wait until they are gone) first.`,
      );
    const replication = fs.Replications[0];
    if (replication)
      throw efsWriteErrors.fileSystemInUse(
        `File system '${fs.FileSystemId}' is part of the replication configuration of ${replication.SourceFileSystemId}; delete the replication configuration first.`,
      );
    fs.LifeCycleState = 'deleting';
    this.model.timeline.at(this.model.now().getTime() + this.model.timing.fileSystemDeleteMs, () => {
      fs.LifeCycleState = 'deleted';
      fs.AccessPoints = [];
    });
  }

  /** TooManyRequests: "if you don't wait at least 24 hours before either changing the throughput mode, or decreasing the Provisioned Throughput value." */
  updateFileSystem(ctx: CallContext, input: UpdateFileSystemRequest): FileSystemDescription {
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    this.store.requireAvailable(fs);
    const mode = input.ThroughputMode ?? fs.ThroughputMode;
    const mibps =
      input.ProvisionedThroughputInMibps ??
      (mode === 'provisioned' ? fs.ProvisionedThroughputInMibps : undefined);
    this.checkThroughput(mode, mibps);
    const modeChange = mode !== fs.ThroughputMode;
    const lowering =
      mode === 'provisioned' &&
      fs.ThroughputMode === 'provisioned' &&
      mibps !== undefined &&
      mibps < (fs.ProvisionedThroughputInMibps ?? 0);
    if (
      mode !== 'elastic' &&
      modeChange &&
      fs.LifecyclePolicies.some((p) => p.TransitionToArchive !== undefined)
    )
      throw efsWriteErrors.badRequest(
        'Archive lifecycle policies need Elastic throughput; remove TransitionToArchive first.',
      );
    const now = this.model.now().getTime();
    if (modeChange || lowering) {
      const last = this.throughputChangedAt.get(fs.FileSystemArn);
      if (last !== undefined && now - last < DAY_MS)
        throw efsWriteErrors.tooManyRequests(
          `File system '${fs.FileSystemId}' changed throughput at ${new Date(last).toISOString()}; wait until ${new Date(last + DAY_MS).toISOString()} to change the mode or lower provisioned throughput again.`,
        );
      this.throughputChangedAt.set(fs.FileSystemArn, now);
    }
    fs.ThroughputMode = mode;
    if (mode === 'provisioned') fs.ProvisionedThroughputInMibps = mibps!;
    else delete fs.ProvisionedThroughputInMibps;
    return fileSystemDescription(fs);
  }

  updateFileSystemProtection(
    ctx: CallContext,
    input: UpdateFileSystemProtectionRequest,
  ): FileSystemProtectionDescription {
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    this.store.requireAvailable(fs);
    const wanted = input.ReplicationOverwriteProtection;
    if (wanted !== 'ENABLED' && wanted !== 'DISABLED')
      throw efsWriteErrors.badRequest(
        'ReplicationOverwriteProtection can be set to ENABLED or DISABLED; EFS sets REPLICATING itself.',
      );
    if (fs.Replications.length > 0)
      throw efsWriteErrors.replicationAlreadyExists(
        `File system '${fs.FileSystemId}' is part of a replication configuration; its protection changes when the configuration is deleted.`,
      );
    fs.FileSystemProtection = { ReplicationOverwriteProtection: wanted };
    return { ...fs.FileSystemProtection };
  }

  putLifecycleConfiguration(
    ctx: CallContext,
    input: PutLifecycleConfigurationRequest,
  ): LifecycleConfigurationDescription {
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    this.store.requireAvailable(fs);
    const policies = input.LifecyclePolicies ?? [];
    for (const p of policies) {
      // "EFS requires that each LifecyclePolicy object have only a single transition."
      if (Object.values(p).filter((v) => v !== undefined).length !== 1)
        throw efsWriteErrors.badRequest(
          'Each LifecyclePolicy must have exactly one transition; list one object per transition.',
        );
    }
    const archive = policies.find((p) => p.TransitionToArchive)?.TransitionToArchive;
    const ia = policies.find((p) => p.TransitionToIA)?.TransitionToIA;
    if (archive !== undefined) {
      // "The Archive storage class is available only for file systems that use the Elastic
      // throughput mode and the General Purpose performance mode."
      if (fs.ThroughputMode !== 'elastic' || fs.PerformanceMode !== 'generalPurpose')
        throw efsWriteErrors.badRequest(
          `TransitionToArchive needs Elastic throughput and General Purpose performance mode; ${fs.FileSystemId} is ${fs.ThroughputMode}/${fs.PerformanceMode}.`,
        );
      // "TransitionToArchive must either not be set or must be later than TransitionToIA."
      if (ia !== undefined && days(archive) <= days(ia))
        throw efsWriteErrors.badRequest(
          `TransitionToArchive (${archive}) must be later than TransitionToIA (${ia}).`,
        );
    }
    // "A PutLifecycleConfiguration call with an empty LifecyclePolicies array … deletes any existing LifecycleConfiguration."
    fs.LifecyclePolicies = policies.map((p): LifecyclePolicy => ({ ...p }));
    return { LifecyclePolicies: fs.LifecyclePolicies.map((p) => ({ ...p })) };
  }

  putBackupPolicy(ctx: CallContext, input: PutBackupPolicyRequest): BackupPolicyDescription {
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    this.store.requireAvailable(fs);
    const status = input.BackupPolicy?.Status;
    if (status !== 'ENABLED' && status !== 'DISABLED')
      throw efsWriteErrors.badRequest(
        'BackupPolicy.Status must be ENABLED or DISABLED (ENABLING and DISABLING are reported, not set).',
      );
    fs.BackupPolicy = { Status: status };
    return { BackupPolicy: { ...fs.BackupPolicy } };
  }

  putFileSystemPolicy(ctx: CallContext, input: PutFileSystemPolicyRequest): FileSystemPolicyDescription {
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    this.store.requireAvailable(fs);
    const policy = input.Policy ?? '';
    if (policy.length > MAX_POLICY_CHARS)
      throw efsWriteErrors.invalidPolicy(
        `The policy has ${policy.length} characters; EFS allows ${MAX_POLICY_CHARS}.`,
      );
    checkPolicyDocument(policy, fs);
    fs.Policy = policy;
    return { FileSystemId: fs.FileSystemId, Policy: policy };
  }

  /** "The default FileSystemPolicy goes into effect once the existing policy is deleted." */
  deleteFileSystemPolicy(ctx: CallContext, input: DeleteFileSystemPolicyRequest): void {
    const fs = this.store.fileSystem(ctx, input.FileSystemId);
    this.store.requireAvailable(fs);
    delete fs.Policy;
  }

  tagResource(ctx: CallContext, input: TagResourceRequest): void {
    const tags = checkTags(input.Tags);
    mergeTags(this.taggable(ctx, input.ResourceId), tags);
  }

  untagResource(ctx: CallContext, input: UntagResourceRequest): void {
    const keys = input.TagKeys ?? [];
    if (keys.length < 1 || keys.length > 50) throw efsWriteErrors.badRequest('TagKeys takes 1 to 50 keys.');
    removeTags(this.taggable(ctx, input.ResourceId), keys);
  }

  private taggable(ctx: CallContext, id: string | undefined) {
    if (/^(fsap-|arn:[^:]+:elasticfilesystem:[^:]+:\d+:access-point\/)/.test(id ?? ''))
      return this.store.accessPoint(ctx, id).ap;
    return this.store.fileSystem(ctx, id);
  }

  private checkThroughput(mode: string, mibps: number | undefined): void {
    if (mode === 'provisioned') {
      if (mibps === undefined)
        throw efsWriteErrors.badRequest('ThroughputMode provisioned requires ProvisionedThroughputInMibps.');
      if (!(mibps >= 1 && mibps <= MAX_PROVISIONED_MIBPS))
        throw efsWriteErrors.badRequest(
          `ProvisionedThroughputInMibps must be between 1 and ${MAX_PROVISIONED_MIBPS}.`,
        );
    } else if (mibps !== undefined) {
      throw efsWriteErrors.badRequest(
        `ProvisionedThroughputInMibps is only valid with ThroughputMode provisioned, not ${mode}.`,
      );
    }
  }
}

function days(rule: string): number {
  const m = DAYS.exec(rule);
  return m ? Number(m[1]) : 0;
}

/**
 * A file system policy is an IAM resource policy: a JSON object with a Statement list whose
 * Effect is Allow or Deny. The estate is stricter than the documentation on one point: a Resource
 * naming another file system is refused, so a policy copied without rewriting its `fs-` ARNs to
 * the twin's shows up in tests instead of silently granting nothing.
 */
function checkPolicyDocument(policy: string, fs: EstateFileSystem): void {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch (e) {
    throw efsWriteErrors.invalidPolicy(`The policy is not valid JSON: ${(e as Error).message}`);
  }
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(statements) ? statements : statements !== undefined ? [statements] : undefined;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !list)
    throw efsWriteErrors.invalidPolicy('The policy must be a JSON object with a Statement.');
  for (const s of list as Record<string, unknown>[]) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      throw efsWriteErrors.invalidPolicy('Each statement needs Effect Allow or Deny.');
    const resources = ([] as unknown[]).concat(s.Resource ?? []);
    for (const r of resources) {
      const fsArn = /elasticfilesystem:[^:]+:\d+:file-system\/(fs-[0-9a-f]+)/.exec(String(r));
      if (fsArn && fsArn[1] !== fs.FileSystemId)
        throw efsWriteErrors.invalidPolicy(
          `The policy names resource ${String(r)}, which is not file system ${fs.FileSystemId}; rewrite its ARNs to this file system.`,
        );
    }
  }
}
