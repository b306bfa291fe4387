import { EC2Client } from '@aws-sdk/client-ec2';
import type { Clock } from '../domain/clock.ts';
import { DEFAULT_MAX_ATTEMPTS, type AccountClients } from './account-clients.ts';
import { SdkEc2Client } from './ec2.ts';
import { createKeyDirectory } from './key-directory.ts';
import { createNetworkDirectory } from './network-directory.ts';

export interface Directories {
  keys: ReturnType<typeof createKeyDirectory>;
  network: ReturnType<typeof createNetworkDirectory>;
  /** Closes the EC2 clients made here (the account clients close their own). */
  destroy(): void;
}

/**
 * The decide phase's lookups over the scan's per-account clients: same AssumeRole credentials,
 * same rate-limited KMS and EFS clients; EC2 clients share those credentials and are made here.
 * The decide phase's KeyDirectory and NetworkDirectory ports (and the copy's SourceNetwork) are
 * matched structurally where the composition root hands these in.
 */
export function createDirectories(
  accounts: Pick<AccountClients, 'clientsFor' | 'sdkClientsFor'>,
  options: { clock?: Clock } = {},
): Directories {
  const ec2Clients = new Map<string, EC2Client>();

  return {
    keys: createKeyDirectory({
      kmsFor: async (a, r) => (await accounts.clientsFor(a, r)).kms,
      clock: options.clock,
    }),
    network: createNetworkDirectory({
      efsFor: async (a, r) => (await accounts.clientsFor(a, r)).efs,
      async ec2For(accountId, region) {
        const key = `${accountId}/${region}`;
        let ec2 = ec2Clients.get(key);
        if (!ec2) {
          const { clientConfig } = await accounts.sdkClientsFor(accountId, region);
          ec2 = new EC2Client({
            ...clientConfig,
            retryMode: 'adaptive',
            maxAttempts: DEFAULT_MAX_ATTEMPTS,
          });
          ec2Clients.set(key, ec2);
        }
        return new SdkEc2Client(ec2);
      },
    }),
    destroy() {
      for (const c of ec2Clients.values()) c.destroy();
      ec2Clients.clear();
    },
  };
}
