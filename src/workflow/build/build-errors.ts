import { summariseAwsError } from '../../aws/aws-errors.ts';
import type { BuildStep } from '../../domain/build-plan.ts';
import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { JobError } from '../../domain/job.ts';
import type { ReportsJobError } from '../jobs/index.ts';

/** An AWS call of a build step failed; carries AWS's code and request ID for the record and the Retry button. */
export class BuildStepError extends EfsEncryptError implements ReportsJobError {
  readonly awsCode: string;
  readonly awsRequestId?: string;

  constructor(
    readonly step: BuildStep,
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

/** The build cannot go on for a reason a person must fix first (the key, the twin's state). */
export class BuildBlockedError extends EfsEncryptError implements ReportsJobError {
  constructor(
    readonly step: BuildStep,
    readonly reason: string,
    readonly blockCode = 'BuildBlocked',
  ) {
    super(ErrorCode.AwsCallFailed, reason);
  }

  toJobError(): JobError {
    return { code: this.blockCode, message: this.reason, step: this.step };
  }
}
