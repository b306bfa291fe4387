import { afterEach, beforeEach, expect, test } from 'vitest';
import {
  CreateReplicationConfigurationCommand,
  DeleteFileSystemCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  FileSystemInUse,
  ReplicationAlreadyExists,
  ReplicationNotFound,
  UpdateFileSystemProtectionCommand,
  ValidationException,
  CreateFileSystemCommand,
} from '@aws-sdk/client-efs';
import { DEFAULT_TIMING } from '../../src/estate/timing.ts';
import { ACCOUNT, KEY, REGION, SOURCE, startWriteHarness, type WriteHarness } from './write-fixture.ts';

let h: WriteHarness;
beforeEach(async () => {
  h = await startWriteHarness();
});
afterEach(() => h.server.close());

const ref = (fileSystemId: string) => ({ accountId: ACCOUNT, region: REGION, fileSystemId });

async function twin(): Promise<string> {
  const fs = await h.efs.send(
    new CreateFileSystemCommand({ CreationToken: 'twin', Encrypted: true, KmsKeyId: KEY }),
  );
  h.advance(DEFAULT_TIMING.fileSystemCreateMs);
  return fs.FileSystemId!;
}

const replicate = (dest: string) =>
  h.efs.send(
    new CreateReplicationConfigurationCommand({
      SourceFileSystemId: SOURCE,
      Destinations: [{ Region: REGION, FileSystemId: dest }],
    }),
  );

test('an existing destination must have overwrite protection disabled first', async () => {
  const dest = await twin();
  await expect(replicate(dest)).rejects.toBeInstanceOf(ValidationException);
  await expect(replicate(dest)).rejects.toThrow(/disable it with UpdateFileSystemProtection/);
});

test('replicating into the twin: read-only destination, ENABLING → ENABLED, syncs on the clock, delete restores protection', async () => {
  const dest = await twin();
  await h.efs.send(
    new UpdateFileSystemProtectionCommand({ FileSystemId: dest, ReplicationOverwriteProtection: 'DISABLED' }),
  );
  const created = await replicate(dest);
  expect(created).toMatchObject({
    SourceFileSystemId: SOURCE,
    Destinations: [{ FileSystemId: dest, Status: 'ENABLING', Region: REGION }],
  });
  const protection = async () =>
    (await h.efs.send(new DescribeFileSystemsCommand({ FileSystemId: dest }))).FileSystems![0]!
      .FileSystemProtection;
  expect(await protection()).toEqual({ ReplicationOverwriteProtection: 'REPLICATING' });
  expect(() => h.server.control.writeFiles(ref(dest), { files: 1, bytes: 1 })).toThrow(/read-only/);

  // Neither side can be deleted or re-protected while the configuration exists.
  await expect(h.efs.send(new DeleteFileSystemCommand({ FileSystemId: dest }))).rejects.toBeInstanceOf(
    FileSystemInUse,
  );
  await expect(
    h.efs.send(
      new UpdateFileSystemProtectionCommand({
        FileSystemId: dest,
        ReplicationOverwriteProtection: 'ENABLED',
      }),
    ),
  ).rejects.toBeInstanceOf(ReplicationAlreadyExists);
  await expect(replicate(dest)).rejects.toBeInstanceOf(ValidationException);

  h.advance(DEFAULT_TIMING.replicationEnableMs);
  const enabledAt = h.server.control.now();
  const seen = await h.efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: dest }));
  expect(seen.Replications![0]!.Destinations![0]).toMatchObject({
    Status: 'ENABLED',
    LastReplicatedTimestamp: enabledAt,
  });
  const source = h.server.control.fileSystem(ref(SOURCE))!;
  expect(h.server.control.fileSystem(ref(dest))!.content).toEqual(source.content);

  // Writes after T0 arrive at the next sync, and LastReplicatedTimestamp passes T0.
  h.advance(1000);
  const t0 = h.server.control.now();
  h.server.control.writeFiles(ref(SOURCE), { files: 10, bytes: 10_000 });
  expect(h.server.control.fileSystem(ref(dest))!.content).not.toEqual(
    h.server.control.fileSystem(ref(SOURCE))!.content,
  );
  h.advance(DEFAULT_TIMING.replicationSyncMs);
  const later = await h.efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SOURCE }));
  expect(later.Replications![0]!.Destinations![0]!.LastReplicatedTimestamp!.getTime()).toBeGreaterThan(
    t0.getTime(),
  );
  expect(h.server.control.fileSystem(ref(dest))!.content).toEqual(
    h.server.control.fileSystem(ref(SOURCE))!.content,
  );

  await h.efs.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: SOURCE }));
  const deleting = await h.efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SOURCE }));
  expect(deleting.Replications![0]!.Destinations![0]!.Status).toBe('DELETING');
  h.advance(DEFAULT_TIMING.replicationDeleteMs);
  await expect(
    h.efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SOURCE })),
  ).rejects.toBeInstanceOf(ReplicationNotFound);
  // "the destination file system becomes Writeable and its replication overwrite protection is re-enabled"
  expect(await protection()).toEqual({ ReplicationOverwriteProtection: 'ENABLED' });
  expect(h.server.control.writeFiles(ref(dest), { files: 1, bytes: 1 }).files).toBeGreaterThan(0);
});

test('without a destination ID a new encrypted file system is created', async () => {
  const created = await h.efs.send(
    new CreateReplicationConfigurationCommand({
      SourceFileSystemId: SOURCE,
      Destinations: [{ Region: REGION, KmsKeyId: 'alias/twin-key' }],
    }),
  );
  const destId = created.Destinations![0]!.FileSystemId!;
  const dest = (await h.efs.send(new DescribeFileSystemsCommand({ FileSystemId: destId }))).FileSystems![0]!;
  expect(dest).toMatchObject({
    Encrypted: true,
    KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`,
    FileSystemProtection: { ReplicationOverwriteProtection: 'REPLICATING' },
  });
  await expect(h.efs.send(new DeleteFileSystemCommand({ FileSystemId: destId }))).rejects.toThrow(
    /replication configuration/,
  );
});
