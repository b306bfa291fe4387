/**
 * Least privilege, proven phase by phase: each phase runs for real against the local estate (the
 * phases' own integration fixtures), the operations the estate received while it ran are mapped to
 * IAM actions (iamActionsOf: the operation's own action and the ones IAM also checks), and
 *  - a phase that sent an action its list in src/aws/permissions.ts does not grant fails, and
 *  - an action a phase's list grants that no run here sent fails, unless UNSENT_GRANTS says why.
 * The reverse check at the end reads what the runs above recorded: run the file whole.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { autoScalingClientsFrom } from '../../src/aws/auto-scaling.ts';
import { createAccountClients } from '../../src/aws/account-clients.ts';
import { createDirectories } from '../../src/aws/directory-clients.ts';
import { ecsClientsFrom } from '../../src/aws/ecs.ts';
import { lambdaClientsFrom } from '../../src/aws/lambda.ts';
import { launchTemplateClientsFrom } from '../../src/aws/launch-templates.ts';
import {
  BOT_ACCOUNT_ACTIONS,
  MEMBER_ACTIONS,
  UNSENT_GRANTS,
  iamActionsOf,
  type Phase,
} from '../../src/aws/permissions.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import type { Digest } from '../../src/domain/digest.ts';
import { loadEstateFile, startEstateServer, type EstateServer } from '../../src/estate/index.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { createConsumerDiscovery } from '../../src/workflow/consumers/index.ts';
import { createDigestWorkflow } from '../../src/workflow/digest/index.ts';
import { RecordingIoHost, silentIoHost } from '../../src/workflow/io-host.ts';
import { createScanWorkflow } from '../../src/workflow/scan/index.ts';
import { createValidateWorkflow } from '../../src/workflow/validate/index.ts';
import { InMemoryScanRepository } from '../harness/fake-services.ts';
import { skipAheadRunner } from '../harness/job-runners.ts';
import { decideInScope, scanLocalEstate, startLocalEstate } from '../harness/migration-fixture.ts';
import { restoreEnv, useExampleCredentials } from '../harness/sdk-env.ts';
import { startCopyHarness } from '../workflow/copy/copy-fixture.ts';
import {
  ADMIN,
  JENKINS_AP,
  JENKINS_FS,
  PLATFORM,
  consumers,
  startCutoverWorld,
  type CutoverWorld,
  thumbnailerMigration,
} from '../workflow/cutover/cutover-fixture.ts';
import {
  ROLE,
  runner as decommissionRunner,
  start,
  withDataSync,
} from '../workflow/decommission/decommission-fixture.ts';
import {
  ACCOUNT as BUILD_ACCOUNT,
  ADMIN as BUILD_ADMIN,
  APP,
  LOGS,
  REGION as BUILD_REGION,
  buildEstate,
  buildPhaseOver,
} from '../workflow/provision/build-fixture.ts';
import { migrationId } from '../../src/domain/inventory.ts';

const PHASES = Object.keys(MEMBER_ACTIONS) as Phase[];
/** Services the bot calls with its own role (entering members, listing the organisation), never a member role. */
const BOT_SERVICES = new Set(['sts', 'organizations']);

const sentBy = new Map<Phase, Set<string>>(PHASES.map((p) => [p, new Set<string>()]));
const sentByBot = new Set<string>();

/** Runs `work` and files every action the estate received meanwhile under `phases` (or the bot's own). */
async function recording<T>(server: EstateServer, phases: Phase[], work: () => Promise<T>): Promise<T> {
  server.resetStats();
  const out = await work();
  for (const op of Object.keys(server.stats().byOperation))
    for (const action of iamActionsOf(op)) {
      if (BOT_SERVICES.has(action.split(':')[0]!)) sentByBot.add(action);
      else for (const p of phases) sentBy.get(p)!.add(action);
    }
  return out;
}

/** What `phase` sent that its list does not grant. */
const ungranted = (phase: Phase) => [...sentBy.get(phase)!].filter((a) => !MEMBER_ACTIONS[phase].includes(a));

