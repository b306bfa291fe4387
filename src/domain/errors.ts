/**
 * One base error with a stable `code`, a message a person can act on, and the underlying `cause`.
 * Laid out as bolt-js `src/errors.ts` and Powertools' idempotency errors do: one small subclass per
 * failure, so callers branch on `code` (or `instanceof`) and never on message text.
 */
export const ErrorCode = {
  ConfigInvalid: 'efs_encrypt_config_invalid',
  InvalidTransition: 'efs_encrypt_invalid_transition',
  VersionConflict: 'efs_encrypt_version_conflict',
  RecordNotFound: 'efs_encrypt_record_not_found',
  RecordAlreadyExists: 'efs_encrypt_record_already_exists',
  EstateInvalid: 'efs_encrypt_estate_invalid',
  NotImplemented: 'efs_encrypt_not_implemented',
  Unauthorized: 'efs_encrypt_unauthorized',
  BadInput: 'efs_encrypt_bad_input',
  AwsCallFailed: 'efs_encrypt_aws_call_failed',
  SlackApiFailed: 'efs_encrypt_slack_api_failed',
  ClientsConnected: 'efs_encrypt_clients_connected',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class EfsEncryptError extends Error {
  readonly code: ErrorCode;
  /** Safe to show in Slack or a terminal: says what happened and what to fix, no stack, no secrets. */
  readonly userMessage: string;

  constructor(code: ErrorCode, userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.name = new.target.name;
    this.code = code;
    this.userMessage = userMessage;
  }
}

/** A setting is missing or malformed; `problems` holds one line per problem, naming the variable. */
export class ConfigError extends EfsEncryptError {
  constructor(readonly problems: string[]) {
    super(ErrorCode.ConfigInvalid, `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A bad estate file; `problems` holds one `path: message` line per problem. */
export class EstateInvalidError extends EfsEncryptError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      ErrorCode.EstateInvalid,
      `Invalid estate ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** A command or phase whose issue has not landed yet. */
export class NotImplementedError extends EfsEncryptError {
  constructor(what: string) {
    super(ErrorCode.NotImplemented, `${what} is not implemented yet.`);
  }
}

/** Input from a person or a file that cannot be used as given. */
export class BadInputError extends EfsEncryptError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.BadInput, message, options);
  }
}

/** The caller is not allowed to do this (DESIGN.md safety rule 5). */
export class UnauthorizedError extends EfsEncryptError {
  constructor(message: string) {
    super(ErrorCode.Unauthorized, message);
  }
}

export function isEfsEncryptError(e: unknown): e is EfsEncryptError {
  return e instanceof EfsEncryptError;
}
