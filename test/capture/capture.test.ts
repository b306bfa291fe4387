/**
 * `estate capture` through the real SDK clients against the local estate (reached only through
 * AWS_ENDPOINT_URL, as a real account would be through AWS's endpoints): the captured file loads,
 * serves, and scans to the same inventory as the estate it was captured from, and capturing makes
 * no call that could change anything.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAccountClients } from '../../src/aws/account-clients.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { captureKeys } from '../../src/capture/capture-keys.ts';
import { conformTo } from '../../src/capture/conform.ts';
import type { CaptureKms } from '../../src/capture/ports.ts';
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
import { runCli } from '../cli/run-cli.ts';
import { InMemoryScanRepository } from '../harness/fake-services.ts';
import { useExampleCredentials } from '../harness/sdk-env.ts';

const ANALYTICS_UNASSUMABLE = '456789012345';
/** The sample estate's dates are fixed; the clock is frozen so nothing in it moves between runs. */
const FROZEN = new Date('2025-06-01T12:00:00Z');

const savedEnv = { ...process.env };
let sample: Estate;
let dir: string;
const servers: EstateServer[] = [];

beforeAll(async () => {
  sample = await loadEstateFile(SAMPLE_ESTATE_PATH);
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'estate-capture-'));
  useExampleCredentials('us-east-1');
  Object.assign(process.env, {
    EFS_ENCRYPT_ACCOUNTS: estateAccounts(sample).join(','),
    EFS_ENCRYPT_REGIONS: estateRegions(sample).join(','),
    EFS_ENCRYPT_RATE_LIMIT: '1000',
    LOG_LEVEL: 'silent',
  });
  for (const k of ['EFS_ENCRYPT_TABLE', 'EFS_ENCRYPT_ROLE_NAME']) delete process.env[k];
});

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  process.env = { ...savedEnv };
  await rm(dir, { recursive: true, force: true });
});

async function serve(estate: Estate): Promise<EstateServer> {
  const server = await startEstateServer({ estate, clock: new ManualClock(FROZEN) });
  servers.push(server);
  return server;
}

/** The scan of whatever AWS_ENDPOINT_URL points at, with the scan's identity and timing left out. */
async function scanAt(server: EstateServer, estate: Estate) {
  process.env.AWS_ENDPOINT_URL = server.endpoint;
  const clients = createAccountClients({
    accounts: estateAccounts(estate),
    regions: estateRegions(estate),
    roleName: 'EfsEncryptRole',
    rateLimitPerSecond: 1000,
  });
  try {
    const clock = new ManualClock(FROZEN);
    const scan = await createScanWorkflow({
      clientsFor: clients.clientsFor,
      listTargets: clients.listTargets,
      scans: new InMemoryScanRepository(),
      io: new RecordingIoHost(),
      clock,
      concurrency: 4,
      callCounts: () => clients.stats.snapshot(),
    }).run({ requestedBy: 'U0TEST' });
    const { scanId: _id, startedAt: _start, finishedAt: _end, stats: _stats, ...inventory } = scan;
    return inventory;
  } finally {
    clients.destroy();
  }
}

