/**
 * CPU per SDK call without the network (issue 19): EFS and EC2 clients configured as the scan makes
 * them (one per account and Region, adaptive retries, cached middleware, each account's own
 * credentials) answer from a request handler that returns canned wire responses at once, so what is
 * measured is the SDK's own work per call (middleware, serialisation, signing, parsing, errors) and
 * what src/aws adds to it. The call mix is the scan's: per file system its lifecycle, backup policy
 * and file system policy (the policies mostly absent: an error answer), and its mount targets; per
 * Region some DescribeNetworkInterfaces. A steadier figure than the whole command on a busy machine.
 *
 *   node --import tsx bench/sdk-call-cost.ts [calls] [sdk|signer|fast|lean]
 *   (signer: the signer reuse of src/aws only; fast: and the configuration back in fast mode,
 *   src/aws/fast-properties.ts; lean: all src/aws applies, also the settings looked up once per
 *   process, src/aws/shared-config-loaders.ts)
 */
import {
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { HttpRequest } from '@smithy/types';
import { Readable } from 'node:stream';
import { compactClientConfig } from '../src/aws/fast-properties.ts';
import { reuseSigner } from '../src/aws/reused-signer.ts';
import { sharedConfigLoaders } from '../src/aws/shared-config-loaders.ts';
import { GENERATED_REGIONS } from '../src/estate/index.ts';

const CALLS = Number(process.argv[2] ?? 9000);
const MODE = process.argv[3] ?? 'sdk';
const REUSE_SIGNER = MODE === 'signer' || MODE === 'lean';
const FAST_CONFIG = MODE === 'lean' || MODE === 'fast';
const SHARED_LOADERS = MODE === 'lean';
const ACCOUNTS = 5;
const REGIONS = GENERATED_REGIONS.slice(0, 20);
const IN_FLIGHT = 100;

const mountTargets = JSON.stringify({
  MountTargets: [
    {
      MountTargetId: 'fsmt-0123456789abcdef0',
      FileSystemId: 'fs-0123456789abcdef0',
      SubnetId: 'subnet-0123456789abcdef0',
      LifeCycleState: 'available',
      IpAddress: '10.0.0.12',
      NetworkInterfaceId: 'eni-0123456789abcdef0',
      AvailabilityZoneId: 'use1-az1',
      AvailabilityZoneName: 'us-east-1a',
      VpcId: 'vpc-0123456789abcdef0',
      OwnerId: '123456789012',
    },
  ],
});
const networkInterfaces =
  '<DescribeNetworkInterfacesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>' +
  '<networkInterfaceSet><item><networkInterfaceId>eni-0123456789abcdef0</networkInterfaceId><groupSet><item>' +
  '<groupId>sg-0123456789abcdef0</groupId><groupName>efs</groupName></item></groupSet></item></networkInterfaceSet>' +
  '</DescribeNetworkInterfacesResponse>';

function answer(request: HttpRequest): { status: number; type: string; body: string } {
  if (request.hostname.startsWith('ec2')) return { status: 200, type: 'text/xml', body: networkInterfaces };
  if (request.path.endsWith('/lifecycle-configuration'))
    return {
      status: 200,
      type: 'application/json',
      body: '{"LifecyclePolicies":[{"TransitionToIA":"AFTER_30_DAYS"}]}',
    };
  if (request.path.endsWith('/policy') || request.path.endsWith('/backup-policy'))
    return {
      status: 404,
      type: 'application/json',
      body: '{"ErrorCode":"PolicyNotFound","Message":"No policy is set."}',
    };
  return { status: 200, type: 'application/json', body: mountTargets };
}

const requestHandler = {
  async handle(request: HttpRequest) {
    const { status, type, body } = answer(request);
    return {
      response: {
        statusCode: status,
        headers: {
          'content-type': type,
          'x-amzn-requestid': 'r',
          ...(status === 404 ? { 'x-amzn-errortype': 'PolicyNotFound' } : {}),
        },
        body: Readable.from([Buffer.from(body)]),
      },
    };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs: () => ({}),
};

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const started = cpuMs();
const pairs = Array.from({ length: ACCOUNTS * REGIONS.length }, (_, i) => {
  const config = {
    region: REGIONS[i % REGIONS.length]!,
    retryMode: 'adaptive',
    cacheMiddleware: true,
    maxAttempts: 8,
    credentials: { accessKeyId: `AKIAACCOUNT${Math.floor(i / REGIONS.length)}`, secretAccessKey: 'secret' },
    requestHandler,
    ...(SHARED_LOADERS ? sharedConfigLoaders() : {}),
  };
  const clients = { efs: new EFSClient(config), ec2: new EC2Client(config) };
  for (const c of [clients.efs, clients.ec2]) {
    if (REUSE_SIGNER) reuseSigner(c);
    if (FAST_CONFIG) compactClientConfig(c);
  }
  return clients;
});
const calls = [
  (p: (typeof pairs)[number]) =>
    p.efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: 'fs-0123456789abcdef0' })),
  (p: (typeof pairs)[number]) =>
    p.efs
      .send(new DescribeBackupPolicyCommand({ FileSystemId: 'fs-0123456789abcdef0' }))
      .catch(() => undefined),
  (p: (typeof pairs)[number]) =>
    p.efs
      .send(new DescribeFileSystemPolicyCommand({ FileSystemId: 'fs-0123456789abcdef0' }))
      .catch(() => undefined),
  (p: (typeof pairs)[number]) =>
    p.efs.send(new DescribeMountTargetsCommand({ FileSystemId: 'fs-0123456789abcdef0', MaxItems: 100 })),
  (p: (typeof pairs)[number]) =>
    p.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0123456789abcdef0'] })),
];
let next = 0;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    for (let i = next++; i < CALLS; i = next++)
      await calls[i % calls.length]!(pairs[(i * 7) % pairs.length]!);
  }),
);
const used = cpuMs() - started;
console.log(
  `${MODE.padEnd(6)} ${CALLS} calls over ${pairs.length} client pairs: ${(used / CALLS).toFixed(3)} ms CPU per call`,
);
