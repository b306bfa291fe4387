import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_ACCOUNT_ACTIONS, iamActionsOf, memberActionsFor } from '../../src/aws/permissions.ts';
import { createLambdaHandlers, type LambdaHandlers } from '../../src/lambda/handlers.ts';
import {
  capturingDispatcher,
  functionUrlEvent,
  slashCommand,
  viewSubmission,
  lambdaTestOptions,
} from './lambda-events.ts';
import { TEST_BOT, TEST_TEAM_ID } from '../harness/slack.ts';
import { SlackApiRecorder } from '../harness/slack-recorder.ts';
import { restoreEnv } from '../harness/sdk-env.ts';
import { PLAN_CALLBACK_ID, encodePlanMetadata } from '#blocks/plan-modal.ts';
import {
  CONCERNS_ACTION_ID,
  CONCERNS_COMPONENTS_BLOCK_ID,
  CONCERNS_TEXT_BLOCK_ID,
  SIGN_OFF_CONCERNS_CALLBACK_ID,
} from '#blocks/sign-off.ts';
import {
  DECOMMISSION_CALLBACK_ID,
  DECOMMISSION_INPUT_ACTION_ID,
  DECOMMISSION_INPUT_BLOCK_ID,
  encodeDecommissionMetadata,
} from '#blocks/decommission.ts';
import { DECOMMISSION_JOB_KIND } from '../../src/domain/decommission.ts';
import { COPY_WRITES_STOPPED_CALLBACK_ID, encodeCopyMetadata } from '#blocks/copy-modals.ts';
import { CUTOVER_REJECT_CALLBACK_ID, CUTOVER_WAIVE_CALLBACK_ID } from '#blocks/cutover-modals.ts';
import { CUTOVER_ORDER_CALLBACK_ID } from '#blocks/cutover-order.ts';
import { planApplicationCutover } from '../../src/domain/cutover-plan.ts';
import { context as cutoverContext } from '../fixtures/cutover.ts';

const THREAD = '1767225600.000100';

