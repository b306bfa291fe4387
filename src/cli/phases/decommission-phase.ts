import { backupClientsFrom } from '../../aws/backup.ts';
import { activityReadersFrom } from '../../aws/cloudwatch.ts';
import { decommissionClientsFrom } from '../../aws/efs-deleter.ts';
import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import {
  createDecommissionPhase,
  type ConsumerDiscovery,
  type DecommissionPhase,
} from '../../workflow/decommission/index.ts';
import type { IoHost } from '../../workflow/io-host.ts';
import type { Runtime } from '../runtime.ts';

/** Decommission needs consumer discovery; without it the guard cannot run, so nothing is deleted. */
export class ConsumerDiscoveryUnavailableError extends EfsEncryptError {
  constructor() {
    super(
      ErrorCode.ConfigInvalid,
      'consumer discovery is not available in this build, so the "no consumer now" guard cannot run; decommission refuses rather than skip it.',
    );
  }
}

/**
 * The decommission phase over a runtime's store, account clients and clock; the CLI and the Slack
 * app share it. `discovery` defaults to the runtime's; with none, it refuses.
 */
export function openDecommissionPhase(
  runtime: Runtime,
  io: IoHost,
  options: { pollMs?: number; discovery?: ConsumerDiscovery } = {},
): { phase: DecommissionPhase; close(): void } {
  const discovery = options.discovery ?? runtime.consumerDiscovery;
  if (!discovery) throw new ConsumerDiscoveryUnavailableError();
  const clients = decommissionClientsFrom(runtime.accounts);
  const cloudWatch = activityReadersFrom(runtime.accounts);
  const backups = backupClientsFrom(runtime.accounts);
  const settings = runtime.config.decommission;
  const phase = createDecommissionPhase({
    migrations: runtime.store.migrations,
    events: runtime.store.events,
    jobs: runtime.store.jobs,
    readersFor: async (accountId, region) => ({
      efs: await clients.efsFor(accountId, region),
      dataSync: await clients.dataSyncFor(accountId, region),
      activity: await cloudWatch.readerFor(accountId, region),
      consumers: discovery,
    }),
    backupFor: backups.clientFor,
    ...(settings.backup ? { backup: settings.backup } : {}),
    clock: runtime.clock,
    io,
    idleHours: settings.idleHours,
    pollMs: options.pollMs ?? 5_000,
  });
  return {
    phase,
    close() {
      clients.destroy();
      cloudWatch.destroy();
      backups.destroy();
    },
  };
}
