import picocolors from 'picocolors';

/** The few styles the CLI uses: failed red, done green, warnings yellow, detail dim. */
export type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Colour only where a person reads it: a terminal (not a pipe or a file), not TERM=dumb, and not
 * with NO_COLOR set (no-color.org: any non-empty value). FORCE_COLOR=1 forces it, FORCE_COLOR=0
 * turns it off, as most tools do.
 */
export function wantsColor(
  stream: { isTTY?: boolean } | undefined,
  env: Record<string, string | undefined>,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream?.isTTY === true && env.TERM !== 'dumb';
}

export function colorsFor(
  stream: { isTTY?: boolean } | undefined,
  env: Record<string, string | undefined>,
): Colors {
  return picocolors.createColors(wantsColor(stream, env));
}
