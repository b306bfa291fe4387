import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { JobError } from '../../domain/job.ts';

/**
 * A consumer's change did not take (an ECS deployment that failed or was rolled back by the
 * circuit breaker, a Lambda update that ended Failed, an instance refresh that failed): the job
 * rolls the application back.
 */
export class CutoverChangeFailedError extends EfsEncryptError {
  constructor(
    readonly consumerId: string,
    message: string,
    readonly awsCode = 'ChangeFailed',
  ) {
    super(ErrorCode.AwsCallFailed, message);
  }
  toJobError(): JobError {
    return { code: this.awsCode, message: this.userMessage, step: this.consumerId };
  }
}

/** The application was rolled back (automatically, after a failed change); the job reports it as failed. */
export class CutoverRolledBackError extends EfsEncryptError {
  constructor(
    readonly app: string,
    message: string,
  ) {
    super(ErrorCode.AwsCallFailed, message);
  }
  toJobError(): JobError {
    return { code: 'CutoverRolledBack', message: this.userMessage, step: `rollback ${this.app}` };
  }
}
