/**
 * What every phase's integration fixture starts from: the local estate on loopback (its lifecycle
 * states advancing on the test's ManualClock), the real SDK clients reaching it through
 * AWS_ENDPOINT_URL as the estate's caller account, the embedded store, a real scan of the estate,
 * and decisions recorded through the decide workflow as an admin's plan records them.
 */
import { DescribeFileSystemsCommand, type EFSClient, type FileSystemDescription } from '@aws-sdk/client-efs';
import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import type { Directories } from '../../src/aws/directory-clients.ts';
import { TWIN_TAGS } from '../../src/domain/build-plan.ts';
import type { ManualClock } from '../../src/domain/clock.ts';
import type { ScanRecord } from '../../src/domain/inventory.ts';
import type { MigrationMethod } from '../../src/domain/migration.ts';
import { parseEstate, startEstateServer, type EstateServer } from '../../src/estate/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { createDecideWorkflow, type DecideWorkflow } from '../../src/workflow/decide/index.ts';
import { silentIoHost } from '../../src/workflow/io-host.ts';
import { createScanWorkflow } from '../../src/workflow/scan/index.ts';
import { useExampleCredentials } from './sdk-env.ts';

/** The Region every fixture estate puts its resources in. */
export const FIXTURE_REGION = 'eu-west-1';

/** Sets the SDK's environment for the estate; returns a function that restores it. */
export function pointSdkAt(endpoint: string): () => void {
  const saved = { ...process.env };
  useExampleCredentials(FIXTURE_REGION);
  process.env.AWS_ENDPOINT_URL = endpoint;
  return () => {
    process.env = saved;
  };
}

export interface LocalEstate {
  clock: ManualClock;
  server: EstateServer;
  accounts: AccountClients;
  store: Store;
  /** Destroys the clients, closes the store and the estate, restores the environment; close your own clients first. */
  close(): Promise<void>;
}

export interface LocalEstateOptions {
  /** The estate document (src/estate/ESTATE_FORMAT.md). */
  estate: unknown;
  /** Names the document in validation errors. */
  name: string;
  clock: ManualClock;
  /** False leaves the estate on its own clock (fixtures that never move time). Default true. */
  estateOnTestClock?: boolean;
}

export async function startLocalEstate(options: LocalEstateOptions): Promise<LocalEstate> {
  const { clock } = options;
  const server = await startEstateServer({
    estate: parseEstate(options.estate, options.name),
    ...(options.estateOnTestClock === false ? {} : { clock }),
  });
  const restoreEnv = pointSdkAt(server.endpoint);
  // The caller's own account: no AssumeRole, the base credentials act as the estate's caller.
  const accounts = createAccountClients({
    accounts: [],
    roleName: 'EfsEncryptRole',
    regions: [FIXTURE_REGION],
    rateLimitPerSecond: 1000,
    maxAttempts: 1,
  });
  const store = await openStore({ clock });
  return {
    clock,
    server,
    accounts,
    store,
    async close() {
      accounts.destroy();
      await store.close();
      await server.close();
      restoreEnv();
    },
  };
}

/** A finished scan of the estate, stored as the scan phase stores it. */
export function scanLocalEstate(estate: LocalEstate, requestedBy: string): Promise<ScanRecord> {
  const { accounts, store, clock } = estate;
  return createScanWorkflow({
    clientsFor: (a, r) => accounts.clientsFor(a, r),
    listTargets: () => accounts.listTargets(),
    scans: store.scans,
    io: silentIoHost,
    clock,
    concurrency: 2,
  }).run({ requestedBy });
}

export interface InScopeDecisions {
  directories: Directories;
  scan: ScanRecord;
  fileSystemIds: string[];
  targetKey: string;
  method: MigrationMethod;
  actor: string;
}

/** Decides each file system in scope with one key and method through the real decide workflow. */
export async function decideInScope(
  estate: LocalEstate,
  decisions: InScopeDecisions,
): Promise<{ decide: DecideWorkflow; recorded: Awaited<ReturnType<DecideWorkflow['record']>> }> {
  const { store, clock } = estate;
  const decide = createDecideWorkflow({
    keys: decisions.directories.keys,
    network: decisions.directories.network,
    migrations: store.migrations,
    scans: store.scans,
    policy: [],
    clock,
  });
  const recorded = await decide.record(
    decisions.fileSystemIds.map((fileSystemId) => ({
      fileSystemId,
      scope: 'in_scope' as const,
      targetKey: decisions.targetKey,
      method: decisions.method,
    })),
    decisions.actor,
    { scanId: decisions.scan.scanId },
  );
  return { decide, recorded };
}

/** Twins of a source, as AWS lists them (by the bot's linking tag). */
export async function twinsOf(efs: EFSClient, sourceId: string): Promise<FileSystemDescription[]> {
  const out = await efs.send(new DescribeFileSystemsCommand({}));
  return (out.FileSystems ?? []).filter((f) =>
    f.Tags?.some((t) => t.Key === TWIN_TAGS.sourceFileSystemId && t.Value === sourceId),
  );
}

export interface TwoZoneVpcIds {
  vpcId: string;
  /** Subnets in eu-west-1a and eu-west-1b. */
  subnetIds: [string, string];
  defaultGroupId: string;
  nfsGroupId: string;
  /** The VPC's first two octets: '10.6' gives 10.6.0.0/16 and subnets 10.6.0.0/24, 10.6.1.0/24. */
  cidrPrefix: string;
}

/**
 * The network part of a fixture estate's Region: one VPC with a subnet in each of two zones, its
 * default security group and a group admitting NFS (TCP 2049) from the VPC.
 */
export function twoZoneVpc(ids: TwoZoneVpcIds) {
  const { vpcId, subnetIds, cidrPrefix } = ids;
  return {
    vpcs: [{ VpcId: vpcId, CidrBlock: `${cidrPrefix}.0.0/16` }],
    subnets: subnetIds.map((SubnetId, i) => ({
      SubnetId,
      VpcId: vpcId,
      AvailabilityZone: `${FIXTURE_REGION}${'ab'[i]}`,
      CidrBlock: `${cidrPrefix}.${i}.0/24`,
    })),
    securityGroups: [
      { GroupId: ids.defaultGroupId, GroupName: 'default', VpcId: vpcId },
      {
        GroupId: ids.nfsGroupId,
        GroupName: 'efs-nfs',
        VpcId: vpcId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: `${cidrPrefix}.0.0/16` }] },
        ],
      },
    ],
  };
}