describe('estate capture', () => {
  it('captures the sample estate through the SDK into a file that loads, serves and scans the same', async () => {
    const original = await serve(sample);
    process.env.AWS_ENDPOINT_URL = original.endpoint;
    const out = join(dir, 'captured.json');

    const run = await runCli('estate', 'capture', '--out', out);
    expect(run.err).toContain(`capture: ${ANALYTICS_UNASSUMABLE}: cannot be entered (AccessDenied)`);
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/Wrote 22 file systems and \d+ keys from 3 account\(s\) in 4 region\(s\)/);

    const text = await readFile(out, 'utf8');
    const json = JSON.parse(text) as {
      callerAccountId?: string;
      accounts: {
        accountId: string;
        assumable?: boolean;
        regions: Record<string, { fileSystems?: { CreationTime?: unknown }[] }>;
      }[];
    };
    // Dates as the schema reads them (ISO 8601), the unassumable account without regions, the caller kept.
    expect(json.callerAccountId).toBe(sample.callerAccountId);
    expect(json.accounts.find((a) => a.accountId === ANALYTICS_UNASSUMABLE)).toEqual({
      accountId: ANALYTICS_UNASSUMABLE,
      assumable: false,
      regions: {},
    });
    const creationTimes = json.accounts.flatMap((a) =>
      Object.values(a.regions).flatMap((r) => (r.fileSystems ?? []).map((f) => f.CreationTime)),
    );
    expect(creationTimes).toHaveLength(22);
    for (const t of creationTimes) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const captured = await loadEstateFile(out);
    const copy = await serve(captured);
    const [before, after] = [await scanAt(original, sample), await scanAt(copy, captured)];
    expect(before.fileSystems).toHaveLength(22);
    expect(before.failures).toHaveLength(1);
    expect(after).toEqual(before);
  });

  it('makes only Describe, List and Get calls (and AssumeRole)', async () => {
    const original = await serve(sample);
    process.env.AWS_ENDPOINT_URL = original.endpoint;
    original.resetStats();

    const run = await runCli('estate', 'capture', '--out', join(dir, 'captured.json'));
    expect(run.code, run.err).toBe(0);

    const operations = Object.keys(original.stats().byOperation).sort();
    // Every kind of read the capture needs did happen, so the check below looks at a full capture.
    expect(operations).toEqual(
      expect.arrayContaining([
        'sts:AssumeRole',
        'efs:DescribeFileSystems',
        'efs:DescribeMountTargets',
        'efs:DescribeMountTargetSecurityGroups',
        'efs:DescribeAccessPoints',
        'efs:DescribeLifecycleConfiguration',
        'efs:DescribeBackupPolicy',
        'efs:DescribeFileSystemPolicy',
        'efs:DescribeReplicationConfigurations',
        'kms:ListKeys',
        'kms:ListAliases',
        'kms:DescribeKey',
        'ec2:DescribeVpcs',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
      ]),
    );
    const mutating = operations.filter((op) => !/^[a-z0-9]+:(Describe|List|Get|AssumeRole$)/.test(op));
    expect(mutating).toEqual([]);
  });

  it('keeps only the keys that matter and the network that mount targets use', async () => {
    const original = await serve(sample);
    process.env.AWS_ENDPOINT_URL = original.endpoint;
    const out = join(dir, 'captured.json');
    expect((await runCli('estate', 'capture', '--out', out)).code).toBe(0);
    const captured = await loadEstateFile(out);

    for (const account of captured.accounts) {
      const source = sample.accounts.find((a) => a.accountId === account.accountId)!;
      for (const [region, r] of Object.entries(account.regions)) {
        const s = source.regions[region];
        if (!s) {
          // A region the sample does not list exists and is empty; the capture says so.
          expect(
            r.fileSystems.length + r.keys.length + r.subnets.length,
            `${account.accountId} ${region}`,
          ).toBe(0);
          continue;
        }
        const usedKeys = new Set(r.fileSystems.flatMap((f) => (f.KmsKeyId ? [f.KmsKeyId] : [])));
        const expectedKeys = s.keys.filter((k) => k.KeyManager === 'CUSTOMER' || usedKeys.has(k.Arn));
        expect(r.keys.map((k) => k.Arn).sort(), `${account.accountId} ${region} keys`).toEqual(
          expectedKeys.map((k) => k.Arn).sort(),
        );
        for (const key of r.keys) {
          const was = s.keys.find((k) => k.KeyId === key.KeyId)!;
          expect(key).toMatchObject({
            KeyState: was.KeyState,
            KeyManager: was.KeyManager,
            Aliases: was.Aliases,
          });
        }
        const mountTargets = r.fileSystems.flatMap((f) => f.MountTargets);
        expect(new Set(r.subnets.map((x) => x.SubnetId))).toEqual(
          new Set(mountTargets.map((m) => m.SubnetId)),
        );
        expect(new Set(r.securityGroups.map((g) => g.GroupId))).toEqual(
          new Set(mountTargets.flatMap((m) => m.SecurityGroups)),
        );
        expect(new Set(r.vpcs.map((v) => v.VpcId))).toEqual(new Set(r.subnets.map((x) => x.VpcId)));
      }
    }
  });

  it('captures only the accounts and regions given on the command line', async () => {
    const original = await serve(sample);
    process.env.AWS_ENDPOINT_URL = original.endpoint;
    const out = join(dir, 'one.json');
    const payments = sample.accounts[1]!.accountId;
    const run = await runCli(
      'estate',
      'capture',
      '--out',
      out,
      '--accounts',
      payments,
      '--regions',
      'eu-west-1',
    );
    expect(run.code, run.err).toBe(0);
    const captured = await loadEstateFile(out);
    expect(captured.accounts.map((a) => a.accountId)).toEqual([payments]);
    expect(Object.keys(captured.accounts[0]!.regions)).toEqual(['eu-west-1']);
    expect(captured.accounts[0]!.regions['eu-west-1']!.fileSystems.map((f) => f.FileSystemId)).toEqual(
      sample.accounts[1]!.regions['eu-west-1']!.fileSystems.map((f) => f.FileSystemId),
    );
  });

  it('refuses to replace an existing file without --force, and bad flags with a usage error', async () => {
    const original = await serve(sample);
    process.env.AWS_ENDPOINT_URL = original.endpoint;
    const out = join(dir, 'exists.json');
    await writeFile(out, 'keep me');
    const refused = await runCli('estate', 'capture', '--out', out, '--regions', 'eu-west-1');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('already exists; choose another --out file or pass --force');
    expect(await readFile(out, 'utf8')).toBe('keep me');

    const forced = await runCli('estate', 'capture', '--out', out, '--regions', 'eu-west-1', '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toHaveProperty('accounts');

    const bad = await runCli('estate', 'capture', '--out', out, '--accounts', '12345');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--accounts takes a comma-separated list such as 123456789012; not: 12345');
  });
});

