/**
 * EFS replication, as the EFS user guide and API reference describe it:
 * - "A file system can be part of only one replication configuration" and "only one destination
 *   configuration object is supported";
 * - a new destination is created encrypted (with Destinations[0].KmsKeyId or the EFS default key);
 *   an existing destination must have ReplicationOverwriteProtection DISABLED, after which it is
 *   REPLICATING: "read-only and is modified only by EFS replication";
 * - "When you initially configure replication to an existing file system, Amazon EFS writes data to
 *   or removes existing data from the destination file system to match data in the source";
 * - Destinations[].Status goes ENABLING → ENABLED; LastReplicatedTimestamp is "the time when the most
 *   recent sync was successfully completed" (the estate syncs every `replicationSyncMs`);
 * - "After a replication configuration is deleted, the destination file system becomes Writeable and
 *   its replication overwrite protection is re-enabled."
 */
import type {
  CreateReplicationConfigurationRequest,
  DeleteReplicationConfigurationRequest,
  ReplicationConfigurationDescription,
} from '@aws-sdk/client-efs';
import { stableHex } from '../ids.ts';
import type { EstateFileSystem } from '../types.ts';
import { copyContent } from './content.ts';
import type { EfsFileSystemWrites } from './efs-file-systems.ts';
import { efsWriteErrors, EfsStore, type Located } from './efs-store.ts';
import type { CallContext, EstateModel } from './estate-model.ts';

export class EfsReplicationWrites {
  private readonly store: EfsStore;

  constructor(
    private readonly model: EstateModel,
    private readonly fileSystems: EfsFileSystemWrites,
  ) {
    this.store = new EfsStore(model);
  }

  createReplicationConfiguration(
    ctx: CallContext,
    input: CreateReplicationConfigurationRequest,
  ): ReplicationConfigurationDescription {
    const source = this.store.locateFileSystem(ctx, input.SourceFileSystemId);
    const fs = source.item;
    this.store.requireAvailable(fs);
    const destinations = input.Destinations ?? [];
    if (destinations.length !== 1)
      throw efsWriteErrors.validation(
        'Give exactly one destination: a replication configuration has one destination.',
      );
    const wanted = destinations[0]!;
    if (fs.Replications.length > 0)
      throw efsWriteErrors.validation(
        `File system ${fs.FileSystemId} is already part of a replication configuration; a file system can be part of only one.`,
      );
    const destRegion =
      wanted.Region ??
      (wanted.AvailabilityZoneName ? wanted.AvailabilityZoneName.slice(0, -1) : source.region);
    const destination =
      wanted.FileSystemId !== undefined
        ? this.existingDestination(ctx, destRegion, wanted.FileSystemId, fs)
        : this.newDestination(ctx, destRegion, wanted.AvailabilityZoneName, wanted.KmsKeyId, fs);
    const dest = destination.item;

    const now = this.model.now();
    const replication: ReplicationConfigurationDescription = {
      SourceFileSystemId: fs.FileSystemId,
      SourceFileSystemRegion: source.region,
      SourceFileSystemArn: fs.FileSystemArn,
      OriginalSourceFileSystemArn: fs.FileSystemArn,
      CreationTime: now,
      SourceFileSystemOwnerId: fs.OwnerId,
      Destinations: [
        {
          Status: 'ENABLING',
          FileSystemId: dest.FileSystemId,
          Region: destination.region,
          OwnerId: dest.OwnerId,
          ...(wanted.RoleArn !== undefined ? { RoleArn: wanted.RoleArn } : {}),
        },
      ],
    };
    // One object shared by both file systems, so either side describes the live state.
    fs.Replications = [replication];
    dest.Replications = [replication];
    dest.FileSystemProtection = { ReplicationOverwriteProtection: 'REPLICATING' };
    this.model.timeline.at(now.getTime() + this.model.timing.replicationEnableMs, (at) =>
      this.firstSync(replication, fs, dest, at),
    );
    return describe(replication);
  }

