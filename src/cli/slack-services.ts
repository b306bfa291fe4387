import { hostname } from 'node:os';
import { efsWritersFrom } from '../aws/efs-writer.ts';
import type {
  BuildService,
  ConsumerService,
  CopyService,
  CutoverService,
  DecommissionService,
  DigestService,
  SlackServices,
} from '../slack/services.ts';
import type { CopyPhase } from '../workflow/copy/index.ts';
import { rsyncRunbookFor } from '../workflow/copy/rsync/index.ts';
import { systemScheduler } from '../slack/scheduler.ts';
import { createBuildPhase } from '../workflow/provision/index.ts';
import { createStatusQuery } from '../workflow/status/index.ts';
import { createValidateWorkflow } from '../workflow/validate/index.ts';
import { createDigestWorkflow, type DigestPoster } from '../workflow/digest/index.ts';
import { parseDigestSchedule } from '../domain/digest-schedule.ts';
import { createSignOffWorkflow } from '../workflow/signoff/index.ts';
import { createProgressHub, silentIoHost, type IoHost } from '../workflow/io-host.ts';
import { createJobRunner, type JobHandler, type Scheduler } from '../workflow/jobs/index.ts';
import type { Runtime } from './runtime.ts';
import { openCopyPhase } from './phases/copy-phase.ts';
import { openDecidePhase } from './phases/decide-phase.ts';
import { openConsumerDiscovery } from './phases/consumers-phase.ts';
import { openCutoverPhase } from './phases/cutover-phase.ts';
import type { OwnerDirectory } from '../workflow/cutover/index.ts';
import { openDecommissionPhase } from './phases/decommission-phase.ts';
import { DECOMMISSION_JOB_KIND } from '../domain/decommission.ts';

/**
 * What the Slack app calls, built from the runtime's workflows and store. This is where the src/aws
 * adapters (efsWritersFrom, dataSyncClientsFrom, replicationClientsFrom, createDirectories) meet the
 * ports the provision and copy phases declare (src/workflow/<phase>/ports.ts); TypeScript checks
 * the structural fit at each hand-over below.
 */
export function slackServices(runtime: Runtime, options: BuildServiceOptions = {}): SlackServices {
  // One job runner per process: the copy's handler runs on the build's runner.
  const { service: copy, handler: copyHandler } = copyService(runtime, options);
  const { service: cutover, handler: cutoverHandler, people } = cutoverService(runtime, options);
  // Decommission only where consumer discovery is wired: without it the guard cannot run.
  const decommission = runtime.consumerDiscovery ? decommissionService(runtime, options) : undefined;
  const build = buildService(runtime, {
    ...options,
    handlers: {
      ...options.handlers,
      copy: copyHandler,
      cutover: cutoverHandler,
      ...(decommission ? { [DECOMMISSION_JOB_KIND]: decommission.handler } : {}),
    },
  });
  copy.runNow = (jobIds) => build.runNow?.(jobIds);
  cutover.runNow = (jobIds) => build.runNow?.(jobIds);
  if (decommission) decommission.service.runNow = (jobIds) => build.runNow?.(jobIds);
  return {
    scan: {
      run: ({ requestedBy, io, scope }) => runtime.scanWorkflow(io).run({ requestedBy, ...scope }),
      checkScope: (scope) => runtime.scanWorkflow(silentIoHost).checkScope(scope),
    },
    scans: runtime.store.scans,
    runningScans: runtime.store.runningScans,
    requests: runtime.store.requests,
    decide: openDecidePhase(runtime),
    build,
    copy,
    cutover,
    consumers: consumerService(runtime),
    ...(decommission ? { decommission: decommission.service } : {}),
    status: createStatusQuery({
      migrations: runtime.store.migrations,
      events: runtime.store.events,
      jobs: runtime.store.jobs,
      clock: runtime.clock,
    }),
    validate: {
      // The scan reports its progress to the thread of the request that asked.
      run: ({ requestedBy, io = silentIoHost }) => validateWorkflow(runtime, io).run({ requestedBy, io }),
      get: (reportId) => validateWorkflow(runtime, silentIoHost).get(reportId),
    },
    digest: digestService(runtime, people),
    signOff: createSignOffWorkflow({
      migrations: runtime.store.migrations,
      cutovers: runtime.store.cutovers,
      signOffs: runtime.store.signOffs,
      events: runtime.store.events,
      people,
      clock: runtime.clock,
    }),
  };
}

/**
 * Digests over the runtime's scan and store. The poster comes per call (the Slack app's client);
 * approvals waiting name the owner as the cutover resolves it. `holder` names this replica as job
 * leases do, so a stale claim says whose it was.
 */
