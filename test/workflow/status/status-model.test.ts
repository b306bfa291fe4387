import { describe, expect, it } from 'vitest';
import {
  copyActionsFor,
  formatProgressSample,
  type CopyAction,
  type CopyProgress,
  type CopyProgressSample,
} from '../../../src/domain/copy.ts';
import type { JobRecord, JobStatus } from '../../../src/domain/job.ts';
import type { MigrationMethod, MigrationRecord } from '../../../src/domain/migration.ts';
import type { MigrationState } from '../../../src/domain/migration-state.ts';
import { copyProgressViewOf, nextStepOf } from '../../../src/workflow/status/index.ts';

/** The pure rules of status: the copy states' next step derived from copyActionsFor, and the progress line. */

const FS_ID = 'fs-0123456789abcdef0';
const ID = `FS#111111111111#eu-west-1#${FS_ID}`;

function record(state: MigrationState, extra: Partial<MigrationRecord> = {}): MigrationRecord {
  return {
    id: ID,
    accountId: '111111111111',
    region: 'eu-west-1',
    fileSystemId: FS_ID,
    state,
    version: 7,
    facts: {},
    resources: { 'copyRequest:2': 'incremental' },
    createdAt: '2026-06-01T08:00:00.000Z',
    updatedAt: '2026-06-01T09:00:00.000Z',
    updatedBy: 'U0ADMIN',
    ...extra,
  };
}

function job(status: JobStatus, generation = 2): JobRecord {
  return {
    jobId: `copy:${generation}:${ID}`,
    kind: 'copy',
    migrationId: ID,
    generation,
    status,
    version: 3,
    attempts: 1,
    compensations: [],
    requestedBy: 'U0ADMIN',
    createdAt: '2026-06-01T09:00:00.000Z',
    updatedAt: '2026-06-01T09:00:00.000Z',
  };
}

