import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import { dataSyncClientsFrom } from '../../src/aws/datasync.ts';
import { replicationClientsFrom } from '../../src/aws/efs-replication.ts';
import { efsLocationInput } from '../../src/domain/copy.ts';
import {
  ACCOUNT,
  REGION,
  SG_NFS,
  SOURCE,
  SUBNET_A,
  TWIN,
  startCopyHarness,
  type CopyHarness,
} from '../workflow/copy/copy-fixture.ts';

/** The DataSync and replication adapters through the real SDK clients, the account clients' credentials and rate limits. */
describe('DataSync and replication adapters', () => {
  let h: CopyHarness;
  let accounts: AccountClients;
  let clients: ReturnType<typeof dataSyncClientsFrom>;
  beforeEach(async () => {
    h = await startCopyHarness();
    accounts = createAccountClients({
      accounts: [],
      roleName: 'EfsEncryptRole',
      regions: [REGION],
      rateLimitPerSecond: 1000,
      maxAttempts: 1,
    });
    clients = dataSyncClientsFrom(accounts);
  });
  afterEach(async () => {
    clients.destroy();
    accounts.destroy();
    await h.close();
  });

  const m = { accountId: ACCOUNT, region: REGION, fileSystemId: SOURCE };
  const network = { accountId: ACCOUNT, region: REGION, subnetId: SUBNET_A, securityGroupIds: [SG_NFS] };

  it('creates, finds by URI and tags, and counts the calls under the account rate limiter', async () => {
    const ds = await clients.clientFor(ACCOUNT, REGION);
    const before = accounts.stats.snapshot().apiCalls;
    const created = await ds.createLocationEfs(efsLocationInput(m, SOURCE, 'source', network));
    await ds.createLocationEfs(efsLocationInput(m, TWIN, 'destination', network));
    const found = await ds.listEfsLocations(SOURCE);
    expect(found.map((l) => l.LocationArn)).toEqual([created.LocationArn]);
    expect(await ds.listTags(created.LocationArn!)).toContainEqual({
      Key: 'efs-encrypt:location-role',
      Value: 'source',
    });
    expect(await ds.listTasks()).toEqual([]);
    // Two creates, one listing, one tag listing, one task listing: all through the account's limiter.
    expect(accounts.stats.snapshot().apiCalls - before).toBe(5);
  });

  it('a subnet without a mount target of the file system is refused by DataSync with its reason', async () => {
    const ds = await clients.clientFor(ACCOUNT, REGION);
    await expect(
      ds.createLocationEfs(
        efsLocationInput(m, SOURCE, 'source', { ...network, subnetId: 'subnet-0000000000000dead' }),
      ),
    ).rejects.toThrow(/does not exist/);
  });

  it('replication: missing configuration is undefined, protection round-trips', async () => {
    const efs = await replicationClientsFrom(accounts)(ACCOUNT, REGION);
    expect(await efs.describeReplication(SOURCE)).toBeUndefined();
    expect(await efs.describeFileSystem('fs-0123456789abcdef0')).toBeUndefined();
    await efs.updateFileSystemProtection(TWIN, 'DISABLED');
    expect((await efs.describeFileSystem(TWIN))?.FileSystemProtection?.ReplicationOverwriteProtection).toBe(
      'DISABLED',
    );
    const created = await efs.createReplicationConfiguration({
      sourceFileSystemId: SOURCE,
      destinationFileSystemId: TWIN,
      region: REGION,
    });
    expect(created.Destinations?.[0]).toMatchObject({ FileSystemId: TWIN, Status: 'ENABLING' });
    expect((await efs.describeReplication(TWIN))?.SourceFileSystemId).toBe(SOURCE);
  });
});
