import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.ts';
import { slackSignature } from '../../src/sandbox/slack-signature.ts';
import { ManualClock, type Clock } from '../../src/domain/clock.ts';
import { createSlackApp, type CreateSlackAppOptions, type SlackAppHandle } from '../../src/slack/app.ts';
import type { Scheduler } from '../../src/slack/scheduler.ts';
import type { SlackServices } from '../../src/slack/services.ts';
import { skipAheadScheduler } from './schedulers.ts';
import { SlackApiRecorder, type RecordedCall, type SlackRecorderOptions } from './slack-recorder.ts';

/**
 * The Slack end-to-end harness: the real Bolt app with its real HTTP receiver on loopback,
 * driven by requests signed exactly as Slack signs them, its WebClient pointed at a recording
 * Web API server. Later issues reuse it for their buttons and modals.
 */

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEST_TEAM_ID = 'T0TEST01';
export const TEST_BOT = { botId: 'BBOT0001', botUserId: 'UBOT0001' };

export interface SlackHarnessOptions {
  services: SlackServices;
  /** Overrides of the configuration parsed from a minimal test environment. */
  config?: { admins?: string[]; slack?: Partial<Config['slack']> };
  /** Default true: the HTTP response waits for the listeners, as on Lambda (the strict case). */
  processBeforeResponse?: boolean;
  clock?: Clock;
  /** Default: skips delays ahead on the ManualClock, so rate-limit intervals cost no real time. */
  scheduler?: Scheduler;
  recorder?: SlackRecorderOptions;
  summary?: CreateSlackAppOptions['summary'];
  progressIntervalMs?: number;
}

export interface HttpResult {
  status: number;
  body: string;
  elapsedMs: number;
}

export interface RequestOptions {
  /** `false` sends no signature headers; `'bad'` signs with the wrong secret. */
  sign?: false | 'bad';
  contentType?: string;
  /** Seconds since the epoch for x-slack-request-timestamp (Bolt rejects more than 5 min off). */
  timestamp?: number;
  /** Sent as Slack resends a request whose first delivery timed out: `x-slack-retry-num` with this number. */
  retryNum?: number;
}

export interface SlackHarness {
  /** The receiver's events URL. */
  url: string;
  recorder: SlackApiRecorder;
  slack: SlackAppHandle;
  clock: Clock;
  /** Every pino line the app logged, parsed. */
  logs: Record<string, unknown>[];
  slashCommand(
    text: string,
    opts?: {
      userId?: string;
      channelId?: string;
      command?: string;
      responseUrlId?: string;
      /** Slack keeps the trigger ID when it redelivers: pass the first delivery's with `retryNum`. */
      triggerId?: string;
      retryNum?: number;
    },
  ): Promise<HttpResult>;
  blockAction(
    payload: Record<string, unknown>,
    opts?: { userId?: string; channelId?: string; retryNum?: number },
  ): Promise<HttpResult>;
  viewSubmission(payload: Record<string, unknown>, opts?: { userId?: string }): Promise<HttpResult>;
  /** Posts a raw form body, signed unless told otherwise. */
  post(body: string, opts?: RequestOptions): Promise<HttpResult>;
  waitForCall(
    method: string,
    predicate?: (call: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall>;
  close(): Promise<void>;
}

// The sandbox signs the page's requests with the same function (src/sandbox).
export { slackSignature };

/** Where a clicked button is: its message's channel and ts, and the thread the message is in. */
export interface ClickedMessage {
  channel: string;
  messageTs: string;
  threadTs?: string;
}

/**
 * The part of a block_actions payload that says which button was clicked on which message;
 * blockAction adds the user, team, trigger and response URL.
 */
let clicks = 0;
export function buttonClick(actionId: string, value: string, on: ClickedMessage) {
  // Each click has its own action_ts, as in Slack; a redelivery resends the same payload.
  const actionTs = `1767225601.${String(++clicks).padStart(6, '0')}`;
  return {
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: actionTs }],
    message: {
      type: 'message',
      ts: on.messageTs,
      ...(on.threadTs !== undefined ? { thread_ts: on.threadTs } : {}),
      text: '',
    },
    container: { type: 'message', message_ts: on.messageTs, channel_id: on.channel, is_ephemeral: false },
  };
}

