import type { FileSystemRecord } from './inventory.ts';
import type { MigrationState } from './migration-state.ts';
import type { DecisionRecord } from './migration.ts';

/**
 * Where the plan stands, as values: the decide workflow derives them; the plan modal, its summary
 * in the thread and `plan --show` render them.
 */

/** Where one candidate stands. */
export interface CandidateStatus {
  fileSystem: FileSystemRecord;
  migrationId: string;
  state?: MigrationState;
  decision?: DecisionRecord;
  exclusionReason?: string;
  updatedBy?: string;
  updatedAt?: string;
}

export interface PlanSummary {
  /** The scan the plan was asked for; absent for the latest view (every account and region). */
  scanId?: string;
  /** What the file systems were read from: "scan X" or "the latest scan of each account and region (…)". */
  basis: string;
  /** Account/region pairs (`<account> <region>`) no stored scan could read. */
  unread: string[];
  candidates: number;
  decided: CandidateStatus[];
  excluded: CandidateStatus[];
  /** No decision yet: never touched, discovered, or in scope without a decision. */
  undecided: CandidateStatus[];
  /** Past `decided`: the build started, decisions can no longer change. */
  started: CandidateStatus[];
}
