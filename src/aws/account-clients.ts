import { EFSClient, type EFSClientConfig, type EFSClientResolvedConfig } from '@aws-sdk/client-efs';
import { KMSClient } from '@aws-sdk/client-kms';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { MetadataBearer } from '@smithy/types';
import type { Clock } from '../domain/clock.ts';
import { AccountAccessError, NoRegionError } from './aws-errors.ts';
import { assumeRoleCredentials, partitionOf, type CredentialProvider } from './credentials.ts';
import { SdkEc2Client } from './ec2.ts';
import { SdkEfsClient } from './efs.ts';
import { SdkKmsClient } from './kms.ts';
import { listOrganizationAccounts, type OrganizationScope, type SkippedAccount } from './organizations.ts';
import {
  applyRateLimit,
  createCallLimits,
  type CallLimits,
  type CallStats,
  type Sleep,
  type RateLimitedClient,
} from './rate-limit.ts';
import { createCallPool } from './call-pool.ts';
import { compactClientConfig } from './fast-properties.ts';
import { reuseSigner, type SignerConfig } from './reused-signer.ts';
import { sharedConfigLoaders } from './shared-config-loaders.ts';
import { SdkStsClient, type IStsClient } from './sts.ts';
import { ResponseIncompleteError } from '../domain/errors.ts';
import { MAX_SCAN_PAIRS_AT_ONCE } from '../domain/scan-scope.ts';

/**
 * The account and region fan-out: SDK clients per (account, region), with credentials from
 * AssumeRole, the client-side rate limit and adaptive retries. Clients get no explicit endpoint:
 * the SDK's own AWS_ENDPOINT_URL(_<SERVICE>) variables redirect them (the local estate, tests).
 */

/**
 * The readers of one account and region. The scan, the decide phase and the capture declare the
 * part they call as their own ports; these match them structurally.
 */
export interface AccountReaders {
  accountId: string;
  region: string;
  efs: SdkEfsClient;
  kms: SdkKmsClient;
  /** The scan reads mount targets' security groups from their network interfaces with it. */
  ec2: SdkEc2Client;
  /** Resolves when the calls of these clients are not piling up (CallPool.whenFlowing). */
  whenCallsFlow(): Promise<void>;
  /**
   * The caller is done with this pair (a scan that read it): the clients are dropped from the cache
   * and built again if asked for. A scan of 300 accounts × 4 regions kept all 3,600 SDK clients (and
   * 13,000 middleware stacks) to its end: its RSS grew by 7 MB a second.
   */
  release(): void;
}

/**
 * The SDK clients made for one account and region, for the adapters in this folder that build
 * writers (EFS writes, replication) and clients of other services (EC2, DataSync) on the same
 * credentials. Workflows never see these: they get the adapters built on them.
 */
export interface AccountSdkClients {
  accountId: string;
  region: string;
  /** Rate-limited, adaptive retries, the shared connection pool. */
  efs: EFSClient;
  kms: KMSClient;
  /** The region and resolved credentials of this account, for another service's client. */
  clientConfig: { region: string; credentials: EFSClientResolvedConfig['credentials'] };
}

/** Both views of the clients made for one account and region, cached together. */
interface MadeClients {
  readers: AccountReaders;
  sdk: AccountSdkClients;
}

export interface AccountTargets {
  accounts: string[];
  regions: string[];
  /** Accounts the organisation listing did not hand on (not ACTIVE, a failed listing): the scan reports them. */
  skipped?: SkippedAccount[];
}

