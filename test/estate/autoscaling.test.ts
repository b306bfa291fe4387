import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ActiveInstanceRefreshNotFoundFault,
  AutoScalingClient,
  AutoScalingServiceException,
  CancelInstanceRefreshCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  InstanceRefreshInProgressFault,
  paginateDescribeAutoScalingGroups,
  StartInstanceRefreshCommand,
} from '@aws-sdk/client-auto-scaling';
import { ManualClock } from '../../src/domain/clock.ts';
import { EstateFileError } from '../../src/estate/errors.ts';
import { loadEstateFile, parseEstate } from '../../src/estate/load.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { BASE_CREDENTIALS } from './helpers.ts';

const TEMPLATE = { LaunchTemplateId: 'lt-0a1b2c3d4e5f60711', LaunchTemplateName: 'gitlab-runner' };
const NOW = new Date('2026-02-01T12:00:00Z');
const TIMING = {
  instanceRefreshPendingMs: 1_000,
  instanceRefreshReplaceMs: 5_000,
  instanceRefreshCancelMs: 500,
};

let server: EstateServer;
let clock: ManualClock;
let asg: AutoScalingClient;

beforeAll(async () => {
  clock = new ManualClock(NOW);
  server = await startEstateServer({
    estate: await loadEstateFile(SAMPLE_ESTATE_PATH),
    clock,
    timing: TIMING,
  });
  asg = new AutoScalingClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: BASE_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterAll(() => server.close());

async function group(name = 'gitlab-runners') {
  const { AutoScalingGroups } = await asg.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  return AutoScalingGroups![0]!;
}

async function refresh(id: string) {
  const { InstanceRefreshes } = await asg.send(
    new DescribeInstanceRefreshesCommand({
      AutoScalingGroupName: 'gitlab-runners',
      InstanceRefreshIds: [id],
    }),
  );
  return InstanceRefreshes![0]!;
}

/** Moves the shared clock (the estate's only time source here) and lets due work happen. */
function advance(ms: number): void {
  clock.advance(ms);
  server.control.settle();
}

describe('DescribeAutoScalingGroups', () => {
  test('the sample group: its template at $Default, its instances each on their own version', async () => {
    const g = await group();
    expect(g).toMatchObject({
      AutoScalingGroupName: 'gitlab-runners',
      AutoScalingGroupARN: expect.stringMatching(
        /^arn:aws:autoscaling:us-east-1:210987654321:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/gitlab-runners$/,
      ) as unknown,
      LaunchTemplate: { ...TEMPLATE, Version: '$Default' },
      MinSize: 1,
      MaxSize: 4,
      DesiredCapacity: 2,
      AvailabilityZones: ['us-east-1a', 'us-east-1b'],
      VPCZoneIdentifier: 'subnet-0c1e0a51b2d3e4f51,subnet-0c1e0a51b2d3e4f52',
      HealthCheckType: 'EC2',
      CreatedTime: new Date('2025-03-04T10:05:00Z'),
    });
    expect(g.Tags).toContainEqual({
      ResourceId: 'gitlab-runners',
      ResourceType: 'auto-scaling-group',
      Key: 'owner',
      Value: 'platform-team@example.com',
      PropagateAtLaunch: true,
    });
    expect(g.Instances).toEqual([
      {
        InstanceId: 'i-0a1b2c3d4e5f60001',
        InstanceType: 'm6i.large',
        AvailabilityZone: 'us-east-1a',
        AvailabilityZoneId: 'use1-az1',
        LifecycleState: 'InService',
        HealthStatus: 'Healthy',
        LaunchTemplate: { ...TEMPLATE, Version: '2' },
        ProtectedFromScaleIn: false,
      },
      expect.objectContaining({
        InstanceId: 'i-0a1b2c3d4e5f60002',
        AvailabilityZone: 'us-east-1b',
        LaunchTemplate: { ...TEMPLATE, Version: '1' },
      }),
    ]);
  });

  test('unknown names are left out; a tag filter selects', async () => {
    const none = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['nope'] }));
    expect(none.AutoScalingGroups).toEqual([]);
    const tagged = await asg.send(
      new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:app', Values: ['gitlab-runner'] }] }),
    );
    expect(tagged.AutoScalingGroups!.map((g) => g.AutoScalingGroupName)).toEqual(['gitlab-runners']);
    const other = await asg.send(
      new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:app', Values: ['jenkins'] }] }),
    );
    expect(other.AutoScalingGroups).toEqual([]);
  });

  test('groups page with MaxRecords/NextToken; a MixedInstancesPolicy group names its template there', async () => {
    const estate = parseEstate(groupsEstate(7), 'paging');
    const extra = await startEstateServer({ estate });
    try {
      const client = new AutoScalingClient({
        region: 'eu-west-1',
        endpoint: extra.endpoint,
        credentials: BASE_CREDENTIALS,
        maxAttempts: 1,
      });
      const pages: string[][] = [];
      for await (const page of paginateDescribeAutoScalingGroups({ client, pageSize: 3 }, {}))
        pages.push(page.AutoScalingGroups!.map((g) => g.AutoScalingGroupName!));
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      // Without MaxRecords the estate answers pages of 5 (AWS: 50), so a caller that ignores NextToken shows.
      const first = await client.send(new DescribeAutoScalingGroupsCommand({}));
      expect(first.AutoScalingGroups).toHaveLength(5);
      expect(first.NextToken).toBeDefined();
      const mixed = pages.flat().indexOf('group-6');
      expect(mixed).toBe(6);
      const [g6] = (
        await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['group-6'] }))
      ).AutoScalingGroups!;
      expect(g6!.LaunchTemplate).toBeUndefined();
      expect(g6!.MixedInstancesPolicy!.LaunchTemplate!.LaunchTemplateSpecification).toEqual({
        LaunchTemplateId: 'lt-0b0b0b0b0b0b0b0b1',
        LaunchTemplateName: 'web',
        Version: '$Latest',
      });
      expect(g6!.Instances!.map((i) => i.LaunchTemplate!.Version)).toEqual(['2']);
    } finally {
      await extra.close();
    }
  });
});

