import type { TaskDefinition } from '@aws-sdk/client-ecs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CutoverPlanError } from '../../src/domain/cutover-calls.ts';
import {
  TASK_DEFINITION_READ_ONLY,
  planEcsServiceChange,
  rewriteTaskDefinition,
} from '../../src/domain/cutover-ecs.ts';
import type { EcsServiceConsumer } from '../../src/domain/consumers.ts';
import { AP_SOURCE, AP_TWIN, AP_UNCOPIED, SOURCE, TWIN, mapping } from '../fixtures/cutover.ts';

const ARN = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/web:7';

/** Typed with the SDK's own type: the domain's structural type must accept what ECS returns. */
const described = {
  taskDefinitionArn: ARN,
  family: 'web',
  revision: 7,
  status: 'ACTIVE',
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.efsAuth' }],
  compatibilities: ['EC2', 'FARGATE'],
  registeredAt: new Date('2026-01-01T00:00:00Z'),
  registeredBy: 'arn:aws:iam::111111111111:role/deployer',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  containerDefinitions: [
    { name: 'app', image: 'nginx', mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] },
  ],
  volumes: [
    {
      name: 'data',
      efsVolumeConfiguration: {
        fileSystemId: SOURCE,
        rootDirectory: '/',
        transitEncryption: 'ENABLED',
        transitEncryptionPort: 2999,
        authorizationConfig: { accessPointId: AP_SOURCE, iam: 'ENABLED' },
      },
    },
    { name: 'other', efsVolumeConfiguration: { fileSystemId: 'fs-0999999999999999a' } },
    { name: 'scratch', host: { sourcePath: '/tmp' } },
  ],
} satisfies TaskDefinition;

describe('rewriteTaskDefinition', () => {
  it('accepts what the SDK returns, typed as the SDK types it', () => {
    const fromSdk: TaskDefinition = described;
    expect(
      rewriteTaskDefinition(fromSdk, undefined, mapping).input.volumes?.[0]?.efsVolumeConfiguration
        ?.fileSystemId,
    ).toBe(TWIN);
  });

  it('drops the read-only members, maps file system and access point, keeps every other member', () => {
    const tags = [
      { key: 'app', value: 'web' },
      { key: 'aws:cloudformation:stack-name', value: 's' },
      { key: 'AWS:x', value: 'y' },
    ];
    const { input, differs } = rewriteTaskDefinition(described, tags, mapping);
    for (const key of TASK_DEFINITION_READ_ONLY) expect(input).not.toHaveProperty(key);
    expect(input.volumes?.[0]).toEqual({
      name: 'data',
      efsVolumeConfiguration: {
        fileSystemId: TWIN,
        rootDirectory: '/',
        transitEncryption: 'ENABLED',
        transitEncryptionPort: 2999,
        authorizationConfig: { accessPointId: AP_TWIN, iam: 'ENABLED' },
      },
    });
    expect(input.volumes?.slice(1)).toEqual(described.volumes.slice(1));
    expect(input.tags).toEqual([{ key: 'app', value: 'web' }]);
    expect(input.containerDefinitions).toBe(described.containerDefinitions);
    expect(input).toMatchObject({ family: 'web', cpu: '256', memory: '512', networkMode: 'awsvpc' });
    expect(differs.map((d) => d.subject)).toEqual([
      `${ARN} volume "data" fileSystemId`,
      `${ARN} volume "data" accessPointId`,
      `${ARN} tag aws:cloudformation:stack-name`,
      `${ARN} tag AWS:x`,
    ]);
  });

  it.each([
    ['an access point', { accessPointId: AP_SOURCE }, undefined],
    ['IAM authorisation', { iam: 'ENABLED' }, 'DISABLED'],
  ])('forces transit encryption on with %s, and says so', (_what, authorizationConfig, transit) => {
    const td = {
      family: 'job',
      volumes: [
        {
          name: 'v',
          efsVolumeConfiguration: {
            fileSystemId: SOURCE,
            authorizationConfig,
            ...(transit ? { transitEncryption: transit } : {}),
          },
        },
      ],
    };
    const { input, differs } = rewriteTaskDefinition(td, undefined, mapping);
    expect(input.volumes?.[0]?.efsVolumeConfiguration?.transitEncryption).toBe('ENABLED');
    expect(differs.find((d) => d.subject.endsWith('transitEncryption'))?.change).toBe(
      `${transit ?? 'unset (DISABLED)'} → ENABLED`,
    );
  });

  it('keeps transit encryption as it was when neither an access point nor IAM is used', () => {
    const td = { family: 'job', volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: SOURCE } }] };
    const { input } = rewriteTaskDefinition(td, undefined, mapping);
    expect(input.volumes?.[0]?.efsVolumeConfiguration).toEqual({ fileSystemId: TWIN });
  });

  it('refuses an access point the build did not copy, naming it', () => {
    const td = {
      family: 'job',
      volumes: [
        {
          name: 'v',
          efsVolumeConfiguration: {
            fileSystemId: SOURCE,
            authorizationConfig: { accessPointId: AP_UNCOPIED },
          },
        },
      ],
    };
    expect(() => rewriteTaskDefinition(td, undefined, mapping)).toThrow(CutoverPlanError);
    expect(() => rewriteTaskDefinition(td, undefined, mapping)).toThrow(
      new RegExp(`volume "v" uses access point ${AP_UNCOPIED} .* did not copy`),
    );
  });

  it('refuses a revision that no longer mounts the source, and a build without a twin', () => {
    const td = { family: 'job', volumes: [{ name: 'v', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] };
    expect(() => rewriteTaskDefinition(td, undefined, mapping)).toThrow(/no longer mounts/);
    const { targetFileSystemId: _t, ...unbuilt } = mapping;
    expect(() => rewriteTaskDefinition(described, undefined, unbuilt)).toThrow(/build has not finished/);
  });

  it('passes every other member through unchanged (property)', () => {
    const reserved = new Set<string>([...TASK_DEFINITION_READ_ONLY, 'family', 'volumes', 'tags']);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !reserved.has(k) && k !== '__proto__'),
          fc.jsonValue(),
        ),
        (extra) => {
          const td = { ...extra, ...described };
          const { input } = rewriteTaskDefinition(td, undefined, mapping);
          const out = input as Record<string, unknown>;
          for (const key of Object.keys(extra))
            expect(JSON.stringify(out[key])).toBe(JSON.stringify(td[key as keyof typeof td]));
        },
      ),
    );
  });
});

