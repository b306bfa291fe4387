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
  ResponseIncomplete: 'efs_encrypt_response_incomplete',
  SlackPayloadIncomplete: 'efs_encrypt_slack_payload_incomplete',
  EventAlreadyExists: 'efs_encrypt_event_already_exists',
  QueryTooLarge: 'efs_encrypt_query_too_large',
  Internal: 'efs_encrypt_internal',
  ClientsConnected: 'efs_encrypt_clients_connected',
  CutoverPlanInvalid: 'efs_encrypt_cutover_plan_invalid',
  ApprovalMismatch: 'efs_encrypt_approval_mismatch',
  CutoverOutOfOrder: 'efs_encrypt_cutover_out_of_order',
  ReasonRequired: 'efs_encrypt_reason_required',
  InvalidChangeTransition: 'efs_encrypt_invalid_change_transition',
  /** The validation report's verdict: the goal is not met (exit code 1 of `efs-encrypt report`). */
  GoalNotMet: 'efs_encrypt_goal_not_met',
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

/**
 * AWS or Slack answered a call successfully but without a field the bot cannot go on without
 * (AssumeRole without credentials, chat.postMessage without a ts). Nothing to fix on our side of
 * the call, so the message says to try again and quote the correlation ID if it persists.
 */
export class ResponseIncompleteError extends EfsEncryptError {
  constructor(
    readonly operation: string,
    readonly missing: string,
    detail?: string,
  ) {
    super(
      ErrorCode.ResponseIncomplete,
      `${operation}${detail ? ` (${detail})` : ''} answered without ${missing}, which efs-encrypt needs. ` +
        'Try again; if it keeps happening, report it with the correlation ID.',
    );
  }
}

/**
 * A signed Slack request lacks what the listener needs (a button click with no channel or message
 * to thread under), so the person is told where the action works instead.
 */
export class SlackPayloadIncompleteError extends EfsEncryptError {
  constructor(
    readonly missing: string,
    remedy: string,
  ) {
    super(ErrorCode.SlackPayloadIncomplete, `Slack sent this action without ${missing}. ${remedy}`);
  }
}

/** An audit event with this ID is already stored: two writers made the same ID, so nothing was recorded. */
export class EventAlreadyExistsError extends EfsEncryptError {
  constructor(
    readonly migrationId: string,
    readonly eventId: string,
  ) {
    super(
      ErrorCode.EventAlreadyExists,
      `Audit event ${eventId} of ${migrationId} already exists, so this change was not recorded. ` +
        'Try again (a new attempt makes a new event ID); if it repeats, report it with the correlation ID.',
    );
  }
}

/** A store query kept paging past its bound: a key that matches far more than it should. */
export class QueryTooLargeError extends EfsEncryptError {
  constructor(
    readonly tableName: string,
    readonly maxPages: number,
  ) {
    super(
      ErrorCode.QueryTooLarge,
      `A query on table ${tableName} returned more than ${maxPages} pages, so it was stopped. ` +
        'This is a bug in efs-encrypt (a query key far too broad); report it with the correlation ID.',
    );
  }
}

/**
 * An invariant of efs-encrypt itself does not hold (a programming or packaging error): nothing a
 * person can fix in their input or settings, so the message says so and what to report.
 */
export class InternalError extends EfsEncryptError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      ErrorCode.Internal,
      `Internal error: ${what}. This is a bug in efs-encrypt; report it with the correlation ID.`,
      options,
    );
  }
}

export function isEfsEncryptError(e: unknown): e is EfsEncryptError {
  return e instanceof EfsEncryptError;
}
