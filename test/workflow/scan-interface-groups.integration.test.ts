/**
 * Mount targets' security groups from EC2 DescribeNetworkInterfaces, batched per account and
 * region, instead of one EFS DescribeMountTargetSecurityGroups per mount target: the same
 * inventory, far fewer calls, and the per-mount-target call wherever EC2 cannot be read.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccountClients, type AccountClients } from '../../src/aws/account-clients.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import {
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
const ACCOUNTS = [CALLER, PAYMENTS];

const savedEnv = { ...process.env };
let estate: Estate;
const open: { server: EstateServer; clients: AccountClients }[] = [];

beforeAll(async () => {
  estate = await loadEstateFile(SAMPLE_ESTATE_PATH);
});

afterEach(async () => {
  for (const { server, clients } of open.splice(0)) {
    clients.destroy();
    await server.close();
  }
  process.env = { ...savedEnv };
});

async function scan(options: { ec2: boolean; refuseEc2For?: string }) {
  useExampleCredentials('us-east-1');
  // A frozen clock keeps every mount target in the state the sample gives it, in both scans.
  const clock = new ManualClock(new Date('2026-01-05T09:00:00Z'));
  const server = await startEstateServer({ estate, clock });
  process.env.AWS_ENDPOINT_URL = server.endpoint;
  if (options.refuseEc2For)
    server.control.failNext(
      'ec2:DescribeNetworkInterfaces',
      {
        code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
        httpStatus: 403,
      },
      { accountId: options.refuseEc2For, times: 1000 },
    );
  const clients = createAccountClients({
    accounts: ACCOUNTS,
    regions: estateRegions(estate),
    roleName: 'EfsEncryptRole',
    rateLimitPerSecond: 1000,
    clock,
  });
  open.push({ server, clients });
  const workflow = createScanWorkflow({
    clientsFor: async (a, r) => {
      const { ec2, ...rest } = await clients.clientsFor(a, r);
      return options.ec2 ? { ...rest, ec2 } : rest;
    },
    listTargets: clients.listTargets,
    scans: new InMemoryScanRepository(),
    io: new RecordingIoHost(),
    clock,
  });
  const record = await workflow.run();
  return { record, calls: server.stats().byOperation };
}

describe('security groups from network interfaces', () => {
  it('gives the same inventory as one DescribeMountTargetSecurityGroups per mount target, in far fewer calls', async () => {
    const perMountTarget = await scan({ ec2: false });
    const batched = await scan({ ec2: true });

    const mountTargets = perMountTarget.record.fileSystems.flatMap((f) => f.mountTargets);
    const available = mountTargets.filter((m) => m.lifeCycleState === 'available');
    expect(available.length).toBeGreaterThan(5);
    expect(available.every((m) => m.securityGroups.length > 0)).toBe(true);
    expect(perMountTarget.record.fileSystems.flatMap((f) => f.errors)).toEqual([]);
    expect(batched.record.fileSystems).toEqual(perMountTarget.record.fileSystems);
    expect(batched.record.failures).toEqual(perMountTarget.record.failures);

    expect(perMountTarget.calls['efs:DescribeMountTargetSecurityGroups']).toBe(available.length);
    expect(perMountTarget.calls['ec2:DescribeNetworkInterfaces']).toBeUndefined();
    expect(batched.calls['efs:DescribeMountTargetSecurityGroups']).toBeUndefined();
    const eniCalls = batched.calls['ec2:DescribeNetworkInterfaces'] ?? 0;
    expect(eniCalls).toBeGreaterThan(0);
    // At most one call per file system that has mount targets; usually one per account and region.
    const withMountTargets = perMountTarget.record.fileSystems.filter((f) => f.mountTargets.length > 0);
    expect(eniCalls).toBeLessThanOrEqual(withMountTargets.length);
    expect(eniCalls).toBeLessThan(available.length);
  });

  it('asks EFS per mount target in an account whose role may not call DescribeNetworkInterfaces', async () => {
    const perMountTarget = await scan({ ec2: false });
    const refused = await scan({ ec2: true, refuseEc2For: PAYMENTS });

    expect(refused.record.fileSystems).toEqual(perMountTarget.record.fileSystems);
    expect(refused.record.fileSystems.flatMap((f) => f.errors)).toEqual([]);
    const paymentsAvailable = perMountTarget.record.fileSystems
      .filter((f) => f.accountId === PAYMENTS)
      .flatMap((f) => f.mountTargets)
      .filter((m) => m.lifeCycleState === 'available');
    expect(paymentsAvailable.length).toBeGreaterThan(0);
    // Only the refused account falls back; the caller's account is still batched.
    expect(refused.calls['efs:DescribeMountTargetSecurityGroups']).toBe(paymentsAvailable.length);
  });
});
