import { activityReadersFrom } from '../../aws/cloudwatch.ts';
import { dataSyncClientsFrom } from '../../aws/datasync.ts';
import { replicationClientsFrom } from '../../aws/efs-replication.ts';
import { createCopyPhase, type CopyPhase } from '../../workflow/copy/index.ts';
import type { IoHost } from '../../workflow/io-host.ts';
import type { Runtime } from '../runtime.ts';
import { lazyDirectories } from './lazy-directories.ts';

/**
 * The copy phase over a runtime's store, account clients and clock; the CLI and the Slack app
 * share it. Apart from the copy command's module, which `--help` loads, so it loads only when used.
 */
export function openCopyPhase(
  runtime: Runtime,
  io: IoHost,
  options: { pollMs?: number } = {},
): { phase: CopyPhase; close(): void } {
  const directories = lazyDirectories(runtime.accounts, { clock: runtime.clock });
  const dataSync = dataSyncClientsFrom(runtime.accounts);
  const cloudWatch = activityReadersFrom(runtime.accounts);
  const phase = createCopyPhase({
    migrations: runtime.store.migrations,
    jobs: runtime.store.jobs,
    clock: runtime.clock,
    io,
    dataSyncFor: dataSync.clientFor,
    replicationFor: replicationClientsFrom(runtime.accounts),
    network: directories.network,
    activityFor: cloudWatch.readerFor,
    ...(runtime.config.dataSync ? { dataSyncSettings: runtime.config.dataSync } : {}),
    pollMs: options.pollMs ?? 15_000,
  });
  return {
    phase,
    close() {
      dataSync.destroy();
      cloudWatch.destroy();
      directories.destroy();
    },
  };
}
