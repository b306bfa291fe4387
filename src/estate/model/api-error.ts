/**
 * An AWS service error as the handlers raise it; each protocol codec renders it in its own wire
 * shape. `code` is the exact error code AWS sends (and the SDK turns into its exception class).
 */
export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number = 400,
    /** query/XML protocols: `Sender` (the caller's fault) or `Receiver`. */
    readonly fault: 'Sender' | 'Receiver' = httpStatus >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}