/** The CLI command of each copy action (the same as `efs-encrypt copy --help` lists). */
const COMMAND: Record<CopyAction, string> = {
  start: `efs-encrypt copy start ${FS_ID}`,
  sync: `efs-encrypt copy sync ${FS_ID}`,
  final: `efs-encrypt copy final ${FS_ID}`,
  confirm_writes_stopped: `efs-encrypt copy final ${FS_ID} --writes-stopped-at TIME`,
  record_initial: `efs-encrypt copy record ${FS_ID} --pass initial --summary FILE`,
  record_final: `efs-encrypt copy record ${FS_ID} --pass final --summary FILE`,
  retry: `efs-encrypt copy retry ${FS_ID}`,
};
/** Words each action's text carries (its button's name, or what the person does). */
const NAMED: Record<CopyAction, RegExp> = {
  start: /Start (copy|replication)/,
  sync: /Sync again/,
  final: /Final sync/,
  confirm_writes_stopped: /confirm the time they stopped \(Final sync/,
  record_initial: /Initial copy done/,
  record_final: /Final sync done/,
  retry: /Retry the copy/,
};

const METHODS: MigrationMethod[] = ['datasync', 'replication', 'rsync'];
const COPY_STATES: MigrationState[] = ['target_ready', 'copying', 'synced', 'final_sync', 'verified'];

describe('next step in the copy states', () => {
  it('offers exactly what copyActionsFor allows, by method and state: each action named, the last one as the command', () => {
    let checked = 0;
    for (const method of METHODS)
      for (const state of COPY_STATES) {
        const actions = copyActionsFor(method, state);
        const next = nextStepOf({ record: record(state), method });
        if (!actions.length) continue;
        checked++;
        expect(next.who, `${method} ${state}`).toBe('admins');
        expect(next.command, `${method} ${state}`).toBe(COMMAND[actions.at(-1)!]);
        for (const a of actions) expect(next.text, `${method} ${state} ${a}`).toMatch(NAMED[a]);
      }
    expect(checked).toBe(10);
  });

  it('says wait, naming the copy, while a copy job is queued or running, whatever the state allows next', () => {
    for (const method of ['datasync', 'replication'] as const)
      for (const state of ['target_ready', 'copying', 'synced', 'final_sync'] as const) {
        const next = nextStepOf({ record: record(state), method, copyJob: job('running') });
        expect(next).toEqual({
          text: 'Wait: the incremental sync is running. Its progress is in the thread where it started, and in status while it runs.',
          who: 'nobody',
        });
      }
    expect(
      nextStepOf({ record: record('synced'), method: 'datasync', copyJob: job('queued') }).text,
    ).toContain('the incremental sync is queued');
  });

  it('reads as today for the common cases', () => {
    expect(nextStepOf({ record: record('target_ready'), method: 'datasync' })).toEqual({
      text: "Start the copy (Start copy on the twin's message).",
      who: 'admins',
      command: COMMAND.start,
    });
    expect(nextStepOf({ record: record('target_ready'), method: 'replication' }).text).toBe(
      "Start the copy (Start replication on the twin's message).",
    );
    expect(nextStepOf({ record: record('synced'), method: 'datasync' }).text).toBe(
      'Sync again to copy what changed since, or stop writes to the source and run the Final sync (it removes deleted files and verifies point in time).',
    );
    expect(nextStepOf({ record: record('synced'), method: 'replication' }).text).toBe(
      'Sync again to wait for replication to catch up, or stop writes to the source, then confirm the time they stopped (Final sync).',
    );
    expect(nextStepOf({ record: record('final_sync'), method: 'datasync' }).text).toBe(
      'The last verification found differences: stop writes to the source and run the Final sync again (it removes deleted files and verifies point in time).',
    );
    expect(nextStepOf({ record: record('final_sync'), method: 'rsync' }).text).toBe(
      "The last verification found differences: stop writes to the source, run the final rsync pass again, then report Final sync done with verify.sh's summary.",
    );
    expect(nextStepOf({ record: record('copying'), method: 'rsync' }).text).toBe(
      "Report Initial copy done with verify.sh's summary once the initial rsync pass finished.",
    );
  });

  it('no copy action left: verified goes to cutover, a copy state without its job waits for it to resume', () => {
    for (const method of METHODS)
      expect(nextStepOf({ record: record('verified'), method })).toEqual({
        text: "Verified. Next: cut over: Find consumers and Review cutover in the thread; each application's owner approves.",
        who: 'admins',
      });
    expect(nextStepOf({ record: record('copying'), method: 'datasync' })).toMatchObject({
      text: expect.stringContaining('Wait: the copy job is resuming.'),
      who: 'nobody',
    });
  });

  it('on the command line, names efs-encrypt commands and never a Slack button or thread', () => {
    const SLACK_WORDS =
      /Start copy|Start replication|Sync again|Final sync done|Initial copy done|Final sync\b|Retry\b|Review build|thread|message|\/efs-encrypt|button/;
    const cases: Parameters<typeof nextStepOf>[0][] = [
      ...METHODS.flatMap((method) => COPY_STATES.map((state) => ({ record: record(state), method }))),
      ...(['discovered', 'in_scope', 'excluded', 'decided', 'target_creating'] as const).map((state) => ({
        record: record(state),
        method: 'datasync' as const,
      })),
      { record: record('synced'), method: 'datasync', copyJob: job('running') },
      {
        record: record('failed', {
          failedFrom: 'copying',
          lastError: { code: 'X', message: 'Broke.', at: 't' },
        }),
        method: 'datasync',
        copyJob: job('failed'),
      },
    ];
    for (const c of cases) {
      const next = nextStepOf({ ...c, surface: 'cli' });
      expect(next.text, `${c.method} ${c.record.state}`).not.toMatch(SLACK_WORDS);
      expect(next.command ?? '', `${c.method} ${c.record.state}`).not.toMatch(/^\//);
    }
    expect(nextStepOf({ record: record('copying'), method: 'rsync', surface: 'cli' })).toEqual({
      text: "Record the initial pass with verify.sh's summary once the initial rsync pass finished.",
      who: 'admins',
      command: `efs-encrypt copy record ${FS_ID} --pass initial --summary FILE`,
    });
    expect(nextStepOf({ record: record('synced'), method: 'replication', surface: 'cli' }).text).toBe(
      'Run an incremental sync to wait for replication to catch up, or stop writes to the source, then run the final sync with the time they stopped.',
    );
    expect(nextStepOf({ record: record('verified'), method: 'rsync', surface: 'cli' }).text).toMatch(
      /^Verified\. Next: cut over/,
    );
  });

  it('a copy that failed: Retry exactly when the copy rule allows it', () => {
    const failed = record('failed', {
      failedFrom: 'copying',
      lastError: { code: 'OpNotSupported', message: 'NFS server refused the write.', at: 't' },
    });
    expect(nextStepOf({ record: failed, method: 'datasync', copyJob: job('failed') })).toEqual({
      text: 'NFS server refused the write. Fix the cause, then Retry the copy.',
      who: 'admins',
      command: COMMAND.retry,
    });
    // The job is still open (a retry already queued): no Retry to offer.
    expect(nextStepOf({ record: failed, method: 'datasync', copyJob: job('queued') })).toEqual({
      text: 'NFS server refused the write. Fix the cause; a retry resumes from copying.',
      who: 'admins',
    });
  });
});

describe('copy progress line', () => {
  const base = {
    jobId: `copy:2:${ID}`,
    kind: 'incremental' as const,
    sampledAt: '2026-06-01T10:42:10.000Z',
    staleAfterMs: 75_000,
  };
  const transferring: CopyProgress = {
    phase: 'TRANSFERRING',
    filesTransferred: 1234,
    filesEstimated: 3000,
    bytesTransferred: 4.2 * 1024 ** 3,
    bytesEstimated: 10 * 1024 ** 3,
    throughputBytesPerSecond: 10 * 1024 ** 2,
    elapsedMs: 430_000,
    etaMs: 720_000,
    percent: 42,
  };
  const dataSync: CopyProgressSample = {
    ...base,
    method: 'datasync',
    executionArn: 'arn:aws:datasync:eu-west-1:111111111111:task/task-1/execution/exec-1',
    progress: transferring,
  };
  const at = (iso: string) => new Date(iso);

  it('DataSync: percentage, bytes and files of the estimate, ETA as a duration and a time, as of when', () => {
    expect(formatProgressSample(dataSync, at('2026-06-01T10:42:30Z'))).toBe(
      'DataSync TRANSFERRING: 42% (4.2 GiB of 10.0 GiB, 1,234 of 3,000 files), ETA 12m 0s (about 10:54 UTC), as of 10:42 UTC',
    );
  });

  it('says how old a stale sample is, with its date when not today', () => {
    expect(formatProgressSample(dataSync, at('2026-06-01T10:54:10Z'))).toBe(
      'DataSync TRANSFERRING: 42% (4.2 GiB of 10.0 GiB, 1,234 of 3,000 files), ETA 12m 0s (about 10:54 UTC), as of 10:42 UTC (12m 0s ago; no newer sample, so the copy job may have stopped)',
    );
    expect(formatProgressSample(dataSync, at('2026-06-02T08:00:00Z'))).toContain(
      'as of 2026-06-01 10:42 UTC (21h 17m ago',
    );
  });

  it('unknown and finished transfers, and replication', () => {
    const now = at('2026-06-01T10:42:30Z');
    const { etaMs: _eta, ...noEta } = transferring;
    const preparing = { ...dataSync, progress: { ...noEta, phase: 'PREPARING', percent: 0 } };
    expect(formatProgressSample(preparing, now)).toBe(
      'DataSync PREPARING: 0% (4.2 GiB of 10.0 GiB, 1,234 of 3,000 files), ETA unknown, as of 10:42 UTC',
    );
    const verifying = {
      ...dataSync,
      progress: { ...transferring, phase: 'VERIFYING', etaMs: 0, percent: 100 },
    };
    expect(formatProgressSample(verifying, now)).toBe(
      'DataSync VERIFYING: 100% (4.2 GiB of 10.0 GiB, 1,234 of 3,000 files), transfer done, as of 10:42 UTC',
    );
    expect(
      formatProgressSample(
        {
          ...base,
          method: 'replication',
          destinationFileSystemId: 'fs-1',
          status: 'ENABLED',
          lastReplicatedTimestamp: '2026-06-01T10:30:00.000Z',
          waitingFor: 'a sync after 2026-06-01T10:40:00.000Z',
          elapsedMs: 120_000,
        },
        now,
      ),
    ).toBe(
      'Replication ENABLED: last synced 2026-06-01T10:30:00.000Z, waiting for a sync after 2026-06-01T10:40:00.000Z, as of 10:42 UTC',
    );
  });

  it('is shown only while a copy runs, and only for the latest copy job', () => {
    const now = at('2026-06-01T10:42:30Z');
    expect(copyProgressViewOf(record('copying'), job('running'), dataSync, now)).toMatchObject({
      ageMs: 20_000,
      stale: false,
      text: expect.stringContaining('42%'),
    });
    expect(copyProgressViewOf(record('final_sync'), job('running'), dataSync, now)).toBeDefined();
    // An earlier job's last sample says nothing about the one running now.
    expect(copyProgressViewOf(record('copying'), job('running', 3), dataSync, now)).toBeUndefined();
    expect(copyProgressViewOf(record('synced'), job('succeeded'), dataSync, now)).toBeUndefined();
    expect(copyProgressViewOf(record('copying'), undefined, dataSync, now)).toBeUndefined();
    expect(copyProgressViewOf(record('copying'), job('running'), undefined, now)).toBeUndefined();
    expect(
      copyProgressViewOf(record('copying'), job('running'), dataSync, at('2026-06-01T10:43:26Z')),
    ).toMatchObject({ stale: true, text: expect.stringContaining('1m 16s ago') });
  });
});
