import type { CliIo } from '../cli-io.ts';
import { colorsFor } from './colors.ts';
import { liveIoHost, type ProgressOutput, type TerminalStream } from './live-io-host.ts';
import { terminalIoHost } from './terminal-io-host.ts';

export type { ProgressOutput } from './live-io-host.ts';

/**
 * Whether stderr is a terminal a person watches: the same test yocto-spinner makes (a TTY, not
 * TERM=dumb, not CI), so the two never disagree and CI logs get plain lines.
 */
export function isInteractive(
  stream: { isTTY?: boolean } | undefined,
  env: Record<string, string | undefined>,
): boolean {
  return stream?.isTTY === true && env.TERM !== 'dumb' && !('CI' in env);
}

/**
 * How a long command (scan, build, copy) shows its progress on stderr: a live status line with
 * counts and ETA on a terminal; plain lines, one per message, on a pipe, a file or CI; with
 * `quiet`, only warnings and errors. Colour on a terminal unless NO_COLOR.
 */
export function progressOutput(io: CliIo, opts: { quiet?: boolean; verbose?: boolean } = {}): ProgressOutput {
  const stream = io.errStream;
  if (stream && !opts.quiet && isInteractive(stream, io.env))
    return liveIoHost(stream, {
      colors: colorsFor(stream, io.env),
      ...(opts.verbose ? { verbose: true } : {}),
    });
  // Captured output (tests, a caller's own sink) has no stream to ask: no colour.
  const colors = stream ? colorsFor(stream, io.env) : undefined;
  return {
    ...terminalIoHost((t) => io.err(t), { colors, verbose: opts.verbose, problemsOnly: opts.quiet }),
    stop() {},
  };
}

export type { TerminalStream };
