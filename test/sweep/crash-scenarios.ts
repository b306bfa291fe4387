import {
  DataSyncClient,
  ListLocationsCommand,
  ListTaskExecutionsCommand,
  ListTasksCommand,
} from '@aws-sdk/client-datasync';
import {
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  EFSClient,
} from '@aws-sdk/client-efs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DescribeLaunchTemplatesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { BuildResourceKeys } from '../../src/domain/build-plan.ts';
import { ManualClock, systemClock } from '../../src/domain/clock.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { migrationId, type ScanRecord } from '../../src/domain/inventory.ts';
import type { MigrationEvent } from '../../src/domain/migration.ts';
import { parseEstate, scaleTiming, startEstateServer, type EstateServer } from '../../src/estate/index.ts';
import { openStore } from '../../src/store/index.ts';
import { killChild, startChild, type Child } from '../harness/child-process.ts';
import { NO_AWS_FILES } from '../harness/sdk-env.ts';
import * as copyFixture from '../workflow/copy/copy-fixture.ts';
import { ACCOUNT, decideEstate, FS, KEYS, REGION } from '../workflow/decide/decide-fixture.ts';
import * as decommissionFixture from '../workflow/decommission/decommission-fixture.ts';

const DECOM = decommissionFixture;

/**
 * Issue 18's crash sweeps' scenarios (test/sweep/crash-points.test.ts kills each after every
 * persisted step, test/sweep/random-crash-points.test.ts at random moments): `efs-encrypt build`,
 * `copy start` (DataSync), `cutover apply` and `decommission`, each a real child process on a fresh
 * estate (in this process, at 1000x speed) and store, and what the estate and store hold at the end.
 */

const SPEED = 1000;
const dirs: string[] = [];
export const children: Child[] = [];

/** Kills every child still running and removes every estate's directory (a suite's afterAll). */
export async function cleanUpScenarios(): Promise<void> {
  await Promise.all(children.map((c) => killChild(c)));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

/** Starts the CLI (bin/efs-encrypt.js) as a child process in the ground's directory. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  const child = startChild([join(process.cwd(), 'bin/efs-encrypt.js'), ...args], env, cwd);
  children.push(child);
  return child;
}

export interface Ground {
  estate: EstateServer;
  dir: string;
  env: NodeJS.ProcessEnv;
}

export interface Outcome {
  state: string;
  events: string[];
  resources: Record<string, number>;
  /** Write calls the estate answered, both runs together (cutover and decommission). */
  sent?: Record<string, number>;
}

export interface Scenario {
  name: string;
  /** The one migration the command works on. */
  migrationId: string;
  /** A fresh estate and store with everything the command needs already recorded. */
  prepare(): Promise<Ground>;
  /** The first run's arguments, then the resuming run's. */
  first: string[];
  again: string[];
  /** What the estate and the store hold at the end. */
  outcome(g: Ground): Promise<Outcome>;
}

async function ground(
  estateJson: unknown,
  name: string,
  accounts: string,
  region: string,
  /** A store to start from, copied (the cutover's scanned, seeded and planned migration). */
  storeFrom?: string,
): Promise<Ground> {
  const dir = await mkdtemp(join(tmpdir(), `crash-${name}-`));
  dirs.push(dir);
  if (storeFrom) await cp(storeFrom, join(dir, 'store'), { recursive: true });
  const estate = await startEstateServer({
    estate: parseEstate(estateJson, name),
    timing: scaleTiming(SPEED),
  });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...NO_AWS_FILES,
    ...Object.fromEntries(
      ['EFS', 'KMS', 'EC2', 'STS', 'DATASYNC', 'CLOUDWATCH', 'ECS', 'LAMBDA', 'AUTO_SCALING', 'BACKUP'].map(
        (s) => [`AWS_ENDPOINT_URL_${s}`, estate.endpoint],
      ),
    ),
    AWS_ACCESS_KEY_ID: 'AKIDLOCALESTATE',
    AWS_SECRET_ACCESS_KEY: 'local-estate',
    AWS_REGION: region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    EFS_ENCRYPT_ACCOUNTS: accounts,
    EFS_ENCRYPT_REGIONS: region,
    EFS_ENCRYPT_DATA_DIR: join(dir, 'store'),
    EFS_ENCRYPT_POLL_MS: '20',
    LOG_LEVEL: 'silent',
  };
  return { estate, dir, env };
}

/** Events as a shape: kind, transition and detail with the estate's generated IDs masked. */
export function shape(events: MigrationEvent[]): string[] {
  return events.map((e) =>
    [
      e.kind,
      e.from && e.to ? `${e.from}->${e.to}` : '',
      (e.detail ?? '')
        .replace(/arn:aws:[^\s,)]+/g, '<arn>')
        .replace(/\b(fs|fsmt|fsap|exec|task|loc)-[0-9a-f]+\b/g, '<$1>'),
    ].join(' | '),
  );
}