function digestService(runtime: Runtime, people: CutoverPeople): DigestService {
  const workflow = (poster: DigestPoster) =>
    createDigestWorkflow({
      scanner: runtime.scanWorkflow(silentIoHost),
      migrations: runtime.store.migrations,
      events: runtime.store.events,
      cutovers: runtime.store.cutovers,
      reports: runtime.store.reports,
      digests: runtime.store.digests,
      jobs: runtime.store.jobs,
      signOffs: runtime.store.signOffs,
      owners: people.owners,
      poster,
      clock: runtime.clock,
      stuckHours: runtime.config.digest.stuckHours,
      holder: `bot:${hostname()}:${process.pid}`,
    });
  return {
    schedule: parseDigestSchedule(runtime.config.digest.schedule),
    ...(runtime.config.digest.channel ? { channel: runtime.config.digest.channel } : {}),
    postSlot: (slot, channel, poster) => workflow(poster).postSlot(slot, channel),
    postOnDemand: (channel, request, poster) => workflow(poster).postOnDemand(channel, request),
  };
}

function validateWorkflow(runtime: Runtime, io: IoHost) {
  return createValidateWorkflow({
    scanner: runtime.scanWorkflow(io),
    migrations: runtime.store.migrations,
    jobs: runtime.store.jobs,
    reports: runtime.store.reports,
    signOffs: runtime.store.signOffs,
    cutovers: runtime.store.cutovers,
    clock: runtime.clock,
  });
}

export interface BuildServiceOptions {
  /** Default: real timers. Tests pass one on their ManualClock. */
  scheduler?: Scheduler;
  /** This replica's runner name (default `bot:<host>:<pid>`). */
  owner?: string;
  /** How long a job's lease lasts without a checkpoint (default 60 s). */
  leaseMs?: number;
  /** Lifecycle poll interval of a build (default 2 s); also the copy's DataSync and replication polls. */
  pollMs?: number;
  /** Handlers of other job kinds run by the same runner (the copy's). */
  handlers?: Record<string, JobHandler>;
}

/**
 * The build phase and its durable job runner for the bot. Every build reports to one IoHost that
 * fans out to whoever attached (the Slack progress reporter). The runner starts when the Slack
 * app starts (after attaching its reporters): it resumes unfinished builds, then polls for queued
 * ones; runtime.close() stops it before the store closes. The owner name includes the PID, so a
 * restarted process takes over a crashed one's builds only once their lease expired, and two
 * processes on one host never both believe they hold the same lease.
 */
export function buildService(runtime: Runtime, options: BuildServiceOptions = {}): BuildService {
  const hub = createProgressHub();
  const io = hub.io;
  const log = runtime.logger.child({ component: 'build-runner' });
  const phase = createBuildPhase({
    migrations: runtime.store.migrations,
    jobs: runtime.store.jobs,
    writerFor: efsWritersFrom(runtime.accounts),
    clock: runtime.clock,
    io,
    pollMs: options.pollMs ?? 2_000,
  });
  const runner = createJobRunner({
    jobs: runtime.store.jobs,
    handlers: { ...options.handlers, build: phase.handler },
    clock: runtime.clock,
    scheduler: options.scheduler ?? systemScheduler,
    owner: options.owner ?? `bot:${hostname()}:${process.pid}`,
    leaseMs: options.leaseMs ?? 60_000,
    io: {
      async notify(msg) {
        log[msg.level === 'error' ? 'error' : msg.level === 'warn' ? 'warn' : 'info'](
          { code: msg.code, ...(msg.data as object) },
          msg.message,
        );
      },
    },
  });
  let started = false;
  runtime.onClose(() => runner.stop());
  return {
    phase,
    listMigrations: () => runtime.store.migrations.listMigrations(),
    events: runtime.store.events,
    attachProgress: hub.attach,
    startRunner() {
      if (started) return;
      started = true;
      runner.start().then(
        (report) =>
          log.info(
            { resumed: report.ran, succeeded: report.succeeded, failed: report.failed },
            'job runner started',
          ),
        (err: unknown) =>
          log.error({ err }, 'job runner failed to start; queued builds wait for the next start'),
      );
    },
    tick: () => runner.tick(),
    // stop() only ends polling (never started on Lambda) and waits: runJob and tick still work after it.
    settle: () => runner.stop(),
    runNow(jobIds) {
      for (const jobId of jobIds)
        runner
          .runJob(jobId)
          .catch((err: unknown) =>
            log.error({ err, jobId }, 'build job failed to run; the runner retries it on its next poll'),
          );
    },
  };
}

