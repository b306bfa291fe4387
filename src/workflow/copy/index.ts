/** The copy phase's public surface (DataSync, EFS replication, EC2 + rsync status). */
export {
  COPY_JOB_KIND,
  createCopyPhase,
  type CopyAction,
  type CopyPhase,
  type CopyPhaseDeps,
  type CopyStatus,
  type QueuedCopy,
} from './copy-phase.ts';
export { createCopyHandler, type CopyJobDeps, type CopyResult } from './copy-job.ts';
export { ClientsStillConnectedError, CopyBlockedError, CopyStepError } from './copy-errors.ts';
export { checkClients, type ClientCheckDeps } from './client-check.ts';
export { recordRsyncPass, type RsyncPass, type RsyncStatusResult } from './rsync-status.ts';
export { formatCopyPlan, formatCopyStatus } from './copy-text.ts';
export type { IDataSyncClient, IEfsReplicationClient, MountTargetReader, SourceNetwork } from './ports.ts';
