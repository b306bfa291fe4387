import type { BuildStep } from '../../domain/build-plan.ts';
import { AwsStepError, StepBlockedError } from '../step-errors.ts';

/** An AWS call of a build step failed; carries AWS's code and request ID for the record and the Retry button. */
export class BuildStepError extends AwsStepError<BuildStep> {}

/** The build cannot go on for a reason a person must fix first (the key, the twin's state). */
export class BuildBlockedError extends StepBlockedError<BuildStep> {
  constructor(step: BuildStep, reason: string, blockCode = 'BuildBlocked') {
    super(step, reason, blockCode);
  }
}