export interface AccountClientsOptions {
  /** Accounts entered through `roleName`; empty means the caller's own account, no AssumeRole. */
  accounts: string[];
  /** Instead of `accounts`: the ACTIVE accounts of the AWS Organization, listed with the caller's credentials. */
  organization?: OrganizationScope;
  /** Never scanned, whichever source lists them. */
  excludeAccounts?: string[];
  roleName: string;
  externalId?: string;
  /** Empty means the SDK's default region (AWS_REGION or the profile's). */
  regions: string[];
  /** Client-side calls per second per account, region and operation. */
  rateLimitPerSecond: number;
  /**
   * Tokens available at once per bucket. Default 1: calls evenly spaced at the rate. A larger burst
   * saves a fraction of a second per bucket but lets event-loop stalls bunch calls into AWS's own
   * bucket; one throttle then slows the whole client through adaptive retry, which costs far more
   * (scan benchmark: burst 5 hit 0–9 throttles per run and the slowest runs; burst 1 hit none).
   */
  rateLimitBurst?: number;
  /** SDK attempts per call, first one included (default 8). */
  maxAttempts?: number;
  clock?: Clock;
  sleep?: Sleep;
  /** The rate limiter and call counters to use (default: new ones); lazyAccountClients passes its own. */
  limits?: CallLimits;
  /** Passed to every SDK client; tests use it for a request handler or retry strategy. */
  clientOverrides?: Pick<EFSClientConfig, 'requestHandler' | 'retryStrategy' | 'logger'>;
}

