/**
 * The model checker itself: a conforming answer of each protocol passes, and each kind of
 * divergence it exists to catch is reported where it is (so model-conformance.test.ts can fail).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { AwsModels, awsModelsDir, operationOf, type Exchange } from '../harness/aws-model-check.ts';

const MODELS_DIR = awsModelsDir(fileURLToPath(new URL('../..', import.meta.url)));
const modelsPresent = existsSync(join(MODELS_DIR, 'efs', 'service-2.json'));
if (!modelsPresent)
  console.log(`model checker tests skipped: no AWS models at ${MODELS_DIR} (../shared/aws-models)`);

const signed = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260110/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
});

function restJson(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Exchange {
  return {
    request: { method, path, headers: signed('elasticfilesystem'), body: '' },
    response: {
      status,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? '' : JSON.stringify(body),
    },
  };
}

function json11(
  service: string,
  target: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Exchange {
  return {
    request: {
      method: 'POST',
      path: '/',
      headers: { ...signed(service), 'x-amz-target': target },
      body: '{}',
    },
    response: {
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1', ...headers },
      body: JSON.stringify(body),
    },
  };
}

function queryXml(service: string, action: string, status: number, xml: string): Exchange {
  return {
    request: {
      method: 'POST',
      path: '/',
      headers: signed(service),
      body: `Action=${action}&Version=2016-11-15`,
    },
    response: { status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: xml },
  };
}

const FILE_SYSTEM = {
  OwnerId: '111111111111',
  CreationToken: 'twin',
  FileSystemId: 'fs-0a0a0a0a0a0a0a0a1',
  CreationTime: 1735768680,
  LifeCycleState: 'available',
  NumberOfMountTargets: 2,
  SizeInBytes: { Value: 6144 },
  PerformanceMode: 'generalPurpose',
  Encrypted: false,
  Tags: [{ Key: 'Name', Value: 'payments' }],
};
const describeFileSystems = (fs: Record<string, unknown>) =>
  restJson('GET', '/2015-02-01/file-systems', 200, { FileSystems: [fs] });

const SUBNET_XML = (subnet: string, list = 'item') =>
  `<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>` +
  `<subnetSet><${list}>${subnet}</${list}></subnetSet></DescribeSubnetsResponse>`;
const GOOD_SUBNET =
  '<subnetId>subnet-1</subnetId><state>available</state><availableIpAddressCount>250</availableIpAddressCount>' +
  '<mapPublicIpOnLaunch>false</mapPublicIpOnLaunch><tagSet><item><key>Name</key><value>a</value></item></tagSet>';

const CALLER_XML = (
  result: string,
  metadata = '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>',
) =>
  `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>${result}` +
  `</GetCallerIdentityResult>${metadata}</GetCallerIdentityResponse>`;

describe.skipIf(!modelsPresent)('the AWS model checker', () => {
  let models: AwsModels;
  beforeAll(() => {
    models = new AwsModels(MODELS_DIR);
  });
  const problems = (e: Exchange) => models.check(e).map((v) => `${v.path}: ${v.problem}`);

  test('finds the operation of a REST request by method and the most literal URI template', () => {
    const efs = models.modelFor({
      method: 'GET',
      path: '/',
      headers: signed('elasticfilesystem'),
      body: '',
    })!;
    const op = (method: string, path: string) =>
      operationOf(efs, { method, path, headers: {}, body: '' })?.name;
    expect(op('GET', '/2015-02-01/file-systems/replication-configurations')).toBe(
      'DescribeReplicationConfigurations',
    );
    expect(op('PUT', '/2015-02-01/file-systems/fs-1/policy')).toBe('PutFileSystemPolicy');
    expect(op('DELETE', '/2015-02-01/access-points/fsap-1')).toBe('DeleteAccessPoint');
  });

  test('REST-JSON: a conforming answer passes; unknown members, enums, required members and types do not', () => {
    expect(problems(describeFileSystems(FILE_SYSTEM))).toEqual([]);
    expect(problems(describeFileSystems({ ...FILE_SYSTEM, Colour: 'blue' }))).toEqual([
      'FileSystems[0].Colour: member not in the model',
    ]);
    expect(problems(describeFileSystems({ ...FILE_SYSTEM, LifeCycleState: 'ready' }))[0]).toMatch(
      /^FileSystems\[0\]\.LifeCycleState: "ready" is not one of the enum's values \(creating, available/,
    );
    const { OwnerId: _owner, ...withoutOwner } = FILE_SYSTEM;
    expect(problems(describeFileSystems(withoutOwner))).toEqual([
      'FileSystems[0].OwnerId: required member missing',
    ]);
    expect(
      problems(describeFileSystems({ ...FILE_SYSTEM, NumberOfMountTargets: '2', Encrypted: 'false' })),
    ).toEqual([
      'FileSystems[0].NumberOfMountTargets: expected an integer, got string "2"',
      'FileSystems[0].Encrypted: expected a boolean, got string "false"',
    ]);
    expect(problems(describeFileSystems({ ...FILE_SYSTEM, CreationTime: '2025-01-01T21:58:00Z' }))).toEqual([
      'FileSystems[0].CreationTime: expected epoch seconds (a number), got string "2025-01-01T21:58:00Z"',
    ]);
    expect(
      problems(describeFileSystems({ ...FILE_SYSTEM, Tags: [{ Key: 'Name', Value: 'a (b)' }] })),
    ).toEqual([
      `FileSystems[0].Tags[0].Value: "a (b)" does not match the model's pattern ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`,
    ]);
    expect(problems(describeFileSystems({ ...FILE_SYSTEM, CreationToken: '' }))).toEqual([
      `FileSystems[0].CreationToken: "" is shorter than the model's min length 1`,
      `FileSystems[0].CreationToken: "" does not match the model's pattern .+`,
    ]);
    expect(problems(describeFileSystems({ ...FILE_SYSTEM, Tags: { Name: 'payments' } }))).toEqual([
      'FileSystems[0].Tags: expected a list, got an object',
    ]);
  });

  test('REST-JSON: the declared status, the error code among the operation’s errors, its status and members', () => {
    const deleteReplication = (status: number) =>
      restJson('DELETE', '/2015-02-01/file-systems/fs-1/replication-configuration', status, undefined);
    expect(problems(deleteReplication(204))).toEqual([]);
    expect(problems(deleteReplication(200))).toEqual([': HTTP status 200; the model declares 204']);
    const error = (code: string, status: number, body: Record<string, unknown> = {}) =>
      restJson(
        'GET',
        '/2015-02-01/file-systems',
        status,
        { ErrorCode: code, Message: 'm', ...body },
        {
          'x-amzn-errortype': code,
        },
      );
    expect(problems(error('FileSystemNotFound', 404))).toEqual([]);
    expect(problems(error('FileSystemNotFound', 400))).toEqual([
      ': FileSystemNotFound answered with HTTP 400; the model declares 404',
    ]);
    expect(problems(error('NoSuchFileSystem', 404))).toEqual([
      ": error code NoSuchFileSystem is neither among DescribeFileSystems's errors nor a common error",
    ]);
    expect(problems(error('FileSystemNotFound', 404, { FileSystemId: 'fs-1' }))).toEqual([
      'FileSystemId: member not in error shape FileSystemNotFound',
    ]);
    expect(problems(error('ThrottlingException', 429))).toEqual([]);
  });

  test('JSON 1.1: member names, `__type` codes and the content type', () => {
    const listKeys = (body: unknown, headers?: Record<string, string>) =>
      json11('kms', 'TrentService.ListKeys', 200, body, headers);
    expect(
      problems(
        listKeys({
          Keys: [{ KeyId: 'k', KeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k' }],
          Truncated: false,
        }),
      ),
    ).toEqual([]);
    expect(problems(listKeys({ Keys: [{ KeyId: 'k', KeyState: 'Enabled' }] }))).toEqual([
      'Keys[0].KeyState: member not in the model',
    ]);
    expect(problems(listKeys({ Keys: [] }, { 'content-type': 'application/json' }))).toEqual([
      ': content-type "application/json" is not the json protocol\'s',
    ]);
    const describeKeyError = (type: string) =>
      json11('kms', 'TrentService.DescribeKey', 400, { __type: type, message: 'm' });
    expect(problems(describeKeyError('NotFoundException'))).toEqual([]);
    expect(problems(describeKeyError('com.amazonaws.kms#NotFoundException'))).toEqual([]);
    expect(problems(describeKeyError('KeyNotFound'))).toEqual([
      ": error code KeyNotFound is neither among DescribeKey's errors nor a common error",
    ]);
  });

  test('JSON 1.0 query-compatible (CloudWatch): the x-amzn-query-error code must be the model’s query code', () => {
    const error = (queryError: string) => ({
      ...json11('monitoring', 'GraniteServiceVersion20100801.GetMetricData', 400, {
        __type: 'com.amazonaws.cloudwatch#InvalidNextToken',
        message: 'm',
      }),
      response: {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': queryError },
        body: JSON.stringify({ __type: 'com.amazonaws.cloudwatch#InvalidNextToken', message: 'm' }),
      },
    });
    expect(problems(error('InvalidNextToken;Sender'))).toEqual([]);
    expect(problems(error('NextTokenInvalid;Sender'))).toEqual([
      ": x-amzn-query-error names NextTokenInvalid; the model's query code for InvalidNextToken is InvalidNextToken",
    ]);
  });

  test('EC2: locationName elements, <item> lists, scalar text and EC2 error codes', () => {
    expect(problems(queryXml('ec2', 'DescribeSubnets', 200, SUBNET_XML(GOOD_SUBNET)))).toEqual([]);
    expect(problems(queryXml('ec2', 'DescribeSubnets', 200, SUBNET_XML(GOOD_SUBNET, 'member')))).toEqual([
      'subnetSet.member: list items must be <item>',
    ]);
    expect(
      problems(queryXml('ec2', 'DescribeSubnets', 200, SUBNET_XML('<SubnetId>subnet-1</SubnetId>'))),
    ).toEqual(['subnetSet[0].SubnetId: element not in the model']);
    expect(
      problems(
        queryXml(
          'ec2',
          'DescribeSubnets',
          200,
          SUBNET_XML('<mapPublicIpOnLaunch>yes</mapPublicIpOnLaunch><state>up</state>'),
        ),
      ),
    ).toEqual([
      'subnetSet[0].mapPublicIpOnLaunch: expected a boolean, got string "yes"',
      'subnetSet[0].state: "up" is not one of the enum\'s values (pending, available, unavailable, failed, failed-insufficient-capacity)',
    ]);
    const error = (code: string) =>
      `<Response><Errors><Error><Code>${code}</Code><Message>m</Message></Error></Errors><RequestID>r-1</RequestID></Response>`;
    expect(problems(queryXml('ec2', 'DescribeSubnets', 400, error('InvalidSubnetID.NotFound')))).toEqual([]);
    expect(problems(queryXml('ec2', 'DescribeSubnets', 400, error('SubnetNotFound')))).toEqual([
      ': error code SubnetNotFound is not an EC2 error code',
    ]);
  });

  test('query (STS): the Result wrapper, ResponseMetadata, member names and the error framing', () => {
    const good =
      '<UserId>AIDA</UserId><Account>111111111111</Account><Arn>arn:aws:iam::111111111111:user/a</Arn>';
    expect(problems(queryXml('sts', 'GetCallerIdentity', 200, CALLER_XML(good)))).toEqual([]);
    expect(problems(queryXml('sts', 'GetCallerIdentity', 200, CALLER_XML(good, '')))).toEqual([
      'GetCallerIdentityResponse: no <ResponseMetadata>',
    ]);
    expect(
      problems(queryXml('sts', 'GetCallerIdentity', 200, CALLER_XML('<AccountId>1</AccountId>'))),
    ).toEqual(['GetCallerIdentityResult.AccountId: element not in the model']);
    const error = (type: string, code: string) =>
      `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
    expect(problems(queryXml('sts', 'AssumeRole', 403, error('Sender', 'RegionDisabledException')))).toEqual(
      [],
    );
    expect(problems(queryXml('sts', 'AssumeRole', 400, error('Client', 'ValidationError')))).toEqual([
      'ErrorResponse.Error.Type: "Client" is neither Sender nor Receiver',
    ]);
  });

  test('an answer for an operation the model does not have is itself a violation', () => {
    expect(problems(restJson('GET', '/2015-02-01/file-system-things', 200, {}))).toEqual([
      ': no operation of the model matches GET /2015-02-01/file-system-things',
    ]);
  });
});
