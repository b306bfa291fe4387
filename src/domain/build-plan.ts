import { createHash } from 'node:crypto';
import type { AccessPointRecord, FileSystemRecord, LifecyclePolicyRecord } from './inventory.ts';
import type { JobStatus } from './job.ts';
import type { MigrationState } from './migration-state.ts';
import type { MigrationDecision } from './migration.ts';
import { twinCostOf, type TwinCost } from './twin-cost.ts';

/**
 * The build of an encrypted twin, as data: from the inventory snapshot of the source and the
 * decision, the exact calls the build makes (the dry run shows them; the build workflow makes
 * them) and what differs from the source, with why. Pure: no I/O. Inputs use AWS's member names,
 * so the workflow hands them to the SDK unchanged once the twin's IDs are known.
 *
 * AWS rules applied here, each checked in the EFS API model (aws-models/efs/service-2.json) or
 * the EFS user guide:
 * - Tag keys may not start with `aws:` in any case (TagKey pattern `^(?![aA]{1}[wW]{1}[sS]{1}:)`;
 *   Tag: "The key can't start with aws:"), and tag values allow only letters, digits, spaces and
 *   `_ . : / = + - @` (TagValue pattern): the migration tag uses `:` not `#`.
 * - CreationToken and ClientToken are 1..64 characters (CreationToken, ClientToken shapes).
 * - Performance mode and throughput mode are chosen at creation; "maxIO mode is not supported for
 *   One Zone file systems or file systems that use Elastic throughput" (CreateFileSystem), and
 *   throughput mode changes and decreases are limited in time afterwards (ThroughputMode doc).
 * - "The Archive storage class is available only for file systems that use the Elastic throughput
 *   mode and the General Purpose performance mode" (PutLifecycleConfiguration), and each
 *   LifecyclePolicy object holds a single transition.
 * - One mount target per AZ, all in one VPC; when no IpAddress is given EFS picks a free one in
 *   the subnet (CreateMountTarget): the source's address is in use while its mount target exists.
 * - A file system policy naming the source's `file-system/fs-…` or `access-point/fsap-…` ARNs
 *   must name the twin's instead (policies match those ARNs, e.g. the
 *   `elasticfilesystem:AccessPointArn` condition key, user guide "Using access points in IAM
 *   policies"); access points cannot be modified and get new IDs, so old→new is recorded.
 */

/** The steps of a build, in the order they run; the build records the last one completed. */
export const BUILD_STEPS = [
  'check-key',
  'create-file-system',
  'wait-file-system',
  'lifecycle-configuration',
  'backup-policy',
  'mount-targets',
  'wait-mount-targets',
  'access-points',
  'file-system-policy',
  'validate',
] as const;
export type BuildStep = (typeof BUILD_STEPS)[number];

/** Tag keys the bot adds to the twin and its access points. */
export const TWIN_TAGS = {
  sourceFileSystemId: 'efs-encrypt:source-file-system-id',
  migrationId: 'efs-encrypt:migration-id',
  sourceAccessPointId: 'efs-encrypt:source-access-point-id',
} as const;

/** What EFS allows per resource (EFS quotas: 50 tags per resource). */
export const MAX_TAGS = 50;
const MAX_TAG_VALUE = 256;
/** Suffix of the twin's Name tag, so people tell the two apart while both exist. */
export const TWIN_NAME_SUFFIX = '-encrypted';

export interface Tag {
  Key: string;
  Value: string;
}

export interface CreateFileSystemInput {
  CreationToken: string;
  Encrypted: true;
  KmsKeyId: string;
  PerformanceMode?: 'generalPurpose' | 'maxIO';
  ThroughputMode?: 'bursting' | 'provisioned' | 'elastic';
  ProvisionedThroughputInMibps?: number;
  AvailabilityZoneName?: string;
  Backup?: boolean;
  Tags: Tag[];
}

export interface LifecyclePolicyInput {
  TransitionToIA?: string;
  TransitionToPrimaryStorageClass?: string;
  TransitionToArchive?: string;
}

