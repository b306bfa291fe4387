import { loadConfig, type Config } from '../../src/config.ts';
import { pino } from 'pino';
import type { AwsEvent, LambdaHandlerOptions } from '../../src/lambda/handlers.ts';
import type { WorkDispatcher, WorkMessage } from '../../src/slack/work-dispatch.ts';
import {
  TEST_BOT,
  TEST_SIGNING_SECRET,
  TEST_TEAM_ID,
  slackSignature,
  viewSubmissionPayload,
} from '../harness/slack.ts';
import type { SlackApiRecorder } from '../harness/slack-recorder.ts';

/**
 * What the Lambda tests send the handlers: Function URL events carrying bodies signed as Slack
 * signs them, and a dispatcher that keeps the work the Slack handler hands on instead of invoking
 * a worker function (the tests hand it to workerHandler themselves).
 */

/** What the Slack handler hands on, kept instead of invoking a worker function. */
export function capturingDispatcher(): WorkDispatcher & { messages: WorkMessage[] } {
  const messages: WorkMessage[] = [];
  return {
    messages,
    async dispatch(message) {
      messages.push(message);
    },
  };
}

/**
 * A Lambda Function URL event (payload format 2.0) carrying a form body signed as Slack signs it.
 * Function URLs base64-encode form bodies, so this one does too.
 */
export function functionUrlEvent(
  body: string,
  opts: { secret?: string; timestamp?: number; contentType?: string } = {},
): AwsEvent {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(opts.secret ?? TEST_SIGNING_SECRET, timestamp, body),
      host: 'abc123.lambda-url.us-east-1.on.aws',
    },
    requestContext: { http: { method: 'POST', path: '/slack/events' }, timeEpoch: timestamp * 1000 },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

/** A signed slash command body, `/efs-encrypt <text>` from U0ADMIN1 in C0CHAN01. */
export function slashCommand(recorder: SlackApiRecorder, text: string, responseUrlId = 'cmd-1'): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEST_TEAM_ID,
    team_domain: 'efs-encrypt-test',
    channel_id: 'C0CHAN01',
    channel_name: 'platform-ops',
    user_id: 'U0ADMIN1',
    user_name: 'admin',
    command: '/efs-encrypt',
    text,
    api_app_id: 'A0TEST01',
    response_url: recorder.responseUrl(responseUrlId),
    trigger_id: `${Date.now()}.trigger`,
  }).toString();
}

/** A signed view_submission body, as Slack posts a modal's submission. */
export function viewSubmission(
  callbackId: string,
  privateMetadata: string,
  values: Record<string, Record<string, Record<string, unknown>>> = {},
  userId = 'U0ADMIN1',
): string {
  return new URLSearchParams({
    payload: JSON.stringify(
      viewSubmissionPayload(userId, {
        callback_id: callbackId,
        private_metadata: privateMetadata,
        blocks: [],
        state: { values },
        app_id: 'A0TEST01',
        bot_id: TEST_BOT.botId,
      }),
    ),
  }).toString();
}

/**
 * A signed block_actions body: `click` (buttonClick of the harness: the button and the message it
 * is on) from `userId`, as Slack posts a button press.
 */
export function blockActions(
  recorder: SlackApiRecorder,
  click: Record<string, unknown> & { container: { channel_id: string } },
  opts: { userId?: string; responseUrlId?: string } = {},
): string {
  const userId = opts.userId ?? 'U0ADMIN1';
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: userId, username: userId.toLowerCase(), team_id: TEST_TEAM_ID },
      api_app_id: 'A0TEST01',
      token: 'legacy-verification-token',
      team: { id: TEST_TEAM_ID, domain: 'efs-encrypt-test' },
      channel: { id: click.container.channel_id, name: 'platform-ops' },
      trigger_id: `${Date.now()}.trigger`,
      response_url: recorder.responseUrl(opts.responseUrlId ?? 'action-1'),
      ...click,
    }),
  }).toString();
}

/**
 * The configuration the Lambda handlers run with in tests: lambda mode, the test signing secret, the
 * recorder as Slack's Web API, and `extra` settings (EFS_ENCRYPT_ADMINS, say).
 */
export function lambdaTestConfig(recorder: SlackApiRecorder, extra: Record<string, string> = {}): Config {
  return loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_MODE: 'lambda',
    SLACK_API_URL: recorder.apiUrl,
    ...extra,
  });
}

/**
 * What every test of the Lambda handlers passes them: the test configuration (`settings`: by
 * default U0ADMIN1 an admin), a silent logger, `work` as the dispatcher, the test bot, no Web API
 * retries. A test adds its estate, clock and scheduler.
 */
export function lambdaTestOptions(
  recorder: SlackApiRecorder,
  work: WorkDispatcher,
  settings: Record<string, string> = { EFS_ENCRYPT_ADMINS: 'U0ADMIN1' },
): LambdaHandlerOptions {
  return {
    env: process.env,
    config: lambdaTestConfig(recorder, settings),
    logger: pino({ level: 'silent' }),
    work,
    botIdentity: TEST_BOT,
    retryConfig: { retries: 0 },
  };
}