/**
 * `rereads`: event kinds that record a read-only check a resumed run makes again on purpose (the
 * decommission re-reads every guard until the file system's deletion began: time has passed); a
 * line of such a kind identical to an earlier one is left out of the shape, in both logs alike.
 */
export async function storeOutcome(g: Ground, migrationId: string, rereads: string[] = []) {
  const store = await openStore({ dataDir: join(g.dir, 'store'), clock: systemClock });
  try {
    const m = await store.migrations.getMigration(migrationId);
    const events = shape(await store.events.listEvents(migrationId)).filter(
      (line, i, all) => !rereads.includes(line.split(' | ')[0]!) || all.indexOf(line) === i,
    );
    return { state: m!.state, events };
  } finally {
    await store.close();
  }
}

async function efsResources(g: Ground, region: string): Promise<Record<string, number>> {
  const efs = new EFSClient({
    endpoint: g.estate.endpoint,
    region,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  try {
    const twins = ((await efs.send(new DescribeFileSystemsCommand({}))).FileSystems ?? []).filter(
      (f) => f.Encrypted && f.CreationToken?.startsWith('efs-encrypt-'),
    );
    let mountTargets = 0;
    let accessPoints = 0;
    for (const t of twins) {
      mountTargets += (await efs.send(new DescribeMountTargetsCommand({ FileSystemId: t.FileSystemId })))
        .MountTargets!.length;
      accessPoints += (await efs.send(new DescribeAccessPointsCommand({ FileSystemId: t.FileSystemId })))
        .AccessPoints!.length;
    }
    return { twins: twins.length, mountTargets, accessPoints };
  } finally {
    efs.destroy();
  }
}

/**
 * The decide fixture's prod file system with every optional part a build copies (a lifecycle
 * policy, two access points, a file system policy), so every build step persists something.
 */
function fullEstate() {
  const estate = decideEstate();
  const app = estate.accounts[0]!.regions[REGION]!.fileSystems.find((f) => f.FileSystemId === FS.app)!;
  Object.assign(app, {
    LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }],
    AccessPoints: [
      { AccessPointId: 'fsap-0a0000000000000a1', Name: 'uploads', RootDirectory: { Path: '/uploads' } },
      { AccessPointId: 'fsap-0a0000000000000a2', Name: 'reports', PosixUser: { Uid: 1000, Gid: 1000 } },
    ],
    Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    }),
  });
  return estate;
}

export const buildScenario: Scenario = {
  name: 'build',
  migrationId: migrationId(ACCOUNT, REGION, FS.app),
  async prepare() {
    const g = await ground(fullEstate(), 'build', ACCOUNT, REGION);
    await writeFile(
      join(g.dir, 'decisions.yaml'),
      `decisions:\n  - { fileSystemId: ${FS.app}, scope: in_scope, targetKey: ${KEYS.good.alias}, method: datasync }\n`,
    );
    return g;
  },
  // Recording the decisions checkpoints no job, so the Nth checkpoint is the build's.
  first: ['build', '--all', '--decisions', 'decisions.yaml'],
  again: ['build', '--all'],
  async outcome(g) {
    return {
      ...(await storeOutcome(g, migrationId(ACCOUNT, REGION, FS.app))),
      resources: await efsResources(g, REGION),
    };
  },
};

