import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_ACCOUNT_ACTIONS, iamActionsOf, memberActionsFor } from '../../src/aws/permissions.ts';
import { loadConfig } from '../../src/config.ts';
import { createLambdaHandlers, type AwsEvent, type LambdaHandlers } from '../../src/lambda/handlers.ts';
import type { WorkDispatcher, WorkMessage } from '../../src/slack/work-dispatch.ts';
import { TEST_BOT, TEST_SIGNING_SECRET, TEST_TEAM_ID, slackSignature } from '../harness/slack.ts';
import { SlackApiRecorder } from '../harness/slack-recorder.ts';
import { restoreEnv } from '../harness/sdk-env.ts';

/** What the Slack handler hands on, kept instead of invoking a worker function. */
function capturingDispatcher(): WorkDispatcher & { messages: WorkMessage[] } {
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
function functionUrlEvent(body: string, opts: { secret?: string; timestamp?: number } = {}): AwsEvent {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(opts.secret ?? TEST_SIGNING_SECRET, timestamp, body),
      host: 'abc123.lambda-url.us-east-1.on.aws',
    },
    requestContext: { http: { method: 'POST', path: '/slack/events' }, timeEpoch: timestamp * 1000 },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

function slashCommand(recorder: SlackApiRecorder, text: string, responseUrlId = 'cmd-1'): string {
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

describe('the Lambda handlers against the sample estate and the embedded store', () => {
  const saved = { ...process.env };
  let recorder: SlackApiRecorder;
  let work: ReturnType<typeof capturingDispatcher>;
  let handlers: LambdaHandlers;

  beforeEach(async () => {
    recorder = new SlackApiRecorder({ ...TEST_BOT, teamId: TEST_TEAM_ID });
    await recorder.start();
    work = capturingDispatcher();
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_MODE: 'lambda',
      SLACK_API_URL: recorder.apiUrl,
      EFS_ENCRYPT_ADMINS: 'U0ADMIN1',
    });
    handlers = createLambdaHandlers({
      env: process.env,
      config,
      logger: pino({ level: 'silent' }),
      work,
      estate: { demo: true },
      botIdentity: TEST_BOT,
      retryConfig: { retries: 0 },
    });
  });

  afterEach(async () => {
    await handlers.close();
    await recorder.close();
    restoreEnv(saved);
  });

  it('acks a signed /efs-encrypt scan at once and hands the scan to the worker as a message', async () => {
    const res = await handlers.slackHandler(functionUrlEvent(slashCommand(recorder, 'scan')));

    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(work.messages).toEqual([
      {
        kind: 'scan',
        correlationId: expect.stringMatching(/^[0-9a-f]{8}$/),
        userId: 'U0ADMIN1',
        channelId: 'C0CHAN01',
        responseUrl: recorder.responseUrl('cmd-1'),
        scope: { accounts: [], regions: [] },
      },
    ]);
    // Nothing ran in the request: no root message, no scan stored.
    expect(recorder.callsTo('chat.postMessage')).toEqual([]);
    const runtime = await handlers.runtime();
    expect(await runtime.store.scans.getLatestScan()).toBeUndefined();
  });

  it('the worker runs the dispatched scan to the end: stored, summarised in its thread', async () => {
    await handlers.slackHandler(functionUrlEvent(slashCommand(recorder, 'scan')));
    // As the worker receives it: JSON across the invocation.
    const event: unknown = JSON.parse(JSON.stringify(work.messages[0]));

    const out = await handlers.workerHandler(event);

    expect(out).toEqual({ kind: 'scan', correlationId: work.messages[0]!.correlationId });
    const runtime = await handlers.runtime();
    const scan = await runtime.store.scans.getLatestScan();
    expect(scan?.requestedBy).toBe('U0ADMIN1');
    expect(scan?.fileSystems.length).toBeGreaterThan(0);
    const [root] = recorder.callsTo('chat.postMessage');
    expect(root?.body.channel).toBe('C0CHAN01');
    const updates = recorder.callsTo('chat.update').filter((c) => c.body.ts === root?.response.ts);
    expect(JSON.stringify(updates.at(-1)?.body.blocks)).toContain(scan!.scanId);
  });

  it('sends, in the worker’s scan, only commands the read-only member role or the bot role grants', async () => {
    await handlers.slackHandler(functionUrlEvent(slashCommand(recorder, 'scan')));
    const runtime = await handlers.runtime();
    runtime.estate!.server.resetStats();
    await handlers.workerHandler(JSON.parse(JSON.stringify(work.messages[0])));

    const sent = Object.keys(runtime.estate!.server.stats().byOperation).flatMap(iamActionsOf);
    expect(sent).toContain('elasticfilesystem:DescribeFileSystems');
    const granted = new Set([
      ...memberActionsFor(['scan', 'decide', 'validate', 'digest']),
      ...BOT_ACCOUNT_ACTIONS,
      'sts:AssumeRole',
    ]);
    expect(sent.filter((a) => !granted.has(a))).toEqual([]);
  });

  it('refuses a request signed with another secret: 401, nothing handed on', async () => {
    const res = await handlers.slackHandler(
      functionUrlEvent(slashCommand(recorder, 'scan'), { secret: 'not-the-signing-secret' }),
    );
    expect(res.statusCode).toBe(401);
    expect(work.messages).toEqual([]);
  });

  it('answers help in the ack path and dispatches nothing', async () => {
    const res = await handlers.slackHandler(functionUrlEvent(slashCommand(recorder, 'help')));
    expect(res.statusCode).toBe(200);
    expect(work.messages).toEqual([]);
    expect(recorder.callsTo('response_url')).toHaveLength(1);
  });

  it('refuses a malformed worker event, naming what is wrong', async () => {
    await expect(
      handlers.workerHandler({ kind: 'scan', correlationId: 'c1', userId: 'U1', channelId: 'C1' }),
    ).rejects.toThrow(/responseUrl/);
    await expect(handlers.workerHandler({ kind: 'reboot' })).rejects.toThrow(/Not a work message: kind/);
  });
});
