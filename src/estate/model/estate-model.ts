/**
 * The live, mutable state behind the server: a private copy of the loaded estate that the service
 * handlers read (and, once the write side lands, change). Regions an account does not list are empty.
 */
import type { Clock } from '../../domain/clock.ts';
import { emptyRegion, type Estate, type EstateAccount, type EstateRegion } from '../types.ts';

/** Who is calling and where: from the request's credentials and SigV4 credential scope. */
export interface CallContext {
  accountId: string;
  region: string;
  accessKeyId: string;
  requestId: string;
}

export interface ModelOptions {
  clock: Clock;
  /** Page size when the caller gives no limit (smaller than AWS's, so missed pages show). */
  defaultPageSize: number;
}

export class EstateModel {
  private readonly accounts: Map<string, EstateAccount>;
  readonly callerAccountId: string;

  constructor(
    estate: Estate,
    readonly options: ModelOptions,
  ) {
    const copy = structuredClone(estate);
    this.callerAccountId = copy.callerAccountId;
    this.accounts = new Map(copy.accounts.map((a) => [a.accountId, a]));
  }

  account(accountId: string): EstateAccount | undefined {
    return this.accounts.get(accountId);
  }

  /** The region's state, created empty on first use so later writes have somewhere to go. */
  region(ctx: Pick<CallContext, 'accountId' | 'region'>): EstateRegion {
    const account = this.accounts.get(ctx.accountId);
    if (!account) return emptyRegion();
    return (account.regions[ctx.region] ??= emptyRegion());
  }

  now(): Date {
    return this.options.clock.now();
  }
}
