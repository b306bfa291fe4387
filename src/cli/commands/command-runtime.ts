import type { Config } from '../../config.ts';
import type { CliContext } from '../cli-io.ts';
import type { Runtime } from '../runtime.ts';

/** The `--estate FILE` / `--demo` options of the commands that can run against a local estate. */
export interface EstateOptions {
  estate?: string;
  demo?: boolean;
}

/**
 * The runtime a one-shot command (plan, build, copy, status) runs on: logs at `warn` when the
 * configuration says `info` (the terminal shows the command's own progress), and the embedded
 * estate `--estate` or `--demo` asked for, if any.
 */
export async function openCommandRuntime(
  ctx: CliContext,
  config: Config,
  opts: EstateOptions,
): Promise<Runtime> {
  // Loaded on use, not at start-up: --help and a usage error need neither the SDK nor the store.
  const [{ openRuntime }, { createLogger }] = await Promise.all([
    import('../runtime.ts'),
    import('../logger.ts'),
  ]);
  return openRuntime({
    config,
    env: ctx.io.env,
    logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
    estate: opts.estate || opts.demo ? { file: opts.estate, demo: opts.demo } : undefined,
  });
}
