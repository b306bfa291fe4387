/** The cutover phase's public surface: plan, approve, apply, watch, roll back. */
export {
  CutoverMessageCodes,
  type ApplicationOwner,
  type ApplicationStatus,
  type ApproverRole,
  type CutoverApplicationProgress,
  type CutoverChangeProgress,
  type CutoverPhase,
  type CutoverReview,
  type CutoverStatus,
  type QueuedCutover,
} from './cutover-phase.ts';
export {
  createCutoverPhase,
  type CutoverPhaseDeps,
  type CutoverPhaseWithHandler,
} from './create-cutover-phase.ts';
export { createCutoverHandler, type CutoverJobDeps } from './cutover-job.ts';
export { CUTOVER_JOB_KIND } from './cutover-requests.ts';
export { CutoverChangeFailedError, CutoverRolledBackError } from './cutover-errors.ts';
export { groupByApplication } from './application-groups.ts';
export type {
  ConsumerDiscovery,
  CutoverClients,
  IEcsCutoverClient,
  ILambdaCutoverClient,
  ILaunchTemplateCutoverClient,
  OwnerDirectory,
  TwinMountTargets,
} from './ports.ts';
