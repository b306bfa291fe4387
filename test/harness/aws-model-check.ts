/**
 * Checks raw HTTP answers against AWS's own service models (`aws-models/<service>/service-2.json`):
 * the bar the local estate is held to ("answer like AWS"). The SDK's parsed output cannot show a
 * divergence (it drops members it does not know and coerces types), so this reads the wire.
 *
 * Per protocol it knows how the model is serialised:
 * - `rest-json` (EFS): body members without an HTTP `location`; errors as `x-amzn-errortype` + body.
 * - `json` (KMS, DataSync, Organizations, ECS, Lambda…; CloudWatch's JSON 1.0 query-compatible form):
 *   member names; errors as `__type` (`namespace#Shape` or `Shape`), plus `x-amzn-query-error` for
 *   query-compatible services.
 * - `query` (STS, Auto Scaling): `<OpResponse><OpResult>`, names by `locationName`, lists as `<member>`
 *   (or the member's `locationName`, or repeated when `flattened`), maps as `<entry><key><value>`;
 *   errors as `<ErrorResponse><Error><Type><Code><Message>`.
 * - `ec2`: `<OpResponse>` with `requestId` and the members by `locationName`, lists as `<item>`;
 *   errors as `<Response><Errors><Error><Code><Message>`; EC2's model declares no error shapes, so
 *   codes are checked against EC2_ERROR_CODES (from AWS's "Error codes for the Amazon EC2 API").
 *
 * Every member must exist, enums must hold, required members must be present, types must match.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

interface MemberRef {
  shape: string;
  locationName?: string;
  location?: string;
  timestampFormat?: string;
  flattened?: boolean;
}

interface Shape {
  type: string;
  members?: Record<string, MemberRef>;
  required?: string[];
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  enum?: string[];
  flattened?: boolean;
  timestampFormat?: string;
  payload?: string;
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  exception?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
}

interface Operation {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
}

export interface ServiceModel {
  /** The folder name under aws-models (`efs`, `cloudwatch`). */
  service: string;
  metadata: {
    protocol: string;
    protocols?: string[];
    signingName?: string;
    endpointPrefix: string;
    targetPrefix?: string;
    awsQueryCompatible?: object;
  };
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}

/** One recorded request and its answer, as they crossed the wire. */
export interface Exchange {
  request: { method: string; path: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string };
}

export interface Violation {
  /** `efs:DescribeFileSystems` */
  operation: string;
  /** Where in the answer, e.g. `FileSystems[0].LifeCycleState`. */
  path: string;
  problem: string;
}

/**
 * Error codes any service may answer with (AWS's "Common Errors" for every API, plus the JSON
 * protocols' framing errors), whatever the operation's model lists.
 */
export const COMMON_ERROR_CODES: ReadonlySet<string> = new Set([
  // The query protocols' spelling (STS answers a refused AssumeRole with it; no model declares it).
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredTokenException',
  'IncompleteSignature',
  'InternalFailure',
  'InvalidAction',
  'InvalidClientTokenId',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidQueryParameter',
  'MalformedHttpRequestException',
  'MalformedQueryString',
  'MissingAction',
  'MissingAuthenticationToken',
  'MissingParameter',
  'NotAuthorized',
  'OptInRequired',
  'RequestAbortedException',
  'RequestEntityTooLargeException',
  'RequestExpired',
  'RequestTimeoutException',
  'SerializationException',
  'ServiceUnavailable',
  'ThrottlingException',
  'Throttling',
  'UnknownOperationException',
  'UnrecognizedClientException',
  'ValidationError',
]);

/** EC2's error codes (its model has no error shapes): the ones AWS documents that a read or write here can meet. */
export const EC2_ERROR_CODES: ReadonlySet<string> = new Set([
  'AuthFailure',
  'DryRunOperation',
  'IdempotentParameterMismatch',
  'InternalError',
  'InvalidGroup.NotFound',
  'InvalidGroupId.Malformed',
  'InvalidLaunchTemplateId.Malformed',
  'InvalidLaunchTemplateId.NotFound',
  'InvalidLaunchTemplateId.VersionNotFound',
  'InvalidLaunchTemplateName.AlreadyExistsException',
  'InvalidLaunchTemplateName.MalformedException',
  'InvalidLaunchTemplateName.NotFoundException',
  'InvalidNetworkInterfaceID.NotFound',
  'InvalidPaginationToken',
  'InvalidParameter',
  'InvalidSubnetID.Malformed',
  'InvalidSubnetID.NotFound',
  // CreateLaunchTemplateVersion with user data that is not base64 (AWS's list: "The user data is malformed").
  'InvalidUserData.Malformed',
  'InvalidVpcID.Malformed',
  'InvalidVpcID.NotFound',
  'RequestLimitExceeded',
  'UnauthorizedOperation',
  'Unavailable',
  'UnknownParameter',
  'UnsupportedOperation',
]);

