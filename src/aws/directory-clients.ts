import { EC2Client } from '@aws-sdk/client-ec2';
import type { Clock } from '../domain/clock.ts';
import { DEFAULT_MAX_ATTEMPTS, type AccountClients } from './account-clients.ts';
import { SdkKmsClient } from './kms.ts';
import { createKeyDirectory, SdkKmsDirectoryClient, type KeyDirectory } from './key-directory.ts';
import { createNetworkDirectory, SdkEc2NetworkClient, type NetworkDirectory } from './network-directory.ts';

export interface Directories {
  keys: KeyDirectory;
  network: NetworkDirectory;
  /** Closes the EC2 clients made here (the account clients close their own). */
  destroy(): void;
}

/**
 * The decide phase's lookups over the scan's per-account clients: same AssumeRole credentials,
 * same rate-limited KMS and EFS clients; EC2 clients share those credentials and are made here.
 */
export function createDirectories(accounts: AccountClients, options: { clock?: Clock } = {}): Directories {
  const ec2Clients = new Map<string, EC2Client>();

  async function sdkKms(accountId: string, region: string) {
    const { kms } = await accounts.clientsFor(accountId, region);
    if (!(kms instanceof SdkKmsClient)) throw new Error('the decide phase needs SDK-backed account clients');
    return kms.sdk;
  }

  return {
    keys: createKeyDirectory({
      kmsFor: async (a, r) => new SdkKmsDirectoryClient(await sdkKms(a, r)),
      clock: options.clock,
    }),
    network: createNetworkDirectory({
      efsFor: async (a, r) => (await accounts.clientsFor(a, r)).efs,
      async ec2For(accountId, region) {
        const key = `${accountId}/${region}`;
        let ec2 = ec2Clients.get(key);
        if (!ec2) {
          const kms = await sdkKms(accountId, region);
          ec2 = new EC2Client({
            region,
            credentials: kms.config.credentials,
            retryMode: 'adaptive',
            maxAttempts: DEFAULT_MAX_ATTEMPTS,
          });
          ec2Clients.set(key, ec2);
        }
        return new SdkEc2NetworkClient(ec2);
      },
    }),
    destroy() {
      for (const c of ec2Clients.values()) c.destroy();
      ec2Clients.clear();
    },
  };
}
