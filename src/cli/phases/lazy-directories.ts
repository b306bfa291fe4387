import type { AccountClients } from '../../aws/account-clients.ts';
import type { Directories } from '../../aws/directory-clients.ts';
import type { Clock } from '../../domain/clock.ts';

/**
 * The key and network directories, loaded on their first lookup: the EC2 client they bring costs
 * about half a second to load, and `plan --show` or `copy status` read the store only.
 */
export function lazyDirectories(accounts: AccountClients, options: { clock?: Clock } = {}): Directories {
  let made: Directories | undefined;
  let loading: Promise<Directories> | undefined;
  const load = () =>
    (loading ??= import('../../aws/directory-clients.ts').then(
      ({ createDirectories }) => (made = createDirectories(accounts, options)),
    ));
  return {
    keys: {
      lookup: async (ref, where) => (await load()).keys.lookup(ref, where),
      listCustomerKeys: async (where) => (await load()).keys.listCustomerKeys(where),
    },
    network: {
      describe: async (fs) => (await load()).network.describe(fs),
      describeKnown: async (where, mountTargets) => (await load()).network.describeKnown(where, mountTargets),
    },
    destroy: () => made?.destroy(),
  };
}
