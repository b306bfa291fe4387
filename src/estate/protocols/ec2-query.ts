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
  // ModifyLaunchTemplate's DefaultVersion travels as SetDefaultVersion (its queryName).
  SetDefaultVersion: 'DefaultVersion',
};
/**
 * Wire names that are a list only in some requests (`LaunchTemplateId.1` in DescribeLaunchTemplates,
 * a plain `LaunchTemplateId` in DescribeLaunchTemplateVersions), renamed only when they carry a list;
 * `<parent>/<name>` where one shape differs (a launch template network interface's `SecurityGroupId.N`
 * is its `Groups`). From the `locationName`s of aws-models/ec2.
 */
const LIST_REQUEST_NAMES: Record<string, string> = {
  LaunchTemplateId: 'LaunchTemplateIds',
  LaunchTemplateName: 'LaunchTemplateNames',
  LaunchTemplateVersion: 'Versions',
  BlockDeviceMapping: 'BlockDeviceMappings',
  NetworkInterface: 'NetworkInterfaces',
  TagSpecification: 'TagSpecifications',
  Tag: 'Tags',
  SecurityGroupId: 'SecurityGroupIds',
  SecurityGroup: 'SecurityGroups',
  ElasticGpuSpecification: 'ElasticGpuSpecifications',
  ElasticInferenceAccelerator: 'ElasticInferenceAccelerators',
  LicenseSpecification: 'LicenseSpecifications',
  SecondaryInterface: 'SecondaryInterfaces',
  'NetworkInterface/SecurityGroupId': 'Groups',
};
const REQUEST_INTEGERS = new Set([
  'MaxResults',
  // RequestLaunchTemplateData
  'VolumeSize',
  'Iops',
  'Throughput',
  'HttpPutResponseHopLimit',
  'DeviceIndex',
  'NetworkCardIndex',
  'Ipv6AddressCount',
  'SecondaryPrivateIpAddressCount',
  'CoreCount',
  'ThreadsPerCore',
  'PartitionNumber',
]);
const REQUEST_BOOLEANS = new Set([
  'DryRun',
  'ResolveAlias',
  'IncludeManagedResources',
  // RequestLaunchTemplateData
  'EbsOptimized',
  'DisableApiTermination',
  'DisableApiStop',
  'Enabled',
  'Configured',
  'Encrypted',
  'DeleteOnTermination',
  'AssociatePublicIpAddress',
  'AssociateCarrierIpAddress',
]);

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
  // Launch templates (LaunchTemplateVersion, ResponseLaunchTemplateData).
  LaunchTemplateVersions: 'launchTemplateVersionSet',
  'LaunchTemplateData/SecurityGroups': 'securityGroupSet',
  SecurityGroupIds: 'securityGroupIdSet',
  BlockDeviceMappings: 'blockDeviceMappingSet',
  TagSpecifications: 'tagSpecificationSet',
  ElasticGpuSpecifications: 'elasticGpuSpecificationSet',
  ElasticInferenceAccelerators: 'elasticInferenceAcceleratorSet',
  LicenseSpecifications: 'licenseSet',
  SecondaryInterfaces: 'secondaryInterfaceSet',
  'NetworkInterfaces/Ipv6Addresses': 'ipv6AddressesSet',
  'NetworkInterfaces/PrivateIpAddresses': 'privateIpAddressesSet',
  Errors: 'errorSet',
};

function requestName(key: string, value: unknown, parent: string): string {
  if (Array.isArray(value)) {
    const listName = LIST_REQUEST_NAMES[`${parent}/${key}`] ?? LIST_REQUEST_NAMES[key];
    if (listName) return listName;
  }
  return REQUEST_NAMES[key] ?? key;
}

/** `key` is the wire name of the member holding `value` (for list items, the list's). */
function requestValue(key: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => requestValue(key, v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [requestName(k, v, key), requestValue(k, v)]),
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
      Object.entries(params).map(([k, v]) => [requestName(k, v, ''), requestValue(k, v)]),
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
