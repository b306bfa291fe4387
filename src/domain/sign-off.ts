import { BadInputError } from './errors.ts';
import type { MigrationState } from './migration-state.ts';

/**
 * Application sign-off (issue 16 §2): once an application's file systems are cut over, its owner
 * records the result of their functional and performance checks and that backups and monitoring
 * still work on the new file systems: Signed off, or Concerns (a text, with the affected
 * components). Append-only: a later record supersedes an earlier one for the same application
 * (concerns resolved, then signed off), and both stay in the log.
 */

export type SignOffDecision = 'signed_off' | 'concerns';

export interface SignOffRecord {
  migrationId: string;
  fileSystemId: string;
  app: string;
  decision: SignOffDecision;
  /** Concerns: what is wrong; required. Signed off: an optional note. */
  text?: string;
  /** Concerns: the affected components (services, functions, jobs), as the owner names them. */
  components: string[];
  by: string;
  role: 'owner' | 'admin';
  at: string;
}

/** States in which the migration's applications run on the new file system, so sign-off can be asked. */
export const SIGN_OFF_STATES: ReadonlySet<MigrationState> = new Set([
  'cut_over',
  'decommission_pending',
  'decommissioned',
]);

export const SIGN_OFF_TEXT_MAX = 2000;

/** Checks what a person typed; Concerns without a text is refused with what to fix. */
export function checkSignOffInput(input: {
  decision: SignOffDecision;
  text?: string;
  components?: string[];
}): {
  text?: string;
  components: string[];
} {
  const text = input.text?.trim() || undefined;
  const components = [...new Set((input.components ?? []).map((c) => c.trim()).filter(Boolean))];
  if (input.decision === 'concerns' && !text)
    throw new BadInputError('Concerns need a text: say what does not work, so it can be fixed.');
  if (text && text.length > SIGN_OFF_TEXT_MAX)
    throw new BadInputError(`The text is ${text.length} characters; keep it under ${SIGN_OFF_TEXT_MAX}.`);
  return { ...(text ? { text } : {}), components };
}

/** Components as typed in the modal: one per line or comma-separated. */
export function parseComponents(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\n,]/)
    .map((c) => c.trim())
    .filter(Boolean);
}

export type ApplicationSignOffState = 'signed-off' | 'concerns' | 'pending';

/** The latest record of each application decides its state; no record: pending. */
export function applicationSignOffs(
  applications: string[],
  records: SignOffRecord[],
): { app: string; state: ApplicationSignOffState; latest?: SignOffRecord }[] {
  return [...new Set(applications)].sort().map((app) => {
    const latest = records
      .filter((r) => r.app === app)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
      .at(-1);
    const state: ApplicationSignOffState = !latest
      ? 'pending'
      : latest.decision === 'signed_off'
        ? 'signed-off'
        : 'concerns';
    return { app, state, ...(latest ? { latest } : {}) };
  });
}
