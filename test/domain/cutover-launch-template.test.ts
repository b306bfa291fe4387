import { describe, expect, it } from 'vitest';
import type { LaunchTemplateConsumer } from '../../src/domain/consumers.ts';
import {
  launchTemplateClientToken,
  planLaunchTemplateChange,
} from '../../src/domain/cutover-launch-template.ts';
import { MIGRATION, SOURCE, TWIN, context, mapping } from '../fixtures/cutover.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const script = (fs: string, ip: string) => `#!/bin/bash\nmount -t efs ${fs}:/ /data\nmount ${ip}:/ /b\n`;

const consumer = (
  defaultVersion: number,
  latestVersion: number,
  groups: LaunchTemplateConsumer['autoScalingGroups'] = [],
): LaunchTemplateConsumer => ({
  kind: 'launch-template',
  id: 'lt-0abc',
  name: 'workers',
  tags: {},
  references: [],
  launchTemplateId: 'lt-0abc',
  defaultVersion,
  latestVersion,
  versionsReferencing: [defaultVersion],
  autoScalingGroups: groups,
});

const input = (versions: { VersionNumber: number; UserData?: string }[], instanceRefresh = false) => ({
  migrationId: MIGRATION,
  mapping,
  versions,
  sourceAccessPointIds: context.sourceAccessPointIds,
  sourceMountTargets: context.sourceMountTargets,
  twinMountTargets: context.twinMountTargets,
  instanceRefresh,
});

describe('planLaunchTemplateChange', () => {
  it('creates a version from the default with rewritten user data, idempotently, and makes it the default', () => {
    const plan = planLaunchTemplateChange(
      consumer(3, 3, [{ name: 'asg-1', version: '$Default', instancesOnReferencingVersion: ['i-1', 'i-2'] }]),
      input([{ VersionNumber: 3, UserData: b64(script(SOURCE, '10.0.2.25')) }]),
    );
    expect(plan.calls.map((c) => c.operation)).toEqual([
      'CreateLaunchTemplateVersion',
      'ModifyLaunchTemplate',
    ]);
    const create = plan.calls[0]!.input;
    expect(create).toMatchObject({
      LaunchTemplateId: 'lt-0abc',
      SourceVersion: '3',
      ClientToken: launchTemplateClientToken(MIGRATION, 'lt-0abc', 3),
      VersionDescription: `efs-encrypt migration ${MIGRATION}: ${SOURCE} -> ${TWIN}`,
    });
    const data = (create.LaunchTemplateData as { UserData: string }).UserData;
    expect(Buffer.from(data, 'base64').toString()).toBe(script(TWIN, '10.0.2.88'));
    expect(plan.calls[1]!.input).toEqual({
      LaunchTemplateId: 'lt-0abc',
      DefaultVersion: '<version of lt-0abc made from 3>',
    });
    expect(plan.inverse).toEqual([
      expect.objectContaining({
        operation: 'ModifyLaunchTemplate',
        input: { LaunchTemplateId: 'lt-0abc', DefaultVersion: '3' },
      }),
    ]);
    expect(plan.notes.join()).toMatch(/asg-1: i-1, i-2 still run the old version/);
  });

  it('derives a ClientToken per migration, template and source version, within EC2s 128 characters', () => {
    const a = launchTemplateClientToken(MIGRATION, 'lt-0abc', 3);
    expect(a).toBe(launchTemplateClientToken(MIGRATION, 'lt-0abc', 3));
    expect(
      new Set([
        a,
        launchTemplateClientToken(MIGRATION, 'lt-0abc', 4),
        launchTemplateClientToken('other', 'lt-0abc', 3),
        launchTemplateClientToken(MIGRATION, 'lt-0abc', 3, 'rollback'),
      ]).size,
    ).toBe(4);
    expect(a.length).toBeLessThanOrEqual(128);
  });

  it('re-creates latest on top when it is not the default, and restores $Latest on rollback', () => {
    const plan = planLaunchTemplateChange(
      consumer(3, 5, [{ name: 'asg-latest', version: '$Latest', instancesOnReferencingVersion: [] }]),
      input([
        { VersionNumber: 3, UserData: b64(script(SOURCE, '10.0.1.15')) },
        { VersionNumber: 5, UserData: b64('#!/bin/bash\necho no mounts\n') },
      ]),
    );
    expect(plan.calls.map((c) => [c.operation, c.input.SourceVersion])).toEqual([
      ['CreateLaunchTemplateVersion', '3'],
      ['CreateLaunchTemplateVersion', '5'],
      ['ModifyLaunchTemplate', undefined],
    ]);
    expect(plan.calls[1]!.input.LaunchTemplateData).toEqual({});
    expect(plan.inverse.map((c) => [c.operation, c.input.SourceVersion ?? c.input.DefaultVersion])).toEqual([
      ['ModifyLaunchTemplate', '3'],
      ['CreateLaunchTemplateVersion', '5'],
    ]);
  });

  it('starts an instance refresh only when asked; a pinned group is told to move otherwise', () => {
    const groups = [
      { name: 'asg-pinned', version: '3', instancesOnReferencingVersion: ['i-9'] },
      { name: 'asg-default', version: '$Default', instancesOnReferencingVersion: [] },
    ];
    const versions = [{ VersionNumber: 3, UserData: b64(script(SOURCE, '10.0.1.15')) }];
    const without = planLaunchTemplateChange(consumer(3, 3, groups), input(versions));
    expect(without.calls.some((c) => c.operation === 'StartInstanceRefresh')).toBe(false);
    expect(without.instructions).toEqual([expect.stringMatching(/asg-pinned launches version 3 explicitly/)]);
    const withRefresh = planLaunchTemplateChange(consumer(3, 3, groups), input(versions, true));
    expect(
      withRefresh.calls.filter((c) => c.operation === 'StartInstanceRefresh').map((c) => c.input),
    ).toEqual([
      {
        AutoScalingGroupName: 'asg-pinned',
        DesiredConfiguration: {
          LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '<version of lt-0abc made from 3>' },
        },
        Preferences: { SkipMatching: true },
      },
      {
        AutoScalingGroupName: 'asg-default',
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '$Default' } },
        Preferences: { SkipMatching: true },
      },
    ]);
  });

  it('refuses a template whose user data no longer names the source', () => {
    expect(() =>
      planLaunchTemplateChange(consumer(3, 3), input([{ VersionNumber: 3, UserData: b64('echo hi') }])),
    ).toThrow(/no longer names/);
  });
});