describe('scan, from the organisation down, in every member account of the sample estate', () => {
  const saved = { ...process.env };
  afterAll(() => restoreEnv(saved));

  it.each([['organization'], ['organization:ou-a1b2-11111111']])(
    'EFS_ENCRYPT_ACCOUNTS=%s: sends only what the scan list and the bot role grant',
    async (accounts) => {
      useExampleCredentials('us-east-1');
      const config = loadConfig({
        EFS_ENCRYPT_REGIONS: 'us-east-1,eu-west-1',
        EFS_ENCRYPT_ACCOUNTS: accounts,
      });
      const server = await startEstateServer({ estate: await loadEstateFile(SAMPLE_ESTATE_PATH) });
      process.env.AWS_ENDPOINT_URL = server.endpoint;
      const clients = createAccountClients({
        accounts: config.aws.accounts,
        ...(config.aws.organization ? { organization: config.aws.organization } : {}),
        excludeAccounts: config.aws.excludeAccounts,
        regions: config.aws.regions,
        roleName: config.aws.roleName,
        rateLimitPerSecond: 1000,
      });
      try {
        const scan = await recording(server, ['scan'], () =>
          createScanWorkflow({
            clientsFor: clients.clientsFor,
            listTargets: clients.listTargets,
            scans: new InMemoryScanRepository(),
            io: silentIoHost,
            clock: new ManualClock(new Date()),
            concurrency: 4,
          }).run({}),
        );
        expect(scan.fileSystems.length).toBeGreaterThan(0);
      } finally {
        clients.destroy();
        await server.close();
      }
      expect(ungranted('scan')).toEqual([]);
      expect(
        [...sentByBot].filter((a) => a !== 'sts:AssumeRole' && !BOT_ACCOUNT_ACTIONS.includes(a)),
      ).toEqual([]);
    },
  );
});

describe('decide and build, on the build fixture', () => {
  it('decide checks keys and network paths; build makes the twins: each within its list', async () => {
    const estate = await startLocalEstate({
      estate: buildEstate(),
      name: 'least-privilege-build',
      clock: new ManualClock(new Date('2026-05-01T09:00:00Z')),
    });
    const directories = createDirectories(estate.accounts, { clock: estate.clock });
    try {
      const scan = await recording(estate.server, ['scan'], () => scanLocalEstate(estate, BUILD_ADMIN));
      const { recorded } = await recording(estate.server, ['decide'], () =>
        decideInScope(estate, {
          directories,
          scan,
          fileSystemIds: [APP, LOGS],
          targetKey: 'alias/twin-key',
          method: 'datasync',
          actor: BUILD_ADMIN,
        }),
      );
      expect(recorded.ok).toBe(true);
      const phase = buildPhaseOver(
        { ...estate, directories, scan, decide: undefined as never, twinsOf: undefined as never },
        new RecordingIoHost(),
      );
      const ids = [APP, LOGS].map((fs) => migrationId(BUILD_ACCOUNT, BUILD_REGION, fs));
      const report = await recording(estate.server, ['build'], async () => {
        await phase.requestBuild(ids, BUILD_ADMIN);
        const r = skipAheadRunner({
          jobs: estate.store.jobs,
          clock: estate.clock,
          kind: 'build',
          handler: phase.handler,
          owner: 'r1',
          leaseMs: 60_000,
        });
        const out = await r.tick();
        await r.stop();
        return out;
      });
      expect(report.succeeded).toHaveLength(2);
      expect((await phase.status(ids[0]!)).state).toBe('target_ready');
    } finally {
      directories.destroy();
      await estate.close();
    }
    expect(ungranted('decide')).toEqual([]);
    expect(ungranted('build')).toEqual([]);
  });
});

