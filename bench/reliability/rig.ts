import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { pino } from 'pino';
import { openRuntime, type EstateChoice, type Runtime } from '../../src/cli/runtime.ts';
import { slackServices } from '../../src/cli/slack-services.ts';
import { loadConfig } from '../../src/config.ts';
import type { ScanRecord } from '../../src/domain/inventory.ts';
import { createSlackApp, type SlackAppHandle } from '../../src/slack/app.ts';
import type { SlackServices } from '../../src/slack/services.ts';
import { silentIoHost } from '../../src/workflow/io-host.ts';
import { startSlackStub, type SlackStub } from './slack-stub.ts';

/**
 * The reliability sweep's rig: the real composition root on the sample estate (embedded store, real
 * SDK clients, the build and copy services), the real Bolt app and HTTP receiver (request guard and
 * workspace guard included) on loopback, driven by requests signed as Slack signs them.
 */
export const RIG_SECRET = 'sweep-signing-secret-0123456789abcdef';
export const RIG_TEAM = 'T0SWEEP01';
export const RIG_ADMIN = 'U0ADMIN01';
export const RIG_USER = 'U0USER01';

export interface RigResponse {
  status: number;
  body: string;
  elapsedMs: number;
}

export interface Rig {
  runtime: Runtime;
  services: SlackServices;
  slack: SlackAppHandle;
  /** The scan taken at start-up: its IDs make payloads that reach past the first checks. */
  scan: ScanRecord;
  /** Every pino line the app logged, parsed. */
  logs: Record<string, unknown>[];
  stub: SlackStub;
  post(body: string, contentType?: string): Promise<RigResponse>;
  slashCommand(text: string, opts?: { userId?: string; teamId?: string }): Promise<RigResponse>;
  /** An interactive payload (block_actions, view_submission, block_suggestion) posted as Slack posts it. */
  interactive(payload: unknown): Promise<RigResponse>;
  /** Every item in the store's table (`pk|sk` to its `kind`), by a full scan of the embedded table. */
  storeItems(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface RigOptions {
  admins?: string[];
  /** SLACK_TEAM_ID: the one workspace served (default RIG_TEAM). */
  teamId?: string;
  /** How the sample estate behaves: a throttling storm (`throttleEvery`), a faster timeline (`timing`). */
  estate?: Omit<EstateChoice, 'demo' | 'file'>;
  /** The start-up scan's scope (default: the whole sample estate). */
  scope?: { accounts?: string[]; regions?: string[] };
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const saved = { ...process.env };
  const runtime = await openRuntime({
    config: loadConfig({}),
    env: process.env,
    logger: pino({ level: 'silent' }),
    estate: { demo: true, ...options.estate },
  });
  const scan = await runtime.scanWorkflow(silentIoHost).run({ requestedBy: RIG_ADMIN, ...options.scope });
  const services = slackServices(runtime, { pollMs: 50 });
  const stub = await startSlackStub(options.teamId ?? RIG_TEAM);

  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const base = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-sweep-token',
    SLACK_SIGNING_SECRET: RIG_SECRET,
    SLACK_MODE: 'http',
    SLACK_API_URL: stub.apiUrl,
    SLACK_TEAM_ID: options.teamId ?? RIG_TEAM,
  });
  const slack = createSlackApp({
    config: { ...base, admins: options.admins ?? [RIG_ADMIN] },
    services,
    logger: pino({ level: 'info' }, sink),
    listen: { host: '127.0.0.1', port: 0 },
    processBeforeResponse: true,
    retryConfig: { retries: 0 },
  });
  const started = await slack.start();
  if (started.mode !== 'http') throw new Error('the rig drives the HTTP receiver');
  const url = started.url;
  // Bolt calls auth.test once after start and leaves its promise unhandled until the first event: let
  // it answer, so a rig closed at once does not turn it into an unhandled rejection.
  await slack.app.client.auth.test();

  const dynamo = new DynamoDBClient({
    endpoint: runtime.store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'sweep', secretAccessKey: 'sweep' },
  });
  let seq = 0;

  async function post(body: string, contentType = 'application/x-www-form-urlencoded') {
    const timestamp = Math.floor(Date.now() / 1000);
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': sign(RIG_SECRET, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text, elapsedMs: performance.now() - t0 };
  }

  return {
    runtime,
    services,
    slack,
    scan,
    logs,
    stub,
    post,
    slashCommand(text, opts = {}) {
      const userId = opts.userId ?? RIG_USER;
      return post(
        new URLSearchParams({
          token: 'legacy-verification-token',
          team_id: opts.teamId ?? RIG_TEAM,
          team_domain: 'efs-encrypt-sweep',
          channel_id: 'C0CHAN01',
          channel_name: 'platform-ops',
          user_id: userId,
          user_name: userId.toLowerCase(),
          command: '/efs-encrypt',
          text,
          api_app_id: 'A0SWEEP01',
          is_enterprise_install: 'false',
          response_url: stub.responseUrl(`cmd-${++seq}`),
          trigger_id: `${seq}.trigger`,
        }).toString(),
      );
    },
    interactive(payload) {
      return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    },
    async storeItems() {
      const items = new Map<string, string>();
      let start: ScanCommandOutput['LastEvaluatedKey'];
      do {
        const page = await dynamo.send(
          new ScanCommand({
            TableName: runtime.store.tableName,
            ProjectionExpression: 'pk, sk, kind',
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) items.set(`${item.pk?.S}|${item.sk?.S}`, item.kind?.S ?? '');
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async close() {
      await slack.stop();
      await stub.close();
      dynamo.destroy();
      await runtime.close();
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    },
  };
}