export async function startSlackHarness(options: SlackHarnessOptions): Promise<SlackHarness> {
  const recorder = new SlackApiRecorder({ ...TEST_BOT, teamId: TEST_TEAM_ID, ...options.recorder });
  await recorder.start();

  const base = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_MODE: 'http',
    SLACK_API_URL: recorder.apiUrl,
    LOG_LEVEL: 'debug',
  });
  const config: Config = {
    ...base,
    admins: options.config?.admins ?? base.admins,
    slack: { ...base.slack, ...options.config?.slack },
  };

  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const clock = options.clock ?? new ManualClock();
  const scheduler =
    options.scheduler ?? (clock instanceof ManualClock ? skipAheadScheduler(clock) : undefined);

  const slack = createSlackApp({
    config,
    services: options.services,
    logger,
    clock,
    scheduler,
    botIdentity: TEST_BOT,
    listen: { host: '127.0.0.1', port: 0 },
    processBeforeResponse: options.processBeforeResponse ?? true,
    // Tests see a failure at once instead of the client retrying for minutes.
    retryConfig: { retries: 0 },
    summary: options.summary,
    progressIntervalMs: options.progressIntervalMs,
  });
  const started = await slack.start();
  if (started.mode !== 'http') throw new Error('the harness drives the HTTP receiver');
  const url = started.url;

  let responseUrls = 0;

  async function post(body: string, opts: RequestOptions = {}): Promise<HttpResult> {
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
    };
    if (opts.sign !== false) {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = slackSignature(
        opts.sign === 'bad' ? 'not-the-signing-secret' : TEST_SIGNING_SECRET,
        timestamp,
        body,
      );
    }
    if (opts.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(opts.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, body: text, elapsedMs: performance.now() - t0 };
  }

  const interactive = (payload: Record<string, unknown>, opts: RequestOptions = {}) =>
    post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), opts);

  return {
    url,
    recorder,
    slack,
    clock,
    logs,
    post,
    slashCommand(text, opts = {}) {
      const userId = opts.userId ?? 'U0USER01';
      const channelId = opts.channelId ?? 'C0CHAN01';
      const body = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: TEST_TEAM_ID,
        team_domain: 'efs-encrypt-test',
        channel_id: channelId,
        channel_name: 'platform-ops',
        user_id: userId,
        user_name: userId.toLowerCase(),
        command: opts.command ?? '/efs-encrypt',
        text,
        api_app_id: 'A0TEST01',
        is_enterprise_install: 'false',
        response_url: recorder.responseUrl(opts.responseUrlId ?? `cmd-${++responseUrls}`),
        trigger_id: opts.triggerId ?? `${Date.now()}.trigger`,
      });
      return post(body.toString(), opts.retryNum !== undefined ? { retryNum: opts.retryNum } : {});
    },
    blockAction(payload, opts = {}) {
      const userId = opts.userId ?? 'U0USER01';
      const channelId = opts.channelId ?? 'C0CHAN01';
      return interactive(
        {
          type: 'block_actions',
          user: { id: userId, username: userId.toLowerCase(), team_id: TEST_TEAM_ID },
          api_app_id: 'A0TEST01',
          token: 'legacy-verification-token',
          team: { id: TEST_TEAM_ID, domain: 'efs-encrypt-test' },
          channel: { id: channelId, name: 'platform-ops' },
          container: {
            type: 'message',
            message_ts: '1767225600.000001',
            channel_id: channelId,
            is_ephemeral: false,
          },
          trigger_id: `${Date.now()}.trigger`,
          response_url: recorder.responseUrl(`action-${++responseUrls}`),
          actions: [],
          ...payload,
        },
        opts.retryNum !== undefined ? { retryNum: opts.retryNum } : {},
      );
    },
    viewSubmission(payload, opts = {}) {
      const { view, ...rest } = payload as { view?: Record<string, unknown> };
      return interactive({
        ...viewSubmissionPayload(opts.userId ?? 'U0USER01', view),
        response_urls: [],
        ...rest,
      });
    },
    waitForCall: (method, predicate, timeoutMs) => recorder.waitForCall(method, predicate, timeoutMs),
    async close() {
      await slack.stop();
      await recorder.close();
    },
  };
}

/** The payload of a view_submission from `userId` in the test workspace; `view` overrides the modal's defaults. */
export function viewSubmissionPayload(
  userId: string,
  view: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'view_submission',
    user: { id: userId, username: userId.toLowerCase(), team_id: TEST_TEAM_ID },
    api_app_id: 'A0TEST01',
    token: 'legacy-verification-token',
    team: { id: TEST_TEAM_ID, domain: 'efs-encrypt-test' },
    trigger_id: `${Date.now()}.trigger`,
    view: {
      id: 'V00000001',
      team_id: TEST_TEAM_ID,
      type: 'modal',
      callback_id: 'unset',
      private_metadata: '',
      state: { values: {} },
      hash: '1767225600.hash',
      ...view,
    },
  };
}
