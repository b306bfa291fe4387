import type { Destination } from '@aws-sdk/client-efs';
import { CopyResourceKeys as Keys, replicationNotCarried } from '../../domain/copy.ts';
import { CopyBlockedError } from './copy-errors.ts';
import { builtTwinIdOf, requestIds, type CopySession } from './copy-session.ts';
import type { MethodOutcome } from './datasync-copy.ts';
import type { IEfsReplicationClient } from './ports.ts';

/**
 * EFS replication of the source into its built encrypted twin, as one copy job runs it. Rules,
 * each from the EFS API reference or user guide:
 * - an existing destination needs ReplicationOverwriteProtection DISABLED first, and is read-only
 *   (REPLICATING) while it is a destination (UpdateFileSystemProtection; "Configuring replication
 *   to an existing EFS file system");
 * - no KmsKeyId is passed with an existing FileSystemId: the key is chosen when EFS creates a new
 *   destination, and "After the file system is created, you cannot change the KMS key"
 *   (DestinationToCreate). The twin was built encrypted with the decided key.
 * - LastReplicatedTimestamp: "Any changes to data on the source file system that occurred before
 *   this time have been successfully replicated" (Destination), so once it passes the time writes
 *   stopped (T0), the twin holds everything written before T0;
 * - "After a replication configuration is deleted, the destination file system becomes Writeable
 *   and its replication overwrite protection is re-enabled" (DeleteReplicationConfiguration); the
 *   bot still checks and restores ENABLED itself;
 * - what replication does not carry (sockets, FIFOs; the efs-replication-lost+found directory) is
 *   reported with the final sync (domain/copy.ts replicationNotCarried).
 */

export interface ReplicationCopyDeps {
  replicationFor(accountId: string, region: string): Promise<IEfsReplicationClient>;
  pollMs: number;
  /** Upper bound on waiting for a sync (default 24 h). */
  maxWaitMs?: number;
}

