import { summariseAwsError } from '../aws/aws-errors.ts';
import { EfsEncryptError, ErrorCode } from '../domain/errors.ts';
import type { JobError } from '../domain/job.ts';
import type { ReportsJobError } from './jobs/index.ts';

/**
 * An AWS call of a phase's step failed: AWS's error code and request ID, summarised once here, go
 * to the job's recorded error (and so to the Retry button and the progress message). Each phase
 * names its own subclass (BuildStepError, CopyStepError).
 */
export abstract class AwsStepError<Step extends string = string>
  extends EfsEncryptError
  implements ReportsJobError
{
  readonly awsCode: string;
  readonly awsRequestId?: string;

  constructor(
    readonly step: Step,
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
 * A phase's step cannot go on for a reason a person must fix first; `reason` says what, and
 * `blockCode` is the recorded error's code. Each phase names its own subclass and default code.
 */
export abstract class StepBlockedError<Step extends string = string>
  extends EfsEncryptError
  implements ReportsJobError
{
  constructor(
    readonly step: Step,
    readonly reason: string,
    readonly blockCode: string,
  ) {
    super(ErrorCode.AwsCallFailed, reason);
  }

  toJobError(): JobError {
    return { code: this.blockCode, message: this.reason, step: this.step };
  }
}
