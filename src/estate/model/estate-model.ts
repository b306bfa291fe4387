/**
 * The live, mutable state behind the server: a private copy of the loaded estate that the service
 * handlers read and change, the timeline of work AWS finishes later, each file system's abstract
 * content, and the failures a test asked for. Regions an account does not list are empty.
 */
import type { Clock } from '../../domain/clock.ts';
import { DEFAULT_LIMITS, DEFAULT_TIMING, type EstateLimits, type EstateTiming } from '../timing.ts';
import {
  emptyRegion,
  type Estate,
  type EstateAccount,
  type EstateOrganization,
  type EstateRegion,
} from '../types.ts';
import type { AwsApiError } from './api-error.ts';
import { contentFromSize, type FileSystemContent } from './content.ts';
import { Timeline } from './timeline.ts';

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
  timing?: Partial<EstateTiming>;
  limits?: Partial<EstateLimits>;
}

/** A failure a test queued for the next matching call (`control.failNext`). */
export interface QueuedFailure {
  /** `Operation` or `service:Operation`, e.g. `CreateMountTarget` or `efs:CreateMountTarget`. */
  operation: string;
  accountId?: string;
  error: () => AwsApiError;
  remaining: number;
}

export class EstateModel {
  private readonly accounts: Map<string, EstateAccount>;
  readonly callerAccountId: string;
  /** The organisation the accounts belong to, if the estate declares one. */
  readonly organization: EstateOrganization | undefined;
  readonly timing: EstateTiming;
  readonly limits: EstateLimits;
  readonly timeline = new Timeline();
  /** Content per file system ARN (see content.ts); filled lazily from SizeInBytes. */
  private readonly contents = new Map<string, FileSystemContent>();
  private failures: QueuedFailure[] = [];
  /** Moves the estate's time ahead of its clock (`control.advance`). */
  private offsetMs = 0;

  constructor(
    estate: Estate,
    readonly options: ModelOptions,
  ) {
    const copy = structuredClone(estate);
    this.callerAccountId = copy.callerAccountId;
    this.organization = copy.organization;
    this.accounts = new Map(copy.accounts.map((a) => [a.accountId, a]));
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
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
    return new Date(this.options.clock.now().getTime() + this.offsetMs);
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('advance(ms) takes a non-negative number of milliseconds');
    this.offsetMs += ms;
    this.settle();
  }

  /** Applies everything the timeline says has happened by now. Every request calls it first. */
  settle(): void {
    this.timeline.runDue(this.now());
  }

  /** The content of a file system, by ARN; `sizeInBytes` seeds it the first time. */
  content(fileSystemArn: string, sizeInBytes: number): FileSystemContent {
    let content = this.contents.get(fileSystemArn);
    if (!content) {
      content = contentFromSize(sizeInBytes);
      this.contents.set(fileSystemArn, content);
    }
    return content;
  }

  setContent(fileSystemArn: string, content: FileSystemContent): void {
    this.contents.set(fileSystemArn, content);
  }

  queueFailure(failure: QueuedFailure): void {
    this.failures.push(failure);
  }

  /** The queued failure for this call, if any (used up as it is returned). */
  takeFailure(service: string, operation: string, accountId: string): AwsApiError | undefined {
    const match = this.failures.find(
      (f) =>
        (f.operation === operation || f.operation === `${service}:${operation}`) &&
        (f.accountId === undefined || f.accountId === accountId),
    );
    if (!match) return undefined;
    match.remaining--;
    if (match.remaining <= 0) this.failures = this.failures.filter((f) => f !== match);
    return match.error();
  }
}
