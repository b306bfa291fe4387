import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountClients } from '../../src/aws/account-clients.ts';
import { ecsCutoverClientsFrom } from '../../src/aws/ecs-cutover.ts';
import { lambdaCutoverClientsFrom } from '../../src/aws/lambda-cutover.ts';
import { launchTemplateCutoverClientsFrom } from '../../src/aws/launch-template-cutover.ts';
import { openConsumerDiscovery } from '../../src/cli/phases/consumers-phase.ts';
import { BuildResourceKeys } from '../../src/domain/build-plan.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { CutoverPlanError } from '../../src/domain/cutover-calls.ts';
import { planLambdaFunctionChange } from '../../src/domain/cutover-lambda.ts';
import type { FileSystemRecord } from '../../src/domain/inventory.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { RecordingIoHost } from '../../src/workflow/io-host.ts';
import { waitForLambdaUpdate } from '../../src/workflow/cutover/call-executor.ts';
import {
  createCutoverPhase,
  type CutoverClients,
  type CutoverPhaseWithHandler,
} from '../../src/workflow/cutover/index.ts';
import { createJobRunner } from '../../src/workflow/jobs/index.ts';
import { skipAheadScheduler } from '../harness/schedulers.ts';
import { restoreEnv } from '../harness/sdk-env.ts';
import {
  MOTO_ACCOUNTS,
  MOTO_EMPTY_ZIP,
  assumeMotoRole,
  createMotoLambdaRole,
  seedMoto,
  type MotoSeed,
} from './moto-seed.ts';
import { motoServerAvailable, startMotoServer, type MotoServer } from './moto-server.ts';
import { scanMotoAccount } from './moto-scanned.ts';

/**
 * Conformance tier: the cutover's apply and rollback against moto_server (an AWS emulator the team
 * did not write), through the real discovery, review, approval, job runner and SDK adapters.
 * Where moto 5.2.1 differs from AWS's documentation (aws-models/{ecs,lambda,ec2,autoscaling}), the
 * test asserts what moto does and names it here and where it shows:
 * - ECS UpdateService starts no deployment: the service's `taskDefinition` changes, but its only
 *   deployment stays the one CreateService made (same `id`, PRIMARY, on the OLD revision).
 *   AWS: a new task definition starts a new PRIMARY deployment whose `rolloutState` goes
 *   IN_PROGRESS → COMPLETED | FAILED, the previous one becomes ACTIVE. moto's deployment never
 *   changes state: its `rolloutState` is fixed at creation, COMPLETED when the server's
 *   MOTO_ECS_SERVICE_RUNNING ≥ the desired count, IN_PROGRESS otherwise, and `runningCount` is that
 *   variable, not tasks. Started with MOTO_ECS_SERVICE_RUNNING=2, moto answers "PRIMARY, COMPLETED,
 *   2/2" on the old revision: the false "stable" issue #14 warns of. The watch refuses it (it
 *   accepted it before this test: the fix is in watch-change.ts), so the storefront application is
 *   rolled back automatically; the test asserts that and moto's UpdateService answer.
 * - Lambda keeps no `FileSystemConfigs` (CreateFunction and UpdateFunctionConfiguration drop
 *   them) and its FunctionConfiguration has no `RevisionId`; UpdateFunctionConfiguration and
 *   UpdateAlias ignore a stale `RevisionId` (AWS: PreconditionFailedException). The function is no
 *   consumer here, so the Lambda calls are made directly through the phase's adapter.
 * - Lambda answers UpdateFunctionConfiguration with `LastUpdateStatus` Successful at once (AWS
 *   documents InProgress → Successful | Failed; Successful at once is allowed, not guaranteed).
 * - EC2 CreateLaunchTemplateVersion ignores `SourceVersion` (AWS copies that version's data and
 *   applies the given members over it) and `ClientToken` (AWS: idempotent per token). The
 *   cutover's new version therefore holds only the rewritten user data: no ImageId, no
 *   InstanceType. On AWS it holds version 1's data with the user data replaced.
 */
const available = motoServerAvailable();
if (!available)
  console.log('conformance tier skipped: moto_server is not on PATH (pip install "moto[server]")');

const REGION = 'eu-west-1';
const ACCOUNT = MOTO_ACCOUNTS.payments;
const ACTOR = 'cli:conformance';
/** moto's ECS switch: every service reports this many running tasks (see the header). */
const MOTO_RUNNING = 2;

const decode = (b64?: string) => Buffer.from(b64 ?? '', 'base64').toString('utf8');