/** Where the models are, relative to the project root: `../shared/aws-models` (CI has it beside the clone). */
export function awsModelsDir(projectRoot: string): string {
  return join(projectRoot, '..', 'shared', 'aws-models');
}

export class AwsModels {
  private readonly bySigningName = new Map<string, ServiceModel>();

  constructor(readonly dir: string) {
    for (const service of readdirSync(dir)) {
      const file = join(dir, service, 'service-2.json');
      if (!existsSync(file)) continue;
      const model = { service, ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<ServiceModel, 'service'>) };
      this.bySigningName.set(model.metadata.signingName ?? model.metadata.endpointPrefix, model);
    }
  }

  /** The model a SigV4-signed request is for (`Credential=…/REGION/SERVICE/aws4_request`). */
  modelFor(request: Exchange['request']): ServiceModel | undefined {
    const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
      request.headers.authorization ?? '',
    );
    return scope ? this.bySigningName.get(scope[1]!) : undefined;
  }

  /** Checks one exchange; an unsigned request or an unknown service is itself a violation. */
  check(exchange: Exchange): Violation[] {
    const model = this.modelFor(exchange.request);
    if (!model) {
      return [
        {
          operation: '?',
          path: '',
          problem: 'request for a service with no model (unsigned or unknown signing name)',
        },
      ];
    }
    const operation = operationOf(model, exchange.request);
    if (!operation) {
      return [
        {
          operation: `${model.service}:?`,
          path: '',
          problem: `no operation of the model matches ${exchange.request.method} ${exchange.request.path}`,
        },
      ];
    }
    return new ResponseChecker(model, operation, exchange).check();
  }
}

/** The operation a request calls: `X-Amz-Target`, the query `Action`, or the REST method and URI. */
export function operationOf(model: ServiceModel, request: Exchange['request']): Operation | undefined {
  const target = request.headers['x-amz-target'];
  if (target) return model.operations[target.split('.').pop()!];
  if (model.metadata.protocol === 'query' || model.metadata.protocol === 'ec2') {
    const action = new URLSearchParams(request.body).get('Action');
    return action ? model.operations[action] : undefined;
  }
  // REST: the matching template with the most literal segments wins (`/file-systems/replication-configurations`
  // over `/file-systems/{FileSystemId}`).
  const path = request.path.replace(/\/$/, '');
  let best: { op: Operation; literals: number } | undefined;
  for (const op of Object.values(model.operations)) {
    if (op.http.method !== request.method) continue;
    const template = op.http.requestUri.split('?')[0]!.replace(/\/$/, '');
    const parts = template.split('/');
    const pattern = parts
      .map((p) => (/^\{.+\+\}$/.test(p) ? '.+' : /^\{.+\}$/.test(p) ? '[^/]+' : escapeRegExp(p)))
      .join('/');
    if (!new RegExp(`^${pattern}$`).test(path)) continue;
    const literals = parts.filter((p) => !p.startsWith('{')).length;
    if (!best || literals > best.literals) best = { op, literals };
  }
  return best?.op;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** JSON 1.x when the answer says so (CloudWatch's models list several protocols; its SDK speaks JSON 1.0). */
function wireProtocol(model: ServiceModel, headers: Record<string, string>): string {
  if (/application\/x-amz-json-1\.[01]/.test(headers['content-type'] ?? '')) return 'json';
  return model.metadata.protocol;
}

const xml = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: true,
  // Every element as a list of its occurrences: a member that repeats where it must not is visible.
  isArray: () => true,
});

/** What each protocol's answers declare themselves as. */
const CONTENT_TYPES: Record<string, RegExp> = {
  'rest-json': /^application\/json\b/,
  json: /^application\/x-amz-json-1\.[01]$/,
  query: /^text\/xml\b/,
  ec2: /^text\/xml\b/,
};

