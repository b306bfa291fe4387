/**
 * EFS_ENCRYPT_ACCOUNTS=organization: the scan's accounts come from the sample estate's AWS
 * Organization (real SDK clients, reached through AWS_ENDPOINT_URL), suspended and unassumable
 * accounts end up in the scan's failures, excluded ones are never touched.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { loadEstateFile, startEstateServer, type Estate, type EstateServer } from '../../src/estate/index.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { RecordingIoHost } from '../../src/workflow/io-host.ts';
import { createScanWorkflow } from '../../src/workflow/scan/index.ts';
import { InMemoryScanRepository } from '../harness/fake-services.ts';
import { restoreEnv, useExampleCredentials } from '../harness/sdk-env.ts';

const CALLER = '210987654321';
const PAYMENTS = '345678901234';
const ANALYTICS = '456789012345';
const SUSPENDED = '567890123456';
const WORKLOADS_OU = 'ou-a1b2-11111111';
const SANDBOX_OU = 'ou-a1b2-22222222';

const savedEnv = { ...process.env };
let estate: Estate;
const open: { server: EstateServer; clients: AccountClients }[] = [];

beforeAll(async () => {
  estate = await loadEstateFile(SAMPLE_ESTATE_PATH);
});
beforeEach(() => useExampleCredentials('us-east-1'));
afterEach(async () => {
  for (const { server, clients } of open.splice(0)) {
    clients.destroy();
    await server.close();
  }
  restoreEnv(savedEnv);
});

/** A scan configured as the bot would be by these settings. */
async function scanWith(settings: Record<string, string>) {
  const config = loadConfig({ EFS_ENCRYPT_REGIONS: 'us-east-1,eu-west-1', ...settings });
  const server = await startEstateServer({ estate });
  process.env.AWS_ENDPOINT_URL = server.endpoint;
  const clients = createAccountClients({
    accounts: config.aws.accounts,
    ...(config.aws.organization ? { organization: config.aws.organization } : {}),
    excludeAccounts: config.aws.excludeAccounts,
    regions: config.aws.regions,
    roleName: config.aws.roleName,
    rateLimitPerSecond: 1000,
  });
  open.push({ server, clients });
  const workflow = createScanWorkflow({
    clientsFor: clients.clientsFor,
    listTargets: clients.listTargets,
    scans: new InMemoryScanRepository(),
    io: new RecordingIoHost(),
    clock: new ManualClock(new Date()),
    concurrency: 4,
  });
  const scan = await workflow.run({});
  return { scan, calls: server.stats() };
}

const accountsScanned = (scan: { fileSystems: { accountId: string }[] }) =>
  [...new Set(scan.fileSystems.map((f) => f.accountId))].sort();

const suspendedFailure = {
  accountId: SUSPENDED,
  operation: 'organizations:ListAccounts',
  code: 'AccountSuspended',
  message: expect.stringContaining('legacy-marketing') as unknown,
};
const unassumableFailure = {
  accountId: ANALYTICS,
  operation: 'AssumeRole',
  code: 'AccessDenied',
  message: expect.stringContaining(`arn:aws:iam::${ANALYTICS}:role/EfsEncryptRole`) as unknown,
};

