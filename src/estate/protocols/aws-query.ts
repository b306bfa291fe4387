/**
 * The awsQuery protocol (STS, Auto Scaling): form-encoded `Action=…` requests; XML answers wrapped in
 * `<OpResponse><OpResult>` with member names as they are, lists as `<member>`; errors as `<ErrorResponse>`.
 */
import type { AwsApiError } from '../model/api-error.ts';
import {
  buildXml,
  decodeQueryAction,
  xmlScalar,
  type DecodedCall,
  type ProtocolCodec,
  type WireRequest,
  type WireResponse,
} from './wire.ts';

function responseNode(value: unknown): unknown {
  if (Array.isArray(value)) return { member: value.map(responseNode) };
  if (value instanceof Date || value === null || typeof value !== 'object') return xmlScalar(value);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, responseNode(v)]),
  );
}

/**
 * Request values in the SDK's shape: lists arrive as `Name.member.N` (unwrapped to arrays), and the
 * members named in `integers`/`booleans` (at any depth; list items by the list's name) as numbers and booleans.
 */
function requestValue(key: string, value: unknown, types: RequestTypes): unknown {
  if (Array.isArray(value)) return value.map((v) => requestValue(key, v, types));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === 'member' && Array.isArray(entries[0]![1]))
      return requestValue(key, entries[0]![1], types);
    return Object.fromEntries(entries.map(([k, v]) => [k, requestValue(k, v, types)]));
  }
  if (types.integers.has(key)) return Number(value);
  if (types.booleans.has(key)) return value === 'true';
  return value;
}

interface RequestTypes {
  integers: ReadonlySet<string>;
  booleans: ReadonlySet<string>;
}

export class AwsQueryCodec implements ProtocolCodec {
  private readonly types: RequestTypes;

  /** @param xmlns the service's namespace, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  constructor(
    private readonly xmlns: string,
    integers: ReadonlySet<string> = new Set(),
    booleans: ReadonlySet<string> = new Set(),
  ) {
    this.types = { integers, booleans };
  }

  decode(req: WireRequest): DecodedCall {
    const { action, params } = decodeQueryAction(req, 'this service');
    const input = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, requestValue(k, v, this.types)]),
    );
    return { operation: action, input };
  }

  encodeOutput(operation: string, output: unknown, requestId: string): WireResponse {
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: buildXml({
        [`${operation}Response`]: {
          '@_xmlns': this.xmlns,
          [`${operation}Result`]: responseNode(output),
          ResponseMetadata: { RequestId: requestId },
        },
      }),
    };
  }

  encodeError(error: AwsApiError, requestId: string): WireResponse {
    return {
      status: error.httpStatus,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: buildXml({
        ErrorResponse: {
          '@_xmlns': this.xmlns,
          Error: { Type: error.fault, Code: error.code, Message: error.message },
          RequestId: requestId,
        },
      }),
    };
  }
}
