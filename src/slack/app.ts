import type { AddressInfo } from 'node:net';
import { App, webApi, type AwsLambdaReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ScanSummaryOptions } from '#blocks/scan-summary.ts';
import type { Config } from '../config.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import { ConfigError } from '../domain/errors.ts';
import { createAuthorizer, type Authorizer } from './authorization.ts';
import { createOwnerDirectory } from './owner-directory.ts';
import { BackgroundTasks } from './background-tasks.ts';
import { boltLogger } from './bolt-logger.ts';
import { boundedLogger } from './bounded-log.ts';
import type { ListenerDeps } from './listeners/deps.ts';
import { registerListeners } from './listeners/index.ts';
import { responseUrlPolicy } from './private-reply.ts';
import { attachProgressReporters } from './progress-reporters.ts';
import { createReceiver, type SlackReceiver } from './receiver.ts';
import { guardLambdaEvents } from './lambda-guard.ts';
import { guardRequests } from './request-guard.ts';
import { guardSocketMode } from './socket-guard.ts';
import { recordingRegistrar, unknownInteractionGuard } from './unknown-interactions.ts';
import { workspaceGuard } from './workspace-guard.ts';
import { systemScheduler, type Scheduler } from './scheduler.ts';
import type { SlackServices } from './services.ts';
import { InMemoryRunningScans } from './in-memory-running-scans.ts';
import { ScanAdmission } from './scan-admission.ts';
import { inProcessDispatcher, type WorkDispatcher, type WorkMessage } from './work-dispatch.ts';
import { runWorkMessage, type RunWorkOptions } from './work-runner.ts';
import { digestScheduler } from './digest-schedule.ts';

export interface CreateSlackAppOptions {
  config: Config;
  services: SlackServices;
  logger: Logger;
  clock?: Clock;
  scheduler?: Scheduler;
  /** The bot's IDs when known: Bolt then skips auth.test. */
  botIdentity?: { botId: string; botUserId: string };
  /** HTTP mode: where to listen (default: config.slack.host and config.slack.port). */
  listen?: { host?: string; port?: number };
  /** HTTP mode: answer only after the listeners finish, as on Lambda (default false). */
  processBeforeResponse?: boolean;
  /** Web API retries; default five retries within about five minutes (the SDK's own is ~30 min). */
  retryConfig?: webApi.RetryOptions;
  summary?: ScanSummaryOptions;
  progressIntervalMs?: number;
  /** Where listeners hand long work (default: this process, after the ack; on Lambda: the worker function). */
  work?: WorkDispatcher;
}

export type SlackStarted =
  | { mode: 'http'; url: string; port: number }
  | { mode: 'socket' }
  | { mode: 'lambda'; handler: Awaited<ReturnType<AwsLambdaReceiver['start']>> };

export interface SlackAppHandle {
  app: App;
  receiver: SlackReceiver;
  authorizer: Authorizer;
  tasks: BackgroundTasks;
  /** Scans running and queued in this process. */
  scanAdmission: ScanAdmission;
  /** Starts the job runner (when the services have one), then receiving. */
  start(): Promise<SlackStarted>;
  /** Runs a dispatched work message here and waits for it and what it started (the Lambda worker). */
  runWork(message: WorkMessage, options?: RunWorkOptions): Promise<void>;
  /** Stops receiving, then waits for background work (running scans) to end. */
  stop(): Promise<void>;
}

/** Web API calls time out rather than hang a scan's thread forever. */
const WEB_API_TIMEOUT_MS = 30_000;

/**
 * The one Bolt app, wired: listeners registered (registration only), the build's and the copy's
 * progress reporters attached, and the durable job runner the two phases share started by
 * `start()`, after the reporters. Long work (a scan) runs in the background after the ack. On
 * Lambda the runtime freezes once the response is sent, so background work there needs the
 * durable job runner rather than this process; HTTP and Socket Mode keep running it.
 */