describe('instance refresh', () => {
  test('Pending → InProgress → Successful under the injected clock; instances then run the default version', async () => {
    const { InstanceRefreshId } = await asg.send(
      new StartInstanceRefreshCommand({ AutoScalingGroupName: 'gitlab-runners' }),
    );
    expect(InstanceRefreshId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await refresh(InstanceRefreshId!)).toMatchObject({
      Status: 'Pending',
      StartTime: NOW,
      PercentageComplete: 0,
      InstancesToUpdate: 2,
      Preferences: { MinHealthyPercentage: 90, SkipMatching: false },
      Strategy: 'Rolling',
    });

    const second = asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'gitlab-runners' }));
    await expect(second).rejects.toBeInstanceOf(InstanceRefreshInProgressFault);
    await expect(second).rejects.toMatchObject({
      message:
        'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
      $metadata: { httpStatusCode: 400 },
    });

    advance(1_000);
    expect(await refresh(InstanceRefreshId!)).toMatchObject({
      Status: 'InProgress',
      PercentageComplete: 0,
      InstancesToUpdate: 2,
    });
    // MinHealthyPercentage 90 of 2 instances: one at a time.
    advance(5_000);
    expect(await refresh(InstanceRefreshId!)).toMatchObject({
      Status: 'InProgress',
      PercentageComplete: 50,
      InstancesToUpdate: 1,
      ProgressDetails: { LivePoolProgress: { PercentageComplete: 50, InstancesToUpdate: 1 } },
    });
    const midway = await group();
    expect(midway.Instances!.map((i) => i.InstanceId)).not.toContain('i-0a1b2c3d4e5f60001');
    expect(midway.Instances!.map((i) => i.InstanceId)).toContain('i-0a1b2c3d4e5f60002');

    advance(5_000);
    const done = await refresh(InstanceRefreshId!);
    expect(done).toMatchObject({
      Status: 'Successful',
      PercentageComplete: 100,
      InstancesToUpdate: 0,
      EndTime: new Date(NOW.getTime() + 11_000),
    });
    const after = await group();
    expect(after.Instances!.map((i) => i.InstanceId)).not.toContain('i-0a1b2c3d4e5f60002');
    expect(after.Instances!.map((i) => [i.AvailabilityZone, i.LaunchTemplate])).toEqual([
      ['us-east-1a', { ...TEMPLATE, Version: '2' }],
      ['us-east-1b', { ...TEMPLATE, Version: '2' }],
    ]);
    expect(after.LaunchTemplate).toEqual({ ...TEMPLATE, Version: '$Default' });
  });

  test('SkipMatching skips instances already on the desired version; a DesiredConfiguration becomes the group’s', async () => {
    const skip = await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'gitlab-runners',
        Preferences: { SkipMatching: true, MinHealthyPercentage: 50 },
      }),
    );
    advance(1_000);
    expect(await refresh(skip.InstanceRefreshId!)).toMatchObject({
      Status: 'Successful',
      PercentageComplete: 100,
      InstancesToUpdate: 0,
    });

    const toV1 = await asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'gitlab-runners',
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateName: 'gitlab-runner', Version: '1' } },
        Preferences: { MinHealthyPercentage: 0 },
      }),
    );
    advance(1_000);
    expect((await refresh(toV1.InstanceRefreshId!)).Status).toBe('InProgress');
    // MinHealthyPercentage 0: both in one batch.
    advance(5_000);
    expect(await refresh(toV1.InstanceRefreshId!)).toMatchObject({
      Status: 'Successful',
      DesiredConfiguration: { LaunchTemplate: { LaunchTemplateName: 'gitlab-runner', Version: '1' } },
    });
    const g = await group();
    expect(g.LaunchTemplate).toEqual({ ...TEMPLATE, Version: '1' });
    expect(g.Instances!.map((i) => i.LaunchTemplate!.Version)).toEqual(['1', '1']);

    const { InstanceRefreshes } = await asg.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'gitlab-runners' }),
    );
    // Newest first.
    expect(InstanceRefreshes!.map((r) => r.InstanceRefreshId).slice(0, 2)).toEqual([
      toV1.InstanceRefreshId,
      skip.InstanceRefreshId,
    ]);
  });

  test('CancelInstanceRefresh: Cancelling → Cancelled; with none active it is refused', async () => {
    const { InstanceRefreshId } = await asg.send(
      new StartInstanceRefreshCommand({ AutoScalingGroupName: 'gitlab-runners' }),
    );
    advance(1_000);
    const cancelled = await asg.send(
      new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'gitlab-runners' }),
    );
    expect(cancelled.InstanceRefreshId).toBe(InstanceRefreshId);
    expect((await refresh(InstanceRefreshId!)).Status).toBe('Cancelling');
    advance(500);
    expect(await refresh(InstanceRefreshId!)).toMatchObject({ Status: 'Cancelled', PercentageComplete: 0 });
    advance(10_000);
    expect((await refresh(InstanceRefreshId!)).Status).toBe('Cancelled');
    const again = asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'gitlab-runners' }));
    await expect(again).rejects.toBeInstanceOf(ActiveInstanceRefreshNotFoundFault);
  });

  test('scale-in protected instances are kept unless ScaleInProtectedInstances is Refresh', async () => {
    const estate = parseEstate(
      groupsEstate(1, (r) => {
        r.autoScalingGroups![0] = {
          AutoScalingGroupName: 'protected',
          LaunchTemplate: { LaunchTemplateName: 'web' },
          VPCZoneIdentifier: 'subnet-0b0b0b0b0b0b0b0b1',
          Instances: [
            { InstanceId: 'i-0b0b0b0b0b0b0b001', ProtectedFromScaleIn: true },
            { InstanceId: 'i-0b0b0b0b0b0b0b002' },
          ],
        };
      }),
      'protected',
    );
    const own = new ManualClock(NOW);
    const extra = await startEstateServer({ estate, clock: own, timing: TIMING });
    try {
      const client = new AutoScalingClient({
        region: 'eu-west-1',
        endpoint: extra.endpoint,
        credentials: BASE_CREDENTIALS,
        maxAttempts: 1,
      });
      const ids = async () =>
        (
          await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['protected'] }))
        ).AutoScalingGroups![0]!.Instances!.map((i) => i.InstanceId);
      await client.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'protected' }));
      own.advance(6_000);
      expect(await ids()).toEqual(['i-0b0b0b0b0b0b0b001', expect.not.stringMatching(/002$/)]);
      await client.send(
        new StartInstanceRefreshCommand({
          AutoScalingGroupName: 'protected',
          Preferences: { ScaleInProtectedInstances: 'Refresh' },
        }),
      );
      own.advance(11_000);
      const after = await ids();
      expect(after).not.toContain('i-0b0b0b0b0b0b0b001');
      expect(new Set(after).size).toBe(2);
    } finally {
      await extra.close();
    }
  });

  test('an unknown group or template version is a ValidationError', async () => {
    const unknown = asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'nope' }));
    await expect(unknown).rejects.toBeInstanceOf(AutoScalingServiceException);
    await expect(unknown).rejects.toMatchObject({
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
    });
    const version = asg.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: 'gitlab-runners',
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateName: 'gitlab-runner', Version: '42' } },
      }),
    );
    await expect(version).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

