/** Web API arguments that arrive as JSON text inside a form body (the SDK encodes them so). */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'files', 'unfurls']);

/**
 * A Web API call's arguments as the bot sent them: a JSON body, or a form body whose structured
 * arguments are JSON text. Shared by the sandbox and the tests' recording Web API, so both read a
 * call the same way.
 */
export function parseWebApiBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.startsWith('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = JSON_FIELDS.has(k) ? jsonOrText(v) : v;
  return out;
}

function jsonOrText(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