export function createSlackApp(options: CreateSlackAppOptions): SlackAppHandle {
  const { config, services } = options;
  const base = boundedLogger(options.logger);
  const logger = base.child({ component: 'slack' });
  if (!config.slack.botToken) throw new ConfigError(['SLACK_BOT_TOKEN: required to run the Slack app']);

  // From `base`: Bolt's lines carry `component: bolt` once, not `slack` and `bolt` both.
  const bolt = boltLogger(base);
  const receiver = createReceiver(config.slack, bolt, {
    processBeforeResponse: options.processBeforeResponse,
    healthPort: config.healthPort,
  });
  // HTTP.start() calls `this.requestListener` at each request, so the guard wraps every request.
  if (receiver.mode === 'http')
    receiver.receiver.requestListener = guardRequests(receiver.receiver.requestListener, {
      logger,
    });
  // The same checks on the other receivers' paths (socket-guard.ts; lambda-guard.ts in start()).
  if (receiver.mode === 'socket') guardSocketMode(receiver.receiver.client, { logger });
  const app = new App({
    receiver: receiver.receiver,
    token: config.slack.botToken,
    botId: options.botIdentity?.botId,
    botUserId: options.botIdentity?.botUserId,
    logger: bolt,
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
      timeout: WEB_API_TIMEOUT_MS,
    },
  });

  app.use(
    workspaceGuard({
      teamId: config.slack.teamId,
      enterpriseId: config.slack.enterpriseId,
      logger,
    }),
  );

  const authorizer = createAuthorizer({
    admins: config.admins,
    phases: config.phases,
    groupMembers: async (usergroup) => (await app.client.usergroups.users.list({ usergroup })).users ?? [],
  });
  const tasks = new BackgroundTasks(logger);
  const clock = options.clock ?? systemClock;
  services.cutover?.bindSlack?.({
    owners: createOwnerDirectory({
      client: app.client,
      clock,
      logger: logger.child({ component: 'owners' }),
    }),
    isAdmin: (userId) =>
      authorizer.authorize(userId, 'cutover').then(
        () => true,
        () => false,
      ),
  });
  const scanAdmission = new ScanAdmission({
    registry: services.runningScans ?? new InMemoryRunningScans(),
    maxScans: config.slack.maxScans,
    clock,
    logger,
  });
  const deps: ListenerDeps = {
    services,
    authorizer,
    tasks,
    work: options.work ?? inProcessDispatcher(tasks),
    buttonWork: new Map(),
    viewWork: new Map(),
    scanAdmission,
    clock,
    scheduler: options.scheduler ?? systemScheduler,
    logger,
    summary: options.summary,
    progressIntervalMs: options.progressIntervalMs,
    responseUrls: responseUrlPolicy(config.slack.apiUrl),
  };
  // Global middleware runs before any listener: an ID nothing listens for is answered at WARN.
  const known = registerListeners(app, deps);
  app.use(unknownInteractionGuard(known, logger));
  attachProgressReporters(app, deps);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  // Every replica runs the digest's timer; the slot's claim in the store lets one of them post. A
  // deployment without the digest phase (EFS_ENCRYPT_PHASES) posts none.
  const digestTimer =
    services.digest?.channel && receiver.mode !== 'lambda' && config.phases.includes('digest')
      ? digestScheduler(services.digest, services.digest.channel, {
          client: app.client,
          clock,
          scheduler: options.scheduler ?? systemScheduler,
          logger: logger.child({ component: 'digest' }),
        })
      : undefined;

  return {
    // Listeners added later through the handle are known to the guard too.
    app: recordingRegistrar(app, known),
    receiver,
    authorizer,
    tasks,
    scanAdmission,
    async start() {
      // After the reporters are attached (above), so a job resumed at start-up is shown in its thread.
      // Not on Lambda: the process freezes between invocations, so the schedule's tick runs jobs there.
      if (receiver.mode !== 'lambda') services.build?.startRunner?.();
      // Not on Lambda either: EventBridge Scheduler invokes the worker with a digest message there.
      // Not awaited: catching up a missed slot scans every account, and receiving must not wait for it.
      if (digestTimer)
        void digestTimer
          .start()
          .catch((err: unknown) => logger.error({ err }, 'digest schedule failed to start'));
      switch (receiver.mode) {
        case 'http': {
          const server = await receiver.receiver.start({
            host: options.listen?.host ?? config.slack.host,
            port: options.listen?.port ?? config.slack.port,
          });
          const { address, port } = server.address() as AddressInfo;
          const host = address.includes(':') ? `[${address}]` : address;
          logger.info({ port }, 'Slack HTTP receiver listening');
          return { mode: 'http', url: `http://${host}:${port}/slack/events`, port };
        }
        case 'socket':
          await receiver.receiver.start();
          logger.info('Slack Socket Mode connected');
          return { mode: 'socket' };
        case 'lambda':
          return { mode: 'lambda', handler: guardLambdaEvents(await receiver.receiver.start(), { logger }) };
      }
    },
    async runWork(message, options) {
      await runWorkMessage(deps, app.client, message, options);
      await tasks.drain();
    },
    async stop() {
      digestTimer?.stop();
      await receiver.receiver.stop();
      await tasks.drain();
    },
  };
}
