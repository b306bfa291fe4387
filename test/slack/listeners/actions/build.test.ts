/**
 * The build's Slack surface end to end: the real Bolt receiver driven by signed requests, the real
 * build phase and job runner over the local estate (real SDK clients, lifecycle states advancing on
 * the ManualClock) and the embedded store, the Web API recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_RETRY_ACTION_ID } from '#blocks/build-progress.ts';
import { BUILD_ALL_ACTION_ID, BUILD_ONE_ACTION_ID, BUILD_REVIEW_ACTION_ID } from '#blocks/build-review.ts';
import { limitBreaches, type Block } from '#blocks/limits.ts';
import { BUILD_THREAD_EVENT } from '../../../../src/slack/build-threads.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import { dyingAfter } from '../../../harness/dying-handler.ts';
import { withFailingAppends } from '../../../harness/failing-event-log.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';
import { waitFor } from '../../../harness/wait-for.ts';
import {
  ADMIN,
  APP,
  APP_ID,
  AP_WEB,
  ACCOUNT,
  KEY,
  KEY_ARN,
  LOGS,
  LOGS_ID,
  REGION,
  botReplica,
  startBuildWorld,
  type BotReplica,
  type BuildWorld,
} from '../../build-fixture.ts';

const CHANNEL = 'C0CHAN01';
/** The plan summary's thread. */
const THREAD = '1767225600.000001';
let world: BuildWorld | undefined;
const harnesses: SlackHarness[] = [];

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  await world?.close();
  world = undefined;
});

async function start(replica?: (w: BuildWorld) => BotReplica) {
  world ??= await startBuildWorld();
  const bot = replica ? replica(world) : botReplica(world, 'r1');
  const harness = await startSlackHarness({
    services: bot.services,
    config: { admins: [ADMIN] },
    clock: world.clock,
  });
  harnesses.push(harness);
  return { world, bot, harness };
}

/** A button click on a message in the thread (the plan summary, the review or a progress message). */
const click = (actionId: string, value: string, messageTs = '1767225600.000200') =>
  buttonClick(actionId, value, { channel: CHANNEL, threadTs: THREAD, messageTs });

const inThread = (c: RecordedCall) => c.body.thread_ts === THREAD;
const textOf = (c: RecordedCall) => JSON.stringify(c.body.blocks ?? c.body.text);
const progressPosts = (h: SlackHarness, fsId: string) =>
  h.recorder
    .callsTo('chat.postMessage')
    .filter((c) => inThread(c) && String(c.body.text).startsWith(`Encrypted twin of ${fsId}`));

/** The final edit of a file system's progress message. */
function finalUpdate(h: SlackHarness, fsId: string, outcome: 'ready' | 'failed') {
  return h.waitForCall(
    'chat.update',
    (c) => String(c.body.text) === `Encrypted twin of ${fsId}: ${outcome}`,
    15_000,
  );
}

