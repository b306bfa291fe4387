/** The decommission phase's public surface. */
export {
  createDecommissionPhase,
  readDecommissionLog,
  type DecommissionCheck,
  type DecommissionPhase,
  type DecommissionPhaseDeps,
  type QueuedDecommission,
} from './decommission-phase.ts';
export { DecommissionBlockedError, DecommissionStepError } from './decommission-job.ts';
export { formatDecommissionLog, formatDeletionCalls } from './decommission-text.ts';
export type {
  BackupSettings,
  ConsumerDiscovery,
  IBackupClient,
  IDecommissionDataSync,
  IDecommissionEfs,
} from './ports.ts';
