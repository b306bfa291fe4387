import { EfsEncryptError, ErrorCode } from './errors.ts';

/**
 * The per-file-system migration state machine (DESIGN.md). Transitions are data; `transition()`
 * is the only way a state changes, and it checks both the edge and its guard.
 */
export const MigrationStates = [
  'discovered',
  'in_scope',
  'excluded',
  'decided',
  'target_creating',
  'target_ready',
  'copying',
  'synced',
  'final_sync',
  'verified',
  'cutover_pending',
  'cut_over',
  'decommission_pending',
  'decommissioned',
  'failed',
  'rolled_back',
] as const;
export type MigrationState = (typeof MigrationStates)[number];

/** `state` and every state listed after it (from `decided`: every state with a decision, incl. failed and rolled_back). */
export function statesFrom(state: MigrationState): MigrationState[] {
  return MigrationStates.slice(MigrationStates.indexOf(state));
}

/** What a guard may look at: facts recorded on the migration, never I/O. */
export interface MigrationFacts {
  /** A decision record exists with scope, key and method. */
  hasDecision?: boolean;
  /** The exclusion carries a reason. */
  exclusionReason?: string;
  /** The twin reports Encrypted=true with the intended key, and the key is enabled. */
  targetValidated?: boolean;
  /** The last verification of copied data found no difference. */
  verificationClean?: boolean;
  /** Nothing (ECS, Lambda, launch templates) still references the source. */
  sourceUnreferenced?: boolean;
  /** The ID a person typed to confirm deletion. */
  confirmedFileSystemId?: string;
  /** The source file system ID, to compare with the typed confirmation. */
  fileSystemId?: string;
  /** The state the migration failed from, so a retry goes back to it. */
  failedFrom?: MigrationState;
  /**
   * Consumers found by discovery that are neither cut over (change verified) nor waived by an admin
   * with a reason (cutover-change.ts consumersRemaining); unknown counts as not done.
   */
  consumersRemaining?: number;
}

export interface TransitionRule {
  from: MigrationState;
  to: MigrationState;
  /** Returns a reason when the transition is not allowed with these facts. */
  guard?: (facts: MigrationFacts) => string | undefined;
}

const requireDecision = (f: MigrationFacts) =>
  f.hasDecision ? undefined : 'a decision (scope, target key and method) must be recorded first';
const requireReason = (f: MigrationFacts) =>
  f.exclusionReason?.trim() ? undefined : 'an exclusion needs a reason';
const requireValidatedTarget = (f: MigrationFacts) =>
  f.targetValidated
    ? undefined
    : 'the encrypted twin must be validated (encrypted, intended key, key enabled)';
const requireCleanVerification = (f: MigrationFacts) =>
  f.verificationClean ? undefined : 'verification must be clean (no differences between source and target)';
const requireConsumersDone = (f: MigrationFacts) =>
  f.consumersRemaining === 0
    ? undefined
    : f.consumersRemaining === undefined
      ? 'the consumers of the source must be found and each cut over or waived first'
      : `${f.consumersRemaining} consumer${f.consumersRemaining === 1 ? ' is' : 's are'} neither cut over nor waived by an admin`;
const requireDecommissionGuards = (f: MigrationFacts): string | undefined => {
  if (!f.targetValidated) return requireValidatedTarget(f);
  if (!f.verificationClean) return requireCleanVerification(f);
  if (!f.sourceUnreferenced) return 'something still references the source file system';
  if (!f.fileSystemId || f.confirmedFileSystemId !== f.fileSystemId)
    return `deletion must be confirmed by typing the file system ID${f.fileSystemId ? ` (${f.fileSystemId})` : ''}`;
  return undefined;
};

/** States from which a step can fail; `failed` returns to `failedFrom` on retry. */
const FAILABLE: MigrationState[] = [
  'target_creating',
  'target_ready',
  'copying',
  'synced',
  'final_sync',
  'cutover_pending',
  'decommission_pending',
];

export const Transitions: readonly TransitionRule[] = [
  { from: 'discovered', to: 'in_scope' },
  { from: 'discovered', to: 'excluded', guard: requireReason },
  { from: 'in_scope', to: 'excluded', guard: requireReason },
  { from: 'excluded', to: 'in_scope' },
  { from: 'in_scope', to: 'decided', guard: requireDecision },
  // A decision can be changed until the build starts.
  { from: 'decided', to: 'decided', guard: requireDecision },
  { from: 'decided', to: 'excluded', guard: requireReason },
  { from: 'decided', to: 'in_scope' },
  { from: 'decided', to: 'target_creating', guard: requireDecision },
  { from: 'target_creating', to: 'target_ready', guard: requireValidatedTarget },
  { from: 'target_ready', to: 'copying' },
  { from: 'copying', to: 'synced' },
  // Incremental syncs go back through copying.
  { from: 'synced', to: 'copying' },
  { from: 'synced', to: 'final_sync' },
  { from: 'final_sync', to: 'verified', guard: requireCleanVerification },
  { from: 'verified', to: 'cutover_pending' },
  { from: 'cutover_pending', to: 'cut_over', guard: requireConsumersDone },
  { from: 'cutover_pending', to: 'rolled_back' },
  { from: 'cut_over', to: 'rolled_back' },
  { from: 'rolled_back', to: 'cutover_pending' },
  { from: 'cut_over', to: 'decommission_pending' },
  { from: 'decommission_pending', to: 'decommissioned', guard: requireDecommissionGuards },
  ...FAILABLE.map((from): TransitionRule => ({ from, to: 'failed' })),
  // Retry resumes from the state the failure happened in.
  ...FAILABLE.map((to): TransitionRule => ({
    from: 'failed',
    to,
    guard: (f) =>
      f.failedFrom === to
        ? undefined
        : `a failed migration resumes from ${f.failedFrom ?? 'its failed step'}`,
  })),
];

export class InvalidTransitionError extends EfsEncryptError {
  constructor(
    readonly from: MigrationState,
    readonly to: MigrationState,
    readonly reason: string,
  ) {
    super(ErrorCode.InvalidTransition, `Cannot move a migration from ${from} to ${to}: ${reason}.`);
  }
}

export function allowedTargets(from: MigrationState): MigrationState[] {
  return [...new Set(Transitions.filter((t) => t.from === from).map((t) => t.to))];
}

/** Checks the edge and its guard; returns the new state or throws InvalidTransitionError. */
export function transition(
  from: MigrationState,
  to: MigrationState,
  facts: MigrationFacts = {},
): MigrationState {
  const rules = Transitions.filter((t) => t.from === from && t.to === to);
  if (rules.length === 0) {
    const allowed = allowedTargets(from);
    throw new InvalidTransitionError(
      from,
      to,
      allowed.length ? `from ${from} it can only move to ${allowed.join(', ')}` : `${from} is final`,
    );
  }
  const reasons = rules.map((r) => r.guard?.(facts));
  if (reasons.some((r) => r === undefined)) return to;
  throw new InvalidTransitionError(from, to, reasons.find((r) => r) ?? 'guard refused');
}

export function isMigrationState(value: string): value is MigrationState {
  return (MigrationStates as readonly string[]).includes(value);
}