describe('copy, by DataSync and by EFS replication', () => {
  it.each([['datasync'], ['replication']] as const)(
    '%s: initial and final copies within the copy list',
    async (method) => {
      const h = await startCopyHarness({
        dataSyncSettings: {
          cloudWatchLogGroupArn: 'arn:aws:logs:eu-west-1:666666666666:log-group:/efs-encrypt/datasync',
          taskReport: {
            s3BucketArn: 'arn:aws:s3:::efs-encrypt-reports',
            bucketAccessRoleArn: 'arn:aws:iam::666666666666:role/datasync-reports',
          },
        },
      });
      try {
        const id = await h.seed(method);
        await recording(h.server, ['copy'], async () => {
          const initial = await h.phase.startCopy(id, 'U0ADMIN', { kind: 'initial' });
          expect((await h.runner('r1').tick()).succeeded).toEqual([initial.jobId]);
          // The final copy: DataSync runs the task again; replication waits for a sync past T0 and ends.
          const final =
            method === 'replication'
              ? await h.phase.confirmWritesStopped(id, 'U0ADMIN', h.clock.now())
              : await h.phase.startCopy(id, 'U0ADMIN', { kind: 'final' });
          expect((await h.runner('r2').tick()).succeeded).toEqual([final.jobId]);
        });
        expect((await h.phase.status(id)).state).toBe('verified');
      } finally {
        await h.close();
      }
      expect(ungranted('copy')).toEqual([]);
    },
  );
});

describe('cutover (ECS, Lambda, launch templates with an instance refresh) and consumer discovery', () => {
  let world: CutoverWorld;

  /** Reviews, approves and applies `app`, then runs its job; the job's status. */
  async function cutOver(id: string, app: string, approver: string, instanceRefresh = false) {
    const phase = world.phase();
    const review = await phase.review(id, { actor: ADMIN, instanceRefresh });
    const plan = review.plans.find((p) => p.app === app)!;
    await phase.approve(id, { actor: approver, app, planDigest: plan.digest });
    const queued = await phase.apply(id, { actor: approver, app, planDigest: plan.digest });
    return (await world.run(queued.jobId, phase))?.status;
  }

  it('discovers the consumers and cuts each kind over within the cutover list', async () => {
    world = await startCutoverWorld();
    try {
      const jenkins = await world.verifiedMigration({
        accountId: PLATFORM,
        fileSystemId: JENKINS_FS,
        accessPoints: [JENKINS_AP],
        tags: { app: 'jenkins', owner: 'platform-team' },
        consumers: [consumers.jenkins],
      });
      const runners = await world.verifiedMigration({
        accountId: PLATFORM,
        fileSystemId: 'fs-6c6ef29eee9d07da5',
        accessPoints: [],
        tags: { app: 'gitlab-runner' },
        consumers: [],
      });
      const thumbs = await thumbnailerMigration(world);
      world.clock.advance(60_000);

      // Discovery, as the cutover and the decommission guard run it (src/cli/phases/consumers-phase.ts).
      const readers = {
        ecs: ecsClientsFrom(world.accounts),
        lambda: lambdaClientsFrom(world.accounts),
        templates: launchTemplateClientsFrom(world.accounts),
        autoScaling: autoScalingClientsFrom(world.accounts),
      };
      const discovery = createConsumerDiscovery({
        migrations: world.store.migrations,
        events: world.store.events,
        reports: world.store.consumers,
        readers: {
          ecsFor: readers.ecs.clientFor,
          lambdaFor: readers.lambda.clientFor,
          launchTemplatesFor: readers.templates.clientFor,
          autoScalingFor: readers.autoScaling.clientFor,
        },
        clock: world.clock,
      });
      const [found] = await recording(world.server, ['cutover', 'decommission'], () =>
        Promise.all(
          [runners, jenkins, thumbs].map((id) => discovery.discoverConsumers(id, { actor: ADMIN })),
        ),
      );
      for (const r of Object.values(readers)) r.destroy();
      expect(found!.unreadable).toEqual([]);
      expect(found!.consumers.map((c) => c.kind)).toContain('launch-template');
      world.reports.set(runners, found!);

      const statuses = await recording(world.server, ['cutover'], async () => [
        await cutOver(jenkins, 'jenkins', ADMIN),
        await cutOver(thumbs, 'merchant-portal', ADMIN),
        await cutOver(runners, 'gitlab-runner', ADMIN, true),
      ]);
      expect(statuses).toEqual(['succeeded', 'succeeded', 'succeeded']);
      // And back: a rollback sends nothing the list does not hold either.
      const rb = await world.phase().rollback(jenkins, { actor: ADMIN, app: 'jenkins' });
      await recording(world.server, ['cutover'], () => world.run(rb.jobId));
    } finally {
      await world.close();
    }
    expect(ungranted('cutover')).toEqual([]);
  });
});

