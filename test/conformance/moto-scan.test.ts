import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import { systemClock } from '../../src/domain/clock.ts';
import type { FileSystemRecord, ScanRecord } from '../../src/domain/inventory.ts';
import { RecordingIoHost } from '../../src/workflow/io-host.ts';
import { createScanWorkflow } from '../../src/workflow/scan/index.ts';
import { InMemoryScanRepository } from '../harness/fake-services.ts';
import { restoreEnv } from '../harness/sdk-env.ts';
import { MOTO_ACCOUNTS, MOTO_REGIONS, MOTO_ROLE, seedMoto, type MotoSeed } from './moto-seed.ts';
import { motoServerAvailable, startMotoServer, type MotoServer } from './moto-server.ts';

/**
 * Conformance tier (DESIGN.md, "A second reference: moto"): the bot's scan against an AWS emulator the
 * team did not write, reached through the same AWS_ENDPOINT_URL switch as the local estate.
 * Where moto and AWS's documentation disagree, AWS wins; each difference is named where it is tolerated.
 */
const available = motoServerAvailable();
if (!available)
  console.log('conformance tier skipped: moto_server is not on PATH (pip install "moto[server]")');

describe.skipIf(!available)('scan against moto_server', () => {
  let moto: MotoServer;
  let seed: MotoSeed;
  let clients: AccountClients;
  let scan: ScanRecord;
  let io: RecordingIoHost;
  const saved = { ...process.env };
  const byId = (id: string): FileSystemRecord => {
    const fs = scan.fileSystems.find((f) => f.fileSystemId === id);
    if (!fs) throw new Error(`${id} missing from the inventory`);
    return fs;
  };

  beforeAll(async () => {
    moto = await startMotoServer();
    seed = await seedMoto(moto.endpoint);
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDCONFORMANCE';
    process.env.AWS_SECRET_ACCESS_KEY = 'conformance';
    process.env.AWS_REGION = 'us-east-1';
    clients = createAccountClients({
      accounts: [MOTO_ACCOUNTS.payments, MOTO_ACCOUNTS.analytics],
      roleName: MOTO_ROLE,
      regions: [...MOTO_REGIONS],
      rateLimitPerSecond: 50,
    });
    io = new RecordingIoHost();
    scan = await createScanWorkflow({
      clientsFor: (a, r) => clients.clientsFor(a, r),
      listTargets: () => clients.listTargets(),
      scans: new InMemoryScanRepository(),
      io,
      clock: systemClock,
      concurrency: 4,
      callCounts: () => clients.stats.snapshot(),
    }).run({ requestedBy: 'conformance' });
  }, 60_000);

  afterAll(async () => {
    clients?.destroy();
    await moto?.close();
    restoreEnv(saved);
  });

  it('reaches both accounts through AssumeRole and scans every region without failure', () => {
    expect(scan.failures).toEqual([]);
    expect(new Set(scan.fileSystems.map((f) => f.accountId))).toEqual(new Set(Object.values(MOTO_ACCOUNTS)));
    expect(scan.fileSystems).toHaveLength(7);
    expect(scan.stats.apiCalls).toBeGreaterThan(0);
  });

  it('reports the unencrypted file system with its mount targets, security groups and access point', () => {
    const fs = byId(seed.unencryptedWithMounts);
    expect(fs).toMatchObject({
      accountId: MOTO_ACCOUNTS.payments,
      region: 'eu-west-1',
      encrypted: false,
      classification: 'unencrypted',
    });
    expect(fs.tags).toMatchObject({ env: 'prod', owner: 'payments-platform' });
    expect(fs.mountTargets.map((m) => m.mountTargetId).sort()).toEqual([...seed.mountTargetIds].sort());
    expect(fs.mountTargets.map((m) => m.availabilityZoneName).sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    // The groups each mount target was created with, read back (from its network interface, or
    // DescribeMountTargetSecurityGroups): moto 5.2.1 answers both as AWS does.
    expect(fs.mountTargets.map((m) => m.securityGroups)).toEqual([
      [seed.securityGroupId],
      [seed.securityGroupId],
    ]);
    expect(fs.mountTargets.map((m) => m.subnetId).sort()).toEqual([...seed.subnetIds].sort());
    expect(fs.vpcIds).toEqual([seed.vpcId]);
    expect(fs.accessPoints).toEqual([
      expect.objectContaining({
        accessPointId: seed.accessPointId,
        rootDirectory: {
          path: '/ledger',
          creationInfo: { ownerUid: 1001, ownerGid: 1001, permissions: '750' },
        },
        posixUser: { uid: 1001, gid: 1001, secondaryGids: [2000] },
      }),
    ]);
    expect(fs.lifecyclePolicies).toEqual([{ transitionToIA: 'AFTER_30_DAYS' }]);
    expect(fs.fileSystemPolicy).toContain('aws:SecureTransport');
    expect(fs.flags).not.toContain('inactive');
  });

  it('notes where moto answers differently from AWS, without failing the scan', () => {
    const fs = byId(seed.unencryptedWithMounts);
    // moto 5.2 has no DescribeReplicationConfigurations route (it answers an HTML 404/500); AWS answers
    // ReplicationNotFound or an empty list. The scan records that as a per-file-system error, flagged
    // `incomplete`, and keeps every other attribute.
    const replicationErrors = fs.errors.filter((e) => e.operation === 'DescribeReplicationConfigurations');
    if (replicationErrors.length) expect(fs.flags).toContain('incomplete');
    expect(fs.errors.filter((e) => e.operation !== 'DescribeReplicationConfigurations')).toEqual([]);
  });

  it('flags the file system without mount targets as inactive', () => {
    expect(byId(seed.unencryptedInactive).flags).toContain('inactive');
  });

  it('resolves customer-managed keys, their aliases and states', () => {
    const ok = byId(seed.encryptedCmkEnabled);
    expect(ok).toMatchObject({
      encrypted: true,
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
      kmsKeyArn: seed.enabledKeyArn,
    });
    expect(ok.keyAliases).toContain('alias/payments-data');
    expect(ok.flags).not.toContain('key-at-risk');
    expect(byId(seed.encryptedCmkDisabled)).toMatchObject({
      keyState: 'Disabled',
      flags: expect.arrayContaining(['key-at-risk']),
    });
    expect(byId(seed.encryptedCmkPendingDeletion)).toMatchObject({
      keyState: 'PendingDeletion',
      flags: expect.arrayContaining(['key-at-risk']),
    });
  });

  it('treats an encrypted file system with no key in the answer as using the AWS-managed key', () => {
    // AWS returns the aws/elasticfilesystem key's ARN in KmsKeyId when none was chosen at creation;
    // moto 5.2 returns no KmsKeyId at all. Either way the inventory must say "AWS-managed key".
    const fs = byId(seed.encryptedDefaultKey);
    expect(fs).toMatchObject({
      accountId: MOTO_ACCOUNTS.analytics,
      region: 'us-east-1',
      encrypted: true,
      keyManager: 'AWS',
    });
    expect(fs.flags).toContain('aws-managed-key');
  });

  it('reads One Zone and provisioned throughput settings', () => {
    expect(byId(seed.oneZoneProvisioned)).toMatchObject({
      availabilityZoneName: 'us-east-1a',
      throughputMode: 'provisioned',
      provisionedThroughputInMibps: 64,
      flags: expect.arrayContaining(['one-zone', 'inactive']),
    });
  });
});