describe('Review build and Build', () => {
  it('shows the plan summary buttons, posts the dry run in the thread, and builds one file system from its Build button', async () => {
    const { world, bot, harness } = await start();
    await harness.blockAction(click(BUILD_REVIEW_ACTION_ID, world.scan.scanId), { userId: ADMIN });
    const review = await harness.waitForCall(
      'chat.postMessage',
      (c) => inThread(c) && String(c.body.text).startsWith('Build review'),
    );
    const blocks = review.body.blocks as Block[];
    expect(limitBreaches(blocks)).toEqual([]);
    const shown = textOf(review);
    expect(shown).toContain('CreateFileSystem');
    expect(shown).toContain('\\"Encrypted\\":true');
    expect(shown).toContain(KEY_ARN);
    expect(shown).toContain('aws:cloudformation:stack-name');
    expect(shown).toContain('dropped');
    expect(shown).toContain('10.6.0.10 → chosen by AWS');
    expect(shown).toContain('CreateAccessPoint');
    const buttons = blocks
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .map((e) => ('value' in e ? e.value : undefined));
    expect(buttons).toEqual([APP_ID, LOGS_ID]);
    expect(await world.twinsOf(APP)).toHaveLength(0);

    const res = await harness.blockAction(click(BUILD_ONE_ACTION_ID, APP_ID), { userId: ADMIN });
    expect(res.status).toBe(200);
    const reply = await harness.waitForCall('response_url', (c) => textOf(c).includes('Queued'));
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    await bot.idle();
    const done = await finalUpdate(harness, APP, 'ready');
    const posted = progressPosts(harness, APP);
    expect(posted).toHaveLength(1);
    expect(done.body).toMatchObject({ channel: CHANNEL, ts: posted[0]!.response.ts });
    const status = await bot.phase.status(APP_ID);
    const twin = status.mapping.targetFileSystemId!;
    const final = textOf(done);
    expect(final).toContain(`reports Encrypted=true with KmsKeyId \`${KEY_ARN}\``);
    expect(final).toContain(twin);
    expect(final).toContain(`access point \`${AP_WEB}\` → \`${status.mapping.accessPoints[AP_WEB]}\``);
    expect(final).toContain('mount target eu-west-1a');
    expect(limitBreaches(done.body.blocks as Block[])).toEqual([]);
    expect(await world.twinsOf(APP)).toHaveLength(1);
    expect(await world.twinsOf(LOGS)).toHaveLength(0);
  }, 30_000);

  it('Build all builds every decided file system, one progress message each, edited in place', async () => {
    const { world, bot, harness } = await start();
    await harness.blockAction(click(BUILD_ALL_ACTION_ID, world.scan.scanId), { userId: ADMIN });
    await harness.waitForCall('response_url', (c) => textOf(c).includes('Queued'));
    await bot.idle();
    await finalUpdate(harness, APP, 'ready');
    await finalUpdate(harness, LOGS, 'ready');
    for (const fs of [APP, LOGS]) {
      expect(progressPosts(harness, fs)).toHaveLength(1);
      expect(await world.twinsOf(fs)).toHaveLength(1);
    }
    const [app, logs] = [progressPosts(harness, APP)[0]!, progressPosts(harness, LOGS)[0]!];
    expect(app.response.ts).not.toBe(logs.response.ts);
    // Every edit of a message is at least a second after the previous one (Slack's rate limit).
    const edits = harness.recorder.callsTo('chat.update').filter((c) => c.body.ts === app.response.ts);
    expect(edits.length).toBeGreaterThan(0);
  }, 30_000);

  it('a double click and a Slack retry queue one job and make one file system: the click says so, the redelivery is ignored', async () => {
    const { world, bot, harness } = await start();
    const first = click(BUILD_ONE_ACTION_ID, APP_ID);
    await harness.blockAction(first, { userId: ADMIN });
    await harness.waitForCall('response_url', (c) => textOf(c).includes('Queued'));
    // A second click (its own action_ts), and Slack resending the first click, whose first delivery
    // timed out, with x-slack-retry-num: 1 (the same payload).
    const [a, b] = await Promise.all([
      harness.blockAction(
        { ...click(BUILD_ONE_ACTION_ID, APP_ID), response_url: harness.recorder.responseUrl('second') },
        { userId: ADMIN },
      ),
      harness.blockAction(
        { ...first, response_url: harness.recorder.responseUrl('retry-1') },
        { userId: ADMIN, channelId: CHANNEL, retryNum: 1 },
      ),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const again = await harness.waitForCall('response_url', (c) => c.responseUrlId === 'second');
    expect(textOf(again)).toContain('nothing new queued');
    await harness.slack.tasks.drain();
    expect(harness.recorder.calls.filter((c) => c.responseUrlId === 'retry-1')).toEqual([]);
    expect(
      harness.logs.filter((l) => l.msg === 'redelivered request already handled: ignored'),
    ).toMatchObject([{ retryNum: 1 }]);
    await bot.idle();
    await finalUpdate(harness, APP, 'ready');
    expect(await world.store.jobs.listJobsForMigration(APP_ID, 'build')).toHaveLength(1);
    expect(await world.twinsOf(APP)).toHaveLength(1);
    expect(progressPosts(harness, APP)).toHaveLength(1);
  }, 30_000);

  it('refuses a non-admin privately, logs and records the refusal, and queues nothing', async () => {
    const { world, harness } = await start();
    await harness.blockAction(click(BUILD_ONE_ACTION_ID, APP_ID), { userId: 'U0NOBODY1' });
    const reply = await harness.waitForCall('response_url');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(reply)).toContain(`Only the admins (&lt;@${ADMIN}&gt;) may build`);
    await harness.blockAction(click(BUILD_ALL_ACTION_ID, world.scan.scanId), { userId: 'U0NOBODY1' });
    await harness.waitForCall('response_url', (c) => c !== reply);
    expect(await world.store.jobs.listJobsForMigration(APP_ID)).toHaveLength(0);
    expect(await world.store.jobs.listJobsForMigration(LOGS_ID)).toHaveLength(0);
    const refused = (await world.store.events.listEvents(APP_ID)).filter((e) => e.kind === 'refused');
    expect(refused).toMatchObject([{ actor: 'U0NOBODY1', detail: 'build refused: not an admin' }]);
    expect(harness.logs.filter((l) => l.msg === 'build refused: not an admin')).toHaveLength(2);
    expect(await world.twinsOf(APP)).toHaveLength(0);
  }, 30_000);

  it('logs a refusal it could not record in the audit log, with the correlation ID, and still refuses privately', async () => {
    const { world, harness } = await start((w) => {
      const bot = botReplica(w, 'r1');
      bot.services.build!.events = withFailingAppends(w.store.events);
      return bot;
    });
    await harness.blockAction(click(BUILD_ONE_ACTION_ID, APP_ID), { userId: 'U0NOBODY1' });
    const reply = await harness.waitForCall('response_url');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(reply)).toContain('may build');
    const lost = harness.logs.filter((l) => l.msg === 'could not record the build refusal in the audit log');
    expect(lost).toMatchObject([
      {
        level: 50,
        userId: 'U0NOBODY1',
        migrationId: APP_ID,
        err: { name: 'ProvisionedThroughputExceededException' },
      },
    ]);
    // The person quotes the correlation ID from the reply; the log line carries the same one.
    expect(textOf(reply)).toContain(String(lost[0]!.correlationId));
    expect(await world.store.jobs.listJobsForMigration(APP_ID)).toHaveLength(0);
  }, 30_000);

  it('answers a button click that names no channel with where the buttons work, and queues nothing', async () => {
    const { world, harness } = await start();
    await harness.blockAction(
      {
        ...click(BUILD_ONE_ACTION_ID, APP_ID),
        // As the harness's default payload names the channel, the override removes it.
        channel: undefined,
        message: undefined,
        container: { type: 'message', message_ts: '1767225600.000200', is_ephemeral: false },
      },
      { userId: ADMIN },
    );
    const reply = await harness.waitForCall('response_url');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(reply)).toContain(
      'Slack sent this action without the channel and message the button is on.',
    );
    expect(textOf(reply)).toContain('press the button on that message');
    expect(await world.store.jobs.listJobsForMigration(APP_ID)).toHaveLength(0);
  }, 30_000);

  it('a key disabled since the decision fails clearly with Retry, makes nothing; Retry in the same message builds it', async () => {
    const { world, bot, harness } = await start();
    world.server.control.setKeyState(ACCOUNT, REGION, KEY, 'Disabled');
    await harness.blockAction(click(BUILD_ONE_ACTION_ID, APP_ID), { userId: ADMIN });
    await bot.idle();
    const failed = await finalUpdate(harness, APP, 'failed');
    const shown = textOf(failed);
    expect(shown).toContain('KeyNotUsable');
    expect(shown).toMatch(/disabled/i);
    expect(shown).toContain('Nothing was created');
    expect(shown).toContain('correlation ID');
    const retry = (failed.body.blocks as Block[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(retry).toMatchObject([{ action_id: BUILD_RETRY_ACTION_ID, value: APP_ID }]);
    const status = await bot.phase.status(APP_ID);
    expect(status).toMatchObject({ state: 'failed', canRetry: true });
    expect(status.mapping.targetFileSystemId).toBeUndefined();
    expect(await world.twinsOf(APP)).toHaveLength(0);

    world.server.control.setKeyState(ACCOUNT, REGION, KEY, 'Enabled');
    const messageTs = failed.body.ts as string;
    await harness.blockAction(click(BUILD_RETRY_ACTION_ID, APP_ID, messageTs), { userId: ADMIN });
    await harness.waitForCall('response_url', (c) => textOf(c).includes('Retrying'));
    await bot.idle();
    const ready = await finalUpdate(harness, APP, 'ready');
    expect(ready.body.ts).toBe(messageTs);
    expect(progressPosts(harness, APP)).toHaveLength(1);
    expect(await world.twinsOf(APP)).toHaveLength(1);
  }, 30_000);

  it('a crash after the file system was made: a restarted bot resumes at mount targets in the same message, one file system', async () => {
    // The first process dies right after it recorded the twin: its checkpoint never returns.
    const { world, harness } = await start((w) =>
      botReplica(w, 'dying', (phase) => dyingAfter(phase.handler, 'create-file-system')),
    );
    await harness.blockAction(click(BUILD_ONE_ACTION_ID, APP_ID), { userId: ADMIN });
    const first = await harness.waitForCall(
      'chat.postMessage',
      (c) => inThread(c) && String(c.body.text).startsWith(`Encrypted twin of ${APP}`),
    );
    const messageTs = first.response.ts as string;
    await waitFor(
      async () => (await world.store.jobs.listJobsForMigration(APP_ID))[0]?.step === 'create-file-system',
    );
    await waitFor(async () =>
      (await world.store.events.listEvents(APP_ID)).some(
        (e) => e.kind === BUILD_THREAD_EVENT && (e.data as { messageTs?: string }).messageTs === messageTs,
      ),
    );
    const recordedTwin = (await world.store.migrations.getMigration(APP_ID))!.resources.targetFileSystemId;
    expect(recordedTwin).toMatch(/^fs-/);
    await harness.close();
    harnesses.splice(harnesses.indexOf(harness), 1);

    // A new process over the same store: its runner starts with the app, and takes the job once the dead lease expires.
    const { bot, harness: restarted } = await start((w) => botReplica(w, 'restarted'));
    expect((await bot.runner.resume()).ran).toEqual([]);
    world.clock.advance(61_000);
    expect((await bot.runner.tick()).succeeded).toHaveLength(1);
    const done = await finalUpdate(restarted, APP, 'ready');
    expect(done.body.ts).toBe(messageTs);
    expect(restarted.recorder.callsTo('chat.postMessage').filter(inThread)).toHaveLength(0);
    const status = await bot.phase.status(APP_ID);
    expect(status.state).toBe('target_ready');
    expect(status.mapping.targetFileSystemId).toBe(recordedTwin);
    expect(Object.keys(status.mapping.mountTargets).sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(await world.twinsOf(APP)).toHaveLength(1);
    // The resumed build's first completed step is the wait for `available`, then on to mount targets.
    const events = (await world.store.events.listEvents(APP_ID)).filter(
      (e) => e.correlationId === status.job?.jobId && e.detail?.startsWith('Created encrypted'),
    );
    expect(events).toHaveLength(1);
  }, 30_000);
});

describe('/efs-encrypt build', () => {
  it('posts a root message and threads one progress message per file system under it', async () => {
    const { world, bot, harness } = await start();
    await harness.slashCommand('build all', { userId: ADMIN, channelId: 'C0OPS001' });
    const root = await harness.waitForCall(
      'chat.postMessage',
      (c) => c.body.channel === 'C0OPS001' && !c.body.thread_ts,
    );
    expect(textOf(root)).toContain(APP);
    expect(textOf(root)).toContain(LOGS);
    await harness.waitForCall('response_url', (c) => textOf(c).includes('Queued'));
    await bot.idle();
    const rootTs = root.response.ts as string;
    for (const fs of [APP, LOGS]) {
      const done = await finalUpdate(harness, fs, 'ready');
      const post = harness.recorder.callsTo('chat.postMessage').find((c) => c.response.ts === done.body.ts)!;
      expect(post.body).toMatchObject({ channel: 'C0OPS001', thread_ts: rootTs });
      expect(await world.twinsOf(fs)).toHaveLength(1);
    }
  }, 30_000);

  it('answers privately when Slack accepts the root message without its ts, and queues nothing', async () => {
    const { world, harness } = await start();
    harness.recorder.answerNext('chat.postMessage', { ok: true, channel: 'C0OPS001' });
    await harness.slashCommand('build all', { userId: ADMIN, channelId: 'C0OPS001' });
    const reply = await harness.waitForCall('response_url');
    expect(textOf(reply)).toContain(
      'chat.postMessage answered without a message ts, which efs-encrypt needs. Try again',
    );
    expect(textOf(reply)).not.toContain('Something unexpected went wrong');
    expect(await world.store.jobs.listJobsForMigration(APP_ID)).toHaveLength(0);
  }, 30_000);

  it('answers privately what to fix for an unknown file system, a non-admin, and posts nothing', async () => {
    const { harness } = await start();
    await harness.slashCommand('build fs-0000000000000dead', { userId: ADMIN });
    expect(textOf(await harness.waitForCall('response_url'))).toContain(
      'fs-0000000000000dead: no migration for this file system',
    );
    await harness.slashCommand(`build ${APP}`, { userId: 'U0NOBODY1', responseUrlId: 'nobody' });
    expect(textOf(await harness.waitForCall('response_url', (c) => c.responseUrlId === 'nobody'))).toContain(
      'may build',
    );
    expect(harness.recorder.callsTo('chat.postMessage')).toHaveLength(0);
  }, 30_000);
});

describe('issue 18: a build stays where it was asked for, and Retry only retries', () => {
  const threadEvents = async (w: BuildWorld, id: string) =>
    (await w.store.events.listEvents(id)).filter((e) => e.kind === BUILD_THREAD_EVENT);

  it('a later Build from another thread queues nothing and leaves the progress in the thread of the click that queued it', async () => {
    const { world, bot, harness } = await start();
    await harness.blockAction(click(BUILD_ONE_ACTION_ID, APP_ID), { userId: ADMIN });
    await harness.waitForCall('response_url', (c) => textOf(c).includes('Queued'));
    const LATER = '1767225700.000001';
    await harness.blockAction(
      buttonClick(BUILD_ONE_ACTION_ID, APP_ID, { channel: CHANNEL, threadTs: LATER, messageTs: LATER }),
      { userId: ADMIN },
    );
    await harness.waitForCall('response_url', (c) => textOf(c).includes('nothing new queued'));
    await bot.idle();
    await finalUpdate(harness, APP, 'ready');
    const posted = progressPosts(harness, APP);
    expect(posted).toHaveLength(1);
    expect(harness.recorder.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === LATER)).toEqual(
      [],
    );
    expect(
      (await threadEvents(world, APP_ID)).map((e) => (e.data as { threadTs: string }).threadTs),
    ).not.toContain(LATER);
    expect(await world.store.jobs.listJobsForMigration(APP_ID, 'build')).toHaveLength(1);
  }, 30_000);

  it('Retry on a decided file system that was never built is refused privately with what to do, and builds nothing', async () => {
    const { world, bot, harness } = await start();
    await harness.blockAction(click(BUILD_RETRY_ACTION_ID, APP_ID), { userId: ADMIN });
    const reply = await harness.waitForCall('response_url');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(reply)).toContain(`${APP} has never been built, so there is nothing to retry`);
    expect(textOf(reply)).toContain(`/efs-encrypt build ${APP}`);
    await bot.idle();
    expect(await world.store.jobs.listJobsForMigration(APP_ID)).toHaveLength(0);
    expect(await threadEvents(world, APP_ID)).toEqual([]);
    expect(await world.twinsOf(APP)).toHaveLength(0);
    expect(harness.recorder.callsTo('chat.postMessage')).toHaveLength(0);
  }, 30_000);

  it('Retry on a build that succeeded is refused privately and queues nothing', async () => {
    const { world, bot, harness } = await start();
    await harness.blockAction(click(BUILD_ONE_ACTION_ID, APP_ID), { userId: ADMIN });
    await bot.idle();
    await finalUpdate(harness, APP, 'ready');
    await harness.blockAction(click(BUILD_RETRY_ACTION_ID, APP_ID), { userId: ADMIN });
    const reply = await harness.waitForCall('response_url', (c) => textOf(c).includes('nothing to retry'));
    expect(textOf(reply)).toContain('its last build succeeded');
    expect(await world.store.jobs.listJobsForMigration(APP_ID, 'build')).toHaveLength(1);
  }, 30_000);
});