export const copyScenario: Scenario = {
  name: 'copy',
  migrationId: migrationId(copyFixture.ACCOUNT, copyFixture.REGION, copyFixture.SOURCE),
  async prepare() {
    const g = await ground(copyFixture.COPY_ESTATE, 'copy', copyFixture.ACCOUNT, copyFixture.REGION);
    const store = await openStore({ dataDir: join(g.dir, 'store'), clock: systemClock });
    try {
      await copyFixture.seedMigration(store, g.estate, systemClock, 'datasync');
    } finally {
      await store.close();
    }
    return g;
  },
  first: ['copy', 'start', copyFixture.SOURCE],
  again: ['copy', 'start', copyFixture.SOURCE],
  async outcome(g) {
    const dataSync = new DataSyncClient({
      endpoint: g.estate.endpoint,
      region: copyFixture.REGION,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      const resources = {
        tasks: (await dataSync.send(new ListTasksCommand({}))).Tasks!.length,
        locations: (await dataSync.send(new ListLocationsCommand({}))).Locations!.length,
        executions: (await dataSync.send(new ListTaskExecutionsCommand({}))).TaskExecutions!.length,
        ...(await efsResources(g, copyFixture.REGION)),
      };
      return {
        ...(await storeOutcome(g, migrationId(copyFixture.ACCOUNT, copyFixture.REGION, copyFixture.SOURCE))),
        resources,
      };
    } finally {
      dataSync.destroy();
    }
  },
};

/** What the estate answered to the write calls named, summed over both runs. */
function sentOf(g: Ground, operations: string[]): Record<string, number> {
  const by = g.estate.stats().byOperation;
  return Object.fromEntries(operations.map((o) => [o, by[o] ?? 0]));
}

/** The sample estate plus gitlab-runner-cache's encrypted twin, as a build leaves it (test/cli/commands/cutover.test.ts). */
const PLATFORM = '210987654321';
const SAMPLE_REGION = 'us-east-1';
const GITLAB = 'fs-6c6ef29eee9d07da5';
const GITLAB_TWIN = 'fs-0e1c0e2c3d4e5f601';
async function sampleWithTwin(): Promise<unknown> {
  const sample = JSON.parse(await readFile(SAMPLE_ESTATE_PATH, 'utf8'));
  const region = sample.accounts.find((a: { accountId: string }) => a.accountId === PLATFORM).regions[
    SAMPLE_REGION
  ];
  region.fileSystems.push({
    FileSystemId: GITLAB_TWIN,
    Encrypted: true,
    Tags: [{ Key: 'Name', Value: 'gitlab-runner-cache (encrypted)' }],
    MountTargets: [{ SubnetId: 'subnet-0c1e0a51b2d3e4f51', SecurityGroups: ['sg-0c1e0a51b2d3e4f5b'] }],
  });
  return sample;
}

/**
 * Once per scenario: the estate scanned (`efs-encrypt scan`, for the inventory snapshot cutover and
 * decommission read) and `seed` run on the store (and on the CLI), in a store every crash point then
 * copies: the points start at the command under test, each on a fresh estate from the same file.
 */
const templates = new Map<string, Promise<string>>();
function templateStore(
  name: string,
  o: {
    estate: () => Promise<unknown> | unknown;
    account: string;
    region: string;
    seed(store: Awaited<ReturnType<typeof openStore>>, scan: ScanRecord): Promise<void>;
    /** CLI commands run after the seed. */
    then?: string[][];
  },
): Promise<string> {
  let made = templates.get(name);
  if (!made) {
    made = (async () => {
      const g = await ground(await o.estate(), `${name}-template`, o.account, o.region);
      try {
        const cli = async (args: string[]) => {
          const child = startCli(args, g.env, g.dir);
          const { code } = await child.exited;
          expect(code, `${args.join(' ')}:\n${child.stderr.join('\n')}`).toBe(0);
        };
        await cli(['scan']);
        // Events dated 25 hours ago: the decommission's idle guard counts from the cutover.
        const store = await openStore({
          dataDir: join(g.dir, 'store'),
          clock: new ManualClock(new Date(Date.now() - 25 * 3_600_000)),
        });
        try {
          await o.seed(store, (await store.scans.getLatestScan())!);
        } finally {
          await store.close();
        }
        for (const args of o.then ?? []) await cli(args);
        return join(g.dir, 'store');
      } finally {
        await g.estate.close();
      }
    })();
    templates.set(name, made);
  }
  return made;
}

async function putSnapshot(
  store: Awaited<ReturnType<typeof openStore>>,
  id: string,
  scan: ScanRecord,
  fileSystemId: string,
) {
  const fileSystem = scan.fileSystems.find((f) => f.fileSystemId === fileSystemId);
  if (!fileSystem) throw new Error(`the scan did not find ${fileSystemId}`);
  await store.migrations.putSnapshot(id, {
    observedAt: scan.finishedAt ?? scan.startedAt,
    scanId: scan.scanId,
    fileSystem,
  });
}

/** gitlab-runner-cache recorded verified with its twin, and its cutover planned. */
const cutoverStore = () =>
  templateStore('cutover', {
    estate: sampleWithTwin,
    account: PLATFORM,
    region: SAMPLE_REGION,
    async seed(store, scan) {
      const created = await store.migrations.createMigration({
        accountId: PLATFORM,
        region: SAMPLE_REGION,
        fileSystemId: GITLAB,
        state: 'verified',
        actor: 'test',
      });
      await store.migrations.updateMigration(created.id, {
        expectedVersion: created.version,
        resources: { [BuildResourceKeys.targetFileSystemId]: GITLAB_TWIN },
        actor: 'test',
        detail: 'build mapping',
      });
      await putSnapshot(store, created.id, scan, GITLAB);
    },
    then: [['cutover', 'plan', GITLAB]],
  });

/** The decommission fixture's source, cut over 25 hours ago, its twin linked by tags. */
const decommissionStore = () =>
  templateStore('decommission', {
    estate: () => decommissionFixture.estateDoc(),
    account: DECOM.ACCOUNT,
    region: DECOM.REGION,
    async seed(store, scan) {
      const id = migrationId(DECOM.ACCOUNT, DECOM.REGION, DECOM.SOURCE);
      let rec = await store.migrations.createMigration({
        accountId: DECOM.ACCOUNT,
        region: DECOM.REGION,
        fileSystemId: DECOM.SOURCE,
        state: 'cutover_pending',
        facts: { verificationClean: true, targetValidated: true, hasDecision: true },
        actor: 'test',
      });
      rec = await store.migrations.updateMigration(id, {
        expectedVersion: rec.version,
        resources: {
          targetFileSystemId: DECOM.TWIN,
          targetKmsKeyArn: DECOM.KEY_ARN,
          verification: 'clean: 0 differences',
        },
        actor: 'test',
      });
      await store.migrations.transitionMigration(id, {
        expectedVersion: rec.version,
        to: 'cut_over',
        facts: { consumersRemaining: 0 },
        actor: 'test',
      });
      await putSnapshot(store, id, scan, DECOM.SOURCE);
    },
  });

const LAUNCH_TEMPLATE_WRITES = [
  'ec2:CreateLaunchTemplateVersion',
  'ec2:ModifyLaunchTemplate',
  'autoscaling:StartInstanceRefresh',
];

export const cutoverScenario: Scenario = {
  name: 'cutover',
  migrationId: migrationId(PLATFORM, SAMPLE_REGION, GITLAB),
  async prepare() {
    return ground(await sampleWithTwin(), 'cutover', PLATFORM, SAMPLE_REGION, await cutoverStore());
  },
  // The approval is recorded before the job starts; the Nth checkpoint is the job's Nth recorded call.
  first: ['cutover', 'apply', GITLAB, '--app', 'gitlab-runner', '--approved-by', 'alice'],
  again: ['cutover', 'apply', GITLAB, '--app', 'gitlab-runner', '--approved-by', 'alice'],
  async outcome(g) {
    const ec2 = new EC2Client({
      endpoint: g.estate.endpoint,
      region: SAMPLE_REGION,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      const templates = (
        await ec2.send(
          new DescribeLaunchTemplatesCommand({
            LaunchTemplateNames: ['gitlab-runner', 'gitlab-runner-spot'],
          }),
        )
      ).LaunchTemplates!;
      const resources = Object.fromEntries(
        templates.flatMap((t) => [
          [`${t.LaunchTemplateName} latest`, t.LatestVersionNumber!],
          [`${t.LaunchTemplateName} default`, t.DefaultVersionNumber!],
        ]),
      );
      return {
        ...(await storeOutcome(g, migrationId(PLATFORM, SAMPLE_REGION, GITLAB))),
        resources,
        sent: sentOf(g, LAUNCH_TEMPLATE_WRITES),
      };
    } finally {
      ec2.destroy();
    }
  },
};

/** The decommission's guard readings (each also reads consumers), repeated by a resumed job. */
const GUARD_READS = ['consumers', 'decommission_guards'];

const DELETIONS = ['efs:DeleteAccessPoint', 'efs:DeleteMountTarget', 'efs:DeleteFileSystem'];

export const decommissionScenario: Scenario = {
  name: 'decommission',
  migrationId: migrationId(DECOM.ACCOUNT, DECOM.REGION, DECOM.SOURCE),
  async prepare() {
    return ground(
      decommissionFixture.estateDoc(),
      'decommission',
      DECOM.ACCOUNT,
      DECOM.REGION,
      await decommissionStore(),
    );
  },
  first: ['decommission', DECOM.SOURCE, '--confirm', DECOM.SOURCE],
  again: ['decommission', DECOM.SOURCE, '--confirm', DECOM.SOURCE],
  async outcome(g) {
    const efs = new EFSClient({
      endpoint: g.estate.endpoint,
      region: DECOM.REGION,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      const left = (await efs.send(new DescribeFileSystemsCommand({}))).FileSystems ?? [];
      const twin = left.find((f) => f.FileSystemId === DECOM.TWIN);
      return {
        ...(await storeOutcome(g, migrationId(DECOM.ACCOUNT, DECOM.REGION, DECOM.SOURCE), GUARD_READS)),
        resources: {
          fileSystems: left.length,
          twin: twin ? 1 : 0,
          twinMountTargets: twin
            ? (await efs.send(new DescribeMountTargetsCommand({ FileSystemId: DECOM.TWIN }))).MountTargets!
                .length
            : 0,
          twinAccessPoints: twin
            ? (await efs.send(new DescribeAccessPointsCommand({ FileSystemId: DECOM.TWIN }))).AccessPoints!
                .length
            : 0,
        },
        sent: sentOf(g, DELETIONS),
      };
    } finally {
      efs.destroy();
    }
  },
};