export interface MountTargetPlan {
  availabilityZone: string;
  sourceMountTargetId: string;
  /** FileSystemId is the twin's, known once it exists. */
  input: { SubnetId: string; SecurityGroups?: string[] };
}

export interface AccessPointPlan {
  sourceAccessPointId: string;
  /** FileSystemId is the twin's, known once it exists. */
  input: {
    ClientToken: string;
    Tags: Tag[];
    PosixUser?: { Uid: number; Gid: number; SecondaryGids?: number[] };
    RootDirectory?: {
      Path?: string;
      CreationInfo?: { OwnerUid: number; OwnerGid: number; Permissions: string };
    };
  };
}

/** One way the twin differs from its source, and why. */
export interface Difference {
  subject: string;
  change: string;
  why: string;
}

/** One call as the dry run shows it; `<twin>` stands for IDs known only once made. */
export interface PlannedCall {
  step: BuildStep;
  operation: string;
  input: Record<string, unknown>;
}

export interface BuildPlan {
  migrationId: string;
  accountId: string;
  region: string;
  sourceFileSystemId: string;
  sourceName?: string;
  /** The key ARN the twin must report (DescribeFileSystems KmsKeyId). */
  intendedKeyArn: string;
  createFileSystem: CreateFileSystemInput;
  /** Undefined when the source has no lifecycle policy (a new file system has none either). */
  lifecyclePolicies?: LifecyclePolicyInput[];
  /** Undefined when the source's backup policy could not be read: the creation default stands. */
  backupStatus?: 'ENABLED' | 'DISABLED';
  mountTargets: MountTargetPlan[];
  accessPoints: AccessPointPlan[];
  /** The source's policy; its ARNs are rewritten to the twin's once the access points exist. */
  sourceFileSystemPolicy?: string;
  differs: Difference[];
  /** What the twin adds to the bill while both exist (storage, provisioned throughput). */
  whileBothExist: TwinCost;
  /** Every call in order, for the dry run. */
  calls: PlannedCall[];
}

export interface PlanBuildInput {
  migrationId: string;
  fileSystem: FileSystemRecord;
  decision: MigrationDecision;
}

/** `efs-encrypt-<sha256 of the migration ID, 40 hex>`: 52 characters, stable across retries and replicas. */
export function creationTokenFor(migrationId: string): string {
  return `efs-encrypt-${sha256(migrationId).slice(0, 40)}`;
}

/** `efs-encrypt-ap-<sha256 of migration and source access point, 40 hex>`: 55 characters. */
export function accessPointClientToken(migrationId: string, sourceAccessPointId: string): string {
  return `efs-encrypt-ap-${sha256(`${migrationId}|${sourceAccessPointId}`).slice(0, 40)}`;
}

/** The migration as a tag value (TagValue allows `:` but not `#`). */
export function migrationTagValue(
  fs: Pick<FileSystemRecord, 'accountId' | 'region' | 'fileSystemId'>,
): string {
  return `${fs.accountId}:${fs.region}:${fs.fileSystemId}`;
}

export function isReservedTagKey(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}

/** Source tags minus reserved keys, plus ours; the dropped keys come back as differences. */
export function twinTags(
  sourceTags: Record<string, string>,
  ours: Record<string, string>,
  options: { renameName?: boolean } = {},
): { tags: Tag[]; differs: Difference[] } {
  const differs: Difference[] = [];
  const tags: Tag[] = [];
  for (const [Key, Value] of Object.entries(sourceTags)) {
    if (isReservedTagKey(Key)) {
      differs.push({
        subject: `tag ${Key}`,
        change: 'dropped',
        why: 'aws: keys are reserved for AWS; EFS rejects them on create',
      });
      continue;
    }
    if (Key in ours) continue;
    if (Key === 'Name' && options.renameName) {
      const renamed = `${Value.slice(0, MAX_TAG_VALUE - TWIN_NAME_SUFFIX.length)}${TWIN_NAME_SUFFIX}`;
      differs.push({
        subject: 'tag Name',
        change: `${Value} → ${renamed}`,
        why: 'so the twin and its source are told apart while both exist; cutover can rename',
      });
      tags.push({ Key, Value: renamed });
      continue;
    }
    tags.push({ Key, Value });
  }
  const room = MAX_TAGS - Object.keys(ours).length;
  for (const dropped of tags.splice(room)) {
    differs.push({
      subject: `tag ${dropped.Key}`,
      change: 'dropped',
      why: `EFS allows ${MAX_TAGS} tags per resource and the bot adds ${Object.keys(ours).length}`,
    });
  }
  tags.push(...Object.entries(ours).map(([Key, Value]) => ({ Key, Value })));
  return { tags, differs };
}