/** One region with a template of two versions and `count` groups (the last one through a MixedInstancesPolicy). */
function groupsEstate(count: number, changes: (region: Record<string, unknown[]>) => void = () => {}) {
  const region: Record<string, unknown[]> = {
    vpcs: [{ VpcId: 'vpc-0b0b0b0b0b0b0b0b0' }],
    subnets: [
      { SubnetId: 'subnet-0b0b0b0b0b0b0b0b1', AvailabilityZone: 'eu-west-1a' },
      { SubnetId: 'subnet-0b0b0b0b0b0b0b0b2', AvailabilityZone: 'eu-west-1b' },
    ],
    launchTemplates: [
      {
        LaunchTemplateId: 'lt-0b0b0b0b0b0b0b0b1',
        LaunchTemplateName: 'web',
        Versions: [
          { LaunchTemplateData: { UserData: '#!/bin/sh\necho v1' } },
          { LaunchTemplateData: { UserData: '#!/bin/sh\necho v2' } },
        ],
      },
    ],
    autoScalingGroups: Array.from({ length: count }, (_, i) =>
      i === count - 1
        ? {
            AutoScalingGroupName: `group-${i}`,
            MixedInstancesPolicy: {
              LaunchTemplate: {
                LaunchTemplateSpecification: { LaunchTemplateName: 'web', Version: '$Latest' },
              },
            },
            VPCZoneIdentifier: 'subnet-0b0b0b0b0b0b0b0b1',
            Instances: [{}],
          }
        : {
            AutoScalingGroupName: `group-${i}`,
            LaunchTemplate: { LaunchTemplateId: 'lt-0b0b0b0b0b0b0b0b1' },
            VPCZoneIdentifier: 'subnet-0b0b0b0b0b0b0b0b1,subnet-0b0b0b0b0b0b0b0b2',
          },
    ),
  };
  changes(region);
  return { accounts: [{ accountId: '111111111111', regions: { 'eu-west-1': region } }] };
}

