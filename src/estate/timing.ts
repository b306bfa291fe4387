/**
 * How long the estate's asynchronous work takes, and the service quotas it enforces. AWS takes
 * seconds to minutes for these; the defaults are short enough for a demo and every value can be
 * set per server (tests inject a ManualClock and move it past them instead of waiting).
 */
export interface EstateTiming {
  /** CreateFileSystem: `creating` → `available` (or `error` when the key cannot be used). */
  fileSystemCreateMs: number;
  /** DeleteFileSystem: `deleting` → gone. */
  fileSystemDeleteMs: number;
  /** CreateMountTarget: `creating` → `available`. */
  mountTargetCreateMs: number;
  /** DeleteMountTarget: `deleting` → gone. */
  mountTargetDeleteMs: number;
  /** CreateAccessPoint: `creating` → `available`. */
  accessPointCreateMs: number;
  /** CreateReplicationConfiguration: destination `ENABLING` → `ENABLED` with the first sync done. */
  replicationEnableMs: number;
  /** Interval between replication syncs (AWS's RPO is 15 minutes); each advances LastReplicatedTimestamp. */
  replicationSyncMs: number;
  /** DeleteReplicationConfiguration: `DELETING` → gone, destination writable again. */
  replicationDeleteMs: number;
  /** DataSync execution: time spent `QUEUED`, then `LAUNCHING`, then `PREPARING`. */
  dataSyncQueuedMs: number;
  dataSyncLaunchingMs: number;
  dataSyncPreparingMs: number;
  /** DataSync TRANSFERRING runs at this rate (bytes per second), at least `dataSyncMinPhaseMs`. */
  dataSyncBytesPerSecond: number;
  /** VERIFYING reads both sides: this rate, at least `dataSyncMinPhaseMs`. */
  dataSyncVerifyBytesPerSecond: number;
  dataSyncMinPhaseMs: number;
  /** CancelTaskExecution: `CANCELLING` → `ERROR`. */
  dataSyncCancelMs: number;
  /** Lambda UpdateFunctionConfiguration: `LastUpdateStatus` `InProgress` → `Successful` (or `Failed`). */
  lambdaUpdateMs: number;
  /** ECS deployment: IN_PROGRESS → COMPLETED, every desired task running on the new revision. */
  ecsDeploymentMs: number;
  /** ECS deployment of a revision marked to fail: until the circuit breaker trips (FAILED). */
  ecsDeploymentFailMs: number;
  /** Auto Scaling StartInstanceRefresh: `Pending` → `InProgress`; then each batch of instances replaced; cancel. */
  instanceRefreshPendingMs: number;
  instanceRefreshReplaceMs: number;
  instanceRefreshCancelMs: number;
  /** AWS Backup StartBackupJob: CREATED → RUNNING → COMPLETED (or FAILED), each phase this long. */
  backupJobPhaseMs: number;
}

export interface EstateLimits {
  /** EFS quota: file systems per account per Region (AWS default 1,000). */
  fileSystemsPerRegion: number;
  /** EFS quota: access points per file system (AWS: 10,000, per the CreateAccessPoint reference). */
  accessPointsPerFileSystem: number;
  /** EFS quota: security groups per mount target (AWS: 5). */
  securityGroupsPerMountTarget: number;
}

export const DEFAULT_TIMING: EstateTiming = {
  backupJobPhaseMs: 5_000,
  fileSystemCreateMs: 2_000,
  fileSystemDeleteMs: 2_000,
  mountTargetCreateMs: 3_000,
  mountTargetDeleteMs: 2_000,
  accessPointCreateMs: 500,
  replicationEnableMs: 5_000,
  replicationSyncMs: 15_000,
  replicationDeleteMs: 2_000,
  dataSyncQueuedMs: 500,
  dataSyncLaunchingMs: 2_000,
  dataSyncPreparingMs: 3_000,
  dataSyncBytesPerSecond: 200 * 1024 * 1024,
  dataSyncVerifyBytesPerSecond: 800 * 1024 * 1024,
  dataSyncMinPhaseMs: 1_000,
  dataSyncCancelMs: 1_000,
  lambdaUpdateMs: 5_000,
  ecsDeploymentMs: 20_000,
  ecsDeploymentFailMs: 15_000,
  instanceRefreshPendingMs: 2_000,
  instanceRefreshReplaceMs: 5_000,
  instanceRefreshCancelMs: 1_000,
};

export const DEFAULT_LIMITS: EstateLimits = {
  fileSystemsPerRegion: 1_000,
  accessPointsPerFileSystem: 10_000,
  securityGroupsPerMountTarget: 5,
};

/**
 * The same timeline, `speed` times faster: durations divided, rates multiplied. For rehearsals with
 * `estate serve --speed 60`, where a 200 GiB DataSync copy should not take twenty real minutes.
 */
export function scaleTiming(speed: number, base: EstateTiming = DEFAULT_TIMING): EstateTiming {
  if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
  const scaled = {} as EstateTiming;
  for (const [key, value] of Object.entries(base) as [keyof EstateTiming, number][]) {
    scaled[key] = key.endsWith('PerSecond') ? value * speed : Math.max(1, Math.round(value / speed));
  }
  return scaled;
}