/** The source's lifecycle policies as the twin can take them. */
export function twinLifecyclePolicies(
  policies: LifecyclePolicyRecord[],
  modes: { performanceMode?: string; throughputMode?: string },
): { policies: LifecyclePolicyInput[]; differs: Difference[] } {
  const archiveAllowed =
    modes.throughputMode === 'elastic' && (modes.performanceMode ?? 'generalPurpose') === 'generalPurpose';
  const differs: Difference[] = [];
  const out: LifecyclePolicyInput[] = [];
  for (const p of policies) {
    if (p.transitionToIA) out.push({ TransitionToIA: p.transitionToIA });
    if (p.transitionToPrimaryStorageClass)
      out.push({ TransitionToPrimaryStorageClass: p.transitionToPrimaryStorageClass });
    if (p.transitionToArchive) {
      if (archiveAllowed) out.push({ TransitionToArchive: p.transitionToArchive });
      else
        differs.push({
          subject: 'lifecycle TransitionToArchive',
          change: `${p.transitionToArchive} → dropped`,
          why: 'Archive storage needs Elastic throughput and General Purpose performance mode',
        });
    }
  }
  return { policies: out, differs };
}

export interface PolicyRewrite {
  policy: string;
  /** How many ARNs were replaced. */
  replaced: number;
  /** Source access points named in the policy with no twin yet (the policy would not match them). */
  unmapped: string[];
}

/**
 * Replaces the source's `file-system/fs-…` and `access-point/fsap-…` ARN resources with the
 * twin's, keeping each ARN's partition, region and account as written.
 */
export function rewritePolicyArns(
  policy: string,
  fileSystem: { source: string; twin: string },
  accessPoints: Record<string, string>,
): PolicyRewrite {
  let replaced = 0;
  const unmapped = new Set<string>();
  const rewritten = policy.replace(
    /(arn:aws[a-z-]*:elasticfilesystem:[a-z0-9-]*:\d*:)(file-system|access-point)\/((?:fs|fsap)-[0-9a-f]+)/g,
    (whole, prefix: string, kind: string, id: string) => {
      if (kind === 'file-system' && id === fileSystem.source) {
        replaced++;
        return `${prefix}file-system/${fileSystem.twin}`;
      }
      if (kind === 'access-point') {
        const twin = accessPoints[id];
        if (twin) {
          replaced++;
          return `${prefix}access-point/${twin}`;
        }
        unmapped.add(id);
      }
      return whole;
    },
  );
  return { policy: rewritten, replaced, unmapped: [...unmapped] };
}

function accessPointPlan(
  migrationId: string,
  fs: FileSystemRecord,
  ap: AccessPointRecord,
): { plan: AccessPointPlan; differs: Difference[] } {
  const { tags, differs } = twinTags(ap.tags, {
    [TWIN_TAGS.sourceAccessPointId]: ap.accessPointId,
    [TWIN_TAGS.migrationId]: migrationTagValue(fs),
  });
  const root = ap.rootDirectory;
  const creation = root?.creationInfo;
  return {
    plan: {
      sourceAccessPointId: ap.accessPointId,
      input: {
        ClientToken: accessPointClientToken(migrationId, ap.accessPointId),
        Tags: tags,
        ...(ap.posixUser
          ? {
              PosixUser: {
                Uid: ap.posixUser.uid,
                Gid: ap.posixUser.gid,
                ...(ap.posixUser.secondaryGids?.length ? { SecondaryGids: ap.posixUser.secondaryGids } : {}),
              },
            }
          : {}),
        ...(root
          ? {
              RootDirectory: {
                ...(root.path ? { Path: root.path } : {}),
                ...(creation
                  ? {
                      CreationInfo: {
                        OwnerUid: creation.ownerUid,
                        OwnerGid: creation.ownerGid,
                        Permissions: creation.permissions,
                      },
                    }
                  : {}),
              },
            }
          : {}),
      },
    },
    differs: differs.map((d) => ({ ...d, subject: `access point ${ap.accessPointId} ${d.subject}` })),
  };
}

