import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { App, AwsLambdaReceiver, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { createSlackApp } from '../../src/slack/app.ts';
import { createAuthorizer } from '../../src/slack/authorization.ts';
import { InMemoryRunningScans } from '../../src/slack/in-memory-running-scans.ts';
import { ScanAdmission } from '../../src/slack/scan-admission.ts';
import { inProcessDispatcher } from '../../src/slack/work-dispatch.ts';
import { BackgroundTasks } from '../../src/slack/background-tasks.ts';
import { registerListeners } from '../../src/slack/listeners/index.ts';
import { systemScheduler } from '../../src/slack/scheduler.ts';
import type { BuildService, CopyService } from '../../src/slack/services.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { fakeServices } from '../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../harness/scan-fixtures.ts';
import { startSlackHarness, type SlackHarness } from '../harness/slack.ts';
import { responseUrlPolicy } from '../../src/slack/private-reply.ts';

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const services = () => fakeServices({ result: scanRecord([fileSystem()]) });
const helpBody = () =>
  new URLSearchParams({
    command: '/efs-encrypt',
    text: 'help',
    user_id: 'U0USER01',
    channel_id: 'C0CHAN01',
    team_id: 'T0TEST01',
  }).toString();

describe('the HTTP receiver', () => {
  it('refuses an unsigned request with 401 and runs nothing', async () => {
    harness = await startSlackHarness({ services: services() });
    const res = await harness.post(helpBody(), { sign: false });
    expect(res.status).toBe(401);
    expect(harness.recorder.calls).toHaveLength(0);
  });

  it('refuses a request signed with another secret with 401', async () => {
    harness = await startSlackHarness({ services: services() });
    const res = await harness.post(helpBody(), { sign: 'bad' });
    expect(res.status).toBe(401);
    expect(harness.recorder.calls).toHaveLength(0);
  });

  it('refuses a correctly signed but replayed (10 minutes old) request with 401', async () => {
    harness = await startSlackHarness({ services: services() });
    const res = await harness.post(helpBody(), { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(res.status).toBe(401);
  });

  it('dispatches block actions and view submissions to their listeners', async () => {
    harness = await startSlackHarness({ services: services() });
    const seen: string[] = [];
    harness.slack.app.action('test_button', async ({ ack, action, respond }) => {
      await ack();
      seen.push('value' in action ? String(action.value) : '');
      await respond({ response_type: 'ephemeral', text: 'clicked' });
    });
    harness.slack.app.view('test_modal', async ({ ack, view }) => {
      seen.push(view.private_metadata);
      await ack({ response_action: 'errors', errors: { fs_id: 'Type the file system ID to confirm.' } });
    });

    const click = await harness.blockAction({
      actions: [
        {
          type: 'button',
          action_id: 'test_button',
          block_id: 'b1',
          value: 'fs-123',
          action_ts: '1767225600.1',
        },
      ],
    });
    expect(click.status).toBe(200);
    expect((await harness.waitForCall('response_url')).body.text).toBe('clicked');

    const submit = await harness.viewSubmission({
      view: { callback_id: 'test_modal', private_metadata: 'scan-1' },
    });
    expect(submit.status).toBe(200);
    expect(JSON.parse(submit.body)).toEqual({
      response_action: 'errors',
      errors: { fs_id: 'Type the file system ID to confirm.' },
    });
    expect(seen).toEqual(['fs-123', 'scan-1']);
  });
});

describe('createSlackApp', () => {
  const logger = pino({ level: 'silent' });
  const base = { services: services(), logger, botIdentity: { botId: 'B1', botUserId: 'U1' } };

  it.each([
    [{ SLACK_MODE: 'http', SLACK_SIGNING_SECRET: 'secret-123456' }, HTTPReceiver],
    [{ SLACK_MODE: 'socket', SLACK_APP_TOKEN: 'xapp-1-abc' }, SocketModeReceiver],
    [{ SLACK_MODE: 'lambda', SLACK_SIGNING_SECRET: 'secret-123456' }, AwsLambdaReceiver],
  ])('picks the receiver from SLACK_MODE %j', (env, kind) => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', ...env });
    expect(createSlackApp({ ...base, config }).receiver.receiver).toBeInstanceOf(kind);
  });

  it('says which setting is missing', () => {
    const config = loadConfig({ SLACK_SIGNING_SECRET: 'secret-123456' });
    expect(() => createSlackApp({ ...base, config })).toThrow(ConfigError);
    expect(() => createSlackApp({ ...base, config })).toThrow(/SLACK_BOT_TOKEN/);
  });

  /** A build and a copy service that only log what the wiring does to them. */
  function wiringSpy() {
    const done: string[] = [];
    const hub = (name: string) => () => {
      done.push(`attach ${name} reporter`);
      return () => {};
    };
    const unused = {} as never;
    const build: BuildService = {
      phase: unused,
      listMigrations: async () => [],
      events: unused,
      attachProgress: hub('build'),
      startRunner: () => void done.push('start runner'),
    };
    const copy: CopyService = {
      phase: unused,
      methodOf: async () => undefined,
      runbook: unused,
      events: unused,
      attachProgress: hub('copy'),
    };
    return { done, services: { ...services(), build, copy } };
  }

  it('registering the listeners only registers: no reporter attached, no job runner started', () => {
    const spy = wiringSpy();
    const app = new App({ token: 'xoxb-1', signingSecret: 'secret-123456', botId: 'B1', botUserId: 'U1' });
    const tasks = new BackgroundTasks(logger);
    registerListeners(app, {
      services: spy.services,
      authorizer: createAuthorizer({ admins: [], groupMembers: async () => [] }),
      tasks,
      work: inProcessDispatcher(tasks),
      buttonWork: new Map(),
      viewWork: new Map(),
      scanAdmission: new ScanAdmission({
        registry: new InMemoryRunningScans(),
        maxScans: 2,
        clock: new ManualClock(),
        logger,
      }),
      clock: new ManualClock(),
      scheduler: systemScheduler,
      logger,
      responseUrls: responseUrlPolicy(),
    });
    expect(spy.done).toEqual([]);
  });

  it('attaches the progress reporters when it wires the app, and starts the job runner with the app, after them', async () => {
    const spy = wiringSpy();
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123456' });
    const slack = createSlackApp({
      ...base,
      services: spy.services,
      config,
      listen: { host: '127.0.0.1', port: 0 },
    });
    expect(spy.done).toEqual(['attach copy reporter', 'attach build reporter']);
    await slack.start();
    try {
      expect(spy.done).toEqual(['attach copy reporter', 'attach build reporter', 'start runner']);
    } finally {
      await slack.stop();
    }
  });
});

describe('interactions nothing listens for', () => {
  it('acknowledges an unknown action or callback ID at once, logs it at WARN, never at ERROR, and tells the clicker privately', async () => {
    harness = await startSlackHarness({ services: services() });
    const click = await harness.blockAction({
      actions: [{ type: 'button', action_id: 'retired_button', block_id: 'b', value: 'x', action_ts: '1.1' }],
    });
    const submit = await harness.viewSubmission({ view: { callback_id: 'retired_modal' } });
    expect([click.status, submit.status]).toEqual([200, 200]);
    expect(click.elapsedMs).toBeLessThan(2000);
    expect(submit.elapsedMs).toBeLessThan(2000);
    const reply = await harness.waitForCall('response_url');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(reply.body)).toContain('Run the `/efs-encrypt` command again');
    expect(harness.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(harness.logs.filter((l) => String(l.msg).startsWith('no listener for this'))).toMatchObject([
      { level: 40, actionId: 'retired_button' },
      { level: 40, callbackId: 'retired_modal' },
    ]);
  });
});