describe('decommission, with its AWS Backup and the DataSync leftovers', () => {
  it('checks the guards, backs up, deletes the source and its DataSync task within the decommission list', async () => {
    const setup = await start();
    try {
      const { ds } = await withDataSync(setup);
      ds.destroy();
      const phase = setup.phase({ vaultName: 'keep', roleArn: ROLE, retentionDays: 35 });
      const report = await recording(setup.estate.server, ['decommission'], async () => {
        expect((await phase.check(setup.id)).ready).toBe(true);
        await phase.request(setup.id, 'U_ADMIN', 'fs-07070707070707071');
        return decommissionRunner(setup, phase).tick();
      });
      expect(report.succeeded).toHaveLength(1);
    } finally {
      await setup.close();
    }
    expect(ungranted('decommission')).toEqual([]);
  });
});

describe('validate and digest, each over a fresh scan', () => {
  it('validate and digest send only what their lists grant', async () => {
    const estate = await startLocalEstate({
      // The app file system encrypted, so the scans describe its key.
      estate: buildEstate({ Encrypted: true, KmsKeyId: 'alias/twin-key' }),
      name: 'least-privilege-read',
      clock: new ManualClock(new Date('2026-05-01T09:00:00Z')),
    });
    try {
      const scanner = createScanWorkflow({
        clientsFor: (a, r) => estate.accounts.clientsFor(a, r),
        listTargets: () => estate.accounts.listTargets(),
        scans: estate.store.scans,
        io: silentIoHost,
        clock: estate.clock,
      });
      const validate = createValidateWorkflow({
        scanner,
        migrations: estate.store.migrations,
        jobs: estate.store.jobs,
        reports: estate.store.reports,
        clock: estate.clock,
      });
      const report = await recording(estate.server, ['validate'], () =>
        validate.run({ requestedBy: BUILD_ADMIN }),
      );
      expect(report.rows.length).toBeGreaterThan(0);
      const posted: Digest[] = [];
      const digest = createDigestWorkflow({
        scanner,
        migrations: estate.store.migrations,
        events: estate.store.events,
        cutovers: estate.store.cutovers,
        reports: estate.store.reports,
        digests: estate.store.digests,
        jobs: estate.store.jobs,
        poster: {
          async post(_channel, d) {
            posted.push(d);
            return { messageTs: '1700000000.000001' };
          },
        },
        clock: estate.clock,
        stuckHours: 48,
        holder: 'bot:least-privilege:1',
      });
      await recording(estate.server, ['digest'], () =>
        digest.postOnDemand('C0DIGEST1', { requestedBy: BUILD_ADMIN }),
      );
      expect(posted).toHaveLength(1);
    } finally {
      await estate.close();
    }
    expect(ungranted('validate')).toEqual([]);
    expect(ungranted('digest')).toEqual([]);
  });
});

describe('the reverse: every action a phase is granted was sent by that phase above, or says why not', () => {
  it.each(PHASES)('%s', (phase) => {
    const unexplained = MEMBER_ACTIONS[phase].filter(
      (a) => !sentBy.get(phase)!.has(a) && !UNSENT_GRANTS[phase]?.[a],
    );
    expect(unexplained).toEqual([]);
    // A reason for an action that is sent after all is stale: it goes.
    const stale = Object.keys(UNSENT_GRANTS[phase] ?? {}).filter((a) => sentBy.get(phase)!.has(a));
    expect(stale).toEqual([]);
  });

  it('the bot role', () => {
    const unexplained = BOT_ACCOUNT_ACTIONS.filter((a) => !sentByBot.has(a) && !UNSENT_GRANTS.bot?.[a]);
    expect(unexplained).toEqual([]);
    expect(sentByBot.has('sts:AssumeRole')).toBe(true);
  });
});
