/**
 * The scan with the real SDK clients against the local estate (loopback), reached only through
 * the SDK's own AWS_ENDPOINT_URL: every edge case of the sample estate must come out right.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import type { FileSystemRecord, ScanRecord } from '../../src/domain/inventory.ts';
import {
  estateAccounts,
  estateRegions,
  loadEstateFile,
  startEstateServer,
  type Estate,
  type EstateServer,
} from '../../src/estate/index.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { RecordingIoHost } from '../../src/workflow/io-host.ts';
import { createScanWorkflow } from '../../src/workflow/scan/index.ts';
import { InMemoryScanRepository } from '../harness/fake-services.ts';
import { useExampleCredentials } from '../harness/sdk-env.ts';

const CALLER = '210987654321';
const PAYMENTS = '345678901234';
const ANALYTICS = '456789012345';

const savedEnv = { ...process.env };
let estate: Estate;
const open: { server?: EstateServer; clients?: AccountClients }[] = [];

beforeAll(async () => {
  estate = await loadEstateFile(SAMPLE_ESTATE_PATH);
});

beforeEach(() => useExampleCredentials('us-east-1'));

afterEach(async () => {
  for (const { server, clients } of open.splice(0)) {
    clients?.destroy();
    await server?.close();
  }
  process.env = { ...savedEnv };
});

afterAll(() => {
  process.env = { ...savedEnv };
});

interface Setup {
  accounts: string[];
  regions?: string[];
  rateLimitPerSecond?: number;
  rateLimitBurst?: number;
  tps?: number;
  burst?: number;
  /** The estate throttles every nth call: a storm that does not depend on how fast the machine is. */
  throttleEvery?: number;
  /** The estate's clock; a frozen one keeps lifecycle states where the sample puts them. */
  clock?: ManualClock;
}

async function scanEstate(setup: Setup) {
  const server = await startEstateServer({
    estate,
    tps: setup.tps,
    burst: setup.burst,
    throttleEvery: setup.throttleEvery,
    clock: setup.clock,
  });
  process.env.AWS_ENDPOINT_URL = server.endpoint;
  const clients = createAccountClients({
    accounts: setup.accounts,
    regions: setup.regions ?? estateRegions(estate),
    roleName: 'EfsEncryptRole',
    rateLimitPerSecond: setup.rateLimitPerSecond ?? 1000,
    rateLimitBurst: setup.rateLimitBurst,
    clock: setup.clock,
  });
  open.push({ server, clients });
  const io = new RecordingIoHost();
  const scans = new InMemoryScanRepository();
  const workflow = createScanWorkflow({
    clientsFor: clients.clientsFor,
    listTargets: clients.listTargets,
    scans,
    io,
    clock: setup.clock ?? new ManualClock(new Date()),
    concurrency: 4,
    callCounts: () => clients.stats.snapshot(),
  });
  const scan = await workflow.run({ requestedBy: 'U0TEST' });
  return { scan, io, scans, server };
}

function named(scan: ScanRecord, name: string): FileSystemRecord {
  const found = scan.fileSystems.filter((f) => f.name === name);
  expect(found, `exactly one file system named ${name}`).toHaveLength(1);
  return found[0]!;
}

