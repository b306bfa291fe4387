import { describe, expect, it } from 'vitest';
import {
  copyActionsFor,
  copyKindsOf,
  copyProgressOf,
  copyStartProblem,
  dataSyncOptionsFor,
  dataSyncVerdict,
  formatCopyProgress,
  planCopyCalls,
  replicationNotCarried,
} from '../../src/domain/copy.ts';
import { transition } from '../../src/domain/migration-state.ts';

describe('copy rules', () => {
  it('which copy actions apply: follow method and state, nothing while a job runs, Retry only when retryable', () => {
    expect(copyActionsFor('datasync', 'target_ready')).toEqual(['start']);
    expect(copyActionsFor('datasync', 'synced')).toEqual(['sync', 'final']);
    expect(copyActionsFor('replication', 'synced')).toEqual(['sync', 'confirm_writes_stopped']);
    expect(copyActionsFor('replication', 'final_sync')).toEqual(['confirm_writes_stopped']);
    expect(copyActionsFor('datasync', 'failed', { canRetry: true })).toEqual(['retry']);
    expect(copyActionsFor('datasync', 'failed')).toEqual([]);
    expect(copyActionsFor('datasync', 'synced', { jobRunning: true })).toEqual([]);
    expect(copyActionsFor('rsync', 'target_ready')).toEqual(['record_initial']);
    expect(copyActionsFor('rsync', 'final_sync')).toEqual(['record_final']);
    expect(copyActionsFor('datasync', 'verified')).toEqual([]);
  });

  it('the copy kinds the offered actions start, in order', () => {
    expect(copyKindsOf(['start'])).toEqual(['initial']);
    expect(copyKindsOf(['confirm_writes_stopped', 'sync'])).toEqual(['incremental', 'final']);
    expect(copyKindsOf(['retry', 'record_final'])).toEqual([]);
  });

  it('options keep metadata; only the final pass removes deleted files and verifies everything', () => {
    expect(dataSyncOptionsFor('initial')).toMatchObject({
      VerifyMode: 'ONLY_FILES_TRANSFERRED',
      PreserveDeletedFiles: 'PRESERVE',
      PosixPermissions: 'PRESERVE',
      Uid: 'INT_VALUE',
      Gid: 'INT_VALUE',
      Atime: 'BEST_EFFORT',
      Mtime: 'PRESERVE',
    });
    expect(dataSyncOptionsFor('incremental')).toEqual(dataSyncOptionsFor('initial'));
    expect(dataSyncOptionsFor('final')).toMatchObject({
      VerifyMode: 'POINT_IN_TIME_CONSISTENT',
      PreserveDeletedFiles: 'REMOVE',
      TransferMode: 'CHANGED',
    });
  });

  it('which state each kind starts from', () => {
    expect(copyStartProblem('initial', 'target_ready', 'fs-1')).toBeUndefined();
    expect(copyStartProblem('incremental', 'target_ready', 'fs-1')).toMatch(/run the initial copy first/);
    expect(copyStartProblem('final', 'copying', 'fs-1')).toMatch(/follows a finished copy/);
    expect(copyStartProblem('final', 'final_sync', 'fs-1')).toBeUndefined();
    // verified needs a clean verification in the state machine itself.
    expect(() => transition('final_sync', 'verified', { verificationClean: false })).toThrow(
      /verification must be clean/,
    );
  });

  it('progress: percent, throughput from launch, ETA on the injected clock', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const p = copyProgressOf(
      {
        Status: 'TRANSFERRING',
        StartTime: start,
        LaunchTime: new Date(start.getTime() + 10_000),
        EstimatedBytesToTransfer: 1000_000,
        BytesTransferred: 250_000,
        EstimatedFilesToTransfer: 100,
        FilesTransferred: 25,
      },
      new Date(start.getTime() + 20_000),
    );
    expect(p).toEqual({
      phase: 'TRANSFERRING',
      filesTransferred: 25,
      filesEstimated: 100,
      bytesTransferred: 250_000,
      bytesEstimated: 1000_000,
      throughputBytesPerSecond: 25_000,
      elapsedMs: 20_000,
      etaMs: 30_000,
      percent: 25,
    });
    expect(formatCopyProgress(p)).toBe(
      'TRANSFERRING 25%: 25 of 100 files, 244.1 KiB of 976.6 KiB, 24.4 KiB/s, elapsed 20s, ETA 30s',
    );
    expect(copyProgressOf({ Status: 'LAUNCHING', StartTime: start }, start)).toMatchObject({
      percent: 0,
      elapsedMs: 0,
    });
    expect(copyProgressOf({ Status: 'LAUNCHING', StartTime: start }, start).etaMs).toBeUndefined();
  });

  it('a finished execution is measured to its own end: asking later changes neither elapsed nor throughput', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const finished = {
      Status: 'SUCCESS',
      StartTime: start,
      LaunchTime: new Date(start.getTime() + 5_000),
      EndTime: new Date(start.getTime() + 305_000),
      EstimatedBytesToTransfer: 69 * 1024 ** 2,
      BytesTransferred: 69 * 1024 ** 2,
      Result: { TransferStatus: 'SUCCESS', VerifyStatus: 'SUCCESS', TotalDuration: 305_000 },
    };
    const atEnd = copyProgressOf(finished, finished.EndTime);
    const hourLater = copyProgressOf(finished, new Date(start.getTime() + 3_600_000));
    expect(hourLater).toEqual(atEnd);
    expect(hourLater).toMatchObject({ elapsedMs: 305_000, throughputBytesPerSecond: 241_172, etaMs: 0 });
    // Without EndTime, StartTime + TotalDuration is the end.
    const { EndTime: _, ...noEnd } = finished;
    expect(copyProgressOf(noEnd, new Date(start.getTime() + 3_600_000))).toEqual(atEnd);
    // A running execution is measured to now.
    expect(
      copyProgressOf({ ...noEnd, Status: 'VERIFYING', Result: {} }, new Date(start.getTime() + 3_600_000))
        .elapsedMs,
    ).toBe(3_600_000);
  });

  it('only SUCCESS with VerifyStatus SUCCESS is clean', () => {
    expect(dataSyncVerdict({ Status: 'SUCCESS', Result: { VerifyStatus: 'SUCCESS' } }).clean).toBe(true);
    const bad = dataSyncVerdict({
      Status: 'ERROR',
      Result: { VerifyStatus: 'ERROR' },
      FilesFailed: { Verify: 2 },
    });
    expect(bad).toMatchObject({ clean: false, problem: expect.stringContaining('2 file(s) that differ') });
    expect(dataSyncVerdict({ Status: 'SUCCESS', Result: { VerifyStatus: 'PENDING' } }).clean).toBe(false);
  });

  it('replication plans no KmsKeyId for the existing twin, and says what it does not carry', () => {
    const calls = planCopyCalls({
      migration: { accountId: '1', region: 'eu-west-1', fileSystemId: 'fs-src' },
      method: 'replication',
      kind: 'initial',
      twinFileSystemId: 'fs-twin',
    });
    expect(calls.map((c) => c.operation)).toEqual([
      'efs:UpdateFileSystemProtection',
      'efs:CreateReplicationConfiguration',
      'efs:DescribeReplicationConfigurations',
    ]);
    expect(JSON.stringify(calls[1]!.input)).not.toContain('KmsKeyId');
    expect(replicationNotCarried('fs-src').join(' ')).toMatch(/FIFOs.*efs-replication-lost\+found-fs-src-/s);
  });
});
