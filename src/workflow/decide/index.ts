/** The decide phase's public surface. */
export {
  createDecideWorkflow,
  planCandidates,
  findFileSystem,
  DECIDABLE_STATES,
  type DecideWorkflow,
  type DecideWorkflowDeps,
  type ValidatedChoice,
  type RecordResult,
  type RecordedChoice,
  type CandidateStatus,
  type PlanSummary,
} from './decide-workflow.ts';
export {
  parseDecisionFile,
  formatOf,
  DecisionFileError,
  type DecisionFile,
  type DecisionFileFormat,
} from './decision-file.ts';
export { formatPlanSummary, formatProblems, formatRecorded } from './plan-text.ts';
export {
  planBasis,
  describeBasis,
  LATEST_VIEW_SCANS,
  type PlanBasis,
  type BasisRequest,
  type ScanSource,
} from './plan-basis.ts';

import type { DecideWorkflow } from './decide-workflow.ts';
import type { KeyDirectory } from './ports.ts';
export type { KeyChoiceEntry, KeyDirectory, KnownMountTarget, NetworkDirectory, Where } from './ports.ts';

/** What the Slack app needs of the decide phase. */
export interface DecideService {
  workflow: DecideWorkflow;
  keys: Pick<KeyDirectory, 'listCustomerKeys'>;
}
export { DECISION_FILE_HELP } from '../../domain/decision-file-help.ts';
