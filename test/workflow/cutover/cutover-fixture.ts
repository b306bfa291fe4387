/**
 * The sample estate on loopback with the real SDK clients, the embedded store, and one migration
 * per source in `verified` with its build mapping (the twin and its access points made in the
 * estate through EFS, so Lambda accepts their ARNs). Consumers are given as ConsumerReports built
 * by hand (discovery is its own workflow): the sample's workloads.
 */
import {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { readFile } from 'node:fs/promises';
import { createAccountClients, type AccountClients } from '../../../src/aws/account-clients.ts';
import { ecsCutoverClientsFrom } from '../../../src/aws/ecs-cutover.ts';
import { lambdaCutoverClientsFrom } from '../../../src/aws/lambda-cutover.ts';
import { launchTemplateCutoverClientsFrom } from '../../../src/aws/launch-template-cutover.ts';
import { BuildResourceKeys } from '../../../src/domain/build-plan.ts';
import { ManualClock } from '../../../src/domain/clock.ts';
import type { Consumer, ConsumerReport } from '../../../src/domain/consumers.ts';
import type { FileSystemRecord } from '../../../src/domain/inventory.ts';
import { parseEstate, startEstateServer, type EstateServer } from '../../../src/estate/index.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { RecordingIoHost } from '../../../src/workflow/io-host.ts';
import {
  createCutoverPhase,
  type ConsumerDiscovery,
  type CutoverClients,
  type CutoverPhaseWithHandler,
} from '../../../src/workflow/cutover/index.ts';
import { skipAheadRunner } from '../../harness/job-runners.ts';
import { useExampleCredentials } from '../../harness/sdk-env.ts';

export const PLATFORM = '210987654321';
export const PAYMENTS = '345678901234';
export const REGION = 'us-east-1';
export const JENKINS_FS = 'fs-68e35c51cc50b9405';
export const JENKINS_AP = 'fsap-cc438ccc832cf3b6b';
export const CARD_BATCH_FS = 'fs-bb199728162d0d430';
export const MERCHANT_FS = 'fs-d0bcccb1bd7d680e6';
export const THUMBNAILER_AP = 'fsap-f6478ec4fb73d5f11';
export const ADMIN = 'U0ADMIN001';

const td = (account: string, family: string, revision: number) =>
  `arn:aws:ecs:${REGION}:${account}:task-definition/${family}:${revision}`;
const cluster = (account: string, name: string) => `arn:aws:ecs:${REGION}:${account}:cluster/${name}`;
const service = (account: string, c: string, name: string) =>
  `arn:aws:ecs:${REGION}:${account}:service/${c}/${name}`;

export const consumers = {
  jenkins: {
    kind: 'ecs-service',
    id: service(PLATFORM, 'platform', 'jenkins'),
    name: 'jenkins',
    tags: { app: 'jenkins', owner: 'U07JENKINS1' },
    references: [{ form: 'file-system-id', value: JENKINS_FS, where: 'volume "data"' }],
    clusterArn: cluster(PLATFORM, 'platform'),
    serviceArn: service(PLATFORM, 'platform', 'jenkins'),
    taskDefinitionArn: td(PLATFORM, 'jenkins', 3),
    deploymentController: 'ECS',
    desiredCount: 1,
    runningCount: 1,
  },
  cardBatch: {
    kind: 'ecs-service',
    id: service(PAYMENTS, 'payments', 'card-batch'),
    name: 'card-batch',
    tags: { app: 'card-batch', owner: 'payments-core' },
    references: [{ form: 'file-system-id', value: CARD_BATCH_FS, where: 'volume "data"' }],
    clusterArn: cluster(PAYMENTS, 'payments'),
    serviceArn: service(PAYMENTS, 'payments', 'card-batch'),
    taskDefinitionArn: td(PAYMENTS, 'card-batch', 1),
    deploymentController: 'ECS',
    desiredCount: 2,
    runningCount: 2,
  },
  merchantPortal: {
    kind: 'ecs-service',
    id: service(PAYMENTS, 'payments', 'merchant-portal'),
    name: 'merchant-portal',
    tags: { app: 'merchant-portal', owner: 'U07MERCHANT' },
    references: [{ form: 'file-system-id', value: MERCHANT_FS, where: 'volume "data"' }],
    clusterArn: cluster(PAYMENTS, 'payments'),
    serviceArn: service(PAYMENTS, 'payments', 'merchant-portal'),
    taskDefinitionArn: td(PAYMENTS, 'merchant-portal', 1),
    deploymentController: 'CODE_DEPLOY',
    desiredCount: 2,
    runningCount: 2,
  },
  thumbnailer: {
    kind: 'lambda-function',
    id: `arn:aws:lambda:${REGION}:${PAYMENTS}:function:merchant-thumbnailer`,
    name: 'merchant-thumbnailer',
    tags: { app: 'merchant-portal', owner: 'U07MERCHANT' },
    references: [
      {
        form: 'access-point',
        value: `arn:aws:elasticfilesystem:${REGION}:${PAYMENTS}:access-point/${THUMBNAILER_AP}`,
        where: 'FileSystemConfigs[0]',
        accessPointId: THUMBNAILER_AP,
      },
    ],
    functionArn: `arn:aws:lambda:${REGION}:${PAYMENTS}:function:merchant-thumbnailer`,
    versions: ['$LATEST', '2'],
    aliases: [{ name: 'live', functionVersion: '2' }],
  },
} satisfies Record<string, Consumer>;

export interface CutoverWorld {
  clock: ManualClock;
  server: EstateServer;
  store: Store;
  accounts: AccountClients;
  clients: CutoverClients;
  io: RecordingIoHost;
  reports: Map<string, ConsumerReport>;
  discovery: ConsumerDiscovery;
  phase(): CutoverPhaseWithHandler;
  /** Runs a queued job to its end on a runner named `owner`, waits skipped on the clock. */
  run(
    jobId: string,
    phase?: CutoverPhaseWithHandler,
    owner?: string,
  ): ReturnType<ReturnType<typeof skipAheadRunner>['runJob']>;
  /** A migration in `verified` whose twin (and its access point copies) exist in the estate. */
  verifiedMigration(input: {
    accountId: string;
    fileSystemId: string;
    accessPoints: string[];
    tags: Record<string, string>;
    consumers: Consumer[];
    /** Subnets the twin gets mount targets in (a Lambda function in a VPC needs one in its AZ). */
    mountTargetSubnets?: string[];
  }): Promise<string>;
  close(): Promise<void>;
}

export async function startCutoverWorld(): Promise<CutoverWorld> {
  const saved = { ...process.env };
  const sample = JSON.parse(
    await readFile(new URL('../../../src/estate/samples/sample-estate.json', import.meta.url), 'utf8'),
  );
  const clock = new ManualClock(new Date('2025-03-01T09:00:00Z'));
  const server = await startEstateServer({ estate: parseEstate(sample, 'sample'), clock });
  useExampleCredentials(REGION);
  process.env.AWS_ENDPOINT_URL = server.endpoint;
  const accounts = createAccountClients({
    accounts: [PLATFORM, PAYMENTS],
    roleName: 'efs-encrypt',
    regions: [REGION],
    rateLimitPerSecond: 1000,
    maxAttempts: 1,
  });
  const store = await openStore({ clock });
  const ecs = ecsCutoverClientsFrom(accounts);
  const lambda = lambdaCutoverClientsFrom(accounts);
  const lt = launchTemplateCutoverClientsFrom(accounts);
  const clients: CutoverClients = {
    ecsFor: (a, r) => ecs.clientFor(a, r),
    lambdaFor: (a, r) => lambda.clientFor(a, r),
    launchTemplatesFor: (a, r) => lt.clientFor(a, r),
  };
  const io = new RecordingIoHost();
  const reports = new Map<string, ConsumerReport>();
  const discovery: ConsumerDiscovery = {
    async discover(id) {
      const r = reports.get(id);
      if (!r) throw new Error(`no report for ${id}`);
      return r;
    },
    latest: async (id) => reports.get(id),
  };
  const phase = () =>
    createCutoverPhase({
      migrations: store.migrations,
      events: store.events,
      cutovers: store.cutovers,
      jobs: store.jobs,
      clients,
      discovery,
      owners: { resolve: async (tag) => (tag && /^U[A-Z0-9]+$/.test(tag) ? { userId: tag } : {}) },
      isAdmin: (actor) => actor === ADMIN,
      clock,
      io,
      pollMs: 5_000,
      maxWaitMs: 10 * 60_000,
    });
  const world: CutoverWorld = {
    clock,
    server,
    store,
    accounts,
    clients,
    io,
    reports,
    discovery,
    phase,
    run(jobId, p = phase(), owner = 'runner-1') {
      return skipAheadRunner({
        jobs: store.jobs,
        clock,
        kind: 'cutover',
        handler: p.handler,
        owner,
        leaseMs: 60_000,
      }).runJob(jobId);
    },
    async verifiedMigration(input) {
      const sdk = await accounts.sdkClientsFor(input.accountId, REGION);
      const efs = new EFSClient({ ...sdk.clientConfig });
      const twin = await efs.send(
        new CreateFileSystemCommand({ CreationToken: `twin-${input.fileSystemId}`, Encrypted: true }),
      );
      clock.advance(60_000);
      const resources: Record<string, string> = {
        [BuildResourceKeys.targetFileSystemId]: twin.FileSystemId!,
      };
      for (const ap of input.accessPoints) {
        const made = await efs.send(
          new CreateAccessPointCommand({ FileSystemId: twin.FileSystemId!, ClientToken: `twin-${ap}` }),
        );
        resources[BuildResourceKeys.accessPoint(ap)] = made.AccessPointId!;
      }
      for (const SubnetId of input.mountTargetSubnets ?? [])
        await efs.send(new CreateMountTargetCommand({ FileSystemId: twin.FileSystemId!, SubnetId }));
      efs.destroy();
      const created = await store.migrations.createMigration({
        accountId: input.accountId,
        region: REGION,
        fileSystemId: input.fileSystemId,
        state: 'verified',
        actor: 'test',
      });
      await store.migrations.updateMigration(created.id, {
        expectedVersion: created.version,
        resources,
        actor: 'test',
        detail: 'build mapping',
      });
      const fileSystem = {
        accountId: input.accountId,
        region: REGION,
        fileSystemId: input.fileSystemId,
        lifeCycleState: 'available',
        sizeInBytes: 0,
        numberOfMountTargets: 0,
        encrypted: false,
        keyAliases: [],
        tags: input.tags,
        lifecyclePolicies: [],
        replications: [],
        mountTargets: [],
        accessPoints: input.accessPoints.map((accessPointId) => ({ accessPointId, tags: {} })),
      } as unknown as FileSystemRecord;
      await store.migrations.putSnapshot(created.id, { observedAt: clock.now().toISOString(), fileSystem });
      reports.set(created.id, {
        migrationId: created.id,
        accountId: input.accountId,
        region: REGION,
        fileSystemId: input.fileSystemId,
        discoveredAt: clock.now().toISOString(),
        consumers: input.consumers,
        checklist: [
          {
            id: 'fstab',
            title: 'fstab on running instances',
            detail: `grep ${input.fileSystemId} /etc/fstab`,
          },
        ],
        unreadable: [],
      });
      return created.id;
    },
    async close() {
      ecs.destroy();
      lambda.destroy();
      lt.destroy();
      accounts.destroy();
      await store.close();
      await server.close();
      process.env = saved;
    },
  };
  return world;
}

/**
 * The merchant-portal migration of the payments account, verified, whose consumer is the
 * alias-backed function merchant-thumbnailer. The function runs in a VPC, so the twin gets mount
 * targets in its subnets.
 */
export function thumbnailerMigration(world: CutoverWorld): Promise<string> {
  return world.verifiedMigration({
    accountId: PAYMENTS,
    fileSystemId: MERCHANT_FS,
    accessPoints: [THUMBNAILER_AP],
    tags: { app: 'merchant-portal' },
    consumers: [consumers.thumbnailer],
    mountTargetSubnets: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'],
  });
}
