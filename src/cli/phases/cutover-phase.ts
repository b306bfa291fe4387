import { ecsCutoverClientsFrom } from '../../aws/ecs-cutover.ts';
import { lambdaCutoverClientsFrom } from '../../aws/lambda-cutover.ts';
import { launchTemplateCutoverClientsFrom } from '../../aws/launch-template-cutover.ts';
import type { IoHost } from '../../workflow/io-host.ts';
import {
  createCutoverPhase,
  type ConsumerDiscovery,
  type OwnerDirectory,
  type CutoverPhaseWithHandler,
} from '../../workflow/cutover/index.ts';
import type { Runtime } from '../runtime.ts';
import { openConsumerDiscovery } from './consumers-phase.ts';

/**
 * The cutover phase over a runtime's store and account clients. The CLI resolves owners by ID only
 * (a Slack user ID tag is the owner; anything else falls back to admins) and acts as `cli:<name>`,
 * which the approval rules allow. Discovery is the consumers workflow over the same runtime
 * (`cutover refs` uses it too) unless a test passes its own.
 */
export function openCutoverPhase(
  runtime: Runtime,
  io: IoHost,
  options: {
    discovery?: ConsumerDiscovery;
    pollMs?: number;
    actor?: string;
    /** The Slack app's owner lookup (users.lookupByEmail) and admin check; default: IDs only, no admins. */
    owners?: OwnerDirectory;
    isAdmin?: (actor: string) => boolean | Promise<boolean>;
  } = {},
): { phase: CutoverPhaseWithHandler; close(): void } {
  const ecs = ecsCutoverClientsFrom(runtime.accounts);
  const lambda = lambdaCutoverClientsFrom(runtime.accounts);
  const lt = launchTemplateCutoverClientsFrom(runtime.accounts);
  const consumers = options.discovery ? undefined : openConsumerDiscovery(runtime);
  const actor = options.actor ?? 'cli';
  const discovery: ConsumerDiscovery = options.discovery ?? {
    discover: (migrationId) => consumers!.discovery.discoverConsumers(migrationId, { actor }),
    latest: (migrationId) => consumers!.discovery.lastReport(migrationId),
  };
  const phase = createCutoverPhase({
    migrations: runtime.store.migrations,
    events: runtime.store.events,
    cutovers: runtime.store.cutovers,
    jobs: runtime.store.jobs,
    clients: {
      ecsFor: (a, r) => ecs.clientFor(a, r),
      lambdaFor: (a, r) => lambda.clientFor(a, r),
      launchTemplatesFor: (a, r) => lt.clientFor(a, r),
    },
    discovery,
    owners: options.owners ?? {
      resolve: async (tag) =>
        tag && /^[UW][A-Z0-9]{2,}$/.test(tag)
          ? { userId: tag }
          : {
              fallbackReason: tag
                ? `${tag} is not a Slack user ID (the CLI does not look up emails)`
                : 'no owner tag',
            },
    },
    isAdmin: options.isAdmin ?? (() => false),
    clock: runtime.clock,
    io,
    pollMs: options.pollMs ?? 5_000,
  });
  return {
    phase,
    close() {
      ecs.destroy();
      lambda.destroy();
      lt.destroy();
      consumers?.close();
    },
  };
}