describe('scan against the local estate (sample estate)', () => {
  it('inventories every edge case of the sample and reports the unassumable account', async () => {
    const clock = new ManualClock(new Date());
    const { scan, io, scans, server } = await scanEstate({ accounts: estateAccounts(estate), clock });

    expect(scan.accounts).toEqual([CALLER, PAYMENTS, ANALYTICS]);
    expect(scan.regions).toEqual(['ap-southeast-2', 'eu-central-1', 'eu-west-1', 'us-east-1']);
    expect(scan.failures).toEqual([
      {
        accountId: ANALYTICS,
        operation: 'AssumeRole',
        code: 'AccessDenied',
        message: expect.stringContaining(`arn:aws:iam::${ANALYTICS}:role/EfsEncryptRole`),
      },
    ]);
    expect(scan.fileSystems.some((f) => f.accountId === ANALYTICS)).toBe(false);
    expect(scan.fileSystems).toHaveLength(22);
    expect(scan.fileSystems.filter((f) => f.errors.length > 0)).toEqual([]);

    // Unencrypted, in use (mount targets in three AZs, an access point).
    const jenkins = named(scan, 'jenkins-home');
    expect(jenkins).toMatchObject({
      accountId: CALLER,
      region: 'us-east-1',
      classification: 'unencrypted',
      flags: [],
      encrypted: false,
    });
    expect(jenkins.mountTargets).toHaveLength(3);
    expect(new Set(jenkins.mountTargets.map((m) => m.availabilityZoneName)).size).toBe(3);
    for (const mt of jenkins.mountTargets) {
      expect(mt).toMatchObject({
        mountTargetId: expect.stringMatching(/^fsmt-/),
        subnetId: expect.stringMatching(/^subnet-/),
        vpcId: expect.stringMatching(/^vpc-/),
        lifeCycleState: 'available',
      });
      expect(mt.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(mt.securityGroups.length).toBeGreaterThan(0);
      expect(mt.securityGroups.every((g) => g.startsWith('sg-'))).toBe(true);
    }
    expect(jenkins.vpcIds).toHaveLength(1);
    expect(jenkins.backupPolicyStatus).toBe('ENABLED');
    expect(jenkins.lifecyclePolicies).toEqual([{ transitionToIA: 'AFTER_30_DAYS' }]);

    // Unencrypted, nothing mounted.
    expect(named(scan, 'payments-tmp-migration')).toMatchObject({
      classification: 'unencrypted',
      flags: ['inactive'],
      numberOfMountTargets: 0,
      mountTargets: [],
    });

    // AWS-managed key.
    expect(named(scan, 'grafana-data')).toMatchObject({
      classification: 'encrypted',
      keyManager: 'AWS',
      keyState: 'Enabled',
      keyAliases: ['alias/aws/elasticfilesystem'],
      flags: ['aws-managed-key'],
    });

    // Customer-managed keys: enabled, disabled, pending deletion.
    const artifact = named(scan, 'artifact-cache');
    expect(artifact).toMatchObject({
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
      keyAliases: ['alias/shared-efs'],
      flags: [],
      throughputMode: 'elastic',
    });
    expect(artifact.kmsKeyArn).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${CALLER}:key/`));
    expect(named(scan, 'settlement-reports')).toMatchObject({
      keyManager: 'CUSTOMER',
      keyState: 'Disabled',
      keyAliases: ['alias/settlement-efs-old'],
      flags: ['key-at-risk'],
    });
    expect(named(scan, 'fraud-model-scratch')).toMatchObject({
      keyManager: 'CUSTOMER',
      keyState: 'PendingDeletion',
      flags: ['key-at-risk'],
    });

    // One Zone; provisioned and elastic throughput.
    expect(named(scan, 'card-batch-inbox')).toMatchObject({
      availabilityZoneName: 'us-east-1a',
      flags: ['one-zone'],
      throughputMode: 'bursting',
    });
    const merchant = named(scan, 'merchant-uploads');
    expect(merchant).toMatchObject({ throughputMode: 'provisioned', backupPolicyStatus: 'DISABLED' });
    expect(merchant.provisionedThroughputInMibps).toBeGreaterThan(0);
    expect(named(scan, 'confluence-attachments')).toMatchObject({
      throughputMode: 'provisioned',
      fileSystemPolicy: expect.stringContaining('Statement'),
    });

    // Access points with POSIX users and root directory creation info.
    const sftp = named(scan, 'sftp-landing');
    expect(sftp.accessPoints.map((a) => a.name).sort()).toEqual(['partner-acme', 'partner-globex']);
    const globex = sftp.accessPoints.find((a) => a.name === 'partner-globex')!;
    expect(globex).toMatchObject({
      accessPointId: expect.stringMatching(/^fsap-/),
      rootDirectory: {
        path: '/partners/globex',
        creationInfo: { ownerUid: 2102, ownerGid: 2100, permissions: '0700' },
      },
      posixUser: { uid: 2102, gid: 2100, secondaryGids: [2200] },
      tags: { Name: 'partner-globex' },
    });

    // Replication, from both ends.
    const ledger = named(scan, 'ledger-archive');
    expect(ledger.flags).toEqual(['replicated']);
    expect(ledger.lifecyclePolicies).toHaveLength(3);
    expect(ledger.replications).toMatchObject([
      {
        role: 'source',
        sourceFileSystemId: 'fs-0a1b2c3d4e5f60701',
        sourceFileSystemRegion: 'us-east-1',
        destinations: [{ fileSystemId: 'fs-0b2c3d4e5f6071801', region: 'eu-west-1' }],
      },
    ]);
    const replica = named(scan, 'ledger-archive-replica');
    expect(replica).toMatchObject({
      fileSystemId: 'fs-0b2c3d4e5f6071801',
      region: 'eu-west-1',
      flags: ['inactive', 'replicated'],
      fileSystemProtection: { replicationOverwriteProtection: 'REPLICATING' },
    });
    expect(replica.replications).toMatchObject([
      { role: 'destination', sourceFileSystemId: 'fs-0a1b2c3d4e5f60701' },
    ]);

    // Creating and deleting: transitional.
    expect(named(scan, 'checkout-sessions')).toMatchObject({
      lifeCycleState: 'creating',
      flags: ['inactive', 'transitional'],
    });
    expect(named(scan, 'wiki-export-old')).toMatchObject({
      lifeCycleState: 'deleting',
      flags: ['inactive', 'transitional'],
    });

    // Totals, what was saved, what was said, and what the estate saw.
    expect(scan.stats).toMatchObject({
      fileSystems: 22,
      encrypted: 10,
      unencrypted: 12,
      byFlag: {
        inactive: 6,
        transitional: 2,
        'aws-managed-key': 3,
        replicated: 2,
        'key-at-risk': 2,
        'one-zone': 1,
      },
      throttles: 0,
    });
    expect(scan.stats.apiCalls).toBe(server.stats().calls);
    expect([...scans.scans.values()]).toEqual([scan]);
    expect(io.messages.filter((m) => m.code === 'scan.region.done')).toHaveLength(8);
    expect(io.messages.filter((m) => m.code === 'scan.failure')).toHaveLength(1);
    expect(server.stats().byOperation['sts:AssumeRole']).toBe(3);
  });

  it("scans the caller's own account without AssumeRole when no accounts are configured", async () => {
    const { scan, server } = await scanEstate({ accounts: [], regions: ['us-east-1', 'eu-west-1'] });
    expect(scan.accounts).toEqual([CALLER]);
    expect(scan.failures).toEqual([]);
    expect(scan.fileSystems.map((f) => f.name).sort()).toEqual([
      'artifact-cache',
      'confluence-attachments',
      'gitlab-runner-cache',
      'grafana-data',
      'jenkins-home',
      'ldap-backup-staging',
      'sftp-landing',
      'wiki-export-old',
    ]);
    expect(server.stats().byOperation['sts:AssumeRole']).toBeUndefined();
    expect(server.stats().byOperation['sts:GetCallerIdentity']).toBe(1);
  });

  it("stays under a throttling estate's limit when paced at its rate", async () => {
    const { scan, server } = await scanEstate({
      accounts: [PAYMENTS],
      regions: ['us-east-1', 'eu-west-1'],
      tps: 20,
      burst: 20,
      rateLimitPerSecond: 20,
    });
    expect(server.stats().throttles).toBe(0);
    expect(scan.stats.throttles).toBe(0);
    expect(scan.fileSystems).toHaveLength(11);
    expect(scan.fileSystems.filter((f) => f.errors.length > 0)).toEqual([]);
  });

  it('rides out throttling with retries when not paced, and counts the throttles', async () => {
    // Every third call throttled, not a calls-per-second bucket: on a loaded machine the calls come
    // slowly enough that a bucket never empties, and the test would see no throttle at all.
    const { scan, server } = await scanEstate({
      accounts: [PAYMENTS],
      regions: ['eu-west-1'],
      throttleEvery: 3,
    });
    expect(server.stats().throttles).toBeGreaterThan(0);
    expect(scan.stats.throttles).toBe(server.stats().throttles);
    expect(scan.stats.apiCalls).toBe(server.stats().calls);
    expect(scan.failures).toEqual([]);
    expect(scan.fileSystems).toHaveLength(4);
    expect(scan.fileSystems.filter((f) => f.errors.length > 0)).toEqual([]);
  });
});
