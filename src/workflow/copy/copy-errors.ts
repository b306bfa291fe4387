import { AwsStepError, StepBlockedError } from '../step-errors.ts';

/** An AWS call of a copy step failed; carries AWS's code and request ID for the record and the Retry button. */
export class CopyStepError extends AwsStepError {}

/**
 * The copy cannot go on: the network path, a missing twin, a DataSync execution that ended in
 * ERROR, a verification that found differences. `reason` says what to fix.
 */
export class CopyBlockedError extends StepBlockedError {
  constructor(step: string, reason: string, blockCode = 'CopyBlocked') {
    super(step, reason, blockCode);
  }
}
