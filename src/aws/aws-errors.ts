import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';

/**
 * Reading AWS SDK v3 errors without depending on the SDK's internal packages: every service
 * exception carries its modelled error code as `name` and the HTTP status in `$metadata`.
 */

export interface AwsErrorSummary {
  code: string;
  message: string;
  httpStatusCode?: number;
  requestId?: string;
}

export function summariseAwsError(e: unknown): AwsErrorSummary {
  if (e instanceof EfsEncryptError) return { code: e.code, message: e.userMessage };
  if (e instanceof Error) {
    const meta = (e as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
    // Some errors (network, credentials) have a generic name but a Node-style `code`.
    const nodeCode = (e as { code?: unknown }).code;
    const code = e.name && e.name !== 'Error' ? e.name : typeof nodeCode === 'string' ? nodeCode : 'Error';
    return {
      code,
      message: e.message || code,
      httpStatusCode: meta?.httpStatusCode,
      requestId: meta?.requestId,
    };
  }
  return { code: 'Unknown', message: String(e) };
}

/** The modelled error code (the exception's `name`), e.g. `PolicyNotFound`. */
export function awsErrorCode(e: unknown): string {
  return summariseAwsError(e).code;
}

/** Same list the SDK's retry classifier uses (smithy THROTTLING_ERROR_CODES), plus HTTP 429. */
const THROTTLING_CODES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

export function isThrottlingError(e: unknown): boolean {
  const s = summariseAwsError(e);
  return s.httpStatusCode === 429 || THROTTLING_CODES.has(s.code);
}

/** An account the bot cannot enter: AssumeRole (or GetCallerIdentity) failed. */
export class AccountAccessError extends EfsEncryptError {
  readonly awsCode: string;
  constructor(
    readonly accountId: string,
    readonly operation: string,
    cause: unknown,
  ) {
    const s = summariseAwsError(cause);
    super(
      ErrorCode.AwsCallFailed,
      `Cannot access account ${accountId}: ${operation} failed with ${s.code}: ${s.message}. ` +
        "Check that the role exists in that account, trusts the bot's identity, and that the external ID matches.",
      { cause },
    );
    this.awsCode = s.code;
  }
}

/** No region to scan was configured and the SDK found none either. */
export class NoRegionError extends EfsEncryptError {
  constructor(cause?: unknown) {
    super(
      ErrorCode.ConfigInvalid,
      'No AWS region to scan: set EFS_ENCRYPT_REGIONS (comma-separated) or AWS_REGION.',
      { cause },
    );
  }
}
