/** AWS JSON 1.1 (KMS, DataSync): `X-Amz-Target: <Prefix>.<Operation>`, JSON in and out, errors as `{"__type", "message"}`. */
import { AwsApiError } from '../model/api-error.ts';
import {
  header,
  toJsonWire,
  type DecodedCall,
  type ProtocolCodec,
  type WireRequest,
  type WireResponse,
} from './wire.ts';

export class Json11Codec implements ProtocolCodec {
  /**
   * @param targetPrefix e.g. `TrentService` for KMS.
   * @param contentType JSON 1.1 by default; JSON 1.0 services differ only in it (and, for the
   *   query-compatible ones, in their errors: Json10QueryCompatibleCodec).
   */
  constructor(
    private readonly targetPrefix: string,
    protected readonly contentType = 'application/x-amz-json-1.1',
  ) {}

  decode(req: WireRequest): DecodedCall {
    const target = header(req, 'x-amz-target') ?? '';
    const [prefix, operation] = target.split('.');
    if (req.method !== 'POST' || prefix !== this.targetPrefix || !operation) {
      throw new AwsApiError('UnknownOperationException', `Unknown target "${target}".`, 400);
    }
    let input: Record<string, unknown>;
    try {
      input = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    } catch {
      throw new AwsApiError('SerializationException', 'The request body is not valid JSON.', 400);
    }
    return { operation, input };
  }

  encodeOutput(_operation: string, output: unknown, requestId: string): WireResponse {
    return {
      status: 200,
      headers: { 'content-type': this.contentType, 'x-amzn-requestid': requestId },
      body: JSON.stringify(toJsonWire(output ?? {})),
    };
  }

  encodeError(error: AwsApiError, requestId: string): WireResponse {
    return {
      status: error.httpStatus,
      headers: { 'content-type': this.contentType, 'x-amzn-requestid': requestId },
      body: JSON.stringify(toJsonWire({ ...error.members, __type: error.code, message: error.message })),
    };
  }
}
