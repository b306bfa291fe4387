import { loadConfig, type Config } from '../config.ts';
import type { TerminalStream } from './output/live-io-host.ts';

/** Where the CLI writes and which environment it reads: injected so tests capture both. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** The stream behind `err`, when it is the process's: a terminal gets live progress and colour. */
  errStream?: TerminalStream;
}

export function processIo(): CliIo {
  // `efs-encrypt export | head`: the reader went away; stop quietly as Unix tools do, no stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    errStream: process.stderr,
  };
}

/** What every subcommand receives: its I/O and the configuration, parsed once on first use. */
export interface CliContext {
  io: CliIo;
  config(): Config;
}

export function cliContext(io: CliIo): CliContext {
  let cached: Config | undefined;
  return { io, config: () => (cached ??= loadConfig(io.env)) };
}
