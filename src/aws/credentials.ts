import { systemClock, type Clock } from '../domain/clock.ts';
import { AccountAccessError } from './aws-errors.ts';
import type { IStsClient } from './sts.ts';
import { ResponseIncompleteError } from '../domain/errors.ts';

/** The shape SDK v3 clients accept as `credentials` (AwsCredentialIdentity). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  accountId?: string;
}

export type CredentialProvider = () => Promise<AwsCredentials>;

export const SESSION_NAME = 'efs-encrypt';

export interface AssumeRoleCredentialsOptions {
  sts: IStsClient;
  accountId: string;
  roleName: string;
  externalId?: string;
  /** Partition of the role ARN; see partitionOf(). */
  partition?: string;
  durationSeconds?: number;
  /** Refresh this long before expiry, so no call is signed with credentials about to lapse. */
  refreshBeforeMs?: number;
  clock?: Clock;
}

/** The ARN partition of a region: the role ARN must name it outside the commercial partition. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  if (region?.startsWith('us-iso-')) return 'aws-iso';
  if (region?.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

export function roleArn(accountId: string, roleName: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * Credentials of `roleName` in `accountId` through STS AssumeRole, cached and refreshed before
 * they expire. Concurrent callers share one AssumeRole call. If a refresh fails while the cached
 * credentials are still valid, those are used and the next call tries again.
 * Failures surface as AccountAccessError, so the scan can report the account and go on.
 */
export function assumeRoleCredentials(options: AssumeRoleCredentialsOptions): CredentialProvider {
  const clock = options.clock ?? systemClock;
  const refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
  const arn = roleArn(options.accountId, options.roleName, options.partition);
  let cached: AwsCredentials | undefined;
  let inFlight: Promise<AwsCredentials> | undefined;

  const fresh = (c: AwsCredentials | undefined, marginMs: number): c is AwsCredentials =>
    !!c && (!c.expiration || c.expiration.getTime() - marginMs > clock.now().getTime());

  async function assume(): Promise<AwsCredentials> {
    try {
      const out = await options.sts.assumeRole({
        RoleArn: arn,
        RoleSessionName: SESSION_NAME,
        ExternalId: options.externalId,
        DurationSeconds: options.durationSeconds ?? 3600,
      });
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) {
        throw new ResponseIncompleteError('sts:AssumeRole', 'credentials', arn);
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
        accountId: options.accountId,
      };
    } catch (e) {
      throw new AccountAccessError(options.accountId, 'AssumeRole', e);
    }
  }

  return async () => {
    if (fresh(cached, refreshBeforeMs)) return cached;
    inFlight ??= assume().finally(() => {
      inFlight = undefined;
    });
    try {
      cached = await inFlight;
      return cached;
    } catch (e) {
      if (fresh(cached, 0)) return cached;
      throw e;
    }
  };
}
