import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsLambdaReceiver, webApi } from '@slack/bolt';
import { pino, type Logger } from 'pino';
import { openRuntime, type EstateChoice, type Runtime } from '../cli/runtime.ts';
import { slackServices } from '../cli/slack-services.ts';
import { loadConfig, type Config, type Env } from '../config.ts';
import type { Clock } from '../domain/clock.ts';
import { ConfigError } from '../domain/errors.ts';
import { createSlackApp, type SlackAppHandle } from '../slack/app.ts';
import type { Scheduler } from '../slack/scheduler.ts';
import type { SlackServices } from '../slack/services.ts';
import { parseWorkMessage, type WorkDispatcher } from '../slack/work-dispatch.ts';
import { lambdaWorkDispatcher } from './lambda-dispatcher.ts';
import { runWorkOnce, type WorkOutcome } from './work-once.ts';
import { readSlackSecrets, type SlackSecrets } from './slack-secrets.ts';

// Bolt exports the receiver, not its event types (its package exports close dist/).
type AwsHandler = ReturnType<AwsLambdaReceiver['toHandler']>;
export type AwsEvent = Parameters<AwsHandler>[0];
export type AwsResponse = Awaited<ReturnType<AwsHandler>>;

/**
 * The bot on AWS Lambda, three entry points on one bundle (the CDK stack points three functions at
 * them):
 * - slackHandler: the Function URL. Bolt verifies the signature and runs the listener before it
 *   answers (processBeforeResponse, the only safe way on Lambda); listeners ack and hand their long
 *   work to the worker function, so the answer is back within Slack's 3 s.
 * - workerHandler: one work message (an asynchronous invocation), run to the end.
 * - tickHandler: the durable job runner's pass, every minute from EventBridge Scheduler: it runs
 *   queued jobs and takes over jobs whose lease expired (their worker was frozen or timed out).
 * Everything is built once per cold start and reused by the warm invocations after it.
 */
export interface LambdaHandlers {
  slackHandler(event: AwsEvent, context?: unknown): Promise<AwsResponse>;
  /**
   * Runs the message once per (kind, correlation ID): a redelivery returns `duplicate` and runs
   * nothing (work-once.ts says what a retry after a failure does). `context`: Lambda's, for the deadline.
   */
  workerHandler(
    event: unknown,
    context?: { getRemainingTimeInMillis?(): number },
  ): Promise<{ kind: string; correlationId: string; outcome: WorkOutcome }>;
  tickHandler(): Promise<TickResult>;
  /** The runtime behind the handlers, opened on first use (tests read the store through it). */
  runtime(): Promise<Runtime>;
  /** Closes the bot (tests; a real Lambda sandbox is simply discarded). */
  close(): Promise<void>;
}

/**
 * What one tick did. `unhandled`: open jobs of a kind no handler is registered for (a bot version
 * that does not know it), which no tick will ever run: the log and the alarm should say so.
 */
export interface TickResult {
  ran: string[];
  succeeded: string[];
  failed: string[];
  unhandled: string[];
}

export interface LambdaHandlerOptions {
  env: Env;
  /** Default: parsed from `env`. */
  config?: Config;
  logger?: Logger;
  /** Default: asynchronous invocations of EFS_ENCRYPT_WORKER_FUNCTION. */
  work?: WorkDispatcher;
  /** Default: EFS_ENCRYPT_SLACK_SECRET from Secrets Manager, unless the config already has both. */
  secrets?: () => Promise<SlackSecrets>;
  /** Tests and rehearsals: an embedded estate instead of real AWS. */
  estate?: EstateChoice;
  clock?: Clock;
  /**
   * Default: real timers. Tests pass one on their ManualClock, so a build's or copy's polls and the
   * progress edits' pacing cost no real time.
   */
  scheduler?: Scheduler;
  botIdentity?: { botId: string; botUserId: string };
  retryConfig?: webApi.RetryOptions;
}

interface Bot {
  runtime: Runtime;
  services: SlackServices;
  slack: SlackAppHandle;
  handle(event: AwsEvent, context: unknown): Promise<AwsResponse>;
}

