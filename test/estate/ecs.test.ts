import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  ClientException,
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  TagResourceCommand,
  UpdateServiceCommand,
  paginateListTaskDefinitions,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { readFile } from 'node:fs/promises';
import { parseEstate } from '../../src/estate/load.ts';
import { startEstateServer, type EstateServer } from '../../src/estate/server.ts';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import type { EstateFileError } from '../../src/estate/errors.ts';

const SAMPLE = new URL('../../src/estate/samples/sample-estate.json', import.meta.url);
const PLATFORM = '210987654321';
const PAYMENTS = '345678901234';
const REGION = 'us-east-1';
const td = (account: string, family: string, revision: number) =>
  `arn:aws:ecs:${REGION}:${account}:task-definition/${family}:${revision}`;

let server: EstateServer;
let clock: ManualClock;
let sampleJson: unknown;
/** Clients acting in an account: base credentials are the caller account; others come through AssumeRole. */
let platform: ECSClient;
let payments: ECSClient;

beforeEach(async () => {
  sampleJson = JSON.parse(await readFile(SAMPLE, 'utf8'));
  clock = new ManualClock(new Date('2025-01-10T09:00:00Z'));
  server = await startEstateServer({ estate: parseEstate(sampleJson, 'sample'), clock });
  const config = { region: REGION, endpoint: server.endpoint, maxAttempts: 1 };
  platform = new ECSClient({
    ...config,
    credentials: { accessKeyId: 'AKIAESTATETESTBASE01', secretAccessKey: 'x' },
  });
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const role = await new STSClient({
    ...config,
    credentials: { accessKeyId: 'AKIAESTATETESTBASE01', secretAccessKey: 'x' },
  }).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${PAYMENTS}:role/efs-encrypt`, RoleSessionName: 'test' }),
  );
  payments = new ECSClient({
    ...config,
    credentials: {
      accessKeyId: role.Credentials!.AccessKeyId!,
      secretAccessKey: role.Credentials!.SecretAccessKey!,
      sessionToken: role.Credentials!.SessionToken!,
    },
  });
});
afterEach(() => server.close());

async function jenkins() {
  const answer = await platform.send(
    new DescribeServicesCommand({ cluster: 'platform', services: ['jenkins'], include: ['TAGS'] }),
  );
  return answer.services![0]!;
}

/** A new revision from a described one, minus the read-only members (what the bot's cutover does). */
function registrable(t: TaskDefinition) {
  const {
    taskDefinitionArn: _a,
    revision: _r,
    status: _s,
    requiresAttributes: _ra,
    compatibilities: _c,
    registeredAt: _at,
    registeredBy: _by,
    deregisteredAt: _d,
    ...rest
  } = t;
  return { ...rest, family: t.family!, containerDefinitions: t.containerDefinitions! };
}

describe('ECS read side', () => {
  test('task definitions page, filter by family and status, and sort', async () => {
    const arns: string[] = [];
    for await (const page of paginateListTaskDefinitions(
      { client: platform, pageSize: 1 },
      { familyPrefix: 'jenkins' },
    ))
      arns.push(...page.taskDefinitionArns!);
    expect(arns).toEqual([td(PLATFORM, 'jenkins', 2), td(PLATFORM, 'jenkins', 3)]);
    const inactive = await platform.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }));
    expect(inactive.taskDefinitionArns).toEqual([td(PLATFORM, 'jenkins', 1)]);
    const desc = await platform.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'jenkins', sort: 'DESC' }),
    );
    expect(desc.taskDefinitionArns![0]).toBe(td(PLATFORM, 'jenkins', 3));
    const families = await payments.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'card' }));
    expect(families.families).toEqual(['card-batch']);
  });

  test('services page per cluster; describe answers deployments, and tags only when asked', async () => {
    const page = await payments.send(new ListServicesCommand({ cluster: 'payments', maxResults: 1 }));
    expect(page.serviceArns).toHaveLength(1);
    const rest = await payments.send(
      new ListServicesCommand({ cluster: 'payments', nextToken: page.nextToken }),
    );
    expect([...page.serviceArns!, ...rest.serviceArns!].sort()).toEqual([
      `arn:aws:ecs:${REGION}:${PAYMENTS}:service/payments/card-batch`,
      `arn:aws:ecs:${REGION}:${PAYMENTS}:service/payments/merchant-portal`,
    ]);
    const service = await jenkins();
    expect(service.tags).toEqual([
      { key: 'app', value: 'jenkins' },
      { key: 'owner', value: 'U07JENKINS1' },
    ]);
    expect(service.taskDefinition).toBe(td(PLATFORM, 'jenkins', 3));
    expect(service.deployments).toMatchObject([
      { status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 1 },
    ]);
    expect(service.deployments![0]!.id).toMatch(/^ecs-svc\/\d{19}$/);
    const untagged = await platform.send(
      new DescribeServicesCommand({ cluster: 'platform', services: ['jenkins'] }),
    );
    expect(untagged.services![0]!.tags).toBeUndefined();
    const codeDeploy = await payments.send(
      new DescribeServicesCommand({ cluster: 'payments', services: ['merchant-portal', 'nope'] }),
    );
    expect(codeDeploy.services![0]!.deployments).toEqual([]);
    expect(codeDeploy.services![0]!.taskSets![0]!.taskDefinition).toBe(td(PAYMENTS, 'merchant-portal', 1));
    expect(codeDeploy.failures).toEqual([
      { arn: `arn:aws:ecs:${REGION}:${PAYMENTS}:service/payments/nope`, reason: 'MISSING' },
    ]);
  });

  test('the task definition with its EFS volume, and its tags with include TAGS', async () => {
    const answer = await platform.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'jenkins', include: ['TAGS'] }),
    );
    expect(answer.taskDefinition!.revision).toBe(3);
    expect(answer.taskDefinition!.volumes![0]!.efsVolumeConfiguration).toEqual({
      fileSystemId: 'fs-68e35c51cc50b9405',
      transitEncryption: 'ENABLED',
      authorizationConfig: { accessPointId: 'fsap-cc438ccc832cf3b6b', iam: 'ENABLED' },
    });
    expect(answer.taskDefinition!.requiresAttributes).toContainEqual({ name: 'ecs.capability.efsAuth' });
    expect(answer.tags).toContainEqual({ key: 'owner', value: 'U07JENKINS1' });
    await expect(
      platform.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:1' })),
    ).rejects.toBeInstanceOf(ClientException);
  });

  test('unknown clusters and services raise the SDK exception classes', async () => {
    await expect(platform.send(new ListServicesCommand({ cluster: 'nope' }))).rejects.toBeInstanceOf(
      ClusterNotFoundException,
    );
    await expect(
      platform.send(new UpdateServiceCommand({ cluster: 'platform', service: 'nope', desiredCount: 1 })),
    ).rejects.toBeInstanceOf(ServiceNotFoundException);
    await expect(
      platform.send(new ListServicesCommand({ cluster: 'platform', nextToken: 'garbage' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  test('running tasks name their task definition', async () => {
    const list = await payments.send(
      new ListTasksCommand({ cluster: 'payments', serviceName: 'card-batch' }),
    );
    expect(list.taskArns).toHaveLength(2);
    const tasks = await payments.send(
      new DescribeTasksCommand({ cluster: 'payments', tasks: list.taskArns }),
    );
    expect(tasks.tasks!.map((t) => t.taskDefinitionArn)).toEqual([
      td(PAYMENTS, 'card-batch', 1),
      td(PAYMENTS, 'card-batch', 1),
    ]);
  });
});

describe('ECS deployments', () => {
  async function registerFrom(family: string, tags?: { key: string; value: string }[]) {
    const described = await platform.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] }),
    );
    const registered = await platform.send(
      new RegisterTaskDefinitionCommand({
        ...registrable(described.taskDefinition!),
        tags: tags ?? described.tags,
      }),
    );
    return registered.taskDefinition!;
  }

  test('register makes the next revision; UpdateService starts a PRIMARY deployment that completes', async () => {
    const next = await registerFrom('jenkins');
    expect(next.revision).toBe(4);
    expect(next.status).toBe('ACTIVE');
    expect(next.registeredAt).toEqual(clock.now());
    const updated = await platform.send(
      new UpdateServiceCommand({
        cluster: 'platform',
        service: 'jenkins',
        taskDefinition: next.taskDefinitionArn,
      }),
    );
    const [primary, previous] = updated.service!.deployments!;
    expect(primary).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      taskDefinition: next.taskDefinitionArn,
    });
    expect(primary!.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(previous).toMatchObject({
      status: 'ACTIVE',
      taskDefinition: td(PLATFORM, 'jenkins', 3),
      runningCount: 1,
    });
    clock.advance(DEFAULT_TIMING.ecsDeploymentMs - 1);
    expect((await jenkins()).deployments).toHaveLength(2);
    clock.advance(1);
    const done = await jenkins();
    expect(done.deployments).toMatchObject([
      { id: primary!.id, rolloutState: 'COMPLETED', runningCount: 1, taskDefinition: next.taskDefinitionArn },
    ]);
    expect(done.events![0]!.message).toBe('(service jenkins) has reached a steady state.');
  });

  test('a revision marked to fail: FAILED, rolled back, stable on the OLD revision', async () => {
    const marked = await registerFrom('jenkins', [{ key: 'estate:fail-deployment', value: 'true' }]);
    const updated = await platform.send(
      new UpdateServiceCommand({
        cluster: 'platform',
        service: 'jenkins',
        taskDefinition: marked.taskDefinitionArn,
      }),
    );
    const deploymentId = updated.service!.deployments![0]!.id;
    clock.advance(DEFAULT_TIMING.ecsDeploymentFailMs);
    const rollingBack = await jenkins();
    expect(rollingBack.deployments!.find((d) => d.id === deploymentId)).toMatchObject({
      rolloutState: 'FAILED',
      status: 'ACTIVE',
    });
    expect(rollingBack.deployments![0]).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: td(PLATFORM, 'jenkins', 3),
    });
    clock.advance(DEFAULT_TIMING.ecsDeploymentMs);
    const settled = await jenkins();
    // What the services-stable waiter checks passes, yet the service runs the old revision.
    expect(settled.deployments).toHaveLength(1);
    expect(settled.runningCount).toBe(settled.desiredCount);
    expect(settled.taskDefinition).toBe(td(PLATFORM, 'jenkins', 3));
    expect(settled.deployments![0]!.id).not.toBe(deploymentId);
  });

  test('the control surface fails the next deployment; without rollback it stays FAILED', async () => {
    await platform.send(
      new UpdateServiceCommand({
        cluster: 'platform',
        service: 'jenkins',
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    server.control.ecs.failNextDeployment(PLATFORM, REGION, { cluster: 'platform', serviceName: 'jenkins' });
    await platform.send(
      new UpdateServiceCommand({
        cluster: 'platform',
        service: 'jenkins',
        taskDefinition: td(PLATFORM, 'jenkins', 2),
      }),
    );
    clock.advance(DEFAULT_TIMING.ecsDeploymentFailMs + DEFAULT_TIMING.ecsDeploymentMs);
    const service = await jenkins();
    expect(service.deployments![0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'FAILED',
      runningCount: 0,
    });
    expect(service.deployments).toHaveLength(2);
  });

  test('desired count 0 completes with nothing running', async () => {
    await payments.send(
      new UpdateServiceCommand({
        cluster: 'payments',
        service: 'card-batch',
        desiredCount: 0,
        forceNewDeployment: true,
      }),
    );
    clock.advance(DEFAULT_TIMING.ecsDeploymentMs);
    const service = (
      await payments.send(new DescribeServicesCommand({ cluster: 'payments', services: ['card-batch'] }))
    ).services![0]!;
    expect(service.deployments).toMatchObject([
      { rolloutState: 'COMPLETED', runningCount: 0, desiredCount: 0 },
    ]);
  });

  test('CODE_DEPLOY refuses a new task definition with InvalidParameterException', async () => {
    const error = await payments
      .send(
        new UpdateServiceCommand({
          cluster: 'payments',
          service: 'merchant-portal',
          taskDefinition: 'merchant-portal:1',
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as Error).message).toContain('CODE_DEPLOY deployment controller');
  });

  test('tags on task definitions are listed and added; aws: keys are refused', async () => {
    const arn = td(PLATFORM, 'jenkins', 3);
    await platform.send(
      new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'efs-encrypt:cutover', value: 'm-1' }] }),
    );
    const tags = await platform.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags).toContainEqual({ key: 'efs-encrypt:cutover', value: 'm-1' });
    await expect(
      platform.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'aws:x', value: 'y' }] })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('ECS in the estate file', () => {
  const region = (ecs: unknown) => ({
    accounts: [{ accountId: '111111111111', regions: { 'eu-west-1': { ecs } } }],
  });
  const problems = (ecs: unknown) => {
    try {
      parseEstate(region(ecs), 'test');
    } catch (e) {
      return (e as EstateFileError).problems;
    }
    return [];
  };
  const container = { name: 'app', image: 'nginx' };

  test('bad references and members are refused with their path', () => {
    expect(
      problems({
        clusters: [{ clusterName: 'main' }],
        taskDefinitions: [
          {
            family: 'app',
            containerDefinitions: [
              { ...container, mountPoints: [{ sourceVolume: 'data', containerPath: '/d' }] },
            ],
            volumes: [
              {
                name: 'other',
                efsVolumeConfiguration: {
                  fileSystemId: 'fs-0123456789abcdef0',
                  authorizationConfig: { iam: 'ENABLED' },
                },
              },
            ],
          },
        ],
        services: [
          { cluster: 'nope', serviceName: 's', taskDefinition: 'app:1', desiredCount: 1 },
          { cluster: 'main', serviceName: 't', taskDefinition: 'app:9', desiredCount: 1 },
        ],
      }),
    ).toEqual([
      "accounts[0].regions.eu-west-1.ecs.taskDefinitions[0].containerDefinitions[0].mountPoints[0].sourceVolume: data is not one of this task definition's volumes; add it under volumes",
      'accounts[0].regions.eu-west-1.ecs.taskDefinitions[0].volumes[0].efsVolumeConfiguration.transitEncryption: volume other: transit encryption must be enabled when an access point or IAM authorization is used (set it to ENABLED)',
      "accounts[0].regions.eu-west-1.ecs.services[0].cluster: nope is not one of this region's ecs.clusters; add it there",
      "accounts[0].regions.eu-west-1.ecs.services[1].taskDefinition: app:9 is not one of this region's ecs.taskDefinitions; name it as family:revision",
    ]);
    expect(
      problems({ taskDefinitions: [{ family: 'app', containerDefinitions: [{ ...container, imag: 'x' }] }] }),
    ).toEqual([
      'accounts[0].regions.eu-west-1.ecs.taskDefinitions[0].containerDefinitions[0].imag: not a member of this AWS shape; check the spelling against the AWS API reference',
    ]);
    expect(
      problems({
        taskDefinitions: [
          { family: 'app', containerDefinitions: [container] },
          { family: 'app', revision: 1, containerDefinitions: [container] },
        ],
      }),
    ).toEqual([
      'accounts[0].regions.eu-west-1.ecs.taskDefinitions[1].revision: app:1 is already used by accounts[0].regions.eu-west-1.ecs.taskDefinitions[0]',
    ]);
  });
});
