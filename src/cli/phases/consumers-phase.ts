import { autoScalingClientsFrom } from '../../aws/auto-scaling.ts';
import { ecsClientsFrom } from '../../aws/ecs.ts';
import { lambdaClientsFrom } from '../../aws/lambda.ts';
import { launchTemplateClientsFrom } from '../../aws/launch-templates.ts';
import { createConsumerDiscovery, type ConsumerDiscovery } from '../../workflow/consumers/index.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Consumer discovery over a runtime's store, account clients and clock; the CLI and the Slack app
 * share it. The four services' clients are made on first use, under the account clients' rate
 * limit and call counters; `close()` closes them.
 */
export function openConsumerDiscovery(runtime: Pick<Runtime, 'accounts' | 'store' | 'clock'>): {
  discovery: ConsumerDiscovery;
  close(): void;
} {
  const ecs = ecsClientsFrom(runtime.accounts);
  const lambda = lambdaClientsFrom(runtime.accounts);
  const templates = launchTemplateClientsFrom(runtime.accounts);
  const autoScaling = autoScalingClientsFrom(runtime.accounts);
  const discovery = createConsumerDiscovery({
    migrations: runtime.store.migrations,
    events: runtime.store.events,
    reports: runtime.store.consumers,
    readers: {
      ecsFor: ecs.clientFor,
      lambdaFor: lambda.clientFor,
      launchTemplatesFor: templates.clientFor,
      autoScalingFor: autoScaling.clientFor,
    },
    clock: runtime.clock,
  });
  return {
    discovery,
    close() {
      ecs.destroy();
      lambda.destroy();
      templates.destroy();
      autoScaling.destroy();
    },
  };
}