export function createLambdaHandlers(options: LambdaHandlerOptions): LambdaHandlers {
  let opening: Promise<Bot> | undefined;
  // A failed cold start is not cached: the next invocation tries again (a secret fixed meanwhile).
  const bot = () =>
    (opening ??= openBot(options).catch((err: unknown) => {
      opening = undefined;
      throw err;
    }));

  return {
    async slackHandler(event, context) {
      const b = await bot();
      return b.handle(event, context ?? {});
    },
    async workerHandler(event, context) {
      const message = parseWorkMessage(event);
      const b = await bot();
      const remainingMs = context?.getRemainingTimeInMillis?.();
      const outcome = await runWorkOnce({
        claims: b.runtime.store.workClaims,
        message,
        clock: b.runtime.clock,
        logger: b.runtime.logger,
        ...(remainingMs !== undefined ? { remainingMs } : {}),
        async run(beforeFirstWrite) {
          await b.slack.runWork(message, { beforeFirstWrite });
          // Builds and copies queued by the work run on this process's job runner: wait for them.
          await b.services.build?.settle?.();
        },
      });
      return { kind: message.kind, correlationId: message.correlationId, outcome };
    },
    async tickHandler() {
      const b = await bot();
      // One runner per process holds the handler of every durable kind (build, copy, cutover,
      // decommission: slack-services.ts), so this one pass runs and takes over all of them.
      const report = (await b.services.build?.tick?.()) ?? { ran: [], succeeded: [], failed: [] };
      await b.services.build?.settle?.();
      const unhandled = report.unhandled ?? [];
      if (unhandled.length)
        b.runtime.logger.error(
          { unhandled },
          'open jobs of a kind this bot has no handler for: no tick will run them',
        );
      return { ran: report.ran, succeeded: report.succeeded, failed: report.failed, unhandled };
    },
    async runtime() {
      return (await bot()).runtime;
    },
    async close() {
      const b = await opening?.catch(() => undefined);
      opening = undefined;
      if (!b) return;
      await b.slack.stop();
      await b.runtime.close();
    },
  };
}

async function openBot(options: LambdaHandlerOptions): Promise<Bot> {
  const parsed = options.config ?? loadConfig(options.env);
  const logger = options.logger ?? pino({ level: parsed.logLevel });
  const secrets =
    parsed.slack.botToken && parsed.slack.signingSecret
      ? undefined
      : await (options.secrets ?? secretsFromConfig(parsed))();
  const config: Config = {
    ...parsed,
    slack: { ...parsed.slack, mode: 'lambda', ...secrets },
  };
  const work = options.work ?? workerDispatcher(config, logger);
  const runtime = await openRuntime({
    config,
    env: options.env,
    logger,
    ...(options.estate ? { estate: options.estate } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  try {
    // A sandbox's log stream names it uniquely, where host name and PID may repeat across sandboxes.
    const sandbox = options.env.AWS_LAMBDA_LOG_STREAM_NAME;
    const services = slackServices(runtime, {
      ...(sandbox ? { owner: `lambda:${sandbox}` } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
    const slack = createSlackApp({
      config,
      services,
      logger,
      work,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.botIdentity ? { botIdentity: options.botIdentity } : {}),
      ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    });
    const started = await slack.start();
    if (started.mode !== 'lambda') throw new ConfigError(['SLACK_MODE: expected lambda']);
    return { runtime, services, slack, handle: started.handler };
  } catch (err) {
    await runtime.close();
    throw err;
  }
}

function secretsFromConfig(config: Config): () => Promise<SlackSecrets> {
  const secretId = config.lambda.slackSecretId;
  if (!secretId)
    throw new ConfigError([
      'EFS_ENCRYPT_SLACK_SECRET: required on Lambda: the Secrets Manager secret holding {"botToken","signingSecret"}',
    ]);
  return () => readSlackSecrets(new SecretsManagerClient({}), secretId);
}

function workerDispatcher(config: Config, logger: Logger): WorkDispatcher {
  const functionName = config.lambda.workerFunction;
  if (!functionName)
    throw new ConfigError([
      'EFS_ENCRYPT_WORKER_FUNCTION: required on Lambda: the worker function listeners hand long work to',
    ]);
  const log = logger.child({ component: 'work-dispatch' });
  return lambdaWorkDispatcher({
    client: new LambdaClient({}),
    functionName,
    onDispatched: (m) =>
      log.info({ correlationId: m.correlationId, kind: m.kind }, 'work handed to the worker'),
  });
}
