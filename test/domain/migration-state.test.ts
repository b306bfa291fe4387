import { describe, expect, it } from 'vitest';
import {
  InvalidTransitionError,
  MigrationStates,
  Transitions,
  allowedTargets,
  transition,
  type MigrationFacts,
  type MigrationState,
} from '../../src/domain/migration-state.ts';

/** Facts that satisfy every guard, so each edge can be walked. */
const allFacts = (to: MigrationState, from: MigrationState): MigrationFacts => ({
  hasDecision: true,
  exclusionReason: 'test data only',
  targetValidated: true,
  verificationClean: true,
  sourceUnreferenced: true,
  fileSystemId: 'fs-1',
  confirmedFileSystemId: 'fs-1',
  consumersRemaining: 0,
  failedFrom: from === 'failed' ? to : undefined,
});

describe('migration state machine', () => {
  it.each(Transitions.map((t) => [t.from, t.to] as const))(
    'allows %s → %s when its guard holds',
    (from, to) => {
      expect(transition(from, to, allFacts(to, from))).toBe(to);
    },
  );

  const allowed = new Set(Transitions.map((t) => `${t.from}>${t.to}`));
  const refused = MigrationStates.flatMap((from) =>
    MigrationStates.filter((to) => !allowed.has(`${from}>${to}`)).map((to) => [from, to] as const),
  );

  it.each(refused)('refuses %s → %s with a clear error', (from, to) => {
    let caught: unknown;
    try {
      transition(from, to, allFacts(to, from));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidTransitionError);
    const err = caught as InvalidTransitionError;
    expect(err.code).toBe('efs_encrypt_invalid_transition');
    expect(err.message).toContain(`from ${from} to ${to}`);
    const targets = allowedTargets(from);
    expect(err.message).toContain(targets.length ? targets.join(', ') : 'is final');
  });

  it('refuses a guarded transition without its facts and says why', () => {
    expect(() => transition('in_scope', 'decided', {})).toThrow(/decision .* must be recorded/);
    expect(() => transition('discovered', 'excluded', { exclusionReason: '  ' })).toThrow(/needs a reason/);
    expect(() => transition('target_creating', 'target_ready', {})).toThrow(/validated/);
    expect(() => transition('final_sync', 'verified', { verificationClean: false })).toThrow(
      /verification must be clean/,
    );
  });

  it('only decommissions with every safety fact, including the typed ID', () => {
    const ok: MigrationFacts = {
      targetValidated: true,
      verificationClean: true,
      sourceUnreferenced: true,
      fileSystemId: 'fs-0abc',
      confirmedFileSystemId: 'fs-0abc',
    };
    expect(transition('decommission_pending', 'decommissioned', ok)).toBe('decommissioned');
    expect(() =>
      transition('decommission_pending', 'decommissioned', { ...ok, confirmedFileSystemId: 'fs-0abd' }),
    ).toThrow(/typing the file system ID \(fs-0abc\)/);
    expect(() =>
      transition('decommission_pending', 'decommissioned', { ...ok, sourceUnreferenced: false }),
    ).toThrow(/still references/);
  });

  it('is cut over only when every consumer found is cut over or waived', () => {
    expect(transition('cutover_pending', 'cut_over', { consumersRemaining: 0 })).toBe('cut_over');
    expect(() => transition('cutover_pending', 'cut_over', { consumersRemaining: 2 })).toThrow(
      /2 consumers are neither cut over nor waived/,
    );
    expect(() => transition('cutover_pending', 'cut_over', { consumersRemaining: 1 })).toThrow(
      /1 consumer is/,
    );
    expect(() => transition('cutover_pending', 'cut_over', {})).toThrow(
      /must be found and each cut over or waived/,
    );
  });

  it('starts a new cutover from rolled_back, and rolls back from cutover_pending or cut_over', () => {
    expect(transition('cutover_pending', 'rolled_back')).toBe('rolled_back');
    expect(transition('cut_over', 'rolled_back')).toBe('rolled_back');
    expect(transition('rolled_back', 'cutover_pending')).toBe('cutover_pending');
  });

  it('resumes a failed migration only at the step it failed in', () => {
    expect(transition('failed', 'copying', { failedFrom: 'copying' })).toBe('copying');
    expect(() => transition('failed', 'target_creating', { failedFrom: 'copying' })).toThrow(
      /resumes from copying/,
    );
  });

  it('has no transition out of decommissioned', () => {
    expect(allowedTargets('decommissioned')).toEqual([]);
  });
});
