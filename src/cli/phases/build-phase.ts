import { efsWritersFrom } from '../../aws/efs-writer.ts';
import { systemClock } from '../../domain/clock.ts';
import type { IoHost } from '../../workflow/io-host.ts';
import { createBuildPhase, type BuildPhase } from '../../workflow/provision/index.ts';
import type { Runtime } from '../runtime.ts';

/**
 * The build phase over a runtime's store and account clients. Apart from the build command's
 * module, which `--help` loads, so it loads only when used.
 */
export function openBuildPhase(runtime: Runtime, io: IoHost, options: { pollMs?: number } = {}): BuildPhase {
  return createBuildPhase({
    migrations: runtime.store.migrations,
    jobs: runtime.store.jobs,
    writerFor: efsWritersFrom(runtime.accounts),
    clock: systemClock,
    io,
    pollMs: options.pollMs ?? 2_000,
  });
}
