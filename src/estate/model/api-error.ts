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
    /**
     * Members of the error shape besides the code and message, e.g. `FileSystemAlreadyExists`
     * carries `FileSystemId`: the SDK copies them onto its exception object.
     */
    readonly members: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}
