/**
 * The bot's phases, in the order a migration goes through them. A deployment may turn some off
 * (EFS_ENCRYPT_PHASES; CDK context `phases`): a read-only deployment scans, decides, validates and
 * posts digests, and its member roles need no write permission at all.
 */
export const PHASES = [
  'scan',
  'decide',
  'validate',
  'digest',
  'build',
  'copy',
  'cutover',
  'decommission',
] as const;
export type Phase = (typeof PHASES)[number];

/** The phases that change nothing in AWS: what the read-only member role grants. */
export const READ_ONLY_PHASES: readonly Phase[] = ['scan', 'decide', 'validate', 'digest'];

const isPhase = (value: string): value is Phase => (PHASES as readonly string[]).includes(value);

/**
 * `all` (the default), `read-only`, or a comma-separated list of phase names, each checked: a typo
 * must not silently turn a phase off (or on).
 */
export function parsePhases(text: string | undefined): { phases: Phase[] } | { problem: string } {
  const value = (text ?? '').trim();
  if (value === '' || value === 'all') return { phases: [...PHASES] };
  if (value === 'read-only') return { phases: [...READ_ONLY_PHASES] };
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !isPhase(n));
  if (unknown.length)
    return {
      problem: `unknown phase ${unknown.map((u) => `"${u}"`).join(', ')}; use all, read-only, or a comma-separated list of ${PHASES.join(', ')}`,
    };
  // A phase needs the ones before it to have something to work on; the list only turns off, so any
  // subset is accepted and kept in the migration's order.
  return { phases: PHASES.filter((p) => names.includes(p)) };
}
