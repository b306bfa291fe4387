import { DescribeTaskExecutionCommand, DataSyncClient, ListTasksCommand } from '@aws-sdk/client-datasync';
import { DescribeFileSystemsCommand, DescribeMountTargetsCommand } from '@aws-sdk/client-efs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COPY_START_ACTION_ID } from '#blocks/copy-progress.ts';
import type { Block } from '#blocks/limits.ts';
import { openDecidePhase } from '../../src/cli/phases/decide-phase.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { migrationId, type FileSystemRecord } from '../../src/domain/inventory.ts';
import type { MigrationMethod } from '../../src/domain/migration.ts';
import { scaleTiming } from '../../src/estate/timing.ts';
import { createLambdaHandlers, type LambdaHandlers } from '../../src/lambda/handlers.ts';
import { decideWithManagedKey } from '../e2e/demo-runtime.ts';
import { skipAheadScheduler } from '../harness/schedulers.ts';
import { TEST_BOT, buttonClick } from '../harness/slack.ts';
import { SlackApiRecorder } from '../harness/slack-recorder.ts';
import { restoreEnv } from '../harness/sdk-env.ts';
import {
  blockActions,
  capturingDispatcher,
  functionUrlEvent,
  slashCommand,
  lambdaTestOptions,
} from './lambda-events.ts';

/**
 * A migration through the deployed shape, end to end: a signed Slack request to slackHandler, the
 * work it hands on (JSON across the invocation, as Lambda delivers it) run by workerHandler, and
 * tickHandler called as EventBridge Scheduler calls it; against the sample estate (its timeline
 * SPEED times faster) and the embedded store. The worker runs the job
 * it queued to the end (README, Deploy: the tick only takes over a job whose worker died), so the
 * job has ended when workerHandler returns, and the next ticks run nothing. Every wait of the bot
 * (a build's or a copy's polls, the progress edits' pacing) is skipped ahead on the ManualClock, so
 * no real time passes for timing.
 */
const ADMIN = 'U0ADMIN1';
const CHANNEL = 'C0CHAN01';
const SPEED = 50;
/** EventBridge calls the tick every minute; more than this many ticks with work to do means a loop. */
const MAX_TICKS = 10;
const TICK_EVERY_MS = 60_000;

