/**
 * EFS's REST-JSON protocol: operations by method and URI template (from aws-models/efs), input in
 * the path and query string, errors as the `x-amzn-errortype` header plus `{ErrorCode, Message}`.
 */
import { AwsApiError } from '../model/api-error.ts';
import {
  toJsonWire,
  type DecodedCall,
  type ProtocolCodec,
  type WireRequest,
  type WireResponse,
} from './wire.ts';

export interface RestRoute {
  method: string;
  /** A URI template such as `/2015-02-01/file-systems/{FileSystemId}/policy`. */
  uri: string;
  operation: string;
  /** Query members the model types as integers. */
  integers?: string[];
  /** Query members the model types as lists (`?tagKeys=a&tagKeys=b`). */
  lists?: string[];
  /** Query names that differ from the member name (`tagKeys` → `TagKeys`). */
  queryNames?: Record<string, string>;
  /** The success status the model declares (`http.responseCode`); 204 answers with no body. */
  status?: number;
}

interface CompiledRoute extends RestRoute {
  pattern: RegExp;
  labels: string[];
}

export class RestJsonCodec implements ProtocolCodec {
  private readonly routes: CompiledRoute[];

  /**
   * @param errorBody the error document of the service: EFS's is `{ErrorCode, Message}` (the
   * default); Lambda's is `{Type, message}` (see lambda-store.ts).
   */
  constructor(
    routes: RestRoute[],
    private readonly errorBody: (error: AwsApiError) => Record<string, unknown> = (error) => ({
      ...error.members,
      ErrorCode: error.code,
      Message: error.message,
    }),
  ) {
    this.routes = routes.map((r) => {
      const labels: string[] = [];
      const source = r.uri.replace(/\{(\w+)\}/g, (_m, label: string) => {
        labels.push(label);
        return '([^/]+)';
      });
      return { ...r, labels, pattern: new RegExp(`^${source}/?$`) };
    });
  }

  decode(req: WireRequest): DecodedCall {
    for (const route of this.routes) {
      const match = route.method === req.method ? route.pattern.exec(req.path) : null;
      if (!match) continue;
      const input: Record<string, unknown> = {};
      for (const [key, value] of req.query) {
        const member = route.queryNames?.[key] ?? key;
        if (route.lists?.includes(key)) ((input[member] as string[] | undefined) ??= []).push(value);
        else input[member] = route.integers?.includes(key) ? Number(value) : value;
      }
      route.labels.forEach((label, i) => (input[label] = decodeURIComponent(match[i + 1]!)));
      if (req.body) Object.assign(input, JSON.parse(req.body) as Record<string, unknown>);
      return { operation: route.operation, input };
    }
    throw new AwsApiError(
      'UnknownOperationException',
      `The estate does not serve ${req.method} ${req.path}.`,
      404,
    );
  }

  encodeOutput(operation: string, output: unknown, requestId: string): WireResponse {
    const status = this.routes.find((r) => r.operation === operation)?.status ?? 200;
    return {
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
      body: status === 204 ? '' : JSON.stringify(toJsonWire(output ?? {})),
    };
  }

  encodeError(error: AwsApiError, requestId: string): WireResponse {
    return {
      status: error.httpStatus,
      headers: {
        'content-type': 'application/json',
        'x-amzn-errortype': error.code,
        'x-amzn-requestid': requestId,
      },
      body: JSON.stringify(toJsonWire(this.errorBody(error))),
    };
  }
}
