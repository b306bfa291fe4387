/** The cutover phase's public surface (the implementation lands with the apply job). */
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
