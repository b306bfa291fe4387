/**
 * One loopback HTTP server for every service: the SigV4 credential scope of each request
 * (`Credential=AKID/date/REGION/SERVICE/aws4_request`) says which service, region and (through
 * the access key) account it is for. Signatures are not verified: this is a test and demo double.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../domain/clock.ts';
import { AwsApiError } from './model/api-error.ts';
import { EstateModel, type CallContext } from './model/estate-model.ts';
import { createServices, type ServiceBinding } from './services.ts';
import { TokenBuckets } from './throttle.ts';
import type { WireRequest, WireResponse } from './protocols/wire.ts';
import type { Estate } from './types.ts';
import { createControl, type EstateControl } from './control.ts';
import type { EstateLimits, EstateTiming } from './timing.ts';

export interface EstateServerOptions {
  estate: Estate;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Added before every answer, for benchmarks. */
  latencyMs?: number;
  /** Calls per second allowed per account, region and operation; unset means no throttling. */
  tps?: number;
  /** Token bucket size; defaults to `tps` (at least 1). */
  burst?: number;
  /**
   * Throttles every Nth call per account, region and operation (2: every other one), whatever the rate:
   * a storm for reliability sweeps that, unlike `tps`, does not depend on how fast the machine is.
   */
  throttleEvery?: number;
  clock?: Clock;
  /** Page size when a caller gives no limit (default 5: smaller than AWS's, so missed pages show). */
  defaultPageSize?: number;
  /** How long asynchronous work takes (file systems becoming available, DataSync phases…); see timing.ts. */
  timing?: Partial<EstateTiming>;
  /** Service quotas the estate enforces (file systems per Region, access points per file system…). */
  limits?: Partial<EstateLimits>;
}

export interface EstateStats {
  calls: number;
  throttles: number;
  /** Calls per `<service>:<Operation>`, e.g. `efs:DescribeFileSystems`. */
  byOperation: Record<string, number>;
  /**
   * Calls per throttling bucket, `<account>/<region>/<service>:<Operation>`: the busiest bucket's
   * calls over `tps` is the least time a caller within the rate limits can take.
   */
  byBucket: Record<string, number>;
  /** When the first and the latest call arrived (epoch ms by the estate's clock); unset before any call. */
  firstCallAt?: number;
  lastCallAt?: number;
}

export interface EstateServer {
  /** `http://127.0.0.1:PORT`: set it as AWS_ENDPOINT_URL or pass it as the clients' `endpoint`. */
  endpoint: string;
  port: number;
  stats(): EstateStats;
  resetStats(): void;
  /** In-process test and demo hooks (time, injected failures, inspection); never on the wire. */
  control: EstateControl;
  close(): Promise<void>;
}

const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

export async function startEstateServer(options: EstateServerOptions): Promise<EstateServer> {
  // Its own wall clock rather than the domain's: the estate imports no code of ours (types only).
  const clock = options.clock ?? { now: () => new Date() };
  const model = new EstateModel(options.estate, {
    clock,
    defaultPageSize: options.defaultPageSize ?? 5,
    ...(options.timing ? { timing: options.timing } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const services = createServices(model);
  const control = createControl(model, services.dataSync, services.ecs.control);
  const buckets =
    options.tps !== undefined
      ? new TokenBuckets({ tps: options.tps, burst: options.burst ?? Math.max(1, options.tps) }, clock)
      : undefined;
  const throttleEvery = options.throttleEvery;
  if (throttleEvery !== undefined && !(Number.isInteger(throttleEvery) && throttleEvery >= 2))
    throw new RangeError(`throttleEvery must be an integer of at least 2, got ${throttleEvery}`);
  const callsByKey = new Map<string, number>();
  let stats: EstateStats = { calls: 0, throttles: 0, byOperation: {}, byBucket: {} };

  async function answer(req: WireRequest): Promise<WireResponse> {
    const arrivedAt = clock.now().getTime();
    const requestId = randomUUID();
    const scope = SCOPE.exec(String(req.headers.authorization ?? ''));
    if (!scope) return unsigned(requestId);
    const [, accessKeyId, region, signingName] = scope as unknown as [string, string, string, string];
    const service = services.bySigningName.get(signingName);
    if (!service) return unknownService(signingName, requestId);
    let operation = '(unknown)';
    try {
      const call = service.codec.decode(req);
      operation = call.operation;
      stats.calls++;
      stats.firstCallAt ??= arrivedAt;
      stats.lastCallAt = arrivedAt;
      const key = `${service.name}:${operation}`;
      stats.byOperation[key] = (stats.byOperation[key] ?? 0) + 1;
      const ctx: CallContext = {
        accountId: services.sts.accountFor(accessKeyId),
        region,
        accessKeyId,
        requestId,
      };
      const bucket = `${ctx.accountId}/${region}/${key}`;
      stats.byBucket[bucket] = (stats.byBucket[bucket] ?? 0) + 1;
      if (options.latencyMs) await delay(options.latencyMs);
      const nth = (callsByKey.get(bucket) ?? 0) + 1;
      callsByKey.set(bucket, nth);
      if ((buckets && !buckets.take(bucket)) || (throttleEvery && nth % throttleEvery === 0)) {
        stats.throttles++;
        throw service.throttling();
      }
      const handler = service.operations[operation];
      if (!handler) throw service.unknownOperation(operation);
      // Whatever became due on the timeline happens before the call sees the state.
      model.settle();
      const injected = model.takeFailure(service.name, operation, ctx.accountId);
      if (injected) throw injected;
      return service.codec.encodeOutput(operation, handler(ctx, call.input as never), requestId);
    } catch (e) {
      return service.codec.encodeError(asApiError(e, service, operation), requestId);
    }
  }

  const server = createServer((req, res) => {
    readRequest(req)
      .then(answer)
      .then((wire) => send(res, wire))
      .catch((e: unknown) =>
        send(res, {
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: `estate failure: ${String(e)}`,
        }),
      );
  });
  // SDK clients keep connections alive; do not let idle sockets hold `close()` open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    control,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = { calls: 0, throttles: 0, byOperation: {}, byBucket: {} };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function asApiError(e: unknown, service: ServiceBinding, operation: string): AwsApiError {
  if (e instanceof AwsApiError) return e;
  if (e instanceof SyntaxError)
    return new AwsApiError('SerializationException', `Malformed request for ${operation}: ${e.message}`, 400);
  return service.internalError(
    `The estate failed on ${operation}: ${e instanceof Error ? e.message : String(e)}`,
  );
}

function unsigned(requestId: string): WireResponse {
  return {
    status: 403,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
    body: JSON.stringify({
      __type: 'MissingAuthenticationTokenException',
      message:
        'The request is not SigV4-signed; the estate reads the service, region and account from the Authorization header. Give the client a region and credentials.',
    }),
  };
}

function unknownService(signingName: string, requestId: string): WireResponse {
  return {
    status: 400,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
    body: JSON.stringify({
      __type: 'UnknownServiceException',
      message: `The estate does not serve "${signingName}".`,
    }),
  };
}

async function readRequest(req: IncomingMessage): Promise<WireRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://estate.local');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

function send(res: ServerResponse, wire: WireResponse): void {
  res.writeHead(wire.status, { ...wire.headers, 'content-length': Buffer.byteLength(wire.body) });
  res.end(wire.body);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