describe.skipIf(!available)('cutover apply and rollback against moto_server', () => {
  let moto: MotoServer;
  let seed: MotoSeed;
  let clients: AccountClients;
  let store: Store;
  let source: FileSystemRecord;
  let migrationId: string;
  let credentials: AwsCredentialIdentity;
  let cutoverClients: CutoverClients;
  let closeAdapters: () => void;
  let closeDiscovery: () => void;
  let phase: CutoverPhaseWithHandler;
  /** What moto answered to each UpdateService the job made, as the adapter returned it. */
  const updateAnswers: (Service | undefined)[] = [];
  const io = new RecordingIoHost();
  const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
  const saved = { ...process.env };
  const ids = {} as {
    twin: string;
    twinAccessPoint: string;
    cluster: string;
    webTd: string;
    service: string;
    firstDeployment: string;
    template: string;
    asgInstance: string;
    functionArn: string;
  };
  const cfg = () => ({ region: REGION, endpoint: moto.endpoint, credentials });

  function runJob(jobId: string) {
    return createJobRunner({
      jobs: store.jobs,
      handlers: { cutover: phase.handler },
      clock,
      scheduler: skipAheadScheduler(clock),
      owner: 'conformance-runner',
      leaseMs: 60_000,
    }).runJob(jobId);
  }

  beforeAll(async () => {
    moto = await startMotoServer({ env: { MOTO_ECS_SERVICE_RUNNING: String(MOTO_RUNNING) } });
    seed = await seedMoto(moto.endpoint);
    const scanned = await scanMotoAccount(moto.endpoint, { accountId: ACCOUNT, region: REGION, clock });
    clients = scanned.clients;
    const scan = scanned.scan;
    source = scan.fileSystems.find((f) => f.fileSystemId === seed.unencryptedWithMounts)!;
    expect(source.accessPoints.map((a) => a.accessPointId)).toEqual([seed.accessPointId]);
    credentials = await assumeMotoRole(moto.endpoint, ACCOUNT, 'cutover');

    // The twin as the build makes it: encrypted, a mount target per source AZ, the access point copied.
    const efs = new EFSClient(cfg());
    const twin = await efs.send(
      new CreateFileSystemCommand({ CreationToken: 'twin-ledger-shared', Encrypted: true }),
    );
    ids.twin = twin.FileSystemId!;
    const twinAp = await efs.send(
      new CreateAccessPointCommand({
        FileSystemId: ids.twin,
        ClientToken: `twin-${seed.accessPointId}`,
        PosixUser: { Uid: 1001, Gid: 1001, SecondaryGids: [2000] },
        RootDirectory: {
          Path: '/ledger',
          CreationInfo: { OwnerUid: 1001, OwnerGid: 1001, Permissions: '750' },
        },
      }),
    );
    ids.twinAccessPoint = twinAp.AccessPointId!;
    const resources: Record<string, string> = {
      [BuildResourceKeys.targetFileSystemId]: ids.twin,
      [BuildResourceKeys.targetFileSystemArn]: twin.FileSystemArn!,
      [BuildResourceKeys.accessPoint(seed.accessPointId)]: ids.twinAccessPoint,
    };
    for (const [i, SubnetId] of seed.subnetIds.entries()) {
      const mt = await efs.send(
        new CreateMountTargetCommand({
          FileSystemId: ids.twin,
          SubnetId,
          SecurityGroups: [seed.securityGroupId],
        }),
      );
      resources[BuildResourceKeys.mountTarget(mt.AvailabilityZoneName ?? `az-${i}`)] = mt.MountTargetId!;
    }
    efs.destroy();

    store = await openStore({ clock });
    const created = await store.migrations.createMigration({
      accountId: ACCOUNT,
      region: REGION,
      fileSystemId: source.fileSystemId,
      state: 'verified',
      actor: 'U0ADMIN',
    });
    migrationId = created.id;
    await store.migrations.updateMigration(migrationId, {
      expectedVersion: created.version,
      resources,
      actor: 'U0ADMIN',
      detail: 'build mapping',
    });
    await store.migrations.putSnapshot(migrationId, {
      observedAt: clock.now().toISOString(),
      scanId: scan.scanId,
      fileSystem: source,
    });

    // ECS: a service whose task definition mounts the source through its access point, next to a
    // volume of another file system that must pass through untouched.
    const ecs = new ECSClient(cfg());
    ids.cluster = (await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }))).cluster!.clusterArn!;
    ids.webTd = (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          cpu: '256',
          memory: '512',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          containerDefinitions: [
            {
              name: 'app',
              image: 'public.ecr.aws/nginx/nginx',
              essential: true,
              environment: [{ name: 'LEDGER_DIR', value: '/mnt/ledger' }],
              mountPoints: [
                { sourceVolume: 'ledger', containerPath: '/mnt/ledger' },
                { sourceVolume: 'scratch', containerPath: '/mnt/scratch' },
              ],
            },
          ],
          volumes: [
            {
              name: 'ledger',
              efsVolumeConfiguration: {
                fileSystemId: source.fileSystemId,
                rootDirectory: '/',
                transitEncryption: 'ENABLED',
                authorizationConfig: { accessPointId: seed.accessPointId, iam: 'ENABLED' },
              },
            },
            {
              name: 'scratch',
              efsVolumeConfiguration: { fileSystemId: seed.unencryptedInactive, rootDirectory: '/' },
            },
          ],
          tags: [
            { key: 'app', value: 'storefront' },
            { key: 'cost-centre', value: 'cc-42' },
          ],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    const createdService = (
      await ecs.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'web',
          taskDefinition: ids.webTd,
          desiredCount: 2,
          tags: [{ key: 'owner', value: 'U0STOREOWNER' }],
        }),
      )
    ).service!;
    ids.service = createdService.serviceArn!;
    ids.firstDeployment = createdService.deployments![0]!.id!;
    ecs.destroy();

    // Lambda: created with a FileSystemConfig, which moto drops (see the header).
    const lambda = new LambdaClient(cfg());
    const role = await createMotoLambdaRole(moto.endpoint, credentials, 'cutover-worker-role');
    ids.functionArn = (
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'ledger-worker',
          Runtime: 'nodejs20.x',
          Role: role,
          Handler: 'index.handler',
          Code: { ZipFile: MOTO_EMPTY_ZIP },
          FileSystemConfigs: [
            {
              Arn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/${seed.accessPointId}`,
              LocalMountPath: '/mnt/ledger',
            },
          ],
          Tags: { app: 'ledger-jobs' },
        }),
      )
    ).FunctionArn!;
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'ledger-worker' }));
    await lambda.send(
      new CreateAliasCommand({ FunctionName: 'ledger-worker', Name: 'live', FunctionVersion: v1.Version }),
    );
    lambda.destroy();

    // EC2: a launch template whose user data mounts the source by its DNS name, and its group.
    const ec2 = new EC2Client(cfg());
    const template = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'ledger-hosts',
        LaunchTemplateData: {
          ImageId: 'ami-12c6146b',
          InstanceType: 't3.micro',
          UserData: Buffer.from(
            [
              '#!/bin/bash',
              'yum install -y nfs-utils',
              `mount -t nfs4 -o nfsvers=4.1 ${source.fileSystemId}.efs.${REGION}.amazonaws.com:/ /mnt/ledger`,
            ].join('\n'),
          ).toString('base64'),
        },
        TagSpecifications: [
          { ResourceType: 'launch-template', Tags: [{ Key: 'owner', Value: 'ops@example.com' }] },
        ],
      }),
    );
    ids.template = template.LaunchTemplate!.LaunchTemplateId!;
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: seed.vpcId,
        CidrBlock: '10.20.9.0/24',
        AvailabilityZone: 'eu-west-1a',
      }),
    );
    ec2.destroy();
    const asg = new AutoScalingClient(cfg());
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'ledger-asg',
        LaunchTemplate: { LaunchTemplateId: ids.template, Version: '$Default' },
        MinSize: 1,
        MaxSize: 2,
        DesiredCapacity: 1,
        VPCZoneIdentifier: subnet.Subnet!.SubnetId,
      }),
    );
    const groups = (await asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
    ids.asgInstance = groups[0]!.Instances![0]!.InstanceId!;
    asg.destroy();

    // The phase as the composition root wires it, with the real adapters; UpdateService answers
    // are kept so the test can show what moto said between the apply and the automatic rollback.
    const ecsAdapters = ecsCutoverClientsFrom(clients);
    const lambdaAdapters = lambdaCutoverClientsFrom(clients);
    const ltAdapters = launchTemplateCutoverClientsFrom(clients);
    closeAdapters = () => {
      ecsAdapters.destroy();
      lambdaAdapters.destroy();
      ltAdapters.destroy();
    };
    cutoverClients = {
      async ecsFor(a, r) {
        const real = await ecsAdapters.clientFor(a, r);
        return {
          describeTaskDefinition: (td) => real.describeTaskDefinition(td),
          describeService: (c, s) => real.describeService(c, s),
          registerTaskDefinition: (input) => real.registerTaskDefinition(input),
          async updateService(input) {
            const out = await real.updateService(input);
            updateAnswers.push(out.service);
            return out;
          },
        };
      },
      lambdaFor: (a, r) => lambdaAdapters.clientFor(a, r),
      launchTemplatesFor: (a, r) => ltAdapters.clientFor(a, r),
    };
    const consumers = openConsumerDiscovery({ accounts: clients, store, clock });
    closeDiscovery = consumers.close;
    phase = createCutoverPhase({
      migrations: store.migrations,
      events: store.events,
      cutovers: store.cutovers,
      jobs: store.jobs,
      clients: cutoverClients,
      discovery: {
        discover: (id) => consumers.discovery.discoverConsumers(id, { actor: ACTOR }),
        latest: (id) => consumers.discovery.lastReport(id),
      },
      owners: { resolve: async (tag) => (tag && /^U[A-Z0-9]+$/.test(tag) ? { userId: tag } : {}) },
      isAdmin: () => false,
      clock,
      io,
      pollMs: 5_000,
      maxWaitMs: 10 * 60_000,
    });
  }, 120_000);

  afterAll(async () => {
    closeAdapters?.();
    closeDiscovery?.();
    clients?.destroy();
    await store?.close();
    await moto?.close();
    restoreEnv(saved);
  });

  it('reviews, approves and applies each application through the job runner; moto holds the launch template change, the ECS one rolls back', async () => {
    const review = await phase.review(migrationId, { actor: ACTOR });
    expect(review.targetFileSystemId).toBe(ids.twin);
    expect(review.report.unreadable).toEqual([]);
    expect(review.report.consumers.map((c) => [c.kind, c.name]).sort()).toEqual([
      ['ecs-service', 'web'],
      ['launch-template', 'ledger-hosts'],
    ]);
    expect(review.plans.map((p) => p.app)).toEqual(['ledger', 'storefront']);
    expect((await store.migrations.getMigration(migrationId))!.state).toBe('cutover_pending');

    // --- ledger: the launch template ---
    const ledger = review.plans.find((p) => p.app === 'ledger')!;
    expect(ledger.changes[0]!.calls.map((c) => c.operation)).toEqual([
      'CreateLaunchTemplateVersion',
      'ModifyLaunchTemplate',
    ]);
    await phase.approve(migrationId, { actor: ACTOR, app: 'ledger', planDigest: ledger.digest });
    const ledgerJob = await phase.apply(migrationId, {
      actor: ACTOR,
      app: 'ledger',
      planDigest: ledger.digest,
    });
    const ledgerRun = await runJob(ledgerJob.jobId);
    expect(ledgerRun?.status, JSON.stringify(ledgerRun?.lastError)).toBe('succeeded');

    const ec2 = new EC2Client(cfg());
    const describeLt = async (v: string) =>
      (
        await ec2.send(
          new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: ids.template, Versions: [v] }),
        )
      ).LaunchTemplateVersions![0]!;
    const after = await describeLt('$Default');
    expect(after.VersionNumber).toBe(2);
    expect(after.DefaultVersion).toBe(true);
    const userData = decode(after.LaunchTemplateData?.UserData);
    expect(userData).toBe(
      [
        '#!/bin/bash',
        'yum install -y nfs-utils',
        `mount -t nfs4 -o nfsvers=4.1 ${ids.twin}.efs.${REGION}.amazonaws.com:/ /mnt/ledger`,
      ].join('\n'),
    );
    // moto ignores SourceVersion: version 2 holds only the user data the cutover sent. On AWS it
    // would hold version 1's ImageId and InstanceType too.
    expect(after.LaunchTemplateData?.ImageId).toBeUndefined();
    expect(after.LaunchTemplateData?.InstanceType).toBeUndefined();
    const v1 = await describeLt('1');
    expect(v1.DefaultVersion).toBe(false);
    expect(v1.LaunchTemplateData?.ImageId).toBe('ami-12c6146b');
    // The group launches $Default, so new instances get version 2; the running one keeps version 1.
    const asg = new AutoScalingClient(cfg());
    const group = (
      await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ledger-asg'] }))
    ).AutoScalingGroups![0]!;
    expect(group.LaunchTemplate?.Version).toBe('$Default');
    expect(group.Instances!.map((i) => i.InstanceId)).toEqual([ids.asgInstance]);
    const ledgerChange = (await store.cutovers.listChanges(migrationId, 'ledger'))[0]!;
    expect(ledgerChange).toMatchObject({ status: 'verified', callsDone: 2 });
    expect(ledger.changes[0]!.notes.join(' ')).toContain(ids.asgInstance);

    // --- storefront: the ECS service ---
    const storefront = review.plans.find((p) => p.app === 'storefront')!;
    expect(storefront.changes[0]!.calls.map((c) => c.operation)).toEqual([
      'RegisterTaskDefinition',
      'UpdateService',
    ]);
    await phase.approve(migrationId, { actor: ACTOR, app: 'storefront', planDigest: storefront.digest });
    const storeJob = await phase.apply(migrationId, {
      actor: ACTOR,
      app: 'storefront',
      planDigest: storefront.digest,
    });
    const storeRun = await runJob(storeJob.jobId);

    const ecs = new ECSClient(cfg());
    const change = (await store.cutovers.listChanges(migrationId, 'storefront'))[0]!;
    const newRevision = change.outputs['new revision of web:1']!;
    expect(newRevision).toMatch(/task-definition\/web:2$/);

    // The new revision: the twin and its access point; every other member as it was.
    const describe = async (td: string) =>
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: td, include: ['TAGS'] }));
    const old = await describe(ids.webTd);
    const next = await describe(newRevision);
    const strip = (td: Record<string, unknown>) => {
      const { taskDefinitionArn: _a, revision: _r, registeredAt: _t, volumes: _v, ...rest } = td;
      return rest;
    };
    expect(strip(next.taskDefinition as Record<string, unknown>)).toEqual(
      strip(old.taskDefinition as Record<string, unknown>),
    );
    expect(next.taskDefinition!.volumes).toEqual([
      {
        name: 'ledger',
        efsVolumeConfiguration: {
          fileSystemId: ids.twin,
          rootDirectory: '/',
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: ids.twinAccessPoint, iam: 'ENABLED' },
        },
      },
      old.taskDefinition!.volumes![1],
    ]);
    expect(next.tags).toEqual(old.tags);

    // moto's UpdateService answer: the service is on the new revision, but its deployment is the one
    // CreateService made, PRIMARY and COMPLETED on the OLD revision (AWS: a new PRIMARY deployment
    // of the new revision, rolloutState IN_PROGRESS).
    expect(updateAnswers).toHaveLength(2); // the cutover, then the automatic rollback
    const answered = updateAnswers[0]!;
    expect(answered.taskDefinition).toBe(newRevision);
    expect(answered.deployments).toHaveLength(1);
    expect(answered.deployments![0]).toMatchObject({
      id: ids.firstDeployment,
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
      taskDefinition: ids.webTd,
      runningCount: MOTO_RUNNING,
      desiredCount: 2,
    });
    expect(change.outputs['primary deployment of web']).toBe(ids.firstDeployment);

    // So the watch cannot finish against moto: it refuses the old deployment at once, and the
    // application is rolled back automatically through the recorded inverse.
    expect(storeRun?.status).toBe('failed');
    expect(storeRun?.lastError?.code).toBe('CutoverRolledBack');
    expect(change.status).toBe('rolled_back');
    expect(io.messages.some((m) => m.code === 'cutover.auto_rollback')).toBe(true);
    expect(
      io.messages.find(
        (m) => m.code === 'cutover.change' && /no deployment of the new revision/.test(m.message),
      )?.message,
    ).toContain(`recorded deployment ${ids.firstDeployment}, which runs web:1 (PRIMARY, COMPLETED)`);
    expect(updateAnswers[1]!.taskDefinition).toBe(ids.webTd);
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
      .services![0]!;
    expect(svc.taskDefinition).toBe(ids.webTd);
    ecs.destroy();

    const events = await store.events.listEvents(migrationId);
    const calls = events.filter((e) => e.kind === 'aws_call').map((e) => e.data?.operation);
    expect(calls).toEqual([
      'CreateLaunchTemplateVersion',
      'ModifyLaunchTemplate',
      'RegisterTaskDefinition',
      'UpdateService',
      'UpdateService',
    ]);
    let status = await phase.status(migrationId);
    expect(Object.fromEntries(status.applications.map((a) => [a.app, a.status]))).toEqual({
      ledger: 'cut_over',
      storefront: 'rolled_back',
    });

    // --- roll back ledger: the default version returns to 1 ---
    const rb = await phase.rollback(migrationId, { actor: ACTOR, app: 'ledger', reason: 'conformance' });
    expect((await runJob(rb.jobId))?.status).toBe('succeeded');
    const restored = await describeLt('$Default');
    expect(restored.VersionNumber).toBe(1);
    expect(decode(restored.LaunchTemplateData?.UserData)).toContain(
      `${source.fileSystemId}.efs.${REGION}.amazonaws.com`,
    );
    expect((await describeLt('2')).DefaultVersion).toBe(false);
    ec2.destroy();
    asg.destroy();
    status = await phase.status(migrationId);
    expect(status.state).toBe('rolled_back');
    expect(status.applications.map((a) => a.status)).toEqual(['rolled_back', 'rolled_back']);
  }, 60_000);

  it('Lambda through the phase adapter: moto keeps no FileSystemConfigs and no RevisionId, so the plan is refused; the calls themselves work', async () => {
    const lambda = await cutoverClients.lambdaFor(ACCOUNT, REGION);
    const latest = (await lambda.getFunctionConfiguration('ledger-worker'))!;
    // AWS returns FileSystemConfigs and RevisionId on every FunctionConfiguration; moto neither.
    expect(latest.FileSystemConfigs).toBeUndefined();
    expect(latest.RevisionId).toBeUndefined();
    expect(latest.LastUpdateStatus).toBe('Successful');

    // Planned from what moto describes, the cutover refuses rather than update without a condition.
    const mapping = {
      sourceFileSystemId: source.fileSystemId,
      targetFileSystemId: ids.twin,
      mountTargets: {},
      accessPoints: { [seed.accessPointId]: ids.twinAccessPoint },
      notCopied: {},
    };
    const consumer = {
      kind: 'lambda-function' as const,
      id: ids.functionArn,
      name: 'ledger-worker',
      tags: { app: 'ledger-jobs' },
      references: [],
      functionArn: ids.functionArn,
      versions: ['$LATEST', '1'],
      aliases: [{ name: 'live', functionVersion: '1' }],
    };
    expect(() =>
      planLambdaFunctionChange(consumer, { mapping, latest }, new Set([seed.accessPointId])),
    ).toThrow(CutoverPlanError);
    expect(() =>
      planLambdaFunctionChange(consumer, { mapping, latest }, new Set([seed.accessPointId])),
    ).toThrow(/without a RevisionId/);

    // The update path's calls, as the plan would make them, straight through the adapter.
    const twinArn = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/${ids.twinAccessPoint}`;
    const updated = await lambda.updateFunctionConfiguration({
      FunctionName: ids.functionArn,
      // A RevisionId the function never had: AWS refuses with PreconditionFailedException; moto accepts.
      RevisionId: 'not-the-current-revision',
      FileSystemConfigs: [{ Arn: twinArn, LocalMountPath: '/mnt/ledger' }],
    });
    expect(updated.LastUpdateStatus).toBe('Successful');
    expect(updated.FileSystemConfigs).toBeUndefined(); // moto drops them on update too
    expect(updated.requestId).toEqual(expect.any(String));

    // The wait for Successful cannot carry on without the RevisionId PublishVersion is conditional on:
    // it says so at once instead of polling until the deadline.
    const env = {
      clients: cutoverClients,
      accountId: ACCOUNT,
      region: REGION,
      wait: async (ms: number) => clock.advance(ms),
      pollMs: 5_000,
      maxWaitMs: 60_000,
      now: () => clock.now().getTime(),
      progress: async () => undefined,
    };
    await expect(waitForLambdaUpdate(env, 'ledger-worker', ids.functionArn)).rejects.toMatchObject({
      awsCode: 'MissingRevisionId',
    });

    const published = await lambda.publishVersion({ FunctionName: ids.functionArn });
    expect(published.Version).toBe('2');
    const moved = await lambda.updateAlias({
      FunctionName: ids.functionArn,
      Name: 'live',
      FunctionVersion: published.Version!,
      // moto: "The RevisionId parameter is not yet implemented"; AWS refuses a stale one.
      RevisionId: 'not-the-alias-revision',
    });
    expect(moved.FunctionVersion).toBe('2');
    // The inverse: the alias back to the version it ran.
    await lambda.updateAlias({ FunctionName: ids.functionArn, Name: 'live', FunctionVersion: '1' });
    expect((await lambda.getAlias(ids.functionArn, 'live'))?.FunctionVersion).toBe('1');
  }, 30_000);
});