type XmlNode = Record<string, unknown[]> | string;

class ResponseChecker {
  private readonly violations: Violation[] = [];
  private readonly name: string;

  constructor(
    private readonly model: ServiceModel,
    private readonly operation: Operation,
    private readonly exchange: Exchange,
  ) {
    this.name = `${model.service}:${operation.name}`;
  }

  check(): Violation[] {
    const { status, headers, body } = this.exchange.response;
    const protocol = wireProtocol(this.model, headers);
    const contentType = CONTENT_TYPES[protocol];
    if (body && contentType && !contentType.test(headers['content-type'] ?? ''))
      this.fail('', `content-type "${headers['content-type'] ?? ''}" is not the ${protocol} protocol's`);
    if (status >= 300) this.checkError();
    else this.checkOutput();
    return this.violations;
  }

  private fail(path: string, problem: string): void {
    this.violations.push({ operation: this.name, path, problem });
  }

  private shape(name: string): Shape {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`${this.model.service} model has no shape ${name}`);
    return shape;
  }

  // ---- success ----

  private checkOutput(): void {
    const { response } = this.exchange;
    const protocol = wireProtocol(this.model, response.headers);
    const expected = this.operation.http.responseCode ?? 200;
    if (protocol === 'rest-json' && response.status !== expected)
      this.fail('', `HTTP status ${response.status}; the model declares ${expected}`);
    const output = this.operation.output ? this.shape(this.operation.output.shape) : undefined;
    if (protocol === 'rest-json' || protocol === 'json') {
      if (!response.body) {
        if (output && protocol === 'json') this.fail('', 'empty body; JSON protocols answer at least {}');
        if (output) this.checkRequired(output, {}, '', (m) => !m.location);
        return;
      }
      const body = this.parseJson(response.body);
      if (body === undefined) return;
      if (!output) {
        if (typeof body !== 'object' || Object.keys(body as object).length)
          this.fail('', 'the operation has no output, but the body has members');
        return;
      }
      if (output.payload) {
        this.checkJson(body, this.shape(output.members![output.payload]!.shape), output.payload, protocol);
        return;
      }
      this.checkJsonStructure(body, output, '', protocol, (m) => !m.location);
      return;
    }
    if (protocol === 'query') this.checkQueryOutput(output);
    else if (protocol === 'ec2') this.checkEc2Output(output);
    else this.fail('', `protocol ${protocol} is not checked`);
  }

  private parseJson(body: string): unknown {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      this.fail('', 'the body is not JSON');
      return undefined;
    }
  }

  private parseXml(body: string): Record<string, unknown[]> | undefined {
    try {
      return xml.parse(body) as Record<string, unknown[]>;
    } catch {
      this.fail('', 'the body is not XML');
      return undefined;
    }
  }

  private checkQueryOutput(output: Shape | undefined): void {
    const doc = this.parseXml(this.exchange.response.body);
    if (!doc) return;
    const rootName = `${this.operation.name}Response`;
    const root = this.single(doc, rootName, '');
    if (root === undefined) return;
    const rootNode = asXmlObject(root);
    const wrapper = this.operation.output?.resultWrapper;
    for (const key of Object.keys(rootNode)) {
      if (key !== 'ResponseMetadata' && key !== wrapper) this.fail(rootName, `unexpected element <${key}>`);
    }
    if (!this.single(rootNode, 'ResponseMetadata', rootName)) return;
    if (output && wrapper) {
      const result = this.single(rootNode, wrapper, rootName);
      if (result !== undefined) this.checkXml(result, output, wrapper, 'query');
    }
  }

  private checkEc2Output(output: Shape | undefined): void {
    const doc = this.parseXml(this.exchange.response.body);
    if (!doc) return;
    const rootName = `${this.operation.name}Response`;
    const root = this.single(doc, rootName, '');
    if (root === undefined) return;
    const { requestId, ...members } = asXmlObject(root);
    if (!requestId) this.fail(rootName, 'no <requestId>');
    if (output) this.checkXmlStructure(members, output, '', 'ec2');
    else for (const key of Object.keys(members)) this.fail(rootName, `unexpected element <${key}>`);
  }

  /** The one occurrence of `name` in `node`; absent or repeated is a violation. */
  private single(node: Record<string, unknown[]>, name: string, path: string): unknown {
    const occurrences = node[name];
    if (!occurrences || occurrences.length === 0) {
      this.fail(path, `no <${name}>`);
      return undefined;
    }
    if (occurrences.length > 1) this.fail(path, `<${name}> appears ${occurrences.length} times`);
    return occurrences[0];
  }

  // ---- JSON values ----

  private checkJsonStructure(
    value: unknown,
    shape: Shape,
    path: string,
    protocol: string,
    inBody: (m: MemberRef) => boolean = () => true,
  ): void {
    if (!isPlainObject(value)) {
      this.fail(path, `expected an object (structure), got ${describe(value)}`);
      return;
    }
    const members = shape.members ?? {};
    for (const [key, member] of Object.entries(value)) {
      const ref = members[key];
      const at = join2(path, key);
      if (!ref || !inBody(ref)) {
        this.fail(at, 'member not in the model');
        continue;
      }
      if (member === null) continue;
      this.checkJson(member, this.shape(ref.shape), at, protocol, ref.timestampFormat);
    }
    this.checkRequired(shape, value, path, inBody);
  }

  private checkRequired(
    shape: Shape,
    value: Record<string, unknown>,
    path: string,
    inBody: (m: MemberRef) => boolean,
  ): void {
    for (const name of shape.required ?? []) {
      const ref = shape.members?.[name];
      if (ref && inBody(ref) && (value[name] === undefined || value[name] === null))
        this.fail(join2(path, name), 'required member missing');
    }
  }

  private checkJson(value: unknown, shape: Shape, path: string, protocol: string, format?: string): void {
    switch (shape.type) {
      case 'structure':
        return this.checkJsonStructure(value, shape, path, protocol);
      case 'list':
        if (!Array.isArray(value)) return this.fail(path, `expected a list, got ${describe(value)}`);
        value.forEach((v, i) =>
          this.checkJson(v, this.shape(shape.member!.shape), `${path}[${i}]`, protocol),
        );
        return;
      case 'map':
        if (!isPlainObject(value)) return this.fail(path, `expected a map, got ${describe(value)}`);
        for (const [k, v] of Object.entries(value)) {
          this.checkScalar(k, this.shape(shape.key!.shape), `${path}{key}`, 'xml');
          this.checkJson(v, this.shape(shape.value!.shape), `${path}.${k}`, protocol);
        }
        return;
      case 'timestamp': {
        const fmt = format ?? shape.timestampFormat;
        if (fmt === 'iso8601' || fmt === 'rfc822') {
          if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
            this.fail(path, `expected a ${fmt} timestamp, got ${describe(value)}`);
        } else if (typeof value !== 'number' || !Number.isFinite(value)) {
          this.fail(path, `expected epoch seconds (a number), got ${describe(value)}`);
        }
        return;
      }
      default:
        this.checkScalar(value, shape, path, 'json');
    }
  }

  /** Strings, numbers and booleans; `xml` means the value is the element's text. */
  private checkScalar(value: unknown, shape: Shape, path: string, encoding: 'json' | 'xml'): void {
    const text = encoding === 'xml';
    switch (shape.type) {
      case 'string':
        if (typeof value !== 'string') return this.fail(path, `expected a string, got ${describe(value)}`);
        if (shape.enum && !shape.enum.includes(value))
          this.fail(path, `"${value}" is not one of the enum's values (${shape.enum.join(', ')})`);
        if (shape.min !== undefined && value.length < shape.min)
          this.fail(path, `"${value}" is shorter than the model's min length ${shape.min}`);
        if (shape.max !== undefined && value.length > shape.max)
          this.fail(path, `"${value.slice(0, 40)}…" is longer than the model's max length ${shape.max}`);
        if (shape.pattern && !modelPattern(shape.pattern)?.test(value))
          this.fail(path, `"${value}" does not match the model's pattern ${shape.pattern}`);
        return;
      case 'integer':
      case 'long': {
        const n = text && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isInteger(n))
          return this.fail(path, `expected an integer, got ${describe(value)}`);
        if (shape.min !== undefined && n < shape.min)
          this.fail(path, `${n} is below the model's min ${shape.min}`);
        if (shape.max !== undefined && n > shape.max)
          this.fail(path, `${n} is above the model's max ${shape.max}`);
        return;
      }
      case 'float':
      case 'double': {
        const n = text && typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof n !== 'number' || Number.isNaN(n))
          this.fail(path, `expected a number, got ${describe(value)}`);
        return;
      }
      case 'boolean':
        if (text ? value !== 'true' && value !== 'false' : typeof value !== 'boolean')
          this.fail(path, `expected a boolean, got ${describe(value)}`);
        return;
      case 'blob':
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
          this.fail(path, `expected base64 text (blob), got ${describe(value)}`);
        return;
      case 'timestamp':
        if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
          this.fail(path, `expected an ISO 8601 timestamp, got ${describe(value)}`);
        return;
      default:
        this.fail(path, `expected a ${shape.type}, got ${describe(value)}`);
    }
  }

  // ---- XML values (query and ec2) ----

  private xmlName(name: string, ref: MemberRef): string {
    return ref.locationName ?? name;
  }

  private checkXmlStructure(node: XmlNode, shape: Shape, path: string, protocol: string): void {
    const children = asXmlObject(node);
    const members = shape.members ?? {};
    const byWireName = new Map(
      Object.entries(members).map(([name, ref]) => [this.xmlName(name, ref), [name, ref] as const]),
    );
    for (const [wireName, occurrences] of Object.entries(children)) {
      const entry = byWireName.get(wireName);
      const at = join2(path, wireName);
      if (!entry) {
        this.fail(at, 'element not in the model');
        continue;
      }
      const [, ref] = entry;
      const target = this.shape(ref.shape);
      if (target.type === 'list' && (ref.flattened || target.flattened)) {
        occurrences.forEach((v, i) =>
          this.checkXml(v, this.shape(target.member!.shape), `${at}[${i}]`, protocol),
        );
        continue;
      }
      if (occurrences.length > 1) this.fail(at, `appears ${occurrences.length} times`);
      this.checkXml(occurrences[0], target, at, protocol);
    }
    for (const name of shape.required ?? []) {
      const ref = members[name];
      if (ref && !children[this.xmlName(name, ref)])
        this.fail(join2(path, this.xmlName(name, ref)), 'required member missing');
    }
  }

  private checkXml(node: unknown, shape: Shape, path: string, protocol: string): void {
    switch (shape.type) {
      case 'structure':
        if (typeof node === 'string' && node !== '')
          return this.fail(path, `expected elements (structure), got text "${node}"`);
        return this.checkXmlStructure(node as XmlNode, shape, path, protocol);
      case 'list': {
        const children = asXmlObject(node as XmlNode);
        const itemName = shape.member!.locationName ?? 'member';
        for (const key of Object.keys(children)) {
          if (key !== itemName) this.fail(`${path}.${key}`, `list items must be <${itemName}>`);
        }
        (children[itemName] ?? []).forEach((v, i) =>
          this.checkXml(v, this.shape(shape.member!.shape), `${path}[${i}]`, protocol),
        );
        return;
      }
      case 'map': {
        const entries = asXmlObject(node as XmlNode).entry ?? [];
        entries.forEach((e, i) => {
          const entry = asXmlObject(e as XmlNode);
          this.checkXml(entry.key?.[0], this.shape(shape.key!.shape), `${path}[${i}].key`, protocol);
          this.checkXml(entry.value?.[0], this.shape(shape.value!.shape), `${path}[${i}].value`, protocol);
        });
        return;
      }
      default:
        if (typeof node !== 'string') return this.fail(path, `expected text, got elements`);
        this.checkScalar(node, shape, path, 'xml');
    }
  }

  // ---- errors ----

  private checkError(): void {
    const { response } = this.exchange;
    const protocol = wireProtocol(this.model, response.headers);
    let code: string | undefined;
    let members: Record<string, unknown> | undefined;
    if (protocol === 'rest-json' || protocol === 'json') {
      const body = this.parseJson(response.body || '{}');
      if (!isPlainObject(body)) return this.fail('', 'the error body is not a JSON object');
      const header = response.headers['x-amzn-errortype'];
      const type = (
        protocol === 'rest-json' ? (header ?? body.code ?? body.__type) : (body.__type ?? header)
      ) as string | undefined;
      if (!type) return this.fail('', 'the error names no code (no x-amzn-errortype header, no __type)');
      code = type.split(':')[0]!.split('#').pop()!;
      if (protocol === 'rest-json' && body.ErrorCode !== undefined && body.ErrorCode !== code)
        this.fail('ErrorCode', `"${String(body.ErrorCode)}" differs from the x-amzn-errortype code ${code}`);
      const { __type: _t, code: _c, message: _m, Message: _M, ...rest } = body;
      members = rest;
    } else if (protocol === 'query') {
      const doc = this.parseXml(response.body);
      const error =
        doc &&
        asXmlObject(
          this.single(
            asXmlObject(this.single(doc, 'ErrorResponse', '') as XmlNode),
            'Error',
            'ErrorResponse',
          ) as XmlNode,
        );
      const text = error?.Code?.[0];
      if (typeof text !== 'string') return this.fail('ErrorResponse.Error', 'no <Code>');
      const type = error?.Type?.[0];
      if (type !== 'Sender' && type !== 'Receiver')
        this.fail('ErrorResponse.Error.Type', `"${String(type)}" is neither Sender nor Receiver`);
      code = text;
    } else if (protocol === 'ec2') {
      const doc = this.parseXml(response.body);
      const root = doc && asXmlObject(this.single(doc, 'Response', '') as XmlNode);
      const error =
        root &&
        asXmlObject(
          this.single(
            asXmlObject(this.single(root, 'Errors', 'Response') as XmlNode),
            'Error',
            'Response.Errors',
          ) as XmlNode,
        );
      const text = error?.Code?.[0];
      if (typeof text !== 'string') return this.fail('Response.Errors.Error', 'no <Code>');
      if (root && !root.RequestID) this.fail('Response', 'no <RequestID>');
      if (!EC2_ERROR_CODES.has(text) && !COMMON_ERROR_CODES.has(text))
        this.fail('', `error code ${text} is not an EC2 error code`);
      return;
    }
    if (code === undefined) return;
    const shapeName = this.errorShapeName(code, protocol);
    const queryCode = response.headers['x-amzn-query-error']?.split(';')[0];
    if (shapeName) {
      const shape = this.shape(shapeName);
      if (this.model.metadata.awsQueryCompatible && protocol === 'json') {
        const expected = shape.error?.code ?? shapeName;
        if (queryCode !== expected)
          this.fail(
            '',
            `x-amzn-query-error names ${String(queryCode)}; the model's query code for ${shapeName} is ${expected}`,
          );
      }
      const status = shape.error?.httpStatusCode;
      if (status !== undefined && status !== response.status)
        this.fail('', `${code} answered with HTTP ${response.status}; the model declares ${status}`);
      if (members) {
        for (const [key, value] of Object.entries(members)) {
          const ref = shape.members?.[key];
          if (!ref) this.fail(key, `member not in error shape ${shapeName}`);
          else if (value !== null) this.checkJson(value, this.shape(ref.shape), key, protocol);
        }
      }
      return;
    }
    const common = this.model.metadata.awsQueryCompatible && queryCode ? queryCode : code;
    if (!COMMON_ERROR_CODES.has(common))
      this.fail('', `error code ${code} is neither among ${this.operation.name}'s errors nor a common error`);
  }

  /** The operation's error shape the wire code names (query protocols name it by `error.code` when set). */
  private errorShapeName(code: string, protocol: string): string | undefined {
    for (const { shape } of this.operation.errors ?? []) {
      const declared = this.shape(shape).error?.code;
      if (shape === code) return shape;
      if (protocol === 'query' && declared === code) return shape;
    }
    return undefined;
  }
}

const patterns = new Map<string, RegExp | undefined>();

/**
 * The model's patterns are Java regular expressions, matched against the whole value when anchored
 * and anywhere otherwise (as AWS validates them). One JavaScript cannot compile is not checked.
 */
function modelPattern(pattern: string): RegExp | undefined {
  if (!patterns.has(pattern)) {
    let compiled: RegExp | undefined;
    try {
      compiled = new RegExp(pattern, 'u');
    } catch {
      try {
        compiled = new RegExp(pattern);
      } catch {
        compiled = undefined;
      }
    }
    patterns.set(pattern, compiled);
  }
  return patterns.get(pattern) ?? /[\s\S]*/;
}

function asXmlObject(node: unknown): Record<string, unknown[]> {
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown[]>) : {};
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function join2(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** One violation a line, for assertion messages. */
export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `${v.operation} ${v.path || '(answer)'}: ${v.problem}`).join('\n');
}
