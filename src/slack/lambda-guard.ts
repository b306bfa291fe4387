import { parse as parseQueryString } from 'node:querystring';
import type { AwsLambdaReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { DEFAULT_BODY_LIMIT_BYTES, refusalOf, type Refusal } from './request-guard.ts';

type LambdaHandler = Awaited<ReturnType<AwsLambdaReceiver['start']>>;
type LambdaEvent = Parameters<LambdaHandler>[0];
type LambdaResult = Awaited<ReturnType<LambdaHandler>>;

/**
 * The request guard (request-guard.ts) on the Lambda Function URL path. Bolt 5.1's
 * AwsLambdaReceiver has the HTTP receiver's gaps and one of its own: it accepts timestamps days
 * ahead, hands a `payload=null` body (or a null `user`) to the app, which throws (a 500 that Slack
 * retries), and lets a body that is not JSON throw out of the handler (the invocation fails, the
 * Function URL answers 502). Here each is a 400 or 401 before Bolt sees the event.
 */
export interface LambdaGuardOptions {
  logger: Logger;
  /** Wall-clock seconds; Slack's timestamps are wall-clock. */
  nowSeconds?: () => number;
  bodyLimitBytes?: number;
}

export function guardLambdaEvents(handler: LambdaHandler, options: LambdaGuardOptions): LambdaHandler {
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  return async (event, context) => {
    const refusal = refuseEvent(event, nowSeconds(), limit);
    if (!refusal) return handler(event, context);
    options.logger.warn(
      { status: refusal.status, path: pathOf(event) },
      `request refused before Bolt: ${refusal.reason}`,
    );
    return { statusCode: refusal.status, body: '' } satisfies LambdaResult;
  };
}

function refuseEvent(event: LambdaEvent, now: number, limit: number): Refusal | undefined {
  // As Bolt reads it (AwsLambdaReceiver.getRawBody), so the checks see the body Bolt will parse.
  const raw =
    event.body == null
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('ascii')
        : event.body;
  if (Buffer.byteLength(raw) > limit)
    return { status: 413, reason: `the body is larger than ${limit} bytes` };
  const contentType = header(event.headers, 'content-type');
  const refusal = refusalOf(
    { timestamp: header(event.headers, 'x-slack-request-timestamp'), contentType },
    raw,
    now,
  );
  if (refusal) return refusal;
  return unparseable(contentType, raw);
}

/** Bolt's Lambda receiver parses before its try: a body it cannot parse must not reach it. */
function unparseable(contentType: string | undefined, raw: string): Refusal | undefined {
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parseQueryString(raw);
      if (typeof form.payload === 'string') JSON.parse(form.payload);
    } else JSON.parse(raw);
    return undefined;
  } catch (e) {
    return { status: 400, reason: `the body does not parse: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Header names are case-insensitive (Function URLs send them in lower case, API Gateway v1 as sent). */
function header(headers: LambdaEvent['headers'], name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : undefined;
}

function pathOf(event: LambdaEvent): string | undefined {
  return 'rawPath' in event ? event.rawPath : 'path' in event ? event.path : undefined;
}
