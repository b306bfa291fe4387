/** The digest phase (issue 16 §3): what changed, what is stuck, what is at risk, on a schedule. */
export {
  createDigestWorkflow,
  newDigestId,
  type DigestWorkflow,
  type DigestWorkflowDeps,
  type DigestRequest,
  type SlotOutcome,
} from './digest-workflow.ts';
export { createDigestScheduler, type DigestScheduler, type DigestSchedulerDeps } from './digest-scheduler.ts';
export type {
  DigestRepository,
  DigestPoster,
  DigestOwners,
  DigestCutovers,
  DigestEvents,
  DigestScanner,
} from './ports.ts';