export async function runReplicationCopy(deps: ReplicationCopyDeps, s: CopySession): Promise<MethodOutcome> {
  const m = s.record();
  const twinId = builtTwinIdOf(m);
  const client = await deps.replicationFor(m.accountId, m.region);
  const maxWaitMs = deps.maxWaitMs ?? 24 * 3_600_000;
  const started = s.clock.now().getTime();

  if (s.kind === 'initial') {
    await ensureReplication();
    const d = await waitFor(
      'the first sync',
      (dest) => dest.Status === 'ENABLED' && dest.LastReplicatedTimestamp !== undefined,
    );
    return synced(d, 'Replication enabled; first sync complete');
  }
  if (s.kind === 'incremental') {
    const since = new Date(m.resources[Keys.syncRequestedAt(s.ctx.job.generation)] ?? s.ctx.job.createdAt);
    const d = await waitFor(
      `a sync after ${since.toISOString()}`,
      (dest) => (dest.LastReplicatedTimestamp?.getTime() ?? 0) > since.getTime(),
    );
    return synced(d, 'Replication synced again');
  }
  return finalSync();

  // ---------------------------------------------------------------------------------------------

  async function ensureReplication(): Promise<void> {
    const existing = await s.call('replication', 'DescribeReplicationConfigurations', () =>
      client.describeReplication(m.fileSystemId),
    );
    if (existing) {
      const dest = existing.Destinations?.[0];
      if (existing.SourceFileSystemId !== m.fileSystemId || dest?.FileSystemId !== twinId)
        throw new CopyBlockedError(
          'replication',
          `${m.fileSystemId} is already in a replication configuration (${existing.SourceFileSystemId} → ${dest?.FileSystemId ?? 'unknown'}); a file system can be part of only one. Delete it, or choose DataSync or rsync.`,
          'ReplicationExists',
        );
      if (s.record().resources[Keys.replicationDestination] !== twinId)
        await s.persist(
          'replication',
          { [Keys.replicationDestination]: twinId },
          `Adopted the replication ${m.fileSystemId} → ${twinId}, made by an earlier attempt`,
        );
      return;
    }
    const twin = await s.call('protection', 'DescribeFileSystems', () => client.describeFileSystem(twinId));
    if (!twin)
      throw new CopyBlockedError(
        'protection',
        `The twin ${twinId} no longer exists; it was deleted outside the bot.`,
        'FileSystemNotFound',
      );
    if (!twin.Encrypted)
      throw new CopyBlockedError(
        'protection',
        `The twin ${twinId} is not encrypted; it cannot be the destination.`,
        'TwinNotEncrypted',
      );
    if (twin.FileSystemProtection?.ReplicationOverwriteProtection !== 'DISABLED') {
      const out = await s.call('protection', 'UpdateFileSystemProtection', () =>
        client.updateFileSystemProtection(twinId, 'DISABLED'),
      );
      await s.persist(
        'protection',
        {},
        `Replication overwrite protection of ${twinId} DISABLED (it becomes read-only while replicating)`,
        requestIds(out),
      );
    }
    const out = await s.call('replication', 'CreateReplicationConfiguration', () =>
      client.createReplicationConfiguration({
        sourceFileSystemId: m.fileSystemId,
        destinationFileSystemId: twinId,
        region: m.region,
      }),
    );
    await s.persist(
      'replication',
      { [Keys.replicationDestination]: twinId },
      `Replication ${m.fileSystemId} → ${twinId} created (${out.Destinations?.[0]?.Status ?? 'ENABLING'})`,
      requestIds(out),
    );
  }

  /** Polls the configuration, announcing Status and LastReplicatedTimestamp, until `done`. */
  async function waitFor(what: string, done: (d: Destination) => boolean): Promise<Destination> {
    for (;;) {
      const r = await s.call('sync', 'DescribeReplicationConfigurations', () =>
        client.describeReplication(m.fileSystemId),
      );
      const d = r?.Destinations?.find((x) => x.FileSystemId === twinId);
      if (!r || !d)
        throw new CopyBlockedError(
          'sync',
          `The replication ${m.fileSystemId} → ${twinId} no longer exists; it was deleted outside the bot. Retry the initial copy to create it again.`,
          'ReplicationNotFound',
        );
      const last = d.LastReplicatedTimestamp;
      const elapsedMs = s.clock.now().getTime() - started;
      await s.recordProgress({
        method: 'replication',
        destinationFileSystemId: twinId,
        status: d.Status ?? 'UNKNOWN',
        ...(last ? { lastReplicatedTimestamp: last.toISOString() } : {}),
        waitingFor: what,
        elapsedMs,
      });
      await s.notify(
        'progress',
        'copy.progress',
        `${m.fileSystemId} → ${twinId} replication ${d.Status}; last synced ${last ? last.toISOString() : 'not yet'}; waiting for ${what}`,
        {
          progress: { phase: d.Status, lastReplicatedTimestamp: last?.toISOString(), elapsedMs },
          replicationStatus: d.Status,
        },
      );
      if (d.Status === 'ERROR' || d.Status === 'PAUSED')
        throw new CopyBlockedError(
          'sync',
          `Replication ${m.fileSystemId} → ${twinId} is ${d.Status}: ${d.StatusMessage ?? 'no message'}. Fix the cause (see the EFS console's replication details), then Retry.`,
          `Replication${d.Status === 'ERROR' ? 'Error' : 'Paused'}`,
        );
      if (done(d)) return d;
      if (elapsedMs >= maxWaitMs)
        throw new CopyBlockedError(
          'sync',
          `Gave up waiting for ${what} after ${Math.round(maxWaitMs / 60_000)} min (last synced ${last?.toISOString() ?? 'never'}); Retry to wait again.`,
          'WaitTimedOut',
        );
      await s.sleep(deps.pollMs);
    }
  }

  function synced(d: Destination, what: string): MethodOutcome {
    const last = d.LastReplicatedTimestamp!.toISOString();
    return { summary: `${what}: last synced ${last}`, resources: { [Keys.lastReplicatedTimestamp]: last } };
  }

  async function finalSync(): Promise<MethodOutcome> {
    const t0Text = s.record().resources[Keys.writesStoppedAt];
    if (!t0Text)
      throw new CopyBlockedError(
        'final',
        'The final sync of a replication needs the time writes stopped (T0); confirm it first.',
        'NoWritesStoppedTime',
      );
    const t0 = new Date(t0Text);
    const existing = await s.call('final', 'DescribeReplicationConfigurations', () =>
      client.describeReplication(m.fileSystemId),
    );
    if (existing && existing.Destinations?.[0]?.Status !== 'DELETING') {
      const d = await waitFor(
        `a sync after writes stopped at ${t0Text}`,
        (dest) => (dest.LastReplicatedTimestamp?.getTime() ?? 0) > t0.getTime(),
      );
      // Persisted before the delete: once the configuration is gone, this record is the proof.
      await s.persist(
        'synced-past-t0',
        { [Keys.lastReplicatedTimestamp]: d.LastReplicatedTimestamp!.toISOString() },
        `Replication synced at ${d.LastReplicatedTimestamp!.toISOString()}, after writes stopped at ${t0Text}`,
      );
      const out = await s.call('delete-replication', 'DeleteReplicationConfiguration', () =>
        client.deleteReplicationConfiguration(m.fileSystemId),
      );
      await s.persist(
        'delete-replication',
        {},
        `Replication ${m.fileSystemId} → ${twinId} deleted; the twin becomes writable`,
        requestIds(out),
      );
    }
    const proof = s.record().resources[Keys.lastReplicatedTimestamp];
    if (!proof || new Date(proof).getTime() <= t0.getTime())
      throw new CopyBlockedError(
        'final',
        `The replication of ${m.fileSystemId} was deleted before a sync after ${t0Text} was seen, so the copy cannot be proven. Verify with DataSync or rsync instead.`,
        'NotVerified',
      );
    // Deleting takes minutes; the twin stays read-only until it is done.
    for (;;) {
      const r = await s.call('delete-replication', 'DescribeReplicationConfigurations', () =>
        client.describeReplication(m.fileSystemId),
      );
      if (!r) break;
      if (s.clock.now().getTime() - started >= maxWaitMs)
        throw new CopyBlockedError(
          'delete-replication',
          `The replication of ${m.fileSystemId} is still ${r.Destinations?.[0]?.Status ?? 'present'}; Retry to wait again.`,
          'WaitTimedOut',
        );
      await s.sleep(deps.pollMs);
    }
    const twin = await s.call('protection', 'DescribeFileSystems', () => client.describeFileSystem(twinId));
    if (twin && twin.FileSystemProtection?.ReplicationOverwriteProtection !== 'ENABLED') {
      const out = await s.call('protection', 'UpdateFileSystemProtection', () =>
        client.updateFileSystemProtection(twinId, 'ENABLED'),
      );
      await s.persist(
        'protection',
        {},
        `Replication overwrite protection of ${twinId} restored to ENABLED`,
        requestIds(out),
      );
    }
    const line = `EFS replication synced at ${proof}, after writes stopped at ${t0Text}; configuration deleted, ${twinId} writable with overwrite protection ENABLED`;
    return {
      verificationClean: true,
      summary: line,
      notCarried: replicationNotCarried(m.fileSystemId),
      resources: { [Keys.verification]: line },
    };
  }
}
