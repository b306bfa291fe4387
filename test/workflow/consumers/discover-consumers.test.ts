import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { LambdaFunctionConsumer, LaunchTemplateConsumer } from '../../../src/domain/consumers.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { createConsumerDiscovery, NoSnapshotError } from '../../../src/workflow/consumers/index.ts';
import {
  AP,
  AP_ARN,
  CLUSTER,
  fakeConsumerReaders,
  FUNCTION_ARN,
  MT_IP,
  seedConsumerMigration,
  SERVICE,
  SOURCE_FS,
  TD,
  type FakeOptions,
} from '../../harness/consumer-fakes.ts';

describe('consumer discovery', () => {
  let store: Store;
  let migrationId: string;
  const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));

  beforeEach(async () => {
    store = await openStore({ clock });
    migrationId = await seedConsumerMigration(store, clock.now().toISOString());
  });
  afterEach(() => store.close());

  const discoveryWith = (options: FakeOptions = {}) => {
    const readers = fakeConsumerReaders(options);
    const discovery = createConsumerDiscovery({
      migrations: store.migrations,
      events: store.events,
      reports: store.consumers,
      readers,
      clock,
    });
    return { discovery, readers };
  };

  it('finds services (on an inactive revision too), pinned revisions, alias versions and templates', async () => {
    const { discovery, readers } = discoveryWith();
    const report = await discovery.discoverConsumers(migrationId, { actor: 'U0ADMIN', correlationId: 'c-1' });
    expect(report.unreadable).toEqual([]);
    expect(report.consumers.map((c) => [c.kind, c.id])).toEqual([
      ['ecs-service', SERVICE],
      ['ecs-task-definition', TD.batch],
      ['ecs-task-definition', TD.web2],
      ['lambda-function', FUNCTION_ARN],
      ['launch-template', 'lt-0ledger'],
    ]);
    expect(report.consumers[0]).toMatchObject({
      clusterArn: CLUSTER,
      taskDefinitionArn: TD.web1,
      tags: { app: 'storefront', owner: 'U0WEBOWNER' },
      references: [
        { form: 'file-system-id', value: SOURCE_FS },
        { form: 'access-point', value: AP, accessPointId: AP },
      ],
    });

    const fn = report.consumers[3] as LambdaFunctionConsumer;
    // $LATEST mounts nothing; 3 is listed, 5 (the canary's weighted version) is read on its own.
    expect(fn.versions.sort()).toEqual(['3', '5']);
    expect(fn.aliases).toEqual([
      { name: 'live', functionVersion: '3' },
      { name: 'canary', functionVersion: '4' },
    ]);
    expect(fn.references.map((r) => [r.value, r.where])).toEqual([
      [AP_ARN, '3 FileSystemConfigs[0] (/mnt/ledger)'],
      [AP_ARN, '5 FileSystemConfigs[0] (/mnt/ledger)'],
    ]);
    expect(fn).toMatchObject({ revisionId: 'rev-latest', tags: { app: 'ledger-jobs' } });
    // Only the function found gets its tags read; only the missing version is asked for.
    expect(readers.calls.filter((c) => c.startsWith('lambda:'))).toEqual([
      'lambda:ListFunctions',
      'lambda:ListAliases ledger-worker',
      'lambda:ListAliases unrelated',
      'lambda:ListVersionsByFunction ledger-worker',
      'lambda:GetFunctionConfiguration ledger-worker:5',
      'lambda:ListTags ledger-worker',
    ]);

    const template = report.consumers[4] as LaunchTemplateConsumer;
    expect(template).toMatchObject({
      defaultVersion: 2,
      latestVersion: 3,
      versionsReferencing: [2],
      references: [
        {
          form: 'dns-name',
          value: `${SOURCE_FS}.efs.eu-west-1.amazonaws.com`,
          where: 'version 2 user data line 2',
        },
      ],
      // i-0old runs version 1, neither default nor latest: read too, and it mounts by IP.
      autoScalingGroups: [
        { name: 'ledger-asg', version: '$Default', instancesOnReferencingVersion: ['i-0old'] },
      ],
    });
    expect(readers.calls).toContain('ec2:DescribeLaunchTemplateVersions lt-0ledger 1');
    // Each task definition described once although the service and the listing both name web:2's family.
    expect(readers.calls.filter((c) => c.startsWith('ecs:DescribeTaskDefinition')).sort()).toEqual([
      'ecs:DescribeTaskDefinition batch:4',
      'ecs:DescribeTaskDefinition other:1',
      'ecs:DescribeTaskDefinition web:1',
      'ecs:DescribeTaskDefinition web:2',
    ]);
    expect(report.checklist.find((i) => i.id === 'fstab')!.detail).toContain(MT_IP);

    expect(await discovery.lastReport(migrationId)).toEqual(report);
    const event = (await store.events.listEvents(migrationId)).find((e) => e.kind === 'consumers');
    expect(event).toMatchObject({
      actor: 'U0ADMIN',
      correlationId: 'c-1',
      detail: '5 consumer(s) in 3 application(s)', // storefront, ledger-jobs, and ledger (the file system's),
    });
  });

  it('reports a service that answers AccessDenied as unreadable and goes on with the others', async () => {
    const { discovery } = discoveryWith({ denied: ['ecs', 'autoscaling'] });
    const report = await discovery.discoverConsumers(migrationId, { actor: 'cli:test' });
    expect(report.consumers.map((c) => c.kind)).toEqual(['lambda-function', 'launch-template']);
    expect(report.unreadable.map((u) => [u.service, u.operation, u.code]).sort()).toEqual([
      ['autoscaling', 'DescribeAutoScalingGroups', 'AccessDeniedException'],
      ['ecs', 'ListClusters', 'AccessDeniedException'],
      ['ecs', 'ListTaskDefinitions', 'AccessDeniedException'],
    ]);
    expect(report.unreadable[0]!.message).toMatch(/not authorized/);
    const event = (await store.events.listEvents(migrationId)).find((e) => e.kind === 'consumers');
    expect(event?.detail).toContain('could not read');
  });

  it('keeps the last report apart from a new discovery, and the newest one wins', async () => {
    const { discovery, readers } = discoveryWith();
    expect(await discovery.lastReport(migrationId)).toBeUndefined();
    const first = await discovery.discoverConsumers(migrationId, { actor: 'a' });
    const callsAfterFirst = readers.calls.length;
    expect(await discovery.lastReport(migrationId)).toEqual(first);
    expect(readers.calls).toHaveLength(callsAfterFirst); // reading the stored report asks AWS nothing

    clock.advance(60_000);
    const { discovery: denied } = discoveryWith({ denied: ['lambda'] });
    const second = await denied.discoverConsumers(migrationId, { actor: 'b' });
    expect(await discovery.lastReport(migrationId)).toEqual(second);
    // An older report arriving late does not replace it.
    expect(await store.consumers.putConsumerReport(first)).toBe(false);
    expect((await discovery.lastReport(migrationId))?.discoveredAt).toBe(second.discoveredAt);
  });

  it('refuses a migration without a snapshot, and an unknown one', async () => {
    const { discovery } = discoveryWith();
    const bare = await store.migrations.createMigration({
      accountId: '111111111111',
      region: 'eu-west-1',
      fileSystemId: 'fs-0bare',
      actor: 'U0ADMIN',
    });
    await expect(discovery.discoverConsumers(bare.id, { actor: 'a' })).rejects.toBeInstanceOf(
      NoSnapshotError,
    );
    await expect(discovery.discoverConsumers('FS#1#r#fs-0nope', { actor: 'a' })).rejects.toThrow(/not found/);
  });
});
