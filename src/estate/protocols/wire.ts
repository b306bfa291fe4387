/** What every protocol codec reads and writes; the server owns the sockets. */
import { XMLBuilder } from 'fast-xml-parser';
import { AwsApiError } from '../model/api-error.ts';

export interface WireRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An operation name and its input in the SDK's request shape (member names, numbers as numbers). */
export interface DecodedCall {
  operation: string;
  input: Record<string, unknown>;
}

export interface ProtocolCodec {
  decode(req: WireRequest): DecodedCall;
  encodeOutput(operation: string, output: unknown, requestId: string): WireResponse;
  encodeError(error: AwsApiError, requestId: string): WireResponse;
}

/** JSON protocols send timestamps as epoch seconds (`JSON.stringify` would write ISO strings). */
export function toJsonWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJsonWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toJsonWire(v)]),
    );
  }
  return value;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
});

export function buildXml(document: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document) as string}`;
}

/** XML scalars: booleans and numbers as text, timestamps in ISO 8601 (the query protocols' format). */
export function xmlScalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Form bodies of the query protocols (`Filter.1.Value.2=x`) as nested values:
 * numeric segments become array positions (1-based on the wire).
 */
export function parseQueryForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      const slot: string | number = Array.isArray(node) ? Number(part) - 1 : part;
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = value;
      else container[slot] ??= nextIsIndex ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    });
  }
  return root;
}

/**
 * A query-protocol call (STS, EC2): a form-encoded POST naming its `Action`; `Version` is dropped,
 * the other parameters come back as parsed. `service` names the service in the error
 * (`this service`, `EC2`).
 */
export function decodeQueryAction(
  req: WireRequest,
  service: string,
): { action: string; params: Record<string, unknown> } {
  const { Action, Version: _version, ...params } = parseQueryForm(req.body);
  if (req.method !== 'POST' || typeof Action !== 'string') {
    throw new AwsApiError(
      'InvalidAction',
      `The request has no Action; ${service} takes form-encoded POST requests.`,
      400,
    );
  }
  return { action: Action, params };
}

export function header(req: WireRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
