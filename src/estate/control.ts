/**
 * The estate's test-and-demo control surface: in-process methods on the server handle, never
 * reachable over the wire, so the bot cannot depend on them. Tests move time, queue failures,
 * change what AWS would change behind the bot's back (a key disabled, files written), and inspect
 * state without going through the API they are testing.
 */
import { findKey } from './normalise.ts';
import { AwsApiError } from './model/api-error.ts';
import { copyContent, newBatch, totals, type ContentTotals } from './model/content.ts';
import { EfsStore } from './model/efs-store.ts';
import type { EstateModel } from './model/estate-model.ts';
import type { DataSyncControl } from './model/datasync-service.ts';
import type { EcsControl } from './model/ecs-service.ts';
import type { EstateActivity, EstateFileSystem } from './types.ts';

export interface FileSystemRef {
  accountId: string;
  region: string;
  fileSystemId: string;
}

export interface FailureSpec {
  /** The AWS error code, e.g. `InternalServerError`, `ThrottlingException`, `MountTargetConflict`. */
  code: string;
  message?: string;
  /** Default 400 (500 for codes containing `Internal`). */
  httpStatus?: number;
  /** Extra members of the error shape (e.g. `{ FileSystemId }`). */
  members?: Record<string, unknown>;
}

export interface EstateControl {
  /** The estate's current time (its clock plus any `advance`). */
  now(): Date;
  /** Moves the estate's time forward and applies whatever became due. Other clock users do not move. */
  advance(ms: number): void;
  /** Applies what is due by the clock now (useful after moving an injected ManualClock). */
  settle(): void;
  /**
   * The next call(s) of `operation` (`CreateMountTarget` or `efs:CreateMountTarget`) answer with
   * this error instead of running, optionally only for one account.
   */
  failNext(operation: string, failure: FailureSpec, options?: { accountId?: string; times?: number }): void;
  /** A copy of the file system as the estate holds it, with its content totals; undefined if it does not exist. */
  fileSystem(ref: FileSystemRef): (EstateFileSystem & { content: ContentTotals }) | undefined;
  /** Changes a key's state as KMS DisableKey/EnableKey/ScheduleKeyDeletion would. */
  setKeyState(
    accountId: string,
    region: string,
    keyRef: string,
    state: 'Enabled' | 'Disabled' | 'PendingDeletion',
  ): void;
  /** Writes files (negative numbers remove them); refused on a read-only replication destination. */
  writeFiles(ref: FileSystemRef, change: { files: number; bytes: number }): ContentTotals;
  /**
   * Sets (or with undefined clears) a file system's client activity as CloudWatch reports it
   * (ClientConnections and TotalIOBytes per minute, from `since` until `until`).
   */
  setActivity(ref: FileSystemRef, activity: EstateActivity | undefined): void;
  /** Makes the target's content equal to the source's, as a finished rsync run would. */
  copyContent(from: FileSystemRef, to: FileSystemRef): ContentTotals;
  datasync: DataSyncControl;
  /** Failing the next deployment of a service, reading a service as the estate holds it. */
  ecs: EcsControl;
}

export function createControl(model: EstateModel, datasync: DataSyncControl, ecs: EcsControl): EstateControl {
  const store = new EfsStore(model);
  const find = (ref: FileSystemRef): EstateFileSystem => {
    model.settle();
    const fs = store.fileSystems(ref).find((f) => f.FileSystemId === ref.fileSystemId);
    if (!fs) throw new Error(`control: no file system ${ref.fileSystemId} in ${ref.accountId}/${ref.region}`);
    return fs;
  };
  return {
    now: () => model.now(),
    advance: (ms) => model.advance(ms),
    settle: () => model.settle(),
    failNext(operation, failure, options = {}) {
      const status = failure.httpStatus ?? (/Internal/.test(failure.code) ? 500 : 400);
      model.queueFailure({
        operation,
        ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
        remaining: options.times ?? 1,
        error: () =>
          new AwsApiError(
            failure.code,
            failure.message ?? `Injected by the estate's control surface: ${failure.code}.`,
            status,
            status >= 500 ? 'Receiver' : 'Sender',
            failure.members ?? {},
          ),
      });
    },
    fileSystem(ref) {
      model.settle();
      const fs = store.fileSystems(ref).find((f) => f.FileSystemId === ref.fileSystemId);
      if (!fs) return undefined;
      return { ...structuredClone(fs), content: totals(store.content(fs)) };
    },
    setKeyState(accountId, region, keyRef, state) {
      const key = findKey(model.region({ accountId, region }).keys, keyRef, region, accountId);
      if (!key) throw new Error(`control: no key ${keyRef} in ${accountId}/${region}`);
      key.KeyState = state;
      key.Enabled = state === 'Enabled';
      if (state === 'PendingDeletion') {
        key.DeletionDate = new Date(model.now().getTime() + 30 * 86_400_000);
        key.PendingDeletionWindowInDays = 30;
      } else {
        delete key.DeletionDate;
        delete key.PendingDeletionWindowInDays;
      }
    },
    writeFiles(ref, change) {
      const fs = find(ref);
      const protection = fs.FileSystemProtection?.ReplicationOverwriteProtection;
      if (protection === 'REPLICATING' || protection === 'DISABLED')
        throw new Error(
          `control: ${fs.FileSystemId} is read-only (replication overwrite protection ${protection}); only EFS replication writes to it`,
        );
      const content = store.content(fs);
      store.setContent(
        fs,
        { batches: [...content.batches, newBatch(change.files, change.bytes)] },
        model.now(),
      );
      return totals(store.content(fs));
    },
    setActivity(ref, activity) {
      const fs = find(ref);
      if (activity) fs.Activity = structuredClone(activity);
      else delete fs.Activity;
    },
    copyContent(from, to) {
      const source = find(from);
      const target = find(to);
      store.setContent(target, copyContent(store.content(source), store.content(target), true), model.now());
      return totals(store.content(target));
    },
    datasync,
    ecs,
  };
}
