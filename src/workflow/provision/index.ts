/** The build phase's public surface. */
export {
  BUILD_JOB_KIND,
  buildRetryRefusal,
  createBuildPhase,
  type BuildPhase,
  type BuildPhaseDeps,
  type BuildStatus,
  type QueuedBuild,
} from './build-phase.ts';
export { createBuildHandler, type BuildResult, type BuildWorkflowDeps } from './build-workflow.ts';
export { BuildBlockedError, BuildStepError } from './build-errors.ts';
export { formatBuildPlan, formatBuildPlans, formatCompensation, formatMapping } from './build-text.ts';
export type { IEfsWriter } from './ports.ts';
