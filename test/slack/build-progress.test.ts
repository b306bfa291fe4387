import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BUILD_RETRY_ACTION_ID } from '#blocks/build-progress.ts';
import { BUILD_STEPS } from '../../src/domain/build-plan.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { BuildProgressReporter } from '../../src/slack/build-progress.ts';
import { BuildThreads } from '../../src/slack/build-threads.ts';
import type { IoMessage } from '../../src/workflow/io-host.ts';
import { ManualScheduler } from '../harness/schedulers.ts';
import { MemoryEvents, recordingChat } from './progress-fixture.ts';

const M1 = 'FS#111111111111#eu-west-1#fs-0000000000000aaa1';
const M2 = 'FS#111111111111#eu-west-1#fs-0000000000000aaa2';

function world() {
  const clock = new ManualClock(new Date('2026-05-01T09:00:00Z'));
  const scheduler = new ManualScheduler(clock);
  const events = new MemoryEvents();
  const { client, calls } = recordingChat(clock);
  const threads = new BuildThreads(events);
  const make = () =>
    new BuildProgressReporter({ client, threads, clock, scheduler, logger: pino({ level: 'silent' }) });
  const msg = (
    migrationId: string,
    code: string,
    extra: Record<string, unknown> = {},
    level: IoMessage['level'] = 'progress',
  ): IoMessage => ({
    level,
    code,
    message: `${code} ${String(extra.step ?? '')}`,
    time: clock.now(),
    data: { migrationId, jobId: `build:1:${migrationId}`, steps: BUILD_STEPS, resources: {}, ...extra },
  });
  return { clock, scheduler, events, client, calls, threads, make, msg };
}

describe('BuildProgressReporter', () => {
  it('keeps one message per file system in its thread, each edited at most once a second with the latest state', async () => {
    const w = world();
    await w.threads.record(M1, { channel: 'C1', threadTs: 'T1' }, 'U1');
    await w.threads.record(M2, { channel: 'C1', threadTs: 'T1' }, 'U1');
    const reporter = w.make();
    await reporter.notify(w.msg(M1, 'build.started', {}, 'info'));
    await reporter.notify(w.msg(M2, 'build.started', {}, 'info'));
    for (const step of BUILD_STEPS.slice(0, 4)) {
      await reporter.notify(w.msg(M1, 'build.step.done', { step }));
      await reporter.notify(w.msg(M2, 'build.step.done', { step }));
    }
    // Two posts now; the four step updates of each are coalesced into one edit a second later.
    expect(w.calls.map((c) => c.method)).toEqual(['postMessage', 'postMessage']);
    w.scheduler.advance(1000);
    await reporter.settled();
    const edits = w.calls.filter((c) => c.method === 'update');
    expect(edits).toHaveLength(2);
    expect(edits.map((e) => e.args.ts).sort()).toEqual(['1767225700.000001', '1767225700.000002']);
    expect(JSON.stringify(edits[0]!.args.blocks)).toContain(`:white_check_mark: ${BUILD_STEPS[3]}`);
    for (const p of w.calls.filter((c) => c.method === 'postMessage'))
      expect(p.args).toMatchObject({ channel: 'C1', thread_ts: 'T1' });
    // Per message, successive writes are at least a second apart.
    const posts = w.calls.filter((c) => c.method === 'postMessage');
    for (const [i, post] of posts.entries()) {
      const ts = `1767225700.00000${i + 1}`;
      const times = [post.at, ...edits.filter((e) => e.args.ts === ts).map((e) => e.at)];
      for (let j = 1; j < times.length; j++) expect(times[j]! - times[j - 1]!).toBeGreaterThanOrEqual(1000);
    }
    // Where each message is, recorded for a restarted process.
    expect((await w.threads.locate(M1))?.messageTs).toBeDefined();
  });

  it('shows a failure with its AWS error, step and request ID and a Retry button; a Retry edits the same message', async () => {
    const w = world();
    await w.threads.record(M1, { channel: 'C1', threadTs: 'T1' }, 'U1');
    const reporter = w.make();
    await reporter.notify(w.msg(M1, 'build.started', {}, 'info'));
    await reporter.notify(
      w.msg(
        M1,
        'build.failed',
        {
          step: 'mount-targets',
          resources: { targetFileSystemId: 'fs-0000000000000bbb1' },
          error: {
            code: 'InternalServerError',
            message: 'boom',
            step: 'mount-targets',
            awsRequestId: 'req-123',
          },
        },
        'error',
      ),
    );
    w.scheduler.advance(1000);
    await reporter.settled();
    const failed = w.calls.at(-1)!;
    const shown = JSON.stringify(failed.args.blocks);
    expect(shown).toContain('InternalServerError');
    expect(shown).toContain(':x: mount-targets');
    expect(shown).toContain('req-123');
    expect(shown).toContain(`build:1:${M1}`);
    expect(shown).toContain('fs-0000000000000bbb1');
    expect(shown).toContain(BUILD_RETRY_ACTION_ID);

    await reporter.notify(w.msg(M1, 'build.started', { jobId: `build:2:${M1}` }, 'info'));
    w.scheduler.advance(1000);
    await reporter.settled();
    expect(w.calls.filter((c) => c.method === 'postMessage')).toHaveLength(1);
    expect(w.calls.at(-1)!.args.ts).toBe('1767225700.000001');
    expect(JSON.stringify(w.calls.at(-1)!.args.blocks)).not.toContain(BUILD_RETRY_ACTION_ID);
  });

  it('shows nothing for a build asked for outside Slack, and a new process edits the recorded message', async () => {
    const w = world();
    const first = w.make();
    await first.notify(w.msg(M2, 'build.started', {}, 'info'));
    await first.settled();
    expect(w.calls).toHaveLength(0);

    await w.threads.record(
      M1,
      { channel: 'C1', threadTs: 'T1', messageTs: '1767225600.999999' },
      'efs-encrypt',
    );
    const restarted = w.make();
    await restarted.notify(w.msg(M1, 'build.started', {}, 'info'));
    await restarted.settled();
    expect(w.calls).toMatchObject([{ method: 'update', args: { channel: 'C1', ts: '1767225600.999999' } }]);
  });

  it('still shows a succeeded build when the copy method cannot be read, and logs why the copy buttons are missing', async () => {
    const w = world();
    const logs: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    await w.threads.record(M1, { channel: 'C1', threadTs: 'T1' }, 'U1');
    const reporter = new BuildProgressReporter({
      client: w.client,
      threads: w.threads,
      clock: w.clock,
      scheduler: w.scheduler,
      logger: pino({ level: 'debug' }, sink),
      copyMethodOf: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
    });
    await reporter.notify(w.msg(M1, 'build.started', {}, 'info'));
    await reporter.notify(w.msg(M1, 'build.succeeded', {}, 'info'));
    w.scheduler.advance(1000);
    await reporter.settled();
    expect(String(w.calls.at(-1)!.args.text)).toBe(`Encrypted twin of ${M1.split('#')[3]}: ready`);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        migrationId: M1,
        msg: 'could not read the decided copy method; the built message shows no copy buttons',
        err: expect.objectContaining({ message: 'ProvisionedThroughputExceededException' }),
      }),
    );
  });
});