describe('a migration through the Lambda handlers: request, worker, scheduled ticks', () => {
  const saved = { ...process.env };
  let recorder: SlackApiRecorder;
  let work: ReturnType<typeof capturingDispatcher>;
  let handlers: LambdaHandlers;
  let clock: ManualClock;
  let requests = 0;

  beforeEach(async () => {
    recorder = new SlackApiRecorder({ ...TEST_BOT, teamId: 'T0TEST01' });
    await recorder.start();
    work = capturingDispatcher();
    clock = new ManualClock(new Date());
    handlers = createLambdaHandlers({
      ...lambdaTestOptions(recorder, work, { EFS_ENCRYPT_ADMINS: ADMIN }),
      estate: { demo: true, timing: scaleTiming(SPEED) },
      clock,
      scheduler: skipAheadScheduler(clock),
    });
  });

  afterEach(async () => {
    await handlers.close();
    await recorder.close();
    restoreEnv(saved);
  });

  /** Sends the signed body to the Slack handler; returns the one work message it handed on, JSON round-tripped. */
  async function handOn(body: string): Promise<unknown> {
    const before = work.messages.length;
    const res = await handlers.slackHandler(functionUrlEvent(body));
    expect(res.statusCode).toBe(200);
    expect(work.messages).toHaveLength(before + 1);
    return JSON.parse(JSON.stringify(work.messages.at(-1)));
  }

  /** Runs the message in the worker; it must run (not a duplicate, not failed after showing something). */
  async function runInWorker(message: unknown): Promise<void> {
    expect((await handlers.workerHandler(message)).outcome).toBe('ran');
  }

  /**
   * After the worker: the migration's latest job of `kind` has ended, since the worker runs the
   * work it queued to the end. Then tickHandler, called as the schedule calls it a minute later
   * (up to MAX_TICKS times, should a job still be open), runs nothing twice.
   */
  async function endedByWorkerThenTicked(runtime: Runtime, id: string, kind: string) {
    const latest = async () =>
      (await runtime.store.jobs.listJobsForMigration(id, kind)).sort(
        (a, b) => b.generation - a.generation,
      )[0];
    const job = await latest();
    expect(job, `the worker did not run the ${kind} job of ${id} to the end`).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
    for (let ticks = 0; ticks < MAX_TICKS; ticks++) {
      clock.advance(TICK_EVERY_MS);
      const report = await handlers.tickHandler();
      expect(report).toMatchObject({ failed: [], unhandled: [] });
      expect(report.ran).not.toContain(job!.jobId);
      if (report.ran.length === 0) break;
    }
    expect(await latest()).toMatchObject({ jobId: job!.jobId, status: 'succeeded', attempts: 1 });
    return job!;
  }

  /** Scans through the worker, then decides the smallest unencrypted file system the rules accept for `method`. */
  async function decided(method: MigrationMethod) {
    await runInWorker(await handOn(slashCommand(recorder, 'scan', `scan-${++requests}`)));
    const runtime = await handlers.runtime();
    const scan = (await runtime.store.scans.getLatestScan())!;
    expect(scan).toBeDefined();
    const decide = { decide: openDecidePhase(runtime) };
    const candidates = scan.fileSystems
      .filter((f) => !f.encrypted && f.numberOfMountTargets > 0)
      .sort((a, b) => a.sizeInBytes - b.sizeInBytes);
    for (const fs of candidates)
      if (await decideWithManagedKey(decide, scan, fs, method, ADMIN))
        return { runtime, fs, id: migrationId(fs.accountId, fs.region, fs.fileSystemId) };
    throw new Error(`no file system of the sample estate is accepted for ${method}`);
  }

  /** The twin the build made, as EFS describes it to the bot's role in the source's account. */
  async function describeTwin(runtime: Runtime, fs: FileSystemRecord, twinId: string) {
    const { efs } = await runtime.accounts.sdkClientsFor(fs.accountId, fs.region);
    const [twin] =
      (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: twinId }))).FileSystems ?? [];
    const mountTargets =
      (await efs.send(new DescribeMountTargetsCommand({ FileSystemId: twinId }))).MountTargets ?? [];
    return { twin, mountTargets };
  }

  /** The file systems of the source's account and region, as the estate holds them. */
  async function fileSystemIdsIn(runtime: Runtime, fs: FileSystemRecord): Promise<string[]> {
    const { efs } = await runtime.accounts.sdkClientsFor(fs.accountId, fs.region);
    const out = await efs.send(new DescribeFileSystemsCommand({}));
    return (out.FileSystems ?? []).map((f) => f.FileSystemId!);
  }

  /**
   * `/efs-encrypt build <fs>` through the handlers. Checks that nothing is built before the worker
   * runs, and returns the thread the progress went to and the twin's ready message.
   */
  async function builtThroughWorker(runtime: Runtime, fs: FileSystemRecord, id: string) {
    const fileSystemsBefore = await fileSystemIdsIn(runtime, fs);
    const message = await handOn(slashCommand(recorder, `build ${fs.fileSystemId}`, `build-${++requests}`));
    expect(message).toMatchObject({ kind: 'command', text: `build ${fs.fileSystemId}`, userId: ADMIN });

    // The request only handed the build on: no job, no twin, no message in the channel.
    expect(await runtime.store.jobs.listJobsForMigration(id, 'build')).toEqual([]);
    expect(await fileSystemIdsIn(runtime, fs)).toEqual(fileSystemsBefore);
    const posted = recorder.callsTo('chat.postMessage').length;

    await runInWorker(message);
    await endedByWorkerThenTicked(runtime, id, 'build');

    const root = recorder.callsTo('chat.postMessage')[posted];
    expect(root?.body).toMatchObject({ channel: CHANNEL });
    const threadTs = root!.response.ts as string;
    const ready = recorder
      .callsTo('chat.update')
      .find((c) => c.body.text === `Encrypted twin of ${fs.fileSystemId}: ready`);
    expect(ready, 'the twin’s message never said ready').toBeDefined();
    const readyPost = recorder.callsTo('chat.postMessage').find((c) => c.response.ts === ready!.body.ts);
    expect(readyPost?.body).toMatchObject({ channel: CHANNEL, thread_ts: threadTs });
    return { threadTs, ready: ready!, fileSystemsBefore };
  }

  it('/efs-encrypt build: the worker builds the encrypted twin, validated and mapped in the store, progress in the thread', async () => {
    const { runtime, fs, id } = await decided('rsync');
    expect((await runtime.store.migrations.getMigration(id))?.state).toBe('decided');

    const { threadTs, fileSystemsBefore } = await builtThroughWorker(runtime, fs, id);

    // The store: the twin validated, its mapping recorded.
    const record = (await runtime.store.migrations.getMigration(id))!;
    expect(record.state).toBe('target_ready');
    expect(record.facts.targetValidated).toBe(true);
    const twinId = record.resources.targetFileSystemId!;
    const keyArn = record.resources.targetKmsKeyArn!;
    expect(fileSystemsBefore).not.toContain(twinId);
    expect(keyArn).toMatch(new RegExp(`^arn:aws:kms:${fs.region}:${fs.accountId}:key/`));
    const decision = (await runtime.store.migrations.getDecision(id))!.decision;
    expect(decision.targetKmsKeyId).toBe(keyArn);

    // The estate, as EFS tells the bot: encrypted with the intended key, a mount target per mapping.
    const { twin, mountTargets } = await describeTwin(runtime, fs, twinId);
    expect(twin).toMatchObject({ Encrypted: true, KmsKeyId: keyArn, LifeCycleState: 'available' });
    const mapped = Object.values(
      Object.fromEntries(Object.entries(record.resources).filter(([k]) => k.startsWith('mountTarget:'))),
    );
    expect(mountTargets.length).toBe(fs.numberOfMountTargets);
    expect(mountTargets.map((m) => m.MountTargetId).sort()).toEqual([...mapped].sort());
    expect(mountTargets.every((m) => m.LifeCycleState === 'available')).toBe(true);

    // The thread: progress messages under the command's root message, the last one the validated twin.
    const inThread = recorder.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === threadTs);
    expect(inThread.length).toBeGreaterThan(0);
    const edits = recorder
      .callsTo('chat.update')
      .filter((c) => inThread.some((p) => p.response.ts === c.body.ts));
    expect(edits.length).toBeGreaterThan(1);
    expect(JSON.stringify(edits.at(-1)?.body.blocks)).toContain(
      `reports Encrypted=true with KmsKeyId \`${keyArn}\``,
    );
  }, 60_000);

  it('Start copy on the built twin: the worker copies through DataSync, the copy synced in the store', async () => {
    const { runtime, fs, id } = await decided('datasync');
    const { threadTs, ready } = await builtThroughWorker(runtime, fs, id);
    const twinId = (await runtime.store.migrations.getMigration(id))!.resources.targetFileSystemId!;

    // The twin's ready message offers Start copy for this DataSync decision.
    const start = (ready.body.blocks as Block[])
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .find((e) => 'action_id' in e && e.action_id === COPY_START_ACTION_ID);
    expect(start).toMatchObject({ text: { text: 'Start copy' }, value: id });

    const { clientConfig } = await runtime.accounts.sdkClientsFor(fs.accountId, fs.region);
    const dataSync = new DataSyncClient(clientConfig);
    try {
      const tasksBefore = (await dataSync.send(new ListTasksCommand({}))).Tasks ?? [];
      const message = await handOn(
        blockActions(
          recorder,
          buttonClick(COPY_START_ACTION_ID, id, {
            channel: CHANNEL,
            threadTs,
            messageTs: ready.body.ts as string,
          }),
          { userId: ADMIN, responseUrlId: `copy-${++requests}` },
        ),
      );
      expect(message).toMatchObject({ kind: 'button', work: 'Start copy', value: id });

      // The click only handed the copy on: no job, no DataSync task.
      expect(await runtime.store.jobs.listJobsForMigration(id, 'copy')).toEqual([]);
      expect((await dataSync.send(new ListTasksCommand({}))).Tasks ?? []).toEqual(tasksBefore);

      await runInWorker(message);
      await endedByWorkerThenTicked(runtime, id, 'copy');

      // The store: copied (synced), with the task and the execution it ran.
      const record = (await runtime.store.migrations.getMigration(id))!;
      expect(record.state).toBe('synced');
      const taskArn = record.resources.dataSyncTaskArn!;
      const executionArn = record.resources.dataSyncExecutionArn ?? '';
      expect(taskArn).toMatch(/^arn:aws:datasync:/);

      // The estate, as DataSync tells the bot: the task is new, its execution succeeded.
      const tasks = (await dataSync.send(new ListTasksCommand({}))).Tasks ?? [];
      expect(tasks.map((t) => t.TaskArn)).toContain(taskArn);
      expect(tasksBefore.map((t) => t.TaskArn)).not.toContain(taskArn);
      expect(executionArn.startsWith(`${taskArn}/execution/`)).toBe(true);
      const execution = await dataSync.send(
        new DescribeTaskExecutionCommand({ TaskExecutionArn: executionArn }),
      );
      // The initial copy verifies what it transferred (a final sync verifies everything).
      expect(execution).toMatchObject({ Status: 'SUCCESS', Result: { VerifyStatus: 'SUCCESS' } });
      expect(execution.FilesTransferred).toBeGreaterThan(0);

      // The copy's message, in the same thread, ends done; the twin holds the source's content.
      const done = recorder
        .callsTo('chat.update')
        .find((c) => c.body.text === `Copy of ${fs.fileSystemId}: done`);
      expect(done).toBeDefined();
      const post = recorder.callsTo('chat.postMessage').find((c) => c.response.ts === done!.body.ts);
      expect(post?.body).toMatchObject({ channel: CHANNEL, thread_ts: threadTs });
      const control = runtime.estate!.server.control;
      const { accountId, region } = fs;
      expect(control.fileSystem({ accountId, region, fileSystemId: twinId })!.content).toEqual(
        control.fileSystem({ accountId, region, fileSystemId: fs.fileSystemId })!.content,
      );
    } finally {
      dataSync.destroy();
    }
  }, 60_000);
});