/**
 * The copy phase for the bot: its own progress hub (the Slack copy reporter attaches to it), on
 * the runtime's clock and account clients; its `handler` goes to the build's job runner.
 * DataSync and replication polls default to 15 s (DescribeTaskExecution is cheap, but progress
 * messages are coalesced to one edit a second anyway).
 */
export function copyService(
  runtime: Runtime,
  options: Pick<BuildServiceOptions, 'pollMs'> = {},
): { service: CopyService; handler: JobHandler; phase: CopyPhase } {
  const hub = createProgressHub();
  const io = hub.io;
  const { phase, close } = openCopyPhase(runtime, io, { pollMs: options.pollMs });
  runtime.onClose(close);
  const service: CopyService = {
    phase,
    methodOf: async (id) => (await runtime.store.migrations.getDecision(id))?.decision.method,
    runbook: (id, actor) => rsyncRunbookFor(runtime, id, actor),
    events: runtime.store.events,
    attachProgress: hub.attach,
  };
  return { service, handler: phase.handler, phase };
}

/** Moved to the copy workflow so the CLI's `copy runbook` builds the same document; re-exported for callers here. */
export { rsyncRunbookFor, type RunbookSources } from '../workflow/copy/rsync/index.ts';

/** Consumer discovery for the Find consumers button, over the runtime's account clients and store. */
export function consumerService(runtime: Runtime): ConsumerService {
  const { discovery, close } = openConsumerDiscovery(runtime);
  runtime.onClose(close);
  return {
    discoverConsumers: (id, options) => discovery.discoverConsumers(id, options),
    fileSystemTags: async (id) => (await runtime.store.migrations.getSnapshot(id))?.fileSystem.tags ?? {},
    exists: async (id) => (await runtime.store.migrations.getMigration(id)) !== undefined,
    events: runtime.store.events,
  };
}

/**
 * The cutover phase for the bot: its own progress hub (the Slack cutover reporter attaches to it);
 * its `handler` goes to the build's job runner. Owners (users.lookupByEmail) and the admin check
 * need the Slack app's client, which exists only once the app is made: `bindSlack` hands them over
 * then; until it is called (and in the CLI) a Slack user ID tag is the owner and nobody is admin.
 */
export function cutoverService(
  runtime: Runtime,
  options: Pick<BuildServiceOptions, 'pollMs'> = {},
): {
  service: CutoverService;
  handler: JobHandler;
  /** Who owns an application and who is admin, as the cutover resolves them (sign-off and the digest too). */
  people: CutoverPeople;
} {
  const hub = createProgressHub();
  let slack: { owners: OwnerDirectory; isAdmin(userId: string): Promise<boolean> } | undefined;
  const idOnly: OwnerDirectory = {
    resolve: async (tag) =>
      tag && /^[UW][A-Z0-9]{2,}$/.test(tag)
        ? { userId: tag }
        : { fallbackReason: tag ? `${tag} is not a Slack user ID` : 'no owner tag' },
  };
  const { phase, close } = openCutoverPhase(runtime, hub.io, {
    actor: 'slack',
    pollMs: options.pollMs ?? 15_000,
    owners: { resolve: (tag) => (slack?.owners ?? idOnly).resolve(tag) },
    isAdmin: async (actor) => (slack ? slack.isAdmin(actor) : false),
  });
  runtime.onClose(close);
  return {
    service: {
      phase,
      listMigrations: () => runtime.store.migrations.listMigrations(),
      events: runtime.store.events,
      attachProgress: hub.attach,
      bindSlack(bound) {
        slack = bound;
      },
    },
    handler: phase.handler,
    people: {
      owners: { resolve: (tag) => (slack?.owners ?? idOnly).resolve(tag) },
      isAdmin: async (actor) => (slack ? slack.isAdmin(actor) : false),
    },
  };
}

/** The decommission phase for the bot: its own progress hub; its handler goes to the one job runner. */
export function decommissionService(
  runtime: Runtime,
  options: Pick<BuildServiceOptions, 'pollMs'> = {},
): { service: DecommissionService; handler: JobHandler } {
  const hub = createProgressHub();
  const { phase, close } = openDecommissionPhase(runtime, hub.io, { pollMs: options.pollMs });
  runtime.onClose(close);
  const backup = runtime.config.decommission.backup;
  return {
    service: {
      phase,
      ...(backup ? { backupVault: backup.vaultName } : {}),
      events: runtime.store.events,
      attachProgress: hub.attach,
    },
    handler: phase.handler,
  };
}

export interface CutoverPeople {
  owners: OwnerDirectory;
  isAdmin(actor: string): Promise<boolean>;
}