  /** Either side's ID is accepted, as the reference's DeletionMode text implies (both sides hold the configuration). */
  deleteReplicationConfiguration(ctx: CallContext, input: DeleteReplicationConfigurationRequest): void {
    const fs = this.store.fileSystem(ctx, input.SourceFileSystemId);
    const replication = fs.Replications[0];
    if (!replication) throw efsWriteErrors.replicationNotFound(fs.FileSystemId);
    const destination = replication.Destinations![0]!;
    if (destination.Status === 'DELETING') return;
    destination.Status = 'DELETING';
    this.model.timeline.at(this.model.now().getTime() + this.model.timing.replicationDeleteMs, () => {
      const source = this.find(
        replication.SourceFileSystemOwnerId!,
        replication.SourceFileSystemRegion!,
        replication.SourceFileSystemId!,
      );
      const dest = this.find(
        destination.OwnerId ?? ctx.accountId,
        destination.Region!,
        destination.FileSystemId!,
      );
      if (source) source.Replications = source.Replications.filter((r) => r !== replication);
      if (dest) {
        dest.Replications = dest.Replications.filter((r) => r !== replication);
        dest.FileSystemProtection = { ReplicationOverwriteProtection: 'ENABLED' };
      }
    });
  }

  private existingDestination(
    ctx: CallContext,
    region: string,
    ref: string,
    source: EstateFileSystem,
  ): Located<EstateFileSystem> {
    const located = this.store.locateFileSystem({ accountId: ctx.accountId, region }, ref);
    const dest = located.item;
    if (dest.FileSystemId === source.FileSystemId)
      throw efsWriteErrors.validation('The destination cannot be the source file system.');
    this.store.requireAvailable(dest);
    if (dest.Replications.length > 0)
      throw efsWriteErrors.validation(
        `File system ${dest.FileSystemId} is already part of a replication configuration; a file system can be part of only one.`,
      );
    if (dest.FileSystemProtection?.ReplicationOverwriteProtection !== 'DISABLED')
      throw efsWriteErrors.validation(
        `File system ${dest.FileSystemId} has replication overwrite protection ${dest.FileSystemProtection?.ReplicationOverwriteProtection ?? 'ENABLED'}; disable it with UpdateFileSystemProtection before using it as a destination.`,
      );
    // ConflictException: "Returned if the source file system in a replication is encrypted but the destination file system is unencrypted."
    if (source.Encrypted && !dest.Encrypted)
      throw efsWriteErrors.conflict(
        `Source ${source.FileSystemId} is encrypted but destination ${dest.FileSystemId} is not.`,
      );
    return located;
  }

  private newDestination(
    ctx: CallContext,
    region: string,
    zone: string | undefined,
    kmsKeyId: string | undefined,
    source: EstateFileSystem,
  ): Located<EstateFileSystem> {
    const destCtx = { ...ctx, region };
    const created = this.fileSystems.createFileSystem(destCtx, {
      CreationToken: `replication-${stableHex(`${source.FileSystemArn}/${this.model.now().getTime()}`, 24)}`,
      Encrypted: true,
      ...(kmsKeyId !== undefined ? { KmsKeyId: kmsKeyId } : {}),
      ...(zone !== undefined ? { AvailabilityZoneName: zone } : {}),
      PerformanceMode: 'generalPurpose',
      ThroughputMode: 'elastic',
    });
    return this.store.locateFileSystem(destCtx, created.FileSystemId);
  }

  private firstSync(
    replication: ReplicationConfigurationDescription,
    source: EstateFileSystem,
    dest: EstateFileSystem,
    at: Date,
  ): void {
    const destination = replication.Destinations![0]!;
    if (destination.Status !== 'ENABLING') return;
    if (dest.LifeCycleState === 'error') {
      destination.Status = 'ERROR';
      destination.StatusMessage = `Destination file system ${dest.FileSystemId} could not be created: its KMS key is not usable.`;
      return;
    }
    destination.Status = 'ENABLED';
    this.sync(replication, source, dest, at);
  }

  private sync(
    replication: ReplicationConfigurationDescription,
    source: EstateFileSystem,
    dest: EstateFileSystem,
    at: Date,
  ): void {
    const destination = replication.Destinations![0]!;
    if (destination.Status !== 'ENABLED' || !source.Replications.includes(replication)) return;
    this.store.setContent(dest, copyContent(this.store.content(source), this.store.content(dest), true), at);
    destination.LastReplicatedTimestamp = at;
    this.model.timeline.at(at.getTime() + this.model.timing.replicationSyncMs, (next) =>
      this.sync(replication, source, dest, next),
    );
  }

  private find(accountId: string, region: string, id: string): EstateFileSystem | undefined {
    return this.store.fileSystems({ accountId, region }).find((f) => f.FileSystemId === id);
  }
}

function describe(r: ReplicationConfigurationDescription): ReplicationConfigurationDescription {
  return {
    ...r,
    Destinations: r.Destinations?.map((d) => ({ ...d })),
  } satisfies ReplicationConfigurationDescription;
}
