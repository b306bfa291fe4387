/**
 * The inventory as the bot stores and exports it: one record per file system, AWS member names
 * in camelCase, plus `accountId` and `region`. Pure types and rules; no I/O.
 */

export type KeyManager = 'AWS' | 'CUSTOMER';
/** KMS KeyState values (aws-models/kms KeyState). */
export type KeyState =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

export type Classification = 'encrypted' | 'unencrypted';

/**
 * - `inactive`: no mount targets, nothing can be mounting it.
 * - `key-at-risk`: its KMS key is disabled, pending deletion or otherwise unusable: the file system
 *   stops working when EFS can no longer use the key.
 * - `transitional`: creating, updating, deleting or in error; look again later.
 * - `aws-managed-key`: encrypted with `aws/elasticfilesystem`, not a customer-managed key.
 * - `replicated`: has a replication configuration (as source or destination).
 * - `one-zone`: One Zone storage class.
 * - `incomplete`: some per-file-system detail could not be read; see `errors`.
 */
export type InventoryFlag =
  'inactive' | 'key-at-risk' | 'transitional' | 'aws-managed-key' | 'replicated' | 'one-zone' | 'incomplete';

export interface MountTargetRecord {
  mountTargetId: string;
  availabilityZoneName?: string;
  availabilityZoneId?: string;
  vpcId?: string;
  subnetId: string;
  ipAddress?: string;
  networkInterfaceId?: string;
  lifeCycleState: string;
  securityGroups: string[];
}

export interface AccessPointRecord {
  accessPointId: string;
  accessPointArn?: string;
  name?: string;
  lifeCycleState?: string;
  rootDirectory?: {
    path?: string;
    creationInfo?: { ownerUid: number; ownerGid: number; permissions: string };
  };
  posixUser?: { uid: number; gid: number; secondaryGids?: number[] };
  ownerId?: string;
  tags: Record<string, string>;
}

export interface LifecyclePolicyRecord {
  transitionToIA?: string;
  transitionToPrimaryStorageClass?: string;
  transitionToArchive?: string;
}

export interface ReplicationRecord {
  role: 'source' | 'destination';
  sourceFileSystemId: string;
  sourceFileSystemRegion: string;
  originalSourceFileSystemArn?: string;
  creationTime?: string;
  destinations: {
    fileSystemId: string;
    region: string;
    status: string;
    lastReplicatedTimestamp?: string;
    ownerId?: string;
  }[];
}

export interface FileSystemRecord {
  accountId: string;
  region: string;
  fileSystemId: string;
  fileSystemArn?: string;
  name?: string;
  ownerId?: string;
  creationToken?: string;
  creationTime?: string;
  lifeCycleState: string;
  performanceMode?: string;
  throughputMode?: string;
  provisionedThroughputInMibps?: number;
  availabilityZoneName?: string;
  availabilityZoneId?: string;
  sizeInBytes: number;
  numberOfMountTargets: number;
  encrypted: boolean;
  kmsKeyId?: string;
  kmsKeyArn?: string;
  keyAliases: string[];
  keyManager?: KeyManager;
  keyState?: KeyState | string;
  /** When KMS deletes the key (state PendingDeletion), from DescribeKey. */
  keyDeletionDate?: string;
  tags: Record<string, string>;
  lifecyclePolicies: LifecyclePolicyRecord[];
  backupPolicyStatus?: string;
  fileSystemPolicy?: string;
  fileSystemProtection?: { replicationOverwriteProtection?: string };
  replications: ReplicationRecord[];
  mountTargets: MountTargetRecord[];
  accessPoints: AccessPointRecord[];
  vpcIds: string[];
  classification: Classification;
  flags: InventoryFlag[];
  /** Per-file-system reads that failed; the record is still reported with what was read. */
  errors: { operation: string; code: string; message: string }[];
}

/** An account or region the scan could not read; reported, never fatal to the scan. */
export interface ScanFailure {
  accountId: string;
  region?: string;
  operation: string;
  code: string;
  message: string;
}

export interface ScanStats {
  fileSystems: number;
  encrypted: number;
  unencrypted: number;
  byFlag: Partial<Record<InventoryFlag, number>>;
  apiCalls: number;
  throttles: number;
  durationMs: number;
}

export interface ScanRecord {
  scanId: string;
  startedAt: string;
  finishedAt?: string;
  requestedBy?: string;
  accounts: string[];
  regions: string[];
  fileSystems: FileSystemRecord[];
  failures: ScanFailure[];
  stats: ScanStats;
}

const TRANSITIONAL_STATES = new Set(['creating', 'updating', 'deleting', 'error']);
const USABLE_KEY_STATES = new Set(['Enabled']);

export const AWS_MANAGED_EFS_KEY_ALIAS = 'alias/aws/elasticfilesystem';

/** Classification and flags from the facts on a record; the single place these rules live. */
export function classify(fs: Omit<FileSystemRecord, 'classification' | 'flags'>): {
  classification: Classification;
  flags: InventoryFlag[];
} {
  const flags: InventoryFlag[] = [];
  if (fs.mountTargets.length === 0 && fs.numberOfMountTargets === 0) flags.push('inactive');
  if (fs.encrypted && fs.keyState && !USABLE_KEY_STATES.has(fs.keyState)) flags.push('key-at-risk');
  if (TRANSITIONAL_STATES.has(fs.lifeCycleState)) flags.push('transitional');
  if (fs.encrypted && fs.keyManager === 'AWS') flags.push('aws-managed-key');
  if (fs.replications.length > 0) flags.push('replicated');
  if (fs.availabilityZoneName) flags.push('one-zone');
  if (fs.errors.length > 0) flags.push('incomplete');
  return { classification: fs.encrypted ? 'encrypted' : 'unencrypted', flags };
}

export function summarise(
  fileSystems: FileSystemRecord[],
): Pick<ScanStats, 'fileSystems' | 'encrypted' | 'unencrypted' | 'byFlag'> {
  const byFlag: Partial<Record<InventoryFlag, number>> = {};
  let encrypted = 0;
  for (const fs of fileSystems) {
    if (fs.encrypted) encrypted++;
    for (const f of fs.flags) byFlag[f] = (byFlag[f] ?? 0) + 1;
  }
  return { fileSystems: fileSystems.length, encrypted, unencrypted: fileSystems.length - encrypted, byFlag };
}

/** The partition key of one file system's migration (DESIGN.md, State). */
export function migrationId(accountId: string, region: string, fileSystemId: string): string {
  return `FS#${accountId}#${region}#${fileSystemId}`;
}

/** Tag keys (case-insensitive) that name an environment, application and owner, most specific first. */
export const OWNERSHIP_TAG_KEYS = {
  env: ['env', 'environment', 'stage'],
  app: ['app', 'application', 'service'],
  owner: ['owner', 'team', 'contact'],
} as const;

/** The env/app/owner of a file system from its tags, as people read them in summaries. */
export function ownership(fs: Pick<FileSystemRecord, 'tags'>): {
  env?: string;
  app?: string;
  owner?: string;
} {
  const lower = new Map(Object.entries(fs.tags).map(([k, v]) => [k.toLowerCase(), v]));
  const pick = (keys: readonly string[]) => keys.map((k) => lower.get(k)).find((v) => v !== undefined);
  return {
    env: pick(OWNERSHIP_TAG_KEYS.env),
    app: pick(OWNERSHIP_TAG_KEYS.app),
    owner: pick(OWNERSHIP_TAG_KEYS.owner),
  };
}
