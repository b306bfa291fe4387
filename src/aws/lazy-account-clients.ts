import type { AccountClients, AccountClientsOptions } from './account-clients.ts';
import { applyRateLimit, createCallLimits } from './rate-limit.ts';

/**
 * The account clients, made on first use. Loading them loads the SDK clients of EFS, KMS, EC2, STS
 * and Organizations (EC2's alone is about half a second of CPU on the 2-core machine), which
 * `status`, `export` and `plan --show` never call: they read the store only. Every method that
 * needs a client is asynchronous, so the first call loads them and later calls find them made;
 * the rate limiter and call counters are made here, so `limit` and `stats` need nothing loaded.
 */
export function lazyAccountClients(options: AccountClientsOptions): AccountClients {
  const limits = options.limits ?? createCallLimits(options);
  let made: AccountClients | undefined;
  let loading: Promise<AccountClients> | undefined;
  const load = () =>
    (loading ??= import('./account-clients.ts').then(
      ({ createAccountClients }) => (made = createAccountClients({ ...options, limits })),
    ));
  return {
    listTargets: async () => (await load()).listTargets(),
    clientsFor: async (accountId, region) => (await load()).clientsFor(accountId, region),
    sdkClientsFor: async (accountId, region) => (await load()).sdkClientsFor(accountId, region),
    limit(client, accountId, region) {
      // As createAccountClients' own: the same limiter and counters.
      applyRateLimit(client, { accountId, region, limiter: limits.limiter, stats: limits.stats });
      return client;
    },
    stats: limits.stats,
    // Nothing made, nothing to close (made clients open their sockets on their first call).
    destroy: () => made?.destroy(),
  };
}
