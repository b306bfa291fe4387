import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { Logger } from 'pino';
import { envelopeProblem } from './payload-envelope.ts';

/**
 * What the HTTP receiver checks before Bolt sees a request. Bolt 5.1 (the current release) has two
 * gaps found by sending it hostile requests:
 * - a signed body whose value is not an object (`payload=null`, a JSON `null`, `42`, `[]`) passes its
 *   parser and then throws inside an async closure nobody awaits (`body.ssl_check` on null): an
 *   unhandled rejection that stopped the whole process, every running job with it;
 * - `verifySlackRequest` refuses timestamps more than five minutes old, but not ones days ahead, so a
 *   request signed for a future time could be replayed until then.
 * - members it dereferences before any listener (a null `user`, `view` or `team`, an `actions`
 *   that is no array) throw inside its own processing: 500, which Slack retries (payload-envelope.ts).
 * Everything else (the signature, the ssl_check and url_verification handshakes) stays Bolt's.
 */
export interface RequestGuardOptions {
  logger: Logger;
  /** Wall-clock seconds; Slack's timestamps are wall-clock, whatever clock the workflows run on. */
  nowSeconds?: () => number;
  /** Largest body accepted, in bytes (Bolt's own default is 10 MB; Slack's payloads are far smaller). */
  bodyLimitBytes?: number;
}

/** Slack's window, both ways: a request more than five minutes from now is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Why a request is refused before Bolt, with the HTTP status that says so. */
export interface Refusal {
  status: 400 | 401 | 413;
  reason: string;
}

/**
 * Wraps Bolt's request listener: buffers the body (Bolt reuses a buffered `rawBody`, so nothing is
 * read twice), refuses what Bolt would mishandle, and hands the rest on unchanged.
 */
export function guardRequests(listener: RequestListener, options: RequestGuardOptions): RequestListener {
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const logger = options.logger;
  return (req, res) => {
    if (req.method !== 'POST') return listener(req, res);
    readBody(req, limit).then(
      (body) => {
        const refusal = body === undefined ? tooLarge(limit) : refuse(req, body, nowSeconds());
        if (refusal) return answer(res, refusal, req, logger);
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        listener(req, res);
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'request body could not be read');
        answer(res, { status: 400, reason: 'the body could not be read' }, req, logger);
      },
    );
  };
}

function tooLarge(limit: number): Refusal {
  return { status: 413, reason: `the body is larger than ${limit} bytes` };
}

function refuse(req: IncomingMessage, body: Buffer, now: number): Refusal | undefined {
  const stamp = req.headers['x-slack-request-timestamp'];
  return refusalOf(
    { timestamp: typeof stamp === 'string' ? stamp : undefined, contentType: req.headers['content-type'] },
    body.toString('utf8'),
    now,
  );
}

/**
 * The checks on one request, whichever receiver it came through (the HTTP server, a Lambda Function
 * URL event): a timestamp within five minutes either way, a body Bolt can handle.
 */
export function refusalOf(
  headers: { timestamp: string | undefined; contentType: string | undefined },
  text: string,
  now: number,
): Refusal | undefined {
  const stamp = headers.timestamp;
  if (typeof stamp === 'string' && stamp !== '') {
    const seconds = Number(stamp);
    if (!Number.isFinite(seconds)) return { status: 401, reason: 'the request timestamp is not a number' };
    if (Math.abs(now - seconds) > MAX_CLOCK_SKEW_SECONDS)
      return {
        status: 401,
        reason: `the request timestamp is ${Math.round(seconds - now)} s from now (more than ${MAX_CLOCK_SKEW_SECONDS} s either way)`,
      };
  }
  return shapeProblem(headers.contentType, text);
}

/**
 * The body parsed as Bolt parses it (form fields, a form `payload` holding JSON, or JSON) must be an
 * object. A body that does not parse at all is left to Bolt, which answers it 400 on its own.
 */
export function shapeProblem(contentType: string | undefined, text: string): Refusal | undefined {
  let parsed: unknown;
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parseQueryString(text);
      if (form.ssl_check === '1') return undefined;
      parsed = typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
    } else parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { status: 400, reason: `the body is ${describe(parsed)}, not an object` };
  // Members Bolt dereferences before our listeners (a null `user`, say) would make it answer 500.
  const problem = envelopeProblem(parsed as Record<string, unknown>);
  return problem === undefined ? undefined : { status: 400, reason: problem };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function answer(res: ServerResponse, refusal: Refusal, req: IncomingMessage, logger: Logger): void {
  logger.warn({ status: refusal.status, path: req.url }, `request refused before Bolt: ${refusal.reason}`);
  if (res.headersSent) return;
  res.writeHead(refusal.status);
  res.end();
}

/** The whole body, or undefined past `limit` bytes (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