describe('the Lambda handlers against the sample estate and the embedded store', () => {
  const saved = { ...process.env };
  let recorder: SlackApiRecorder;
  let work: ReturnType<typeof capturingDispatcher>;
  let handlers: LambdaHandlers;

  beforeEach(async () => {
    recorder = new SlackApiRecorder({ ...TEST_BOT, teamId: TEST_TEAM_ID });
    await recorder.start();
    work = capturingDispatcher();
    handlers = createLambdaHandlers({ ...lambdaTestOptions(recorder, work), estate: { demo: true } });
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

    expect(out).toEqual({ kind: 'scan', correlationId: work.messages[0]!.correlationId, outcome: 'ran' });
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

  // Signed bodies Bolt's Lambda receiver would hand to the app (a 500 Slack retries) or throw on
  // before its own try (the invocation fails): refused before Bolt, as on the HTTP path.
  const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const JSON_TYPE = 'application/json';
  it.each([
    ['payload=null', 'payload=null', undefined, /the body is null, not an object/],
    ['a JSON body null', 'null', JSON_TYPE, /the body is null, not an object/],
    ['a JSON body 42', '42', JSON_TYPE, /the body is a number, not an object/],
    ['a JSON body that does not parse', '{"type":', JSON_TYPE, /the body does not parse/],
    ['a form payload that does not parse', 'payload=%7B', undefined, /the body does not parse/],
    [
      'a block action whose user is null',
      form({ type: 'block_actions', user: null, team: { id: TEST_TEAM_ID }, actions: [{ action_id: 'a' }] }),
      undefined,
      /block_actions payload's `user` is null/,
    ],
    [
      'a view submission whose view is null',
      form({ type: 'view_submission', user: { id: 'U0ADMIN1' }, team: { id: TEST_TEAM_ID }, view: null }),
      undefined,
      /view_submission payload's `view` is null/,
    ],
  ])(
    'answers 400 to a signed %s, logs why, and dispatches nothing',
    async (_name, body, contentType, why) => {
      const lines: string[] = [];
      const logged = createLambdaHandlers({
        ...lambdaTestOptions(recorder, work, {}),
        logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
        estate: { demo: true },
      });
      try {
        const res = await logged.slackHandler(functionUrlEvent(body, contentType ? { contentType } : {}));
        expect(res.statusCode).toBe(400);
        expect(lines.join('\n')).toMatch(why);
        expect(work.messages).toEqual([]);
        expect(recorder.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
      } finally {
        await logged.close();
      }
    },
  );

  it.each([
    ['a day ahead', 86_400],
    ['six minutes ahead', 360],
    ['six minutes old', -360],
  ])('refuses a request signed with a timestamp %s: 401, nothing handed on', async (_name, offset) => {
    const res = await handlers.slackHandler(
      functionUrlEvent(slashCommand(recorder, 'scan'), { timestamp: Math.floor(Date.now() / 1000) + offset }),
    );
    expect(res.statusCode).toBe(401);
    expect(work.messages).toEqual([]);
  });

  it('accepts a timestamp four minutes ahead (within the five-minute window)', async () => {
    const res = await handlers.slackHandler(
      functionUrlEvent(slashCommand(recorder, 'help'), { timestamp: Math.floor(Date.now() / 1000) + 240 }),
    );
    expect(res.statusCode).toBe(200);
  });

  it('answers help in the ack path and dispatches nothing', async () => {
    const res = await handlers.slackHandler(functionUrlEvent(slashCommand(recorder, 'help')));
    expect(res.statusCode).toBe(200);
    expect(work.messages).toEqual([]);
    expect(recorder.callsTo('response_url')).toHaveLength(1);
  });

  /** The Slack handler's answer and the one message it handed on, JSON round-tripped as the worker gets it. */
  async function handOn(body: string): Promise<Record<string, unknown>> {
    const before = work.messages.length;
    const res = await handlers.slackHandler(functionUrlEvent(body));
    expect(res.statusCode).toBe(200);
    expect(work.messages).toHaveLength(before + 1);
    return JSON.parse(JSON.stringify(work.messages.at(-1))) as Record<string, unknown>;
  }

  async function scanned() {
    await handlers.workerHandler(await handOn(slashCommand(recorder, 'scan')));
    const runtime = await handlers.runtime();
    const scan = await runtime.store.scans.getLatestScan();
    expect(scan).toBeDefined();
    return { runtime, scan: scan! };
  }

  /** A cut over migration of one of the scan's file systems, owned by the admin's `billing`. */
  async function cutOverMigration() {
    const { runtime, scan } = await scanned();
    const fs = scan.fileSystems.find((f) => !f.encrypted) ?? scan.fileSystems[0]!;
    const m = await runtime.store.migrations.createMigration({
      accountId: fs.accountId,
      region: fs.region,
      fileSystemId: fs.fileSystemId,
      state: 'cut_over',
      actor: 'U0ADMIN1',
    });
    await runtime.store.migrations.putSnapshot(m.id, {
      observedAt: new Date().toISOString(),
      fileSystem: { ...fs, tags: { ...fs.tags, app: 'billing', owner: 'U0ADMIN1' } },
    });
    return { runtime, migrationId: m.id, fileSystemId: fs.fileSystemId };
  }

  it('/efs-encrypt export: the request hands the command on; the worker uploads the inventory', async () => {
    const { scan } = await scanned();
    const message = await handOn(slashCommand(recorder, 'export', 'cmd-export'));
    expect(message).toMatchObject({ kind: 'command', text: 'export', channelId: 'C0CHAN01' });
    expect(recorder.callsTo('files.completeUploadExternal')).toEqual([]);

    await handlers.workerHandler(message);

    const [done] = recorder.callsTo('files.completeUploadExternal');
    expect(JSON.stringify(done?.body)).toContain(`Inventory ${scan.scanId} (CSV)`);
  });

  it('/efs-encrypt validate: the worker posts the report in the channel', async () => {
    const message = await handOn(slashCommand(recorder, 'validate', 'cmd-validate'));
    expect(message).toMatchObject({ kind: 'command', text: 'validate' });
    expect(recorder.callsTo('chat.postMessage')).toEqual([]);

    await handlers.workerHandler(message);

    const [root] = recorder.callsTo('chat.postMessage');
    expect(root?.body.channel).toBe('C0CHAN01');
    const last = recorder
      .callsTo('chat.update')
      .filter((c) => c.body.ts === root?.response.ts)
      .at(-1);
    expect(JSON.stringify(last?.body)).toMatch(/goal/i);
  });

  it('/efs-encrypt build refused in the request (nothing to build) hands nothing on', async () => {
    await scanned();
    const sent = work.messages.length;
    const res = await handlers.slackHandler(functionUrlEvent(slashCommand(recorder, 'build all', 'cmd-b')));
    expect(res.statusCode).toBe(200);
    expect(work.messages).toHaveLength(sent);
    expect(JSON.stringify(recorder.callsTo('response_url').at(-1)?.body)).toMatch(/build/i);
  });

  it('a forged command message is checked again by the worker: a non-admin gets a refusal, nothing is posted', async () => {
    await scanned();
    const posted = recorder.callsTo('chat.postMessage').length;
    await handlers.workerHandler({
      kind: 'command',
      correlationId: 'forged01',
      userId: 'U0STRANGER',
      channelId: 'C0CHAN01',
      responseUrl: recorder.responseUrl('forged'),
      text: 'build all',
    });
    expect(recorder.callsTo('chat.postMessage')).toHaveLength(posted);
    expect(JSON.stringify(recorder.callsTo('response_url').at(-1)?.body)).toContain('forged01');
  });

  it('the plan modal’s last page: the worker posts the plan summary in the thread', async () => {
    const { scan } = await scanned();
    const posted = recorder.callsTo('chat.postMessage').length;
    const message = await handOn(
      viewSubmission(
        PLAN_CALLBACK_ID,
        encodePlanMetadata({ scanId: scan.scanId, page: 999, channelId: 'C0CHAN01', threadTs: THREAD }),
      ),
    );
    expect(message).toMatchObject({ kind: 'view', work: PLAN_CALLBACK_ID });
    expect(recorder.callsTo('chat.postMessage')).toHaveLength(posted);

    await handlers.workerHandler(message);

    const summary = recorder.callsTo('chat.postMessage').slice(posted);
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.every((c) => c.body.thread_ts === THREAD)).toBe(true);
  });

  it('sign-off concerns: the worker records them and posts them in the thread', async () => {
    const { runtime, migrationId } = await cutOverMigration();
    const message = await handOn(
      viewSubmission(
        SIGN_OFF_CONCERNS_CALLBACK_ID,
        JSON.stringify({ m: migrationId, a: 'billing', channel: 'C0CHAN01', threadTs: THREAD }),
        {
          [CONCERNS_TEXT_BLOCK_ID]: {
            [CONCERNS_ACTION_ID]: { type: 'plain_text_input', value: 'nightly job fails' },
          },
          [CONCERNS_COMPONENTS_BLOCK_ID]: {
            [CONCERNS_ACTION_ID]: { type: 'plain_text_input', value: 'api, batch' },
          },
        },
      ),
    );
    expect(message).toMatchObject({ kind: 'view', input: { text: 'nightly job fails' } });
    expect(await runtime.store.signOffs.listSignOffs(migrationId)).toEqual([]);

    await handlers.workerHandler(message);

    expect(await runtime.store.signOffs.listSignOffs(migrationId)).toMatchObject([
      { decision: 'concerns', text: 'nightly job fails', components: ['api', 'batch'] },
    ]);
    const post = recorder.callsTo('chat.postMessage').find((c) => c.body.thread_ts === THREAD);
    expect(String(post?.body.text)).toBe('billing: concerns');
  });

  it('decommission confirmed: the worker reads every guard again and answers in the thread', async () => {
    const { migrationId, fileSystemId } = await cutOverMigration();
    const message = await handOn(
      viewSubmission(
        DECOMMISSION_CALLBACK_ID,
        encodeDecommissionMetadata({ migrationId, fileSystemId, channel: 'C0CHAN01', threadTs: THREAD }),
        {
          [DECOMMISSION_INPUT_BLOCK_ID]: {
            [DECOMMISSION_INPUT_ACTION_ID]: { type: 'plain_text_input', value: fileSystemId },
          },
        },
      ),
    );
    expect(message).toMatchObject({
      kind: 'view',
      work: DECOMMISSION_CALLBACK_ID,
      input: { typed: fileSystemId },
    });
    expect(recorder.callsTo('chat.postEphemeral')).toEqual([]);

    await handlers.workerHandler(message);

    // Nothing was verified for this migration, so a guard refuses: nothing deleted, said privately.
    const [answer] = recorder.callsTo('chat.postEphemeral');
    expect(answer?.body).toMatchObject({ channel: 'C0CHAN01', user: 'U0ADMIN1', thread_ts: THREAD });
    expect(String(answer?.body.text)).toContain(`${fileSystemId} was not deleted`);
  });

  it('runs a work message delivered twice once: one root message, the second delivery a duplicate', async () => {
    const message = await handOn(slashCommand(recorder, 'validate', 'cmd-twice'));

    const first = await handlers.workerHandler(message);
    const afterFirst = recorder.calls.length;
    const second = await handlers.workerHandler(JSON.parse(JSON.stringify(message)));

    expect(first.outcome).toBe('ran');
    expect(recorder.callsTo('chat.postMessage').length).toBeGreaterThan(0);
    // The second delivery ran nothing: no Slack call at all.
    expect(second.outcome).toBe('duplicate');
    expect(recorder.calls).toHaveLength(afterFirst);
  });

  /** A worker message as only a forger sends it: a modal's work on behalf of a non-admin. */
  const forgedView = (work: string, privateMetadata: string, input: Record<string, unknown>) => ({
    kind: 'view',
    correlationId: `forged-${work}`.slice(0, 64),
    userId: 'U0STRANGER',
    work,
    privateMetadata,
    input,
  });

  /** After a forged message: nothing posted or updated; the forger is refused privately, by name of who may. */
  function expectRefusedPrivately(before: { posted: number; updated: number }, who: RegExp) {
    expect(recorder.callsTo('chat.postMessage')).toHaveLength(before.posted);
    expect(recorder.callsTo('chat.update')).toHaveLength(before.updated);
    const answers = recorder.callsTo('chat.postEphemeral');
    expect(answers.at(-1)?.body).toMatchObject({ user: 'U0STRANGER', thread_ts: THREAD });
    expect(String(JSON.stringify(answers.at(-1)?.body))).toMatch(who);
  }

  it('a forged copy submission is checked again by the worker: refused, nothing queued or posted', async () => {
    const { runtime, migrationId } = await cutOverMigration();
    const posted = {
      posted: recorder.callsTo('chat.postMessage').length,
      updated: recorder.callsTo('chat.update').length,
    };
    await handlers.workerHandler(
      forgedView(
        COPY_WRITES_STOPPED_CALLBACK_ID,
        encodeCopyMetadata({ migrationId, channel: 'C0CHAN01', threadTs: THREAD }),
        { t0: new Date(Date.now() - 60_000).toISOString(), clientsAcknowledged: true },
      ),
    );
    expectRefusedPrivately(posted, /Only the admins/);
    expect(await runtime.store.jobs.listJobsForMigration(migrationId, 'copy')).toEqual([]);
  });

  /** The cut over migration with a stored plan for its application `shop` (no owner: admins decide). */
  async function withPlan() {
    const m = await cutOverMigration();
    const plan = planApplicationCutover({
      context: { ...cutoverContext, migrationId: m.migrationId },
      group: { app: 'shop' },
      revision: 1,
      plannedAt: new Date().toISOString(),
      descriptions: [],
    });
    await m.runtime.store.cutovers.putPlan(m.migrationId, plan, 0);
    return { ...m, plan };
  }

  it('a forged cutover rejection is checked again by the worker: refused, no verdict recorded', async () => {
    const { runtime, migrationId, plan } = await withPlan();
    const posted = {
      posted: recorder.callsTo('chat.postMessage').length,
      updated: recorder.callsTo('chat.update').length,
    };
    await handlers.workerHandler(
      forgedView(
        CUTOVER_REJECT_CALLBACK_ID,
        JSON.stringify({ m: migrationId, a: 'shop', d: plan.digest, channel: 'C0CHAN01', threadTs: THREAD }),
        { reason: 'forged' },
      ),
    );
    expectRefusedPrivately(posted, /only an admin can approve or reject/);
    expect(await runtime.store.cutovers.getVerdict(migrationId, 'shop', plan.digest)).toBeUndefined();
  });

  it('a forged waiver is checked again by the worker: refused, nothing waived', async () => {
    const { runtime, migrationId } = await withPlan();
    const posted = {
      posted: recorder.callsTo('chat.postMessage').length,
      updated: recorder.callsTo('chat.update').length,
    };
    await handlers.workerHandler(
      forgedView(
        CUTOVER_WAIVE_CALLBACK_ID,
        JSON.stringify({
          m: migrationId,
          a: 'shop',
          c: 'arn:aws:ecs:eu-west-1:111111111111:service/prod/web',
          channel: 'C0CHAN01',
          threadTs: THREAD,
        }),
        { reason: 'forged' },
      ),
    );
    expectRefusedPrivately(posted, /Only an admin can waive a consumer/);
    expect(await runtime.store.cutovers.listWaivers(migrationId)).toEqual([]);
  });

  it('a forged cutover order is checked again by the worker: refused, no order told in the thread', async () => {
    const { migrationId } = await withPlan();
    const posted = {
      posted: recorder.callsTo('chat.postMessage').length,
      updated: recorder.callsTo('chat.update').length,
    };
    await handlers.workerHandler(
      forgedView(
        CUTOVER_ORDER_CALLBACK_ID,
        JSON.stringify({ m: migrationId, channel: 'C0CHAN01', threadTs: THREAD }),
        { apps: ['shop'], chosenBy: 'U0STRANGER' },
      ),
    );
    expectRefusedPrivately(posted, /Only the admins/);
  });

  it('the scheduled tick runs every durable job kind, and takes over a job whose lease expired', async () => {
    const runtime = await handlers.runtime();
    const jobs = runtime.store.jobs;
    const ids: string[] = [];
    for (const kind of ['build', 'copy', 'cutover', DECOMMISSION_JOB_KIND]) {
      const { job } = await jobs.createJob({
        kind,
        migrationId: `FS#111111111111#eu-west-1#fs-tick${kind}`,
        generation: 1,
        requestedBy: 'U0ADMIN1',
      });
      ids.push(job.jobId);
    }
    // The copy's worker was frozen mid-job: its lease (another sandbox's) ran out a minute ago.
    const copyJob = (await jobs.getJob(ids[1]!))!;
    await jobs.updateJob(copyJob.jobId, copyJob.version, {
      status: 'running',
      leaseOwner: 'lambda:2026/12/07/[$LATEST]gone',
      leaseExpiresAt: new Date(Date.now() - 60_000).toISOString(),
      attempts: 1,
    });

    const report = await handlers.tickHandler();

    expect([...report.ran].sort()).toEqual([...ids].sort());
    expect(report.unhandled).toEqual([]);
    expect((await jobs.getJob(ids[1]!))?.attempts).toBe(2);
  });

  it('refuses a malformed worker event, naming what is wrong', async () => {
    await expect(
      handlers.workerHandler({ kind: 'scan', correlationId: 'c1', userId: 'U1', channelId: 'C1' }),
    ).rejects.toThrow(/responseUrl/);
    await expect(handlers.workerHandler({ kind: 'reboot' })).rejects.toThrow(/Not a work message: kind/);
  });
});
