import { clientCheckLine, type ClientCheck } from '../../domain/client-activity.ts';
import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
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

/**
 * A final sync asked for while CloudWatch saw clients connected to the source in the last
 * minutes: nothing was queued. Carries the figures; the person may stop the clients, or confirm
 * again saying they go on anyway (`clientsAcknowledged`).
 */
export class ClientsStillConnectedError extends EfsEncryptError {
  constructor(
    readonly check: ClientCheck & { status: 'active' },
    howToGoOn: string,
  ) {
    super(ErrorCode.ClientsConnected, `${clientCheckLine(check)} Nothing was queued. ${howToGoOn}`);
  }
}
