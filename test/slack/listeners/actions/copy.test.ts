/**
 * The copy's Slack surface end to end, per method: the real Bolt receiver driven by signed
 * requests, the real copy phase and job runner over the local estate (DataSync executions and EFS
 * replication progressing on the ManualClock, real SDK clients) and the embedded store, the Web
 * API recorded (files.uploadV2 included).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CopyResourceKeys } from '../../../../src/domain/copy.ts';
import {
  COPY_RSYNC_PASS_CALLBACK_ID,
  COPY_WRITES_STOPPED_CALLBACK_ID,
  SUMMARY_ACTION_ID,
  SUMMARY_BLOCK_ID,
  WRITES_STOPPED_ACTION_ID,
  WRITES_STOPPED_BLOCK_ID,
} from '#blocks/copy-modals.ts';
import {
  COPY_FINAL_ACTION_ID,
  COPY_RECORD_FINAL_ACTION_ID,
  COPY_RECORD_INITIAL_ACTION_ID,
  COPY_RETRY_ACTION_ID,
  COPY_REVIEW_ACTION_ID,
  COPY_RUNBOOK_ACTION_ID,
  COPY_START_ACTION_ID,
  COPY_SYNC_ACTION_ID,
  COPY_WRITES_STOPPED_ACTION_ID,
} from '#blocks/copy-progress.ts';
import {
  CLIENTS_ACK_ACTION_ID,
  CLIENTS_ACK_BLOCK_ID,
  CLIENTS_ACK_VALUE,
  COPY_FINAL_ANYWAY_ACTION_ID,
} from '#blocks/copy-clients.ts';
import { CONSUMERS_FIND_ACTION_ID } from '#blocks/consumers.ts';
import { CUTOVER_REVIEW_ACTION_ID } from '#blocks/cutover-review.ts';
import { escapeMrkdwn } from '#blocks/format.ts';
import { limitBreaches, type Block } from '#blocks/limits.ts';
import { COPY_THREAD_EVENT } from '../../../../src/slack/copy-progress.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import { withFailingAppends } from '../../../harness/failing-event-log.ts';
import type { MigrationMethod } from '../../../../src/domain/migration.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';
import { dyingAfter, verifySummary, waitFor } from '../../../workflow/copy/copy-fixture.ts';
import {
  ACCOUNT,
  ADMIN,
  LEASE_MS,
  REGION,
  SOURCE,
  TWIN,
  copyBot,
  startCopyWorld,
  type CopyBot,
  type CopyWorld,
} from '../../copy-fixture.ts';

const CHANNEL = 'C0CHAN01';
/** The thread the build's messages are in. */
const THREAD = '1767225600.000001';
/** The built twin's message, where Start copy is. */
const BUILT_MESSAGE = '1767225600.000200';

let world: CopyWorld | undefined;
const harnesses: SlackHarness[] = [];
const bots: CopyBot[] = [];

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const b of bots.splice(0)) await b.close();
  await world?.close();
  world = undefined;
});

async function start(replica?: (w: CopyWorld) => CopyBot, options: { keep?: boolean } = {}) {
  world ??= await startCopyWorld();
  const bot = replica ? replica(world) : copyBot(world, 'r1');
  if (options.keep !== false) bots.push(bot);
  const harness = await startSlackHarness({
    services: bot.services,
    config: { admins: [ADMIN] },
    clock: world.clock,
  });
  harnesses.push(harness);
  return { world, bot, harness };
}

const click = (actionId: string, value: string, messageTs = BUILT_MESSAGE) =>
  buttonClick(actionId, value, { channel: CHANNEL, threadTs: THREAD, messageTs });

const textOf = (c: RecordedCall) => JSON.stringify(c.body.blocks ?? c.body.text);
const copyPosts = (h: SlackHarness) =>
  h.recorder
    .callsTo('chat.postMessage')
    .filter((c) => c.body.thread_ts === THREAD && String(c.body.text).startsWith(`Copy of ${SOURCE}`));
