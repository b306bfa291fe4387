import type { MetadataBearer } from '@smithy/types';
import type { RateLimitedClient } from './rate-limit.ts';
import { DEFAULT_MAX_ATTEMPTS, type AccountClients, type AccountSdkClients } from './account-clients.ts';

/** An SDK client as `limit()` takes it and `destroy()` closes it. */
interface SdkClient<I extends object, O extends MetadataBearer> extends RateLimitedClient<I, O> {
  destroy(): void;
}

/** The settings every service client of src/aws starts from: the account's credentials and Region. */
export type ServiceClientConfig = AccountSdkClients['clientConfig'] & {
  retryMode: 'adaptive';
  maxAttempts: number;
};

/**
 * One SDK client per account and Region for a service beyond the scan's own (DataSync, CloudWatch…),
 * made on first use with the account's credentials, adaptive retries and, through `limit()`, the same
 * per-operation rate limit and call counters as every other call. `destroy()` closes them all.
 */
export function serviceClientsFrom<C extends SdkClient<I, O>, I extends object, O extends MetadataBearer>(
  accounts: Pick<AccountClients, 'sdkClientsFor' | 'limit'>,
  make: (config: ServiceClientConfig) => C,
): { clientFor(accountId: string, region: string): Promise<C>; destroy(): void } {
  const clients = new Map<string, Promise<C>>();
  return {
    clientFor(accountId, region) {
      const key = `${accountId}/${region}`;
      let client = clients.get(key);
      if (!client) {
        client = accounts
          .sdkClientsFor(accountId, region)
          .then(({ clientConfig }) =>
            accounts.limit<C, I, O>(
              make({ ...clientConfig, retryMode: 'adaptive', maxAttempts: DEFAULT_MAX_ATTEMPTS }),
              accountId,
              region,
            ),
          );
        // A failed attempt (an account the bot cannot enter) is not kept: the next call tries again.
        client.catch(() => clients.delete(key));
        clients.set(key, client);
      }
      return client;
    },
    destroy() {
      for (const c of clients.values())
        void c.then(
          (client) => client.destroy(),
          () => undefined,
        );
      clients.clear();
    },
  };
}