describe('EFS_ENCRYPT_ACCOUNTS=organization', () => {
  it('scans every ACTIVE account and reports the suspended and the unassumable one', async () => {
    const { scan } = await scanWith({ EFS_ENCRYPT_ACCOUNTS: 'organization' });
    expect(scan.accounts).toEqual([CALLER, PAYMENTS, ANALYTICS]);
    expect(accountsScanned(scan)).toEqual([CALLER, PAYMENTS]);
    expect(scan.failures).toEqual([
      unassumableFailure,
      { ...suspendedFailure, message: expect.stringMatching(/is SUSPENDED in the organisation, not ACTIVE/) },
    ]);
  });

  it('never touches an excluded account, and does not report an excluded suspended one', async () => {
    const { scan, calls } = await scanWith({
      EFS_ENCRYPT_ACCOUNTS: 'organization',
      EFS_ENCRYPT_EXCLUDE_ACCOUNTS: `${CALLER},${SUSPENDED}`,
    });
    expect(scan.accounts).toEqual([PAYMENTS, ANALYTICS]);
    expect(accountsScanned(scan)).toEqual([PAYMENTS]);
    expect(scan.failures).toEqual([unassumableFailure]);
    // No AssumeRole into the excluded caller account: only PAYMENTS and ANALYTICS were tried.
    expect(calls.byOperation['sts:AssumeRole']).toBe(2);
  });

  it('lists only the accounts under the named OUs', async () => {
    const workloads = await scanWith({ EFS_ENCRYPT_ACCOUNTS: `organization:${WORKLOADS_OU}` });
    expect(workloads.scan.accounts).toEqual([PAYMENTS]);
    expect(workloads.scan.failures).toEqual([]);
    expect(workloads.calls.byOperation['organizations:ListAccountsForParent']).toBe(1);
    expect(workloads.calls.byOperation['organizations:ListAccounts']).toBeUndefined();

    const both = await scanWith({ EFS_ENCRYPT_ACCOUNTS: `organization:${WORKLOADS_OU},${SANDBOX_OU}` });
    expect(both.scan.accounts).toEqual([PAYMENTS, ANALYTICS]);
    expect(both.scan.failures).toEqual([
      unassumableFailure,
      { ...suspendedFailure, operation: 'organizations:ListAccountsForParent' },
    ]);
  });

  it('follows the named OUs into their child OUs, at any depth, each account once', async () => {
    // Sandbox moved under Workloads, and a third OU under Sandbox holding the caller's account.
    const NESTED_OU = 'ou-a1b2-33333333';
    const organization = structuredClone(estate.organization!);
    organization.organizationalUnits = [
      ...organization.organizationalUnits.map((ou) =>
        ou.Id === SANDBOX_OU ? { ...ou, Parent: WORKLOADS_OU } : ou,
      ),
      {
        Id: NESTED_OU,
        Name: 'Deep',
        Arn: `arn:aws:organizations::${CALLER}:ou/o/${NESTED_OU}`,
        Parent: SANDBOX_OU,
      },
    ];
    organization.accounts = organization.accounts.map((a) =>
      a.Id === CALLER ? { ...a, Parent: NESTED_OU } : a,
    );
    const saved = estate;
    estate = { ...estate, organization };
    try {
      const { scan, calls } = await scanWith({ EFS_ENCRYPT_ACCOUNTS: `organization:${WORKLOADS_OU}` });
      expect(scan.accounts).toEqual([PAYMENTS, ANALYTICS, CALLER]);
      expect(accountsScanned(scan)).toEqual([CALLER, PAYMENTS]);
      expect(scan.failures).toEqual([
        unassumableFailure,
        { ...suspendedFailure, operation: 'organizations:ListAccountsForParent' },
      ]);
      // One listing of accounts and one of child OUs per OU: Workloads, Sandbox, Deep.
      expect(calls.byOperation['organizations:ListAccountsForParent']).toBe(3);
      expect(calls.byOperation['organizations:ListOrganizationalUnitsForParent']).toBe(3);

      // Naming a child beside its parent walks it once.
      const both = await scanWith({ EFS_ENCRYPT_ACCOUNTS: `organization:${SANDBOX_OU},${WORKLOADS_OU}` });
      expect(both.scan.accounts).toEqual([ANALYTICS, PAYMENTS, CALLER]);
      expect(both.calls.byOperation['organizations:ListAccountsForParent']).toBe(3);
    } finally {
      estate = saved;
    }
  });

  it('reports an OU the organisation does not have, and scans the others', async () => {
    const { scan } = await scanWith({
      EFS_ENCRYPT_ACCOUNTS: `organization:ou-a1b2-99999999,${WORKLOADS_OU}`,
    });
    expect(scan.accounts).toEqual([PAYMENTS]);
    expect(scan.failures).toEqual([
      {
        accountId: 'ou-a1b2-99999999',
        operation: 'organizations:ListAccountsForParent',
        code: 'ParentNotFoundException',
        message: expect.stringContaining('check EFS_ENCRYPT_ACCOUNTS') as unknown,
      },
    ]);
  });

  it('a caller outside the management account gets a failure saying where to run, not a crash', async () => {
    // Base credentials act as the estate's callerAccountId: make that a plain member.
    estate = { ...estate, callerAccountId: PAYMENTS };
    try {
      const { scan } = await scanWith({ EFS_ENCRYPT_ACCOUNTS: 'organization' });
      expect(scan.accounts).toEqual([]);
      expect(scan.failures).toEqual([
        {
          accountId: '(organization)',
          operation: 'organizations:ListAccounts',
          code: 'AccessDeniedException',
          message: expect.stringMatching(/management account or a delegated administrator/) as unknown,
        },
      ]);
    } finally {
      estate = await loadEstateFile(SAMPLE_ESTATE_PATH);
    }
  });
});