const service = (
  controller: EcsServiceConsumer['deploymentController'],
  desiredCount = 2,
): EcsServiceConsumer => ({
  kind: 'ecs-service',
  id: 'arn:aws:ecs:eu-west-1:111111111111:service/prod/web',
  name: 'web',
  tags: {},
  references: [],
  clusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/prod',
  serviceArn: 'arn:aws:ecs:eu-west-1:111111111111:service/prod/web',
  taskDefinitionArn: ARN,
  deploymentController: controller,
  desiredCount,
  runningCount: desiredCount,
});

describe('planEcsServiceChange', () => {
  it('registers, then updates the service to the new revision; the inverse names the previous ARN', () => {
    const plan = planEcsServiceChange(service('ECS'), { mapping, taskDefinition: described });
    expect(plan.calls.map((c) => c.operation)).toEqual(['RegisterTaskDefinition', 'UpdateService']);
    expect(plan.calls[0]?.produces).toBe('new revision of web:7');
    expect(plan.calls[1]?.input).toEqual({
      cluster: 'arn:aws:ecs:eu-west-1:111111111111:cluster/prod',
      service: 'arn:aws:ecs:eu-west-1:111111111111:service/prod/web',
      taskDefinition: '<new revision of web:7>',
    });
    expect(plan.inverse).toEqual([
      expect.objectContaining({
        operation: 'UpdateService',
        input: expect.objectContaining({ taskDefinition: ARN }),
      }),
    ]);
    expect(plan.instructions).toEqual([]);
  });

  it('says nothing can be observed for a service with desired count 0', () => {
    expect(
      planEcsServiceChange(service('ECS', 0), { mapping, taskDefinition: described }).notes.join(),
    ).toMatch(/desired count 0.*nothing can be observed/);
  });

  it.each([
    ['CODE_DEPLOY', /aws deploy create-deployment .*TaskDefinition\\":\\"<new revision of web:7>\\"/s],
    [
      'EXTERNAL',
      /aws ecs create-task-set --cluster prod --service web --task-definition <new revision of web:7>/,
    ],
  ] as const)(
    '%s: registers only, no UpdateService, and tells the owner what to run',
    (controller, pattern) => {
      const plan = planEcsServiceChange(service(controller), { mapping, taskDefinition: described });
      expect(plan.calls.map((c) => c.operation)).toEqual(['RegisterTaskDefinition']);
      expect(plan.inverse).toEqual([]);
      expect(plan.instructions[0]).toMatch(pattern);
    },
  );
});