/** The whole build of one file system's twin, and the dry run's list of calls. */
export function planBuild({ migrationId, fileSystem: fs, decision }: PlanBuildInput): BuildPlan {
  const differs: Difference[] = [
    { subject: 'Encrypted', change: 'false → true', why: 'the point of the migration' },
    {
      subject: 'KmsKeyId',
      change: `${fs.kmsKeyArn ?? fs.kmsKeyId ?? 'none'} → ${decision.targetKmsKeyId}`,
      why: `the key decided by ${decision.decidedBy}`,
    },
  ];

  const oneZone = Boolean(fs.availabilityZoneName);
  let performanceMode = fs.performanceMode as CreateFileSystemInput['PerformanceMode'];
  if (performanceMode === 'maxIO' && (oneZone || fs.throughputMode === 'elastic')) {
    performanceMode = 'generalPurpose';
    differs.push({
      subject: 'PerformanceMode',
      change: 'maxIO → generalPurpose',
      why: 'maxIO is not supported with Elastic throughput or One Zone',
    });
  }
  const throughputMode = fs.throughputMode as CreateFileSystemInput['ThroughputMode'];
  const backupStatus = backupStatusOf(fs);
  const tagged = twinTags(
    fs.tags,
    { [TWIN_TAGS.sourceFileSystemId]: fs.fileSystemId, [TWIN_TAGS.migrationId]: migrationTagValue(fs) },
    { renameName: true },
  );
  differs.push(...tagged.differs);

  const createFileSystem: CreateFileSystemInput = {
    CreationToken: creationTokenFor(migrationId),
    Encrypted: true,
    KmsKeyId: decision.targetKmsKeyId,
    ...(performanceMode ? { PerformanceMode: performanceMode } : {}),
    ...(throughputMode ? { ThroughputMode: throughputMode } : {}),
    ...(throughputMode === 'provisioned' && fs.provisionedThroughputInMibps
      ? { ProvisionedThroughputInMibps: fs.provisionedThroughputInMibps }
      : {}),
    ...(fs.availabilityZoneName ? { AvailabilityZoneName: fs.availabilityZoneName } : {}),
    ...(backupStatus ? { Backup: backupStatus === 'ENABLED' } : {}),
    Tags: tagged.tags,
  };
  if (!backupStatus)
    differs.push({
      subject: 'backup policy',
      change: 'unknown → AWS default',
      why: 'the scan could not read the source backup policy; check it after the build',
    });

  const lifecycle = twinLifecyclePolicies(fs.lifecyclePolicies, { performanceMode, throughputMode });
  differs.push(...lifecycle.differs);

  const overrideGroups = decision.targetSecurityGroupIds?.length
    ? decision.targetSecurityGroupIds
    : undefined;
  const mountTargets: MountTargetPlan[] = [];
  for (const mt of fs.mountTargets) {
    const az = mt.availabilityZoneName ?? mt.availabilityZoneId ?? mt.subnetId;
    if (mountTargets.some((m) => m.availabilityZone === az)) continue;
    const groups = overrideGroups ?? (mt.securityGroups.length ? mt.securityGroups : undefined);
    if (overrideGroups)
      differs.push({
        subject: `mount target in ${az} security groups`,
        change: `${mt.securityGroups.join(',') || 'unknown'} → ${overrideGroups.join(',')}`,
        why: 'the stricter groups chosen in the decision',
      });
    else if (!groups)
      differs.push({
        subject: `mount target in ${az} security groups`,
        change: 'unknown → the VPC default group',
        why: 'the scan could not read the source mount target groups (it was not available)',
      });
    if (mt.ipAddress)
      differs.push({
        subject: `mount target in ${az} IP address`,
        change: `${mt.ipAddress} → chosen by AWS`,
        why: "the source's address stays in use while its mount target exists",
      });
    mountTargets.push({
      availabilityZone: az,
      sourceMountTargetId: mt.mountTargetId,
      input: { SubnetId: mt.subnetId, ...(groups ? { SecurityGroups: groups } : {}) },
    });
  }

  const accessPoints = fs.accessPoints.map((ap) => accessPointPlan(migrationId, fs, ap));
  for (const ap of accessPoints) differs.push(...ap.differs);
  if (accessPoints.length)
    differs.push({
      subject: 'access point IDs',
      change: 'new IDs on the twin',
      why: 'access points cannot be modified or moved; the old → new mapping is recorded for cutover',
    });
  if (fs.fileSystemPolicy)
    differs.push({
      subject: 'file system policy',
      change: 'source ARNs → twin ARNs',
      why: "the policy must name the twin's file system and access points to apply to them",
    });
  if (fs.replications.length)
    differs.push({
      subject: 'replication',
      change: 'not copied',
      why: 'replication is set up by the copy phase when it is the chosen method',
    });

  const plan: BuildPlan = {
    migrationId,
    accountId: fs.accountId,
    region: fs.region,
    sourceFileSystemId: fs.fileSystemId,
    ...(fs.name ? { sourceName: fs.name } : {}),
    intendedKeyArn: decision.targetKmsKeyId,
    createFileSystem,
    ...(lifecycle.policies.length ? { lifecyclePolicies: lifecycle.policies } : {}),
    ...(backupStatus ? { backupStatus } : {}),
    mountTargets,
    accessPoints: accessPoints.map((a) => a.plan),
    ...(fs.fileSystemPolicy ? { sourceFileSystemPolicy: fs.fileSystemPolicy } : {}),
    differs,
    whileBothExist: twinCostOf(fs),
    calls: [],
  };
  plan.calls = plannedCalls(plan);
  return plan;
}