describe('conformTo (SDK values into the estate format)', () => {
  it('writes dates as ISO strings and leaves out members the format does not hold, naming them', () => {
    const schema = z.strictObject({
      When: z.string().optional(),
      Items: z.array(z.strictObject({ Id: z.string() })).optional(),
      Rules: z.unknown().optional(),
    });
    const { value, dropped } = conformTo(
      schema,
      {
        When: new Date('2024-05-01T12:00:00Z'),
        Items: [{ Id: 'a', NewMember: 1 }],
        Rules: [{ At: new Date(0), Gone: undefined }],
        Unknown: 'x',
        Absent: undefined,
      },
      'Shape',
    );
    expect(value).toEqual({
      When: '2024-05-01T12:00:00.000Z',
      Items: [{ Id: 'a' }],
      Rules: [{ At: '1970-01-01T00:00:00.000Z' }],
    });
    expect(dropped).toEqual(['Shape.Items[].NewMember', 'Shape.Unknown']);
  });
});

describe('captureKeys (which keys a capture keeps)', () => {
  const ACCOUNT = '111122223333';
  const REGION = 'eu-west-1';
  const arnOf = (id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
  const CMK = '11111111-1111-1111-1111-111111111111';
  const EBS = '22222222-2222-2222-2222-222222222222';
  const GONE = '33333333-3333-3333-3333-333333333333';
  const AWS_MANAGED_OTHER = '44444444-4444-4444-4444-444444444444';

  /** KMS with one customer key, AWS-managed keys for EBS and another service, and a deleted key. */
  function fakeKms(described: string[]): CaptureKms {
    return {
      async listKeyIds() {
        return [CMK, EBS, AWS_MANAGED_OTHER];
      },
      async listAliases() {
        return [
          { AliasName: 'alias/payments', TargetKeyId: CMK },
          { AliasName: 'alias/aws/ebs', TargetKeyId: EBS },
          { AliasName: 'alias/aws/s3', TargetKeyId: AWS_MANAGED_OTHER },
          { AliasName: 'alias/aws/lambda' }, // an AWS-managed alias whose key does not exist yet
        ];
      },
      async describeKey({ KeyId }) {
        described.push(KeyId);
        const id = KeyId.split('/').pop()!;
        if (id === GONE)
          throw Object.assign(new Error(`Key '${KeyId}' does not exist`), { name: 'NotFoundException' });
        const manager = id === CMK ? 'CUSTOMER' : 'AWS';
        return {
          KeyMetadata: { KeyId: id, Arn: arnOf(id), KeyState: 'Enabled', Enabled: true, KeyManager: manager },
          $metadata: {},
        };
      },
    };
  }

  it('keeps used and customer-managed keys, skips other AWS-managed keys unasked, and stands in for a vanished key', async () => {
    const described: string[] = [];
    const notices: string[] = [];
    const keys = await captureKeys({
      kms: fakeKms(described),
      accountId: ACCOUNT,
      region: REGION,
      // EBS's key is used by no file system here; a file system in another account names its own key.
      usedKeyRefs: [arnOf(GONE), arnOf(CMK), `arn:aws:kms:us-east-1:999988887777:key/${CMK}`],
      notice: (l) => notices.push(l),
    });

    expect(keys.map((k) => k.KeyId).sort()).toEqual([CMK, GONE]);
    expect(keys.find((k) => k.KeyId === CMK)).toEqual({
      KeyId: CMK,
      Arn: arnOf(CMK),
      KeyState: 'Enabled', // Enabled itself is left for the loader to derive
      KeyManager: 'CUSTOMER',
      Aliases: ['alias/payments'],
    });
    expect(keys.find((k) => k.KeyId === GONE)).toMatchObject({
      Arn: arnOf(GONE),
      AWSAccountId: ACCOUNT,
      KeyState: 'Unavailable',
      KeyManager: 'CUSTOMER',
      Aliases: [],
    });
    expect(notices).toEqual([
      expect.stringContaining(
        `key ${arnOf(GONE)} used by a file system could not be described (NotFoundException)`,
      ),
    ]);
    // AWS-managed keys nobody uses cost no DescribeKey; the other account's key is not asked for here.
    expect(described.sort()).toEqual([arnOf(CMK), arnOf(GONE)].sort());
  });
});
