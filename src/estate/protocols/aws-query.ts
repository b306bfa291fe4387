/**
 * The awsQuery protocol (STS): form-encoded `Action=…` requests; XML answers wrapped in
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

export class AwsQueryCodec implements ProtocolCodec {
  /** @param xmlns the service's namespace, e.g. `https://sts.amazonaws.com/doc/2011-06-15/`. */
  constructor(
    private readonly xmlns: string,
    private readonly integers: ReadonlySet<string> = new Set(),
  ) {}

  decode(req: WireRequest): DecodedCall {
    const { action, params } = decodeQueryAction(req, 'this service');
    const input = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, this.integers.has(k) ? Number(v) : v]),
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