describe('issue 18: button values are parsed and found before they are used as store keys', () => {
  it.each([
    ['a key of no migration', 'ARBITRARY#x', 'not a file system migration'],
    ['a scan partition', 'SCAN#20260101T000000000Z-00000000', 'not a file system migration'],
    ['nothing', '', 'names nothing, not a file system migration'],
    [
      'an unknown file system',
      `FS#${ACCOUNT}#${REGION}#fs-0000000000000dead`,
      'is not a file system the bot tracks',
    ],
  ])(
    'refuses %s privately with what to do, at WARN, writing nothing under it',
    async (_name, value, says) => {
      const { world, harness } = await start();
      for (const [actionId, user] of [
        [BUILD_ONE_ACTION_ID, 'U0NOBODY1'],
        [BUILD_RETRY_ACTION_ID, ADMIN],
      ] as const) {
        await harness.blockAction(
          { ...click(actionId, value), response_url: harness.recorder.responseUrl(actionId) },
          { userId: user },
        );
        const reply = await harness.waitForCall('response_url', (c) => c.responseUrlId === actionId);
        expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
        expect(textOf(reply)).not.toContain('Something unexpected');
        if (user === ADMIN) {
          expect(textOf(reply)).toContain(says);
          expect(textOf(reply)).toMatch(/\/efs-encrypt (status|scan)/);
        } else {
          // Who may act is checked first: a non-admin hears that, whatever the button names, and
          // learns nothing about which migrations exist.
          expect(textOf(reply)).toMatch(/admin/i);
          expect(textOf(reply)).not.toContain(says);
        }
      }
      if (value) expect(await world.store.events.listEvents(value)).toEqual([]);
      expect(harness.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
      expect(harness.logs.filter((l) => String(l.msg).endsWith('refused or failed'))).toMatchObject([
        { level: 40 },
        { level: 40 },
      ]);
      expect(await world.store.jobs.listJobsForMigration(APP_ID)).toHaveLength(0);
    },
    30_000,
  );
});

describe('issue 18: a Slack redelivery does its work once', () => {
  it('/efs-encrypt build redelivered with x-slack-retry-num 1 and 2, to another replica too, posts one root message and queues one job', async () => {
    const { world, bot, harness } = await start();
    // The second replica shares only the store, as two bot processes behind one URL do.
    const other = await startSlackHarness({
      services: botReplica(world, 'r2').services,
      config: { admins: [ADMIN] },
      clock: world.clock,
    });
    harnesses.push(other);
    const send = (h: SlackHarness, retryNum?: number) =>
      h.slashCommand('build all', {
        userId: ADMIN,
        channelId: 'C0OPS001',
        triggerId: '1767225600.trigger',
        responseUrlId: `delivery-${retryNum ?? 0}`,
        ...(retryNum ? { retryNum } : {}),
      });
    const first = await send(harness);
    const [second, third] = await Promise.all([send(other, 1), send(harness, 2)]);
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    await harness.waitForCall('response_url', (c) => textOf(c).includes('Queued'));
    await harness.slack.tasks.drain();
    await other.slack.tasks.drain();
    await bot.idle();
    await finalUpdate(harness, APP, 'ready');
    const roots = [harness, other].flatMap((h) =>
      h.recorder
        .callsTo('chat.postMessage')
        .filter((c) => c.body.channel === 'C0OPS001' && !c.body.thread_ts),
    );
    expect(roots).toHaveLength(1);
    expect(await world.store.jobs.listJobsForMigration(APP_ID, 'build')).toHaveLength(1);
    expect(await world.store.jobs.listJobsForMigration(LOGS_ID, 'build')).toHaveLength(1);
    const ignored = [harness, other].flatMap((h) =>
      h.logs.filter((l) => l.msg === 'redelivered request already handled: ignored'),
    );
    expect(ignored.map((l) => l.retryNum).sort()).toEqual([1, 2]);
    // A new command (a new trigger) is not a redelivery: it is answered.
    await harness.slashCommand('build all', { userId: ADMIN, channelId: 'C0OPS001', responseUrlId: 'later' });
    await harness.waitForCall('response_url', (c) => c.responseUrlId === 'later');
  }, 30_000);
});