const writesOf = (h: SlackHarness) =>
  h.recorder.calls.filter(
    (c) =>
      (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
      String(c.body.text).startsWith(`Copy of ${SOURCE}`),
  );
const buttonsOf = (c: RecordedCall) =>
  (c.body.blocks as Block[])
    .flatMap((b) => (b.type === 'actions' ? b.elements : []))
    .map((e) => ('action_id' in e ? e.action_id : undefined));

/** The copy message as last written (posted or edited) once it says `outcome` and shows `contains`. */
async function shown(h: SlackHarness, outcome: string, contains = ''): Promise<RecordedCall> {
  let found: RecordedCall | undefined;
  await waitFor(() => {
    found = writesOf(h).findLast(
      (c) => c.body.text === `Copy of ${SOURCE}: ${outcome}` && textOf(c).includes(contains),
    );
    return found !== undefined;
  });
  return found!;
}

/** The ts of the message a write went to. */
const tsOf = (h: SlackHarness, c: RecordedCall) =>
  c.method === 'chat.update' ? (c.body.ts as string) : (c.response.ts as string);

const reply = (h: SlackHarness, contains: string) =>
  h.waitForCall('response_url', (c) => textOf(c).includes(contains));

/**
 * A first bot process that starts a copy and dies right after it checkpointed `afterStep`, once its
 * copy message is recorded in the thread; its harness is closed, as the process is gone.
 */
async function copyThatDiesAfter(method: MigrationMethod, afterStep: string) {
  const first = await start((w) => copyBot(w, 'dying', (phase) => dyingAfter(phase.handler, afterStep)), {
    keep: false,
  });
  const id = await first.world.seed(method);
  await first.harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
  const posted = await first.harness.waitForCall('chat.postMessage', (c) =>
    String(c.body.text).startsWith(`Copy of ${SOURCE}`),
  );
  const messageTs = posted.response.ts as string;
  const [job] = await first.world.store.jobs.listJobsForMigration(id, 'copy');
  await waitFor(async () => (await first.world.store.jobs.getJob(job!.jobId))?.step === afterStep);
  await waitFor(async () =>
    (await first.world.store.events.listEvents(id)).some(
      (e) => e.kind === COPY_THREAD_EVENT && (e.data as { messageTs?: string }).messageTs === messageTs,
    ),
  );
  await first.harness.close();
  harnesses.splice(harnesses.indexOf(first.harness), 1);
  return { job: job!, messageTs };
}

describe('DataSync from the thread', () => {
  it('Start copy, Sync again, Final sync: one copy message edited in place with progress, ending verified', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('datasync');
    const res = await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
    expect(res.status).toBe(200);
    expect((await reply(harness, 'Queued the initial copy')).body).toMatchObject({
      response_type: 'ephemeral',
    });
    await bot.idle();
    const synced = await shown(harness, 'done', 'Initial copy');
    expect(buttonsOf(synced)).toEqual([COPY_SYNC_ACTION_ID, COPY_FINAL_ACTION_ID, COPY_REVIEW_ACTION_ID]);
    expect(limitBreaches(synced.body.blocks as Block[])).toEqual([]);
    const [post] = copyPosts(harness);
    expect(copyPosts(harness)).toHaveLength(1);
    const messageTs = post!.response.ts as string;
    // Progress from DescribeTaskExecution: phase, files and bytes of the estimate, throughput, elapsed, ETA.
    const progress = harness.recorder
      .callsTo('chat.update')
      .filter((c) => c.body.ts === messageTs && textOf(c).includes('TRANSFERRING'));
    expect(progress.length).toBeGreaterThan(0);
    expect(textOf(progress[0]!)).toMatch(/of [\d,]+ files/);
    expect(textOf(progress[0]!)).toMatch(/iB of 10\.0 GiB/);
    expect(textOf(progress[0]!)).toMatch(/MiB\/s/);
    expect(textOf(progress[0]!)).toMatch(/elapsed .*ETA/);

    await harness.blockAction(click(COPY_SYNC_ACTION_ID, id, messageTs), { userId: ADMIN });
    await reply(harness, 'Queued the incremental sync');
    await bot.idle();
    await shown(harness, 'done', 'Incremental sync');

    await harness.blockAction(click(COPY_FINAL_ACTION_ID, id, messageTs), { userId: ADMIN });
    await reply(harness, 'Queued the final sync');
    await bot.idle();
    const verified = await shown(harness, 'verified');
    expect(tsOf(harness, verified)).toBe(messageTs);
    expect(textOf(verified)).toContain('point-in-time verification SUCCESS');
    // Verified: the next step is cutover: who uses the source, then the plan to review.
    expect(buttonsOf(verified)).toEqual([CONSUMERS_FIND_ACTION_ID, CUTOVER_REVIEW_ACTION_ID]);
    expect(copyPosts(harness)).toHaveLength(1);
    expect((await bot.phase.status(id)).state).toBe('verified');
  }, 30_000);

  it('a failed execution shows the error and Retry; Retry copies in the same message', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('datasync');
    world.server.control.datasync.failNextExecution({
      phase: 'TRANSFERRING',
      errorCode: 'OpNotSupported',
      errorDetail: 'NFS server refused the write',
    });
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
    await bot.idle();
    const failed = await shown(harness, 'failed');
    expect(textOf(failed)).toContain('OpNotSupported');
    expect(textOf(failed)).toContain('NFS server refused the write');
    expect(textOf(failed)).toContain('correlation ID');
    expect(buttonsOf(failed)).toEqual([COPY_RETRY_ACTION_ID]);
    const messageTs = tsOf(harness, failed);

    await harness.blockAction(click(COPY_RETRY_ACTION_ID, id, messageTs), { userId: ADMIN });
    await reply(harness, 'Queued the initial copy');
    await bot.idle();
    const done = await shown(harness, 'done');
    expect(tsOf(harness, done)).toBe(messageTs);
    expect(copyPosts(harness)).toHaveLength(1);
    expect((await bot.phase.status(id)).state).toBe('synced');
  }, 30_000);

  it('a restart during a copy: the new process resumes polling the execution and edits the same message', async () => {
    // The first process dies once the execution is started and recorded.
    const { job, messageTs } = await copyThatDiesAfter('datasync', 'start-execution');

    const { world, bot, harness } = await start((w) => copyBot(w, 'restarted'));
    expect((await bot.runner.resume()).ran).toEqual([]);
    world.clock.advance(LEASE_MS + 1);
    expect((await bot.runner.tick()).succeeded).toEqual([job.jobId]);
    const done = await shown(harness, 'done');
    expect(done.body.ts).toBe(messageTs);
    expect(
      harness.recorder.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === THREAD),
    ).toHaveLength(0);
    // Progress resumed in the same message.
    expect(
      harness.recorder
        .callsTo('chat.update')
        .some((c) => c.body.ts === messageTs && textOf(c).includes('TRANSFERRING')),
    ).toBe(true);
    expect(world.server.stats().byOperation['datasync:StartTaskExecution']).toBe(1);
  }, 30_000);

  it('a double click on Final sync is one execution; the second answer says nothing new was queued', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('datasync');
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
    await bot.idle();
    const synced = await shown(harness, 'done');
    const messageTs = tsOf(harness, synced);
    await Promise.all([
      harness.blockAction(click(COPY_FINAL_ACTION_ID, id, messageTs), { userId: ADMIN }),
      harness.blockAction(click(COPY_FINAL_ACTION_ID, id, messageTs), { userId: ADMIN }),
    ]);
    await reply(harness, 'Queued the final sync');
    expect(textOf(await reply(harness, 'nothing new queued'))).toContain('final sync');
    await bot.idle();
    await shown(harness, 'verified');
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(2);
    expect(world.server.stats().byOperation['datasync:StartTaskExecution']).toBe(2);
    expect(copyPosts(harness)).toHaveLength(1);
  }, 30_000);

  it('Review copy posts the exact calls of the copies on offer in the thread, changes nothing, and refuses a non-admin', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('datasync');
    const before = world.server.stats().byOperation;
    await harness.blockAction(click(COPY_REVIEW_ACTION_ID, id), { userId: 'U0NOBODY1' });
    expect(textOf(await harness.waitForCall('response_url'))).toContain('may copy');

    await harness.blockAction(click(COPY_REVIEW_ACTION_ID, id), { userId: ADMIN });
    const initial = await harness.waitForCall('chat.postMessage', (c) =>
      String(c.body.text).startsWith('Copy review'),
    );
    expect(initial.body).toMatchObject({
      channel: CHANNEL,
      thread_ts: THREAD,
      text: `Copy review (dry run, nothing is changed): ${SOURCE}`,
    });
    expect(limitBreaches(initial.body.blocks as Block[])).toEqual([]);
    const shownCalls = textOf(initial);
    expect(shownCalls).toContain('Initial copy');
    expect(shownCalls).not.toContain('Final sync');
    for (const op of ['datasync:CreateLocationEfs', 'datasync:CreateTask', 'datasync:StartTaskExecution'])
      expect(shownCalls).toContain(op);
    // Exactly what the copy sends: the plan's inputs, the subnet by ARN and TLS.
    const plan = await bot.phase.plan(id, 'initial');
    expect(shownCalls).toContain(
      JSON.stringify(
        escapeMrkdwn(JSON.stringify(plan.find((c) => c.operation === 'datasync:CreateTask')!.input)),
      ).slice(1, -1),
    );
    expect(shownCalls).toContain('TLS1_2');
    expect(world.server.stats().byOperation['datasync:CreateTask'] ?? 0).toBe(
      before['datasync:CreateTask'] ?? 0,
    );
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(0);
    expect((await bot.phase.status(id)).state).toBe('target_ready');

    // Once synced, the review shows Sync again's and Final sync's calls: the final one removes deleted files.
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
    await bot.idle();
    const synced = await shown(harness, 'done');
    await harness.blockAction(click(COPY_REVIEW_ACTION_ID, id, tsOf(harness, synced)), { userId: ADMIN });
    await waitFor(
      () =>
        harness.recorder
          .callsTo('chat.postMessage')
          .filter((c) => String(c.body.text).startsWith('Copy review')).length === 2,
    );
    const next = harness.recorder
      .callsTo('chat.postMessage')
      .filter((c) => String(c.body.text).startsWith('Copy review'))[1]!;
    expect(textOf(next)).toContain('Incremental sync');
    expect(textOf(next)).toContain('Final sync');
    expect(textOf(next)).toContain('REMOVE');
    // The locations and task recorded by the initial copy are reused, not created again.
    expect(textOf(next)).not.toContain('CreateLocationEfs');
  }, 30_000);

  it('a Slack retry of Start copy (x-slack-retry-num: 1) is ignored and a second click queues nothing new, saying so', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('datasync');
    const first = click(COPY_START_ACTION_ID, id);
    await harness.blockAction(first, { userId: ADMIN });
    await reply(harness, 'Queued the initial copy');
    // The same click again, as Slack resends it when the first delivery timed out.
    const retried = await harness.blockAction(
      { ...first, response_url: harness.recorder.responseUrl('retry-1') },
      { userId: ADMIN, channelId: CHANNEL, retryNum: 1 },
    );
    expect(retried.status).toBe(200);
    // A second click of the button (its own action_ts) is answered.
    await harness.blockAction(
      { ...click(COPY_START_ACTION_ID, id), response_url: harness.recorder.responseUrl('second') },
      { userId: ADMIN, channelId: CHANNEL },
    );
    const again = await harness.waitForCall('response_url', (c) => c.responseUrlId === 'second');
    expect(textOf(again)).toContain('nothing new queued');
    await harness.slack.tasks.drain();
    expect(harness.recorder.calls.filter((c) => c.responseUrlId === 'retry-1')).toEqual([]);
    await bot.idle();
    await shown(harness, 'done');
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(1);
    expect(world.server.stats().byOperation['datasync:StartTaskExecution']).toBe(1);
  }, 30_000);

  it('refuses a non-admin privately, logs and records the refusal, and queues nothing', async () => {
    const { world, harness } = await start();
    const id = await world.seed('datasync');
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: 'U0NOBODY1' });
    const refused = await harness.waitForCall('response_url');
    expect(refused.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(refused)).toContain('may copy');
    await harness.blockAction(click(COPY_WRITES_STOPPED_ACTION_ID, id), { userId: 'U0NOBODY1' });
    await harness.waitForCall('response_url', (c) => c !== refused);
    expect(harness.recorder.callsTo('views.open')).toHaveLength(0);
    expect(await world.store.jobs.listJobsForMigration(id)).toHaveLength(0);
    expect((await world.store.events.listEvents(id)).filter((e) => e.kind === 'refused')).toHaveLength(2);
    expect(harness.logs.filter((l) => l.msg === 'copy refused: not an admin')).toHaveLength(2);
  }, 30_000);

  it('logs a refusal it could not record in the audit log, with the correlation ID, and still refuses privately', async () => {
    const { world, harness } = await start((w) => {
      const bot = copyBot(w, 'r1');
      bot.services.copy.events = withFailingAppends(w.store.events);
      return bot;
    });
    const id = await world.seed('datasync');
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: 'U0NOBODY1' });
    const refused = await harness.waitForCall('response_url');
    expect(refused.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(refused)).toContain('may copy');
    const lost = harness.logs.filter((l) => l.msg === 'could not record the copy refusal in the audit log');
    expect(lost).toMatchObject([
      {
        level: 50,
        userId: 'U0NOBODY1',
        migrationId: id,
        err: { name: 'ProvisionedThroughputExceededException' },
      },
    ]);
    expect(textOf(refused)).toContain(String(lost[0]!.correlationId));
    expect(await world.store.jobs.listJobsForMigration(id)).toHaveLength(0);
  }, 30_000);

  it('answers a Final sync click that names no channel with where the buttons work, and opens no modal', async () => {
    const { world, harness } = await start();
    const id = await world.seed('replication');
    await harness.blockAction(
      {
        ...click(COPY_WRITES_STOPPED_ACTION_ID, id),
        // As the harness's default payload names the channel, the override removes it.
        channel: undefined,
        message: undefined,
        container: { type: 'message', message_ts: BUILT_MESSAGE, is_ephemeral: false },
      },
      { userId: ADMIN },
    );
    const answer = await harness.waitForCall('response_url');
    expect(textOf(answer)).toContain(
      'Slack sent this action without the channel and message the button is on.',
    );
    expect(harness.recorder.callsTo('views.open')).toHaveLength(0);
  }, 30_000);
});