const TWIN = '<twin>';

function plannedCalls(plan: BuildPlan): PlannedCall[] {
  const calls: PlannedCall[] = [
    { step: 'check-key', operation: 'kms:DescribeKey', input: { KeyId: plan.intendedKeyArn } },
    { step: 'create-file-system', operation: 'CreateFileSystem', input: { ...plan.createFileSystem } },
    { step: 'wait-file-system', operation: 'DescribeFileSystems', input: { FileSystemId: TWIN } },
  ];
  if (plan.lifecyclePolicies)
    calls.push({
      step: 'lifecycle-configuration',
      operation: 'PutLifecycleConfiguration',
      input: { FileSystemId: TWIN, LifecyclePolicies: plan.lifecyclePolicies },
    });
  if (plan.backupStatus)
    calls.push({
      step: 'backup-policy',
      operation: 'PutBackupPolicy',
      input: { FileSystemId: TWIN, BackupPolicy: { Status: plan.backupStatus } },
    });
  for (const mt of plan.mountTargets)
    calls.push({
      step: 'mount-targets',
      operation: 'CreateMountTarget',
      input: { FileSystemId: TWIN, ...mt.input },
    });
  if (plan.mountTargets.length)
    calls.push({
      step: 'wait-mount-targets',
      operation: 'DescribeMountTargets',
      input: { FileSystemId: TWIN },
    });
  for (const ap of plan.accessPoints)
    calls.push({
      step: 'access-points',
      operation: 'CreateAccessPoint',
      input: { FileSystemId: TWIN, ...ap.input },
    });
  if (plan.sourceFileSystemPolicy) {
    const mapped = Object.fromEntries(
      plan.accessPoints.map((ap) => [ap.sourceAccessPointId, `<twin of ${ap.sourceAccessPointId}>`]),
    );
    const preview = previewRewrite(plan.sourceFileSystemPolicy, plan.sourceFileSystemId, mapped);
    calls.push({
      step: 'file-system-policy',
      operation: 'PutFileSystemPolicy',
      input: { FileSystemId: TWIN, Policy: preview },
    });
  }
  calls.push(
    { step: 'validate', operation: 'DescribeFileSystems', input: { FileSystemId: TWIN } },
    { step: 'validate', operation: 'kms:DescribeKey', input: { KeyId: plan.intendedKeyArn } },
  );
  return calls;
}

