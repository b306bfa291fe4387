import { summariseAwsError } from '../../aws/aws-errors.ts';
import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { JobError } from '../../domain/job.ts';
import type { ReportsJobError } from '../jobs/index.ts';

/** An AWS call of a copy step failed; carries AWS's code and request ID for the record and the Retry button. */
export class CopyStepError extends EfsEncryptError implements ReportsJobError {
  readonly awsCode: string;
  readonly awsRequestId?: string;

  constructor(
    readonly step: string,
    readonly operation: string,
    cause: unknown,
  ) {
    const s = summariseAwsError(cause);
    super(ErrorCode.AwsCallFailed, `${operation} failed at step ${step}: ${s.code}: ${s.message}`, { cause });
    this.awsCode = s.code;
    this.awsRequestId = s.requestId;
  }

  toJobError(): JobError {
    return {
      code: this.awsCode,
      message: this.userMessage,
      step: this.step,
      ...(this.awsRequestId ? { awsRequestId: this.awsRequestId } : {}),
    };
  }
}

/**
 * The copy cannot go on: the network path, a missing twin, a DataSync execution that ended in
 * ERROR, a verification that found differences. `reason` says what to fix.
 */
export class CopyBlockedError extends EfsEncryptError implements ReportsJobError {
  constructor(
    readonly step: string,
    readonly reason: string,
    readonly blockCode = 'CopyBlocked',
  ) {
    super(ErrorCode.AwsCallFailed, reason);
  }

  toJobError(): JobError {
    return { code: this.blockCode, message: this.reason, step: this.step };
  }
}
