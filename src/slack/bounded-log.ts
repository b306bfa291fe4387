import { pino, type Logger } from 'pino';

/**
 * Log lines stay small whatever a person sends. A slash command's text can be a megabyte, and an
 * error from the Web API carries the request it failed to send (the same text again, in several
 * fields): one failure once made a 4 MB log line. Every `text` and `err` field of the Slack logs goes
 * through these serializers: strings are cut with their length said, nested objects too large to
 * read are replaced by their size.
 */
export const LOG_TEXT_MAX = 500;
export const LOG_FIELD_MAX = 2_000;

/** `abc…` with the original length, so the log says what was cut. */
export function boundedText(value: unknown, max = LOG_TEXT_MAX): unknown {
  if (typeof value !== 'string' || value.length <= max) return value;
  return `${value.slice(0, max)}… (${value.length} chars)`;
}

function boundedValue(value: unknown): unknown {
  if (typeof value === 'string') return boundedText(value, LOG_FIELD_MAX);
  if (value === null || typeof value !== 'object') return value;
  let size: number;
  try {
    size = JSON.stringify(value)?.length ?? 0;
  } catch {
    return '[unserialisable]';
  }
  return size <= LOG_FIELD_MAX ? value : `[omitted: ${size} chars]`;
}

/** pino's error serializer (type, message, stack, cause, own fields), each field bounded. */
export function boundedError(err: unknown): unknown {
  if (!(err instanceof Error)) return boundedValue(err);
  const plain = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, boundedValue(v)]));
}

/** A child of `logger` whose `text` and `err` fields are bounded; adds no binding of its own. */
export function boundedLogger(logger: Logger): Logger {
  return logger.child({}, { serializers: { text: boundedText, err: boundedError } });
}
