import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildProgressMessage } from '#blocks/build-progress.ts';
import {
  COPY_RETRY_ACTION_ID,
  COPY_REVIEW_ACTION_ID,
  COPY_RUNBOOK_ACTION_ID,
  COPY_START_ACTION_ID,
  copyProgressMessage,
  type CopyProgressState,
} from '#blocks/copy-progress.ts';
import { limitBreaches, type Block } from '#blocks/limits.ts';
import { BUILD_STEPS } from '../../src/domain/build-plan.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import type { JobRecord } from '../../src/domain/job.ts';
import type { MigrationMethod } from '../../src/domain/migration.ts';
import { CopyProgressReporter, copyThreads } from '../../src/slack/copy-progress.ts';
import type { CopyAction } from '../../src/domain/copy.ts';
import type { IoMessage } from '../../src/workflow/io-host.ts';
import { ManualScheduler } from '../harness/schedulers.ts';
import { MemoryEvents, recordingChat } from './progress-fixture.ts';

const M1 = 'FS#111111111111#eu-west-1#fs-0000000000000aaa1';

function world(status: {
  actions: CopyAction[];
  job?: Partial<JobRecord>;
  method: MigrationMethod;
  state: string;
}) {
  const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
  const scheduler = new ManualScheduler(clock);
  const events = new MemoryEvents();
  const { client, calls } = recordingChat(clock);
  const threads = copyThreads(events);
  const reporter = new CopyProgressReporter({
    client,
    threads,
    clock,
    scheduler,
    logger: pino({ level: 'silent' }),
    statusOf: async () => ({
      ...status,
      job: status.job as JobRecord | undefined,
      state: status.state as never,
    }),
  });
  const msg = (
    code: string,
    data: Record<string, unknown> = {},
    level: IoMessage['level'] = 'progress',
  ): IoMessage => ({
    level,
    code,
    message: code,
    time: clock.now(),
    data: { migrationId: M1, jobId: 'copy:1:x', kind: 'initial', method: status.method, ...data },
  });
  return { clock, scheduler, events, calls, threads, reporter, msg };
}

const progress = (bytes: number) => ({
  phase: 'TRANSFERRING',
  filesTransferred: bytes / 1000,
  filesEstimated: 1000,
  bytesTransferred: bytes,
  bytesEstimated: 1_000_000,
  throughputBytesPerSecond: 1000,
  elapsedMs: bytes,
  etaMs: 1_000_000 - bytes,
  percent: Math.floor(bytes / 10_000),
});
const buttons = (blocks: unknown) =>
  (blocks as Block[])
    .flatMap((b) => (b.type === 'actions' ? b.elements : []))
    .map((e) => ('action_id' in e ? e.action_id : ''));

describe('CopyProgressReporter', () => {
  it('posts one message, then edits it at most once a second with the latest DescribeTaskExecution numbers', async () => {
    const w = world({
      actions: [],
      job: { jobId: 'copy:1:x', status: 'running' },
      method: 'datasync',
      state: 'synced',
    });
    await w.threads.record(M1, { channel: 'C1', threadTs: 'T1' }, 'U1');
    await w.reporter.notify(w.msg('copy.started', {}, 'info'));
    for (const bytes of [100_000, 200_000, 300_000])
      await w.reporter.notify(w.msg('copy.progress', { progress: progress(bytes) }));
    expect(w.calls.map((c) => c.method)).toEqual(['postMessage']);
    w.scheduler.advance(1000);
    await w.reporter.settled();
    expect(w.calls.map((c) => c.method)).toEqual(['postMessage', 'update']);
    // Intermediate states are dropped: the edit shows the latest numbers.
    expect(JSON.stringify(w.calls[1]!.args.blocks)).toContain('TRANSFERRING 30%: 300 of 1,000 files');
    expect(w.calls[1]!.at - w.calls[0]!.at).toBeGreaterThanOrEqual(1000);
    // The message was recorded, so another process edits it rather than posting again.
    expect(await w.threads.locate(M1)).toEqual({
      channel: 'C1',
      threadTs: 'T1',
      messageTs: '1767225700.000001',
    });

    // The job's last message comes while its record is still open: the buttons are those after it.
    await w.reporter.notify(w.msg('copy.done', { state: 'synced', summary: 'copied' }, 'info'));
    w.scheduler.advance(1000);
    await w.reporter.settled();
    const last = w.calls.at(-1)!;
    expect(last.args.text).toBe('Copy of fs-0000000000000aaa1: done');
    expect(buttons(last.args.blocks)).toEqual(['copy_sync', 'copy_final', 'copy_review']);
  });

  it('shows nothing for a copy asked from the CLI (no thread recorded)', async () => {
    const w = world({ actions: [], method: 'datasync', state: 'copying' });
    await w.reporter.notify(w.msg('copy.started', {}, 'info'));
    await w.reporter.notify(w.msg('copy.failed', { error: { code: 'X', message: 'y' } }, 'error'));
    w.scheduler.advance(5000);
    await w.reporter.settled();
    expect(w.calls).toEqual([]);
  });
});

describe('copy blocks', () => {
  it('a built twin offers the copy buttons of its decided method', () => {
    const base = {
      migrationId: M1,
      sourceFileSystemId: 'fs-0000000000000aaa1',
      accountId: '111111111111',
      region: 'eu-west-1',
      status: 'succeeded' as const,
      steps: BUILD_STEPS,
      warnings: [],
      startedAt: new Date(0),
      updatedAt: new Date(1000),
    };
    const labels = (m: MigrationMethod) =>
      (buildProgressMessage({ ...base, copyMethod: m }).blocks as Block[])
        .flatMap((b) => (b.type === 'actions' ? b.elements : []))
        .map((e) => ('text' in e && e.text ? ['action_id' in e ? e.action_id : '', e.text.text] : []));
    expect(labels('datasync')).toEqual([
      [COPY_START_ACTION_ID, 'Start copy'],
      [COPY_REVIEW_ACTION_ID, 'Review copy'],
    ]);
    expect(labels('replication')).toEqual([
      [COPY_START_ACTION_ID, 'Start replication'],
      [COPY_REVIEW_ACTION_ID, 'Review copy'],
    ]);
    expect(labels('rsync')).toEqual([[COPY_RUNBOOK_ACTION_ID, 'Post runbook']]);
    expect(buttons(buildProgressMessage(base).blocks)).toEqual([]);
  });

  it('a failed copy shows the AWS error, its request ID and Retry, within Slack limits', () => {
    const state: CopyProgressState = {
      migrationId: M1,
      sourceFileSystemId: 'fs-0000000000000aaa1',
      accountId: '111111111111',
      region: 'eu-west-1',
      method: 'datasync',
      kind: 'final',
      status: 'failed',
      error: {
        code: 'VerificationFailed',
        message: 'x'.repeat(5000),
        step: 'execution',
        awsRequestId: 'req-1',
      },
      differences: Array.from({ length: 100 }, (_, i) => `differs: ./f${i} <mode>`),
      actions: ['retry'],
      startedAt: new Date(0),
      updatedAt: new Date(65_000),
    };
    const message = copyProgressMessage(state);
    expect(limitBreaches(message.blocks)).toEqual([]);
    expect(message.text).toBe('Copy of fs-0000000000000aaa1: failed');
    expect(JSON.stringify(message.blocks)).toContain('AWS request ID `req-1`');
    expect(JSON.stringify(message.blocks)).toContain('&lt;mode&gt;');
    expect(buttons(message.blocks)).toEqual([COPY_RETRY_ACTION_ID]);
  });
});