export interface AccountClients {
  /** The accounts and regions to scan, as configured or, when empty, the caller's own. */
  listTargets(): Promise<AccountTargets>;
  /**
   * Clients for one account and region, with credentials already resolved, so an account the bot
   * cannot enter fails here (AccountAccessError) rather than on its first EFS call.
   */
  clientsFor(accountId: string, region: string): Promise<AccountReaders>;
  /** The SDK clients behind `clientsFor`, for the writer and service-client factories of src/aws. */
  sdkClientsFor(accountId: string, region: string): Promise<AccountSdkClients>;
  /**
   * Puts another SDK client made for this account and region (EC2, DataSync…) under the same
   * per-operation rate limit and call counters as the scan's clients.
   */
  limit<C extends RateLimitedClient<I, O>, I extends object, O extends MetadataBearer>(
    client: C,
    accountId: string,
    region: string,
  ): C;
  /** Attempts and throttles of every call made through these clients. */
  readonly stats: CallStats;
  /** Closes every client's sockets. */
  destroy(): void;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
/**
 * Calls one account/region pair can have in flight on one endpoint host: every EFS operation of a
 * scan (about 8) has its own rate-limit bucket, and at 10 calls/s a bucket keeps 1–2 calls in
 * flight while answers take up to 200 ms.
 */
export const CALLS_IN_FLIGHT_PER_PAIR = 16;
/** The SDK's own per-client default: the pool never goes below it. */
const MIN_SOCKETS_PER_HOST = 50;
/**
 * And never above this: on AWS each region's endpoint is its own host, so only one region's pairs
 * share a pool; on one loopback estate every pair does, and 2,048 connections to it overflowed its
 * accept queue (about 100 attempts of a benchmark run never reached it and were retried).
 */
const MAX_SOCKETS_PER_HOST = 512;

/**
 * Sockets per endpoint host in the shared pool, sized to the calls the scan can have in flight:
 * the pairs scanned at once (every configured pair, up to MAX_SCAN_PAIRS_AT_ONCE) times their
 * calls in flight. A pool smaller than that queues calls the rate limit already let through, and
 * the SDK prints "socket usage at capacity" to the user's terminal once its queue passes twice
 * the pool (scan benchmark, 100 pairs on one loopback host, 256 sockets: it did).
 */
export function socketsPerHost(pairs: number): number {
  return Math.min(
    MAX_SOCKETS_PER_HOST,
    Math.max(MIN_SOCKETS_PER_HOST, Math.min(pairs, MAX_SCAN_PAIRS_AT_ONCE) * CALLS_IN_FLIGHT_PER_PAIR),
  );
}

export function createAccountClients(options: AccountClientsOptions): AccountClients {
  const { stats, limiter } = options.limits ?? createCallLimits(options);
  const sdkClients = new Set<{ destroy(): void }>();
  const stsByRegion = new Map<string, IStsClient>();
  const credentialsByAccount = new Map<string, CredentialProvider>();
  const clientsByTarget = new Map<string, Promise<MadeClients>>();
  let callerAccount: Promise<string> | undefined;

  // One connection pool for every client made here. Each (account, region, service) has its own
  // client, and each would otherwise keep its own agent and sockets to the same endpoints: the scan
  // benchmark spent about 10% of its time connecting and was ~10% faster with one shared pool.
  const maxSockets = socketsPerHost(
    Math.max(1, options.accounts.length) * Math.max(1, options.regions.length),
  );
  // As many calls past their rate-limit token as the pool has sockets: the rest wait unbuilt, and
  // a scan starts no new file system read while as many again wait (call-pool.ts).
  const calls = createCallPool(maxSockets);
  const inFlight = calls.run;
  const sharedHandler =
    options.clientOverrides?.requestHandler ??
    new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    });

  const baseConfig = (region: string | undefined) => ({
    ...(region ? { region } : {}),
    retryMode: 'adaptive',
    // Resolve each command's middleware chain once per client instead of on every call (an SDK
    // opt-in since 3.649): the per-call resolution was a large share of the scan's CPU time.
    cacheMiddleware: true,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // Looked up once for every client instead of by each on its first call (shared-config-loaders.ts).
    ...sharedConfigLoaders(),
    ...options.clientOverrides,
    requestHandler: sharedHandler,
  });

  /**
   * Every client made here: closed by destroy(), signing with one signer (see reused-signer.ts), its
   * configuration in V8's fast mode (see fast-properties.ts).
   */
  function track<T extends { destroy(): void; config: SignerConfig }>(client: T): T {
    reuseSigner(client);
    compactClientConfig(client);
    sdkClients.add(client);
    return client;
  }

  /** STS with the caller's own (default chain) credentials, one client per region. */
  function callerSts(region: string | undefined): IStsClient {
    const key = region ?? '';
    let sts = stsByRegion.get(key);
    if (!sts) {
      const sdk = track(new STSClient(baseConfig(region)));
      applyRateLimit(sdk, { accountId: 'caller', region: region ?? 'default', limiter, stats });
      sts = new SdkStsClient(sdk);
      stsByRegion.set(key, sts);
    }
    return sts;
  }

  function getCallerAccount(region: string | undefined): Promise<string> {
    callerAccount ??= callerSts(region)
      .getCallerIdentity()
      .then((out) => {
        if (!out.Account) throw new ResponseIncompleteError('sts:GetCallerIdentity', 'an account ID');
        return out.Account;
      })
      .catch((e: unknown) => {
        callerAccount = undefined;
        throw new AccountAccessError('(caller)', 'GetCallerIdentity', e);
      });
    return callerAccount;
  }

  /** The SDK's own default region (AWS_REGION, the profile); asked again while there is none. */
  let sdkDefaultRegion: Promise<string> | undefined;
  function defaultRegion(): Promise<string> {
    sdkDefaultRegion ??= (async () => {
      const sdk = track(new STSClient(baseConfig(undefined)));
      try {
        return await sdk.config.region();
      } catch (e) {
        sdkDefaultRegion = undefined;
        throw new NoRegionError(e);
      }
    })();
    return sdkDefaultRegion;
  }

  const excluded = new Set(options.excludeAccounts);
  let organizations: OrganizationsClient | undefined;

  async function listTargets(): Promise<AccountTargets> {
    const regions = options.regions.length > 0 ? [...options.regions] : [await defaultRegion()];
    if (options.organization) {
      // A global service: the first region only picks the partition's endpoint.
      if (!organizations) {
        organizations = track(new OrganizationsClient(baseConfig(regions[0])));
        applyRateLimit(organizations, { accountId: 'caller', region: 'global', limiter, stats });
      }
      return { ...(await listOrganizationAccounts(organizations, options.organization, excluded)), regions };
    }
    const accounts =
      options.accounts.length > 0 ? [...options.accounts] : [await getCallerAccount(regions[0])];
    return { accounts: accounts.filter((a) => !excluded.has(a)), regions };
  }

  /** Undefined means: use the default credential chain (the caller's own account). */
  async function credentialsFor(accountId: string, region: string): Promise<CredentialProvider | undefined> {
    // Only with no account source at all; a listed account is entered through its role, the caller's too.
    const ownAccountOnly = options.accounts.length === 0 && !options.organization;
    if (ownAccountOnly && accountId === (await getCallerAccount(region))) return undefined;
    let provider = credentialsByAccount.get(accountId);
    if (!provider) {
      provider = assumeRoleCredentials({
        sts: callerSts(region),
        accountId,
        roleName: options.roleName,
        externalId: options.externalId,
        partition: partitionOf(region),
        clock: options.clock,
      });
      credentialsByAccount.set(accountId, provider);
    }
    await provider();
    return provider;
  }

  async function build(accountId: string, region: string): Promise<MadeClients> {
    const credentials = await credentialsFor(accountId, region);
    const config = { ...baseConfig(region), ...(credentials ? { credentials } : {}) };
    const efs = track(new EFSClient(config));
    const kms = track(new KMSClient(config));
    applyRateLimit(efs, { accountId, region, limiter, stats, inFlight });
    applyRateLimit(kms, { accountId, region, limiter, stats, inFlight });
    const ec2 = track(new EC2Client(config));
    applyRateLimit(ec2, { accountId, region, limiter, stats, inFlight });
    return {
      readers: {
        accountId,
        region,
        efs: new SdkEfsClient(efs),
        kms: new SdkKmsClient(kms),
        ec2: new SdkEc2Client(ec2),
        whenCallsFlow: calls.whenFlowing,
        release: () => forget(accountId, region, { efs, kms, ec2 }),
      },
      sdk: { accountId, region, efs, kms, clientConfig: { region, credentials: efs.config.credentials } },
    };
  }

  /**
   * Drops one pair's clients from the cache: the next clientsFor builds new ones (the account's
   * credentials stay cached). Not destroyed: they share the connection pool, which destroy() would
   * close for every client; whoever still holds them may go on using them.
   */
  function forget(
    accountId: string,
    region: string,
    clients: { efs: EFSClient; kms: KMSClient; ec2: EC2Client },
  ): void {
    const key = `${accountId}/${region}`;
    const cached = clientsByTarget.get(key);
    // Only while the cache still holds these clients, not ones made since an earlier release.
    void cached?.then(
      (made) => {
        if (made.sdk.efs === clients.efs && clientsByTarget.get(key) === cached) clientsByTarget.delete(key);
      },
      // Newer clients that could not be made are no concern of this release (clientsOf drops them).
      () => undefined,
    );
    for (const c of Object.values(clients)) sdkClients.delete(c);
  }

  function clientsOf(accountId: string, region: string): Promise<MadeClients> {
    const key = `${accountId}/${region}`;
    let clients = clientsByTarget.get(key);
    if (!clients) {
      clients = build(accountId, region);
      // A failure is not cached: the next scan tries the account again.
      clients.catch(() => clientsByTarget.delete(key));
      clientsByTarget.set(key, clients);
    }
    return clients;
  }

  return {
    listTargets,
    clientsFor: async (accountId, region) => (await clientsOf(accountId, region)).readers,
    sdkClientsFor: async (accountId, region) => (await clientsOf(accountId, region)).sdk,
    limit(client, accountId, region) {
      applyRateLimit(client, { accountId, region, limiter, stats, inFlight });
      return client;
    },
    stats,
    destroy() {
      for (const c of sdkClients) c.destroy();
      sdkClients.clear();
    },
  };
}
