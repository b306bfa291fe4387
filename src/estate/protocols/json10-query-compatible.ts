/**
 * AWS JSON 1.0 in its `awsQueryCompatible` form, as CloudWatch speaks it to the SDK v3 client
 * (@aws-sdk/client-cloudwatch 3.1164: `AwsJson1_0Protocol` with `awsQueryCompatible: true`,
 * `serviceTarget: GraniteServiceVersion20100801`; the service model also lists smithy-rpc-v2-cbor,
 * which this client does not send). Requests: `POST /`, `X-Amz-Target: <Prefix>.<Operation>`,
 * `x-amzn-query-mode: true`, JSON bodies with epoch-second timestamps. Errors: `{"__type":
 * "<namespace>#<ShapeName>", "message"}` plus the header `x-amzn-query-error: <QueryCode>;<Sender|Receiver>`,
 * from which the client takes the error code first (its `awsQueryError` trait finds the class).
 */
import type { AwsApiError } from '../model/api-error.ts';
import { Json11Codec } from './json11.ts';
import { toJsonWire, type WireResponse } from './wire.ts';

export interface QueryCompatibleError {
  /** The `__type` the service sends: `<namespace>#<ShapeName>`. */
  type: string;
  /** The member that carries the message (`message` for most shapes, `Message` for some). */
  messageMember?: 'message' | 'Message';
}

/** Requests and outputs as JSON 1.1 has them (another content type); only the errors differ. */
export class Json10QueryCompatibleCodec extends Json11Codec {
  /**
   * @param targetPrefix e.g. `GraniteServiceVersion20100801` for CloudWatch.
   * @param errors the query error code (what `AwsApiError.code` holds, e.g. `InvalidParameterValue`)
   *   to its JSON shape; codes not listed (e.g. `ValidationError`) are sent with `__type` = code.
   */
  constructor(
    targetPrefix: string,
    private readonly errors: Record<string, QueryCompatibleError>,
  ) {
    super(targetPrefix, 'application/x-amz-json-1.0');
  }

  override encodeError(error: AwsApiError, requestId: string): WireResponse {
    const shape = this.errors[error.code];
    return {
      status: error.httpStatus,
      headers: {
        'content-type': this.contentType,
        'x-amzn-requestid': requestId,
        'x-amzn-query-error': `${error.code};${error.fault}`,
      },
      body: JSON.stringify(
        toJsonWire({
          ...error.members,
          __type: shape?.type ?? error.code,
          [shape?.messageMember ?? 'message']: error.message,
        }),
      ),
    };
  }
}