function problemsOf(json: unknown): string[] {
  try {
    parseEstate(json, 'test.json');
  } catch (e) {
    expect(e).toBeInstanceOf(EstateFileError);
    return (e as EstateFileError).problems;
  }
  throw new Error('expected the estate to be refused');
}

describe('estate file: launch templates and groups', () => {
  const at = 'accounts[0].regions.eu-west-1';

  test('defaults: version numbers, default version 1, user data base64 on load', () => {
    const estate = parseEstate(groupsEstate(1), 'ok');
    const [template] = estate.accounts[0]!.regions['eu-west-1']!.launchTemplates;
    expect(template).toMatchObject({ DefaultVersionNumber: 1, LatestVersionNumber: 2 });
    expect(template!.Versions.map((v) => [v.VersionNumber, v.DefaultVersion])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(Buffer.from(template!.Versions[1]!.LaunchTemplateData.UserData!, 'base64').toString()).toBe(
      '#!/bin/sh\necho v2',
    );
  });

  test('schema problems name the member and what to write', () => {
    const problems = problemsOf(
      groupsEstate(1, (r) => {
        r.launchTemplates!.push({
          LaunchTemplateName: 'x',
          Versions: [{ LaunchTemplateData: { UserDatta: 'x' } }],
        });
        (r.autoScalingGroups![0] as Record<string, unknown>).LaunchTemplate = {
          LaunchTemplateId: 'web',
          Version: 'latest',
        };
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        `${at}.launchTemplates[1].LaunchTemplateName: a launch template name is 3 to 128 letters, digits and ( ) . - / _`,
        `${at}.launchTemplates[1].Versions[0].LaunchTemplateData.UserDatta: not a member of this AWS shape; check the spelling against the AWS API reference`,
        `${at}.autoScalingGroups[0].LaunchTemplate.LaunchTemplateId: a launch template ID looks like lt-0123456789abcdef0`,
        `${at}.autoScalingGroups[0].LaunchTemplate.Version: Version is $Default, $Latest or a version number`,
      ]),
    );
  });

  test('cross-checks: versions, templates, subnets, zones and sizes', () => {
    const problems = problemsOf(
      groupsEstate(2, (r) => {
        const template = r.launchTemplates![0] as Record<string, unknown>;
        template.DefaultVersionNumber = 3;
        r.launchTemplates!.push({ ...template, DefaultVersionNumber: 1 });
        r.autoScalingGroups![0] = {
          AutoScalingGroupName: 'group-1',
          LaunchTemplate: { LaunchTemplateName: 'api', Version: '$Latest' },
          VPCZoneIdentifier: 'subnet-0b0b0b0b0b0b0b0b1,subnet-0b0b0b0b0b0b0b0b9',
          DesiredCapacity: 5,
          MaxSize: 2,
          Instances: [{ AvailabilityZone: 'eu-west-1c' }],
        };
        (r.autoScalingGroups![1] as Record<string, unknown>).Instances = [
          { LaunchTemplate: { Version: '4' } },
        ];
      }),
    );
    expect(problems).toEqual([
      `${at}.launchTemplates[0].DefaultVersionNumber: version 3 is not among Versions (1, 2)`,
      `${at}.launchTemplates[1].LaunchTemplateName: web is already used by LaunchTemplateName of item 0`,
      `${at}.launchTemplates[1].LaunchTemplateId: lt-0b0b0b0b0b0b0b0b1 is already used by LaunchTemplateId of item 0`,
      `${at}.autoScalingGroups[0].VPCZoneIdentifier: subnet-0b0b0b0b0b0b0b0b9 is not in this region's subnets; add it under subnets`,
      `${at}.autoScalingGroups[0].LaunchTemplate.LaunchTemplateName: api is not in this region's launchTemplates; add it there`,
      `${at}.autoScalingGroups[0].Instances[0].AvailabilityZone: eu-west-1c is not a zone of the group's subnets (eu-west-1a)`,
      `${at}.autoScalingGroups[0].DesiredCapacity: 5 must be between MinSize 1 and MaxSize 2`,
      `${at}.autoScalingGroups[1].Instances[0].LaunchTemplate.Version: web has no version 4`,
      `${at}.autoScalingGroups[1].AutoScalingGroupName: group-1 is already used by AutoScalingGroupName of item 0`,
    ]);
  });
});

describe('efs-encrypt estate serve', () => {
  test('serves Auto Scaling and EC2 launch templates from the sample; --speed shortens the refresh', async () => {
    const { serveEstate } = await import('../../src/cli/commands/estate.ts');
    const { scaleTiming } = await import('../../src/estate/timing.ts');
    const served = await serveEstate({ estate: SAMPLE_ESTATE_PATH, port: 0 }, () => {});
    try {
      const client = new AutoScalingClient({
        region: 'us-east-1',
        endpoint: served.endpoint,
        credentials: BASE_CREDENTIALS,
        maxAttempts: 1,
      });
      const { AutoScalingGroups } = await client.send(new DescribeAutoScalingGroupsCommand({}));
      expect(AutoScalingGroups!.map((g) => g.AutoScalingGroupName)).toEqual(['gitlab-runners']);
      expect(served.stats().byOperation).toEqual({ 'autoscaling:DescribeAutoScalingGroups': 1 });
    } finally {
      await served.close();
    }
    expect(scaleTiming(60)).toMatchObject({
      instanceRefreshPendingMs: 33,
      instanceRefreshReplaceMs: 83,
      instanceRefreshCancelMs: 17,
    });
  });
});
