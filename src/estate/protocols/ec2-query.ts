/**
 * The EC2 query protocol: form-encoded `Action=…` requests; XML answers whose element names are
 * the model's lowerCamel `locationName`s, lists as `<item>`; errors as `<Response><Errors>`.
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

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** Wire names of list members in requests (`SubnetId.1`) to the SDK's member names (`SubnetIds`). */
const REQUEST_NAMES: Record<string, string> = {
  SubnetId: 'SubnetIds',
  VpcId: 'VpcIds',
  GroupId: 'GroupIds',
  GroupName: 'GroupNames',
  NetworkInterfaceId: 'NetworkInterfaceIds',
  Filter: 'Filters',
  Value: 'Values',
};
const REQUEST_INTEGERS = new Set(['MaxResults']);
const REQUEST_BOOLEANS = new Set(['DryRun']);

/**
 * Response element names that are not simply the member name in lowerCamel case, read from the
 * `locationName`s of aws-models/ec2 for every shape the estate returns. Keyed by member, or by
 * `<list member>/<member>` where one shape differs from the others.
 */
const RESPONSE_NAMES: Record<string, string> = {
  Subnets: 'subnetSet',
  Vpcs: 'vpcSet',
  SecurityGroups: 'securityGroupInfo',
  NetworkInterfaces: 'networkInterfaceSet',
  'NetworkInterfaces/Groups': 'groupSet',
  Tags: 'tagSet',
  UserIdGroupPairs: 'groups',
  'SecurityGroups/Description': 'groupDescription',
};

function requestValue(key: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => requestValue('', v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [REQUEST_NAMES[k] ?? k, requestValue(k, v)]),
    );
  }
  if (REQUEST_INTEGERS.has(key)) return Number(value);
  if (REQUEST_BOOLEANS.has(key)) return value === 'true';
  return value;
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** `context` is the member that holds this object (for list items, the list's member). */
function responseNode(value: unknown, context: string): unknown {
  if (Array.isArray(value)) return { item: value.map((v) => responseNode(v, context)) };
  if (value instanceof Date || value === null || typeof value !== 'object') return xmlScalar(value);
  const node: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    const name = RESPONSE_NAMES[`${context}/${key}`] ?? RESPONSE_NAMES[key] ?? lowerCamel(key);
    node[name] = responseNode(member, key);
  }
  return node;
}

export class Ec2QueryCodec implements ProtocolCodec {
  decode(req: WireRequest): DecodedCall {
    const { action, params } = decodeQueryAction(req, 'EC2');
    const input = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [REQUEST_NAMES[k] ?? k, requestValue(k, v)]),
    );
    return { operation: action, input };
  }

  encodeOutput(operation: string, output: unknown, requestId: string): WireResponse {
    const body = responseNode(output, operation) as Record<string, unknown>;
    return {
      status: 200,
      headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
      body: buildXml({ [`${operation}Response`]: { '@_xmlns': XMLNS, requestId, ...body } }),
    };
  }

  encodeError(error: AwsApiError, requestId: string): WireResponse {
    return {
      status: error.httpStatus,
      headers: { 'content-type': 'text/xml;charset=UTF-8' },
      body: buildXml({
        Response: { Errors: { Error: { Code: error.code, Message: error.message } }, RequestID: requestId },
      }),
    };
  }
}