/** The policy as it will be put, with placeholders where the twin's IDs will go. */
function previewRewrite(policy: string, sourceId: string, accessPoints: Record<string, string>): string {
  return policy
    .replace(new RegExp(`file-system/${sourceId}\\b`, 'g'), `file-system/${TWIN}`)
    .replace(/access-point\/(fsap-[0-9a-f]+)/g, (whole, id: string) =>
      accessPoints[id] ? `access-point/${accessPoints[id]}` : whole,
    );
}

/**
 * The backup setting to mirror. No policy at all (PolicyNotFound, which the scan records as no
 * status) means no automatic backups; undefined only when the scan could not read it.
 */
function backupStatusOf(fs: FileSystemRecord): 'ENABLED' | 'DISABLED' | undefined {
  const status = fs.backupPolicyStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return 'ENABLED';
  if (status === 'DISABLED' || status === 'DISABLING') return 'DISABLED';
  return fs.errors.some((e) => /backup/i.test(e.operation)) ? undefined : 'DISABLED';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * How the build records what it made in the migration's `resources` (string values, one key per
 * resource, so each is persisted the moment it exists and a resumed build skips it).
 */
export const BuildResourceKeys = {
  targetFileSystemId: 'targetFileSystemId',
  targetFileSystemArn: 'targetFileSystemArn',
  targetKmsKeyArn: 'targetKmsKeyArn',
  /** The last completed build step. */
  buildStep: 'buildStep',
  mountTarget: (availabilityZone: string) => `mountTarget:${availabilityZone}`,
  accessPoint: (sourceAccessPointId: string) => `accessPoint:${sourceAccessPointId}`,
  notCopied: (what: string) => `notCopied:${what}`,
} as const;

/** The source → twin mapping cutover uses, read back from the migration's resources. */
export interface BuildMapping {
  sourceFileSystemId: string;
  targetFileSystemId?: string;
  targetFileSystemArn?: string;
  targetKmsKeyArn?: string;
  /** Twin mount target ID per AZ. */
  mountTargets: Record<string, string>;
  /** Source access point ID → twin access point ID. */
  accessPoints: Record<string, string>;
  /** What could not be copied, and why. */
  notCopied: Record<string, string>;
  lastStep?: string;
}

export function buildMappingOf(record: {
  fileSystemId: string;
  resources: Record<string, string>;
}): BuildMapping {
  const r = record.resources;
  const prefixed = (prefix: string) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  return {
    sourceFileSystemId: record.fileSystemId,
    ...(r.targetFileSystemId ? { targetFileSystemId: r.targetFileSystemId } : {}),
    ...(r.targetFileSystemArn ? { targetFileSystemArn: r.targetFileSystemArn } : {}),
    ...(r.targetKmsKeyArn ? { targetKmsKeyArn: r.targetKmsKeyArn } : {}),
    mountTargets: prefixed('mountTarget:'),
    accessPoints: prefixed('accessPoint:'),
    notCopied: prefixed('notCopied:'),
    ...(r.buildStep ? { lastStep: r.buildStep } : {}),
  };
}

/**
 * When Retry makes sense for a build: the migration failed while its twin was being built and the
 * latest build job failed (a job still queued or running resumes by itself). The build phase's
 * status and `status`'s next step both ask this, so the two cannot disagree.
 */
export function buildCanRetry(
  record: { state: MigrationState; failedFrom?: MigrationState },
  latestBuildJob: { status: JobStatus } | undefined,
): boolean {
  return (
    record.state === 'failed' &&
    record.failedFrom === 'target_creating' &&
    latestBuildJob?.status === 'failed'
  );
}
