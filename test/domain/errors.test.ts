import { describe, expect, it } from 'vitest';
import type { EfsEncryptError } from '../../src/domain/errors.ts';
import {
  ErrorCode,
  EventAlreadyExistsError,
  InternalError,
  QueryTooLargeError,
  ResponseIncompleteError,
  SlackPayloadIncompleteError,
  isEfsEncryptError,
} from '../../src/domain/errors.ts';

describe('ErrorCode', () => {
  it('is the stable list callers, logs and recorded job errors rely on: no code renamed or dropped', () => {
    // Changing a value here breaks whoever branches on it (and stored job errors): add, never rename.
    expect(ErrorCode).toEqual({
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
      GoalNotMet: 'efs_encrypt_goal_not_met',
    });
  });

  it('gives every failure its own code, all in one namespace', () => {
    const codes = Object.values(ErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^efs_encrypt_[a-z_]+$/);
  });
});

describe('the coded errors', () => {
  const cause = new Error('the underlying failure');
  const cases: [string, EfsEncryptError, ErrorCode, RegExp][] = [
    [
      'ResponseIncompleteError',
      new ResponseIncompleteError('sts:AssumeRole', 'credentials', 'arn:aws:iam::111122223333:role/R'),
      ErrorCode.ResponseIncomplete,
      /^sts:AssumeRole \(arn:aws:iam::111122223333:role\/R\) answered without credentials, .*Try again/,
    ],
    [
      'SlackPayloadIncompleteError',
      new SlackPayloadIncompleteError('a channel', 'Press the button in the channel.'),
      ErrorCode.SlackPayloadIncomplete,
      /^Slack sent this action without a channel\. Press the button in the channel\.$/,
    ],
    [
      'EventAlreadyExistsError',
      new EventAlreadyExistsError('FS#1#r#fs-1', 'e-1'),
      ErrorCode.EventAlreadyExists,
      /^Audit event e-1 of FS#1#r#fs-1 already exists, so this change was not recorded\. Try again/,
    ],
    [
      'QueryTooLargeError',
      new QueryTooLargeError('efs-encrypt', 3),
      ErrorCode.QueryTooLarge,
      /^A query on table efs-encrypt returned more than 3 pages.*report it with the correlation ID\.$/,
    ],
    [
      'InternalError',
      new InternalError('an invariant broke', { cause }),
      ErrorCode.Internal,
      /^Internal error: an invariant broke\. This is a bug in efs-encrypt; report it/,
    ],
  ];

  it.each(cases)(
    '%s has its code, its class name and a message that says what to do',
    (name, e, code, text) => {
      expect(isEfsEncryptError(e)).toBe(true);
      expect(e.code).toBe(code);
      expect(e.name).toBe(name);
      expect(e.userMessage).toMatch(text);
      expect(e.message).toBe(e.userMessage);
    },
  );

  it('keeps the cause it was given', () => {
    expect(new InternalError('x', { cause }).cause).toBe(cause);
  });
});
