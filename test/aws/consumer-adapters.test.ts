import { gzipSync } from 'node:zlib';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type DescribeServicesCommandInput,
} from '@aws-sdk/client-ecs';
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SdkEcsClient } from '../../src/aws/ecs.ts';
import { decodeUserData, SdkLaunchTemplateClient } from '../../src/aws/launch-templates.ts';

/** What the consumer adapters send, checked against AWS's models (aws-models/ecs, ec2). */
const config = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const ecsMock = mockClient(ECSClient);
const ec2Mock = mockClient(EC2Client);
afterEach(() => {
  ecsMock.reset();
  ec2Mock.reset();
});

describe('SdkEcsClient', () => {
  it('describes services 10 at a time (the model’s maximum), with their tags', async () => {
    ecsMock.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommandInput) => ({
      services: (input.services ?? []).map((s) => ({ serviceArn: s })),
    }));
    const arns = Array.from({ length: 25 }, (_, i) => `arn:aws:ecs:eu-west-1:1:service/c/s${i}`);
    const services = await new SdkEcsClient(new ECSClient(config)).describeServices('c', arns);
    expect(services.map((s) => s.serviceArn)).toEqual(arns);
    const calls = ecsMock.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.services?.length)).toEqual([10, 10, 5]);
    expect(calls.every((c) => c.include?.[0] === 'TAGS' && c.cluster === 'c')).toBe(true);
  });

  it('describes each task definition once, and asks again after a failure', async () => {
    ecsMock
      .on(DescribeTaskDefinitionCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({
        taskDefinition: { taskDefinitionArn: 'td:1', volumes: [] },
        tags: [{ key: 'app', value: 'x' }],
      });
    const ecs = new SdkEcsClient(new ECSClient(config));
    await expect(ecs.describeTaskDefinition('td:1')).rejects.toThrow('slow down');
    const [a, b] = await Promise.all([
      ecs.describeTaskDefinition('td:1'),
      ecs.describeTaskDefinition('td:1'),
    ]);
    expect(a).toEqual({
      taskDefinition: { taskDefinitionArn: 'td:1', volumes: [] },
      tags: [{ key: 'app', value: 'x' }],
    });
    expect(b).toBe(a);
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)[1]!.args[0].input.include).toEqual(['TAGS']);
  });
});

describe('launch template user data', () => {
  it('decodes base64, and gzip-compressed base64 as cloud-init accepts it', () => {
    const script = '#!/bin/bash\nmount -t efs fs-0a1:/ /mnt\n';
    expect(decodeUserData(Buffer.from(script).toString('base64'))).toBe(script);
    expect(decodeUserData(gzipSync(Buffer.from(script)).toString('base64'))).toBe(script);
    expect(decodeUserData(undefined)).toBe('');
  });

  it('asks for versions by alias without MaxResults (EC2 refuses both together)', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [
        { VersionNumber: 2, LaunchTemplateData: { UserData: Buffer.from('echo 2').toString('base64') } },
      ],
    });
    const versions = await new SdkLaunchTemplateClient(new EC2Client(config)).launchTemplateVersions('lt-1', [
      '$Default',
      '$Latest',
    ]);
    expect(versions).toEqual([{ versionNumber: 2, userData: 'echo 2' }]);
    const input = ec2Mock.commandCalls(DescribeLaunchTemplateVersionsCommand)[0]!.args[0].input;
    expect(input).toEqual({ LaunchTemplateId: 'lt-1', Versions: ['$Default', '$Latest'] });
  });
});