/** Submits the modal views.open showed last, with these input values. */
async function submit(h: SlackHarness, values: Record<string, Record<string, unknown>>, userId = ADMIN) {
  const opened = h.recorder.callsTo('views.open').at(-1)!;
  const view = opened.body.view as Record<string, unknown>;
  const res = await h.viewSubmission(
    {
      view: {
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        blocks: view.blocks,
        state: { values },
      },
    },
    { userId },
  );
  return { status: res.status, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
}

const ephemeral = (h: SlackHarness, contains: string) =>
  h.waitForCall('chat.postEphemeral', (c) => textOf(c).includes(contains));

describe('EFS replication from the thread', () => {
  it('Start replication shows the destination status; Final sync asks when writes stopped, waits past it, reports what is not carried', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('replication');
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
    await reply(harness, 'Queued the initial copy');
    await bot.idle();
    const synced = await shown(harness, 'done');
    expect(textOf(synced)).toContain('Destination status *ENABLED*');
    expect(textOf(synced)).toMatch(/LastReplicatedTimestamp `20\d\d-/);
    expect(buttonsOf(synced)).toEqual([
      COPY_SYNC_ACTION_ID,
      COPY_WRITES_STOPPED_ACTION_ID,
      COPY_REVIEW_ACTION_ID,
    ]);
    const messageTs = tsOf(harness, synced);

    await harness.blockAction(click(COPY_WRITES_STOPPED_ACTION_ID, id, messageTs), { userId: ADMIN });
    const opened = await harness.waitForCall('views.open');
    const view = opened.body.view as {
      callback_id: string;
      blocks: { element?: { type: string; initial_date_time?: number } }[];
    };
    expect(view.callback_id).toBe(COPY_WRITES_STOPPED_CALLBACK_ID);
    const picker = view.blocks.find((b) => b.element?.type === 'datetimepicker')!.element!;
    const now = Math.floor(world.clock.now().getTime() / 1000);
    expect(picker.initial_date_time).toBe(now);

    const future = await submit(harness, {
      [WRITES_STOPPED_BLOCK_ID]: {
        [WRITES_STOPPED_ACTION_ID]: { type: 'datetimepicker', selected_date_time: now + 3600 },
      },
    });
    expect(future.body).toMatchObject({
      response_action: 'errors',
      errors: { [WRITES_STOPPED_BLOCK_ID]: expect.stringContaining('in the future') },
    });
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(1);

    world.server.control.writeFiles(
      { accountId: ACCOUNT, region: REGION, fileSystemId: SOURCE },
      { files: 5, bytes: 5_000 },
    );
    const t0 = {
      [WRITES_STOPPED_BLOCK_ID]: {
        [WRITES_STOPPED_ACTION_ID]: { type: 'datetimepicker', selected_date_time: now },
      },
    };
    // Submitted twice (a double click on the modal's button): one final sync.
    const [a, b] = await Promise.all([submit(harness, t0), submit(harness, t0)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await ephemeral(harness, 'Queued the final sync');
    await ephemeral(harness, 'nothing new queued');
    await bot.idle();
    const verified = await shown(harness, 'verified');
    expect(tsOf(harness, verified)).toBe(messageTs);
    const text = textOf(verified);
    expect(text).toContain('Not carried by EFS replication');
    expect(text).toContain('FIFOs');
    expect(text).toContain(`efs-replication-lost+found-${SOURCE}-`);
    const status = await bot.phase.status(id);
    expect(status.state).toBe('verified');
    expect(new Date(status.lastReplicatedTimestamp!).getTime()).toBeGreaterThan(now * 1000);
    expect(status.writesStoppedAt).toBe(new Date(now * 1000).toISOString());
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(2);
    expect(world.server.stats().byOperation['efs:DeleteReplicationConfiguration']).toBe(1);
    expect(
      world.server.control.fileSystem({ accountId: ACCOUNT, region: REGION, fileSystemId: TWIN })!
        .FileSystemProtection?.ReplicationOverwriteProtection,
    ).toBe('ENABLED');
  }, 30_000);

  it('a failed replication shows the error and Retry; Retry replicates in the same message', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('replication');
    world.server.control.failNext('CreateReplicationConfiguration', {
      code: 'InternalServerError',
      message: 'replication service unavailable',
    });
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
    await bot.idle();
    const failed = await shown(harness, 'failed');
    expect(textOf(failed)).toContain('replication service unavailable');
    expect(buttonsOf(failed)).toEqual([COPY_RETRY_ACTION_ID]);
    await harness.blockAction(click(COPY_RETRY_ACTION_ID, id, tsOf(harness, failed)), { userId: ADMIN });
    await bot.idle();
    const done = await shown(harness, 'done');
    expect(tsOf(harness, done)).toBe(tsOf(harness, failed));
    expect((await bot.phase.status(id)).state).toBe('synced');
  }, 30_000);
  it('a restart while waiting for the replication: the new process resumes and edits the same message', async () => {
    const { job, messageTs } = await copyThatDiesAfter('replication', 'replication');

    const { world, bot, harness } = await start((w) => copyBot(w, 'restarted'));
    world.clock.advance(LEASE_MS + 1);
    expect((await bot.runner.tick()).succeeded).toEqual([job.jobId]);
    const done = await shown(harness, 'done', 'Destination status *ENABLED*');
    expect(done.body.ts).toBe(messageTs);
    expect(
      harness.recorder.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === THREAD),
    ).toHaveLength(0);
    expect(world.server.stats().byOperation['efs:CreateReplicationConfiguration']).toBe(1);
  }, 30_000);
});

describe('EC2 + rsync from the thread', () => {
  it('Post runbook posts the runbook with its files; the passes are recorded from modals; differences listed, clean verifies', async () => {
    const { world, harness } = await start();
    const id = await world.seed('rsync');
    await harness.blockAction(click(COPY_RUNBOOK_ACTION_ID, id), { userId: ADMIN });
    const runbook = await harness.waitForCall('chat.postMessage', (c) =>
      String(c.body.text).startsWith('EC2 + rsync runbook'),
    );
    expect(runbook.body).toMatchObject({ channel: CHANNEL, thread_ts: THREAD });
    expect(textOf(runbook)).toContain(TWIN);
    expect(buttonsOf(runbook)).toEqual([COPY_RECORD_INITIAL_ACTION_ID]);
    expect(limitBreaches(runbook.body.blocks as Block[])).toEqual([]);
    const completed = await harness.waitForCall('files.completeUploadExternal');
    expect(completed.body).toMatchObject({ channel_id: CHANNEL, thread_ts: THREAD });
    const asked = harness.recorder.callsTo('files.getUploadURLExternal');
    const uploads = harness.recorder.callsTo('file_upload');
    expect(asked.map((c) => c.body.filename)).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.md$/), 'copy.sh', 'verify.sh']),
    );
    expect(uploads).toHaveLength(asked.length);
    expect(uploads.some((u) => String(u.body.content).startsWith('#!'))).toBe(true);
    expect(uploads.some((u) => String(u.body.content).includes(SOURCE))).toBe(true);
    // The uploaded verify.sh is bound to this migration and the nonce stored with it.
    const boundNonce = (n: number) => {
      const bound = harness.recorder
        .callsTo('file_upload')
        .map((u) => String(u.body.content))
        .filter((content) => content.startsWith('#!')) // the scripts, not the runbook quoting them
        .map((content) => /^EFS_ENCRYPT_NONCE='([0-9a-f]+)'$/m.exec(content)?.[1])
        .filter(Boolean);
      expect(bound).toHaveLength(n);
      return { migrationId: id, nonce: bound.at(-1)! };
    };
    const first = boundNonce(1);
    expect((await world.store.migrations.getMigration(id))!.resources.rsyncVerifyNonce).toBe(first.nonce);

    // Initial copy done: the summary is optional.
    await harness.blockAction(click(COPY_RECORD_INITIAL_ACTION_ID, id, runbook.response.ts as string), {
      userId: ADMIN,
    });
    expect(((await harness.waitForCall('views.open')).body.view as { callback_id: string }).callback_id).toBe(
      COPY_RSYNC_PASS_CALLBACK_ID,
    );
    expect(
      (
        await submit(harness, {
          [SUMMARY_BLOCK_ID]: { [SUMMARY_ACTION_ID]: { type: 'plain_text_input', value: '' } },
        })
      ).body,
    ).toEqual({});
    await ephemeral(harness, 'initial copy recorded');
    const synced = await shown(harness, 'done');
    expect(buttonsOf(synced)).toEqual([COPY_RUNBOOK_ACTION_ID, COPY_RECORD_FINAL_ACTION_ID]);
    const messageTs = tsOf(harness, synced);

    // Final sync done: a paste that is not a summary stays in the modal, next to the field.
    await harness.blockAction(click(COPY_RECORD_FINAL_ACTION_ID, id, messageTs), { userId: ADMIN });
    await waitFor(() => harness.recorder.callsTo('views.open').length === 2);
    const paste = (text: string) => ({
      [SUMMARY_BLOCK_ID]: { [SUMMARY_ACTION_ID]: { type: 'plain_text_input', value: text } },
    });
    const bad = await submit(harness, paste('looks fine to me'));
    expect(bad.body).toMatchObject({
      response_action: 'errors',
      errors: { [SUMMARY_BLOCK_ID]: expect.stringContaining('No verification summary found') },
    });
    const empty = await submit(harness, paste(''));
    expect(empty.body).toMatchObject({
      response_action: 'errors',
      errors: { [SUMMARY_BLOCK_ID]: expect.stringContaining('Paste the summary') },
    });

    // A summary of no migration (hand-written, or an old verify.sh) stays in the modal, saying why.
    const unbound = await submit(
      harness,
      paste(
        '== efs-encrypt verification summary ==\nsource: /nowhere\nentries: source 0, target 0\ncompared: type mode owner size mtime symlink content hardlink\ndifferences: 0\nresult: CLEAN\n== end of summary ==',
      ),
    );
    expect(unbound.body).toMatchObject({
      response_action: 'errors',
      errors: {
        [SUMMARY_BLOCK_ID]: expect.stringContaining('Run the verify.sh generated for this migration'),
      },
    });

    await submit(
      harness,
      paste(verifySummary(['only in source: ./a (f)', 'differs: ./b: mode 0644 -> 0600'], first)),
    );
    const differs = await shown(harness, 'not verified');
    expect(textOf(differs)).toContain('only in source: ./a (f)');
    expect(textOf(differs)).toContain('differs: ./b: mode 0644 -&gt; 0600');
    expect(buttonsOf(differs)).toEqual([COPY_RUNBOOK_ACTION_ID, COPY_RECORD_FINAL_ACTION_ID]);
    expect((await world.store.migrations.getMigration(id))!.state).toBe('final_sync');

    // That runbook's nonce is used: a clean summary of its verify.sh is refused next to the field.
    const reused = await submit(harness, paste(verifySummary([], first)));
    expect(reused.body).toMatchObject({
      response_action: 'errors',
      errors: { [SUMMARY_BLOCK_ID]: expect.stringContaining('nonce was already used') },
    });
    // Post runbook again: a new verify.sh with a new nonce.
    await harness.blockAction(click(COPY_RUNBOOK_ACTION_ID, id, messageTs), { userId: ADMIN });
    await waitFor(() => harness.recorder.callsTo('files.completeUploadExternal').length === 2);
    const second = boundNonce(2);
    expect(second.nonce).not.toBe(first.nonce);

    // A clean summary, submitted twice: verified once, the second answer says nothing new.
    await Promise.all([
      submit(harness, paste(verifySummary([], second))),
      submit(harness, paste(verifySummary([], second))),
    ]);
    await ephemeral(harness, 'final sync verified');
    await ephemeral(harness, 'Nothing new recorded');
    const verified = await shown(harness, 'verified');
    expect(tsOf(harness, verified)).toBe(messageTs);
    // Verified: the next step is cutover: who uses the source, then the plan to review.
    expect(buttonsOf(verified)).toEqual([CONSUMERS_FIND_ACTION_ID, CUTOVER_REVIEW_ACTION_ID]);
    expect((await world.store.migrations.getMigration(id))!.state).toBe('verified');
    expect(copyPosts(harness)).toHaveLength(1);
  }, 30_000);

  it('after a restart, the next pass edits the same message; a non-admin cannot record a pass', async () => {
    const first = await start(undefined, { keep: true });
    const id = await first.world.seed('rsync');
    await first.harness.blockAction(click(COPY_RECORD_INITIAL_ACTION_ID, id), { userId: ADMIN });
    await first.harness.waitForCall('views.open');
    await submit(first.harness, {
      [SUMMARY_BLOCK_ID]: { [SUMMARY_ACTION_ID]: { type: 'plain_text_input', value: '' } },
    });
    const synced = await shown(first.harness, 'done');
    const messageTs = tsOf(first.harness, synced);
    await waitFor(async () =>
      (await first.world.store.events.listEvents(id)).some(
        (e) => e.kind === COPY_THREAD_EVENT && (e.data as { messageTs?: string }).messageTs === messageTs,
      ),
    );
    await first.harness.close();
    harnesses.splice(harnesses.indexOf(first.harness), 1);

    const { world, harness, bot } = await start((w) => copyBot(w, 'restarted'));
    const { verifyNonce } = await bot.services.copy.runbook(id, ADMIN);
    await harness.blockAction(click(COPY_RECORD_FINAL_ACTION_ID, id, messageTs), { userId: ADMIN });
    await harness.waitForCall('views.open');
    const paste = {
      [SUMMARY_BLOCK_ID]: {
        [SUMMARY_ACTION_ID]: {
          type: 'plain_text_input',
          value: verifySummary([], { migrationId: id, nonce: verifyNonce }),
        },
      },
    };
    const refused = await submit(harness, paste, 'U0NOBODY1');
    expect(refused.body).toMatchObject({
      response_action: 'errors',
      errors: { [SUMMARY_BLOCK_ID]: expect.stringContaining('may copy') },
    });
    expect((await world.store.migrations.getMigration(id))!.state).toBe('synced');

    await submit(harness, paste);
    const verified = await shown(harness, 'verified');
    expect(verified.body.ts).toBe(messageTs);
    expect(
      harness.recorder.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === THREAD),
    ).toHaveLength(0);
  }, 30_000);
});

describe('final sync: clients still connected to the source (CloudWatch)', () => {
  const MIN = 60_000;
  const clientsConnected = (w: CopyWorld) =>
    w.server.control.setActivity(
      { accountId: ACCOUNT, region: REGION, fileSystemId: SOURCE },
      { ClientConnections: 2, TotalIOBytes: 500, since: new Date(w.clock.now().getTime() - 30 * MIN) },
    );

  it('DataSync Final sync with clients seen queues nothing and offers Final sync anyway; that click queues it, audited', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('datasync');
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
    await bot.idle();
    const messageTs = tsOf(harness, await shown(harness, 'done'));
    clientsConnected(world);

    await harness.blockAction(click(COPY_FINAL_ACTION_ID, id, messageTs), { userId: ADMIN });
    const warning = await reply(harness, 'Final sync not started');
    expect(textOf(warning)).toMatch(
      /2 connections seen in the last 15 min, last at \d\d:\d\d UTC \(in 15 of 15 minutes: \d\d:\d\d–\d\d:\d\d UTC\)/,
    );
    expect(textOf(warning)).toContain('clients still write? Stop them first');
    const anyway = (warning.body.blocks as Block[])
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .find((e) => 'action_id' in e && e.action_id === COPY_FINAL_ANYWAY_ACTION_ID);
    expect(anyway).toMatchObject({ value: id, style: 'danger', confirm: { style: 'danger' } });
    expect(limitBreaches(warning.body.blocks as Block[])).toEqual([]);
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(1);

    await harness.blockAction(click(COPY_FINAL_ANYWAY_ACTION_ID, id, messageTs), { userId: ADMIN });
    const queued = await reply(harness, 'Queued the final sync');
    expect(textOf(queued)).toContain('2 connections seen');
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(2);
    const request = (await world.store.events.listEvents(id)).find((e) =>
      e.detail?.startsWith('Final sync requested'),
    )!;
    expect(request.actor).toBe(ADMIN);
    expect(request.detail).toContain('the admin went on anyway');
    await bot.idle();
  }, 30_000);

  it('replication: the modal shows the connections read from CloudWatch; submitting needs the go-on-anyway box ticked', async () => {
    const { world, bot, harness } = await start();
    const id = await world.seed('replication');
    await harness.blockAction(click(COPY_START_ACTION_ID, id), { userId: ADMIN });
    await bot.idle();
    const messageTs = tsOf(harness, await shown(harness, 'done'));
    clientsConnected(world);

    await harness.blockAction(click(COPY_WRITES_STOPPED_ACTION_ID, id, messageTs), { userId: ADMIN });
    const opened = await harness.waitForCall('views.open');
    expect(JSON.stringify(opened.body.view)).toContain('Reading who is connected to the source');
    const updated = await harness.waitForCall('views.update');
    expect(updated.body.view_id).toBe((opened.response.view as { id: string }).id);
    const view = updated.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: Block[];
    };
    expect(JSON.stringify(view.blocks)).toContain('2 connections seen in the last 15 min');
    expect(view.blocks.map((b) => b.block_id)).toContain(CLIENTS_ACK_BLOCK_ID);
    expect(limitBreaches(view.blocks, 100)).toEqual([]);

    const now = Math.floor(world.clock.now().getTime() / 1000);
    const t0 = {
      [WRITES_STOPPED_BLOCK_ID]: {
        [WRITES_STOPPED_ACTION_ID]: { type: 'datetimepicker', selected_date_time: now },
      },
    };
    const submitUpdated = (values: Record<string, Record<string, unknown>>) =>
      harness.viewSubmission(
        {
          view: { callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } },
        },
        { userId: ADMIN },
      );
    const unticked = await submitUpdated(t0);
    expect(JSON.parse(unticked.body)).toMatchObject({
      response_action: 'errors',
      errors: { [CLIENTS_ACK_BLOCK_ID]: expect.stringContaining('tick this box to go on anyway') },
    });
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(1);

    const ticked = await submitUpdated({
      ...t0,
      [CLIENTS_ACK_BLOCK_ID]: {
        [CLIENTS_ACK_ACTION_ID]: { type: 'checkboxes', selected_options: [{ value: CLIENTS_ACK_VALUE }] },
      },
    });
    expect(ticked.status).toBe(200);
    await ephemeral(harness, 'Queued the final sync');
    expect(await world.store.jobs.listJobsForMigration(id, 'copy')).toHaveLength(2);
    await bot.idle();
  }, 30_000);

  it('rsync Final sync done: a modal without clients says so and records without the box', async () => {
    const { world, harness } = await start();
    const id = await world.seed('rsync');
    await harness.blockAction(click(COPY_RUNBOOK_ACTION_ID, id), { userId: ADMIN });
    await harness.waitForCall('files.uploadV2').catch(() => undefined);
    await harness.blockAction(click(COPY_RECORD_INITIAL_ACTION_ID, id), { userId: ADMIN });
    await harness.waitForCall('views.open');
    await submit(harness, {});
    await ephemeral(harness, 'initial copy recorded');

    await harness.blockAction(click(COPY_RECORD_FINAL_ACTION_ID, id), { userId: ADMIN });
    const updated = await harness.waitForCall('views.update');
    const view = updated.body.view as { blocks: Block[]; private_metadata: string };
    expect(JSON.stringify(view.blocks)).toContain(`No client connected to ${SOURCE} in the last 15 min`);
    expect(view.blocks.map((b) => b.block_id)).not.toContain(CLIENTS_ACK_BLOCK_ID);
    const res = await harness.viewSubmission(
      {
        view: {
          callback_id: COPY_RSYNC_PASS_CALLBACK_ID,
          private_metadata: view.private_metadata,
          state: {
            values: {
              [SUMMARY_BLOCK_ID]: {
                [SUMMARY_ACTION_ID]: {
                  value: verifySummary([], {
                    migrationId: id,
                    // The nonce of the runbook posted above, as its verify.sh would print it.
                    nonce: String(
                      (await world.store.migrations.getMigration(id))!.resources[
                        CopyResourceKeys.rsyncVerifyNonce
                      ],
                    ),
                  }),
                },
              },
            },
          },
        },
      },
      { userId: ADMIN },
    );
    expect(res.status).toBe(200);
    const done = await ephemeral(harness, 'final sync verified');
    expect(textOf(done)).toContain('No client connected');
    const verified = (await world.store.events.listEvents(id)).find((e) => e.to === 'verified')!;
    expect(verified.detail).toContain('client check at');
  }, 30_000);
});

describe('issue 18: copy buttons and modals name a known migration before anything is written', () => {
  it('refuses a button value or private_metadata naming another key privately, writing nothing under it', async () => {
    const { world, harness } = await start();
    const hostile = 'ARBITRARY#x';
    for (const actionId of [COPY_START_ACTION_ID, COPY_RETRY_ACTION_ID, COPY_RUNBOOK_ACTION_ID]) {
      await harness.blockAction(
        { ...click(actionId, hostile), response_url: harness.recorder.responseUrl(actionId) },
        { userId: 'U0NOBODY1' },
      );
      const r = await harness.waitForCall('response_url', (c) => c.responseUrlId === actionId);
      expect(r.body).toMatchObject({ response_type: 'ephemeral' });
      // A non-admin is refused as such first, whatever the button names (and learns nothing of it).
      expect(textOf(r)).toMatch(/admin/i);
    }
    // An admin hears what is wrong with the value.
    await harness.blockAction(
      { ...click(COPY_START_ACTION_ID, hostile), response_url: harness.recorder.responseUrl('as-admin') },
      { userId: ADMIN },
    );
    const asAdmin = await harness.waitForCall('response_url', (c) => c.responseUrlId === 'as-admin');
    expect(textOf(asAdmin)).toContain('not a file system migration');
    await harness.blockAction(
      { ...click(COPY_WRITES_STOPPED_ACTION_ID, ''), response_url: harness.recorder.responseUrl('modal') },
      { userId: ADMIN },
    );
    const modal = await harness.waitForCall('response_url', (c) => c.responseUrlId === 'modal');
    expect(textOf(modal)).toContain('names nothing, not a file system migration');
    expect(textOf(modal)).not.toContain('Something unexpected');
    const res = await harness.viewSubmission(
      {
        view: {
          callback_id: COPY_WRITES_STOPPED_CALLBACK_ID,
          private_metadata: JSON.stringify({ migrationId: hostile, channel: CHANNEL, threadTs: THREAD }),
          state: { values: {} },
        },
      },
      { userId: ADMIN },
    );
    // An admin's form naming another key is refused for the key (a non-admin is refused for being
    // one, before the form is read: authority is checked first, as the copy buttons do).
    expect(JSON.stringify(JSON.parse(res.body))).toContain('This form names `ARBITRARY#x`');
    expect(await world.store.events.listEvents(hostile)).toEqual([]);
    expect(harness.recorder.callsTo('views.open')).toHaveLength(0);
    expect(harness.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  }, 30_000);
});
