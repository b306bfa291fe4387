/** The EC2 + rsync copy method: runbook generation, the shipped scripts, and reading back a verification. */
export {
  generateRsyncRunbook,
  shellQuote,
  type RsyncRunbook,
  type RsyncRunbookCommands,
  type RsyncRunbookInput,
  type RsyncRunbookOptions,
  type RsyncRunbookTarget,
} from './runbook.ts';
export { rsyncRunbookFor, randomNonce, type RunbookSources } from './runbook-for-migration.ts';
export { planCopyNetwork, type CopyNetworkPlan } from './network-plan.ts';
export {
  planCopyInstance,
  copyInstanceClientToken,
  instanceRolePolicy,
  fileSystemArn,
  DEFAULT_INSTANCE_TYPE,
  type CopyInstancePlan,
} from './instance-plan.ts';
export {
  bindVerifyScript,
  boundRsyncScripts,
  type VerifyBinding,
  rsyncScripts,
  rsyncScriptPath,
  RSYNC_SCRIPTS,
  type RunbookScript,
  type RsyncScriptName,
} from './scripts.ts';
export {
  parseVerificationSummary,
  summaryBindingProblem,
  type SummaryExpectation,
  REQUIRED_COMPARISONS,
  SUMMARY_START,
  SUMMARY_END,
  type VerificationSummary,
} from './verification-summary.ts';
