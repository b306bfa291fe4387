import { describe, expect, test } from 'vitest';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EstateFileError } from '../../src/estate/errors.ts';
import { loadEstateFile, parseEstate } from '../../src/estate/load.ts';
import { SAMPLE_ESTATE_PATH } from '../../src/estate/samples/index.ts';
import { estateAccounts, estateRegions, type Estate, type EstateFileSystem } from '../../src/estate/types.ts';
import { generateEstate } from '../../src/estate/generate.ts';
import { SMALL_ESTATE } from './helpers.ts';

function problemsOf(json: unknown): string[] {
  try {
    parseEstate(json, 'test.json');
  } catch (e) {
    expect(e).toBeInstanceOf(EstateFileError);
    return (e as EstateFileError).problems;
  }
  throw new Error('expected the estate to be refused');
}

const region = (body: object) => ({
  accounts: [{ accountId: '111111111111', regions: { 'eu-west-1': body } }],
});

describe('estate file validation', () => {
  test('schema problems are listed with the path of each', () => {
    const problems = problemsOf({
      accounts: [
        { accountId: '111111111111', regions: {} },
        {
          accountId: '12',
          regions: {
            'eu-west-1': {
              fileSystems: [
                {},
                {},
                {},
                { KmsKeyID: 'x', LifeCycleState: 'ready', CreationTime: 'yesterday' },
              ],
            },
            'not-a-region': {},
          },
        },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'accounts[1].accountId: an AWS account ID is 12 digits',
        expect.stringMatching(
          /^accounts\[1\]\.regions\.eu-west-1\.fileSystems\[3\]\.KmsKeyID: not a member of this AWS shape/,
        ),
        expect.stringMatching(/^accounts\[1\]\.regions\.eu-west-1\.fileSystems\[3\]\.LifeCycleState: /),
        expect.stringMatching(
          /^accounts\[1\]\.regions\.eu-west-1\.fileSystems\[3\]\.CreationTime: "yesterday" is not a date/,
        ),
        expect.stringMatching(/^accounts\[1\]\.regions\.not-a-region/),
      ]),
    );
  });

  test('cross-reference problems are listed with paths too', () => {
    const problems = problemsOf(
      region({
        vpcs: [{ VpcId: 'vpc-0a0a0a0a0a0a0a0a0' }],
        subnets: [
          { SubnetId: 'subnet-0a0a0a0a0a0a0a0a1', AvailabilityZone: 'eu-west-1a' },
          { SubnetId: 'subnet-0a0a0a0a0a0a0a0a2', AvailabilityZone: 'eu-west-1a' },
        ],
        securityGroups: [{ GroupId: 'sg-0a0a0a0a0a0a0a0a1', GroupName: 'default' }],
        fileSystems: [
          { Encrypted: true, KmsKeyId: 'alias/missing' },
          { KmsKeyId: 'alias/aws/elasticfilesystem' },
          { ThroughputMode: 'provisioned' },
          {
            NumberOfMountTargets: 2,
            MountTargets: [
              { SubnetId: 'subnet-0a0a0a0a0a0a0a0a1' },
              { SubnetId: 'subnet-0a0a0a0a0a0a0a0a2' },
              { SubnetId: 'subnet-0fffffffffffffff0', SecurityGroups: ['sg-0fffffffffffffff0'] },
            ],
          },
          { FileSystemId: 'fs-0123456789abcdef0' },
          { FileSystemId: 'fs-0123456789abcdef0' },
        ],
      }),
    );
    const at = 'accounts[0].regions.eu-west-1';
    expect(problems).toEqual(
      expect.arrayContaining([
        `${at}.fileSystems[0].KmsKeyId: no key "alias/missing" in ${at}.keys; add the key there or give a key ARN`,
        expect.stringMatching(
          new RegExp(`^${escape(at)}\\.fileSystems\\[1\\]\\.KmsKeyId: an unencrypted file system has no key`),
        ),
        `${at}.fileSystems[2].ProvisionedThroughputInMibps: provisioned throughput needs ProvisionedThroughputInMibps`,
        expect.stringMatching(
          new RegExp(
            `^${escape(at)}\\.fileSystems\\[3\\]\\.MountTargets\\[1\\]\\.SubnetId: .*one mount target per Availability Zone`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${escape(at)}\\.fileSystems\\[3\\]\\.MountTargets\\[2\\]\\.SubnetId: subnet-0fffffffffffffff0 is not in this region's subnets`,
          ),
        ),
        expect.stringMatching(
          new RegExp(`^${escape(at)}\\.fileSystems\\[3\\]\\.MountTargets\\[2\\]\\.SecurityGroups\\[0\\]: `),
        ),
        expect.stringMatching(
          new RegExp(
            `^${escape(at)}\\.fileSystems\\[3\\]\\.NumberOfMountTargets: says 2 but MountTargets lists 3`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${escape(at)}\\.fileSystems\\[5\\]\\.FileSystemId: fs-0123456789abcdef0 is already used`,
          ),
        ),
      ]),
    );
  });

  test('an unreadable or non-JSON file is refused with a clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'estate-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, '{ not json');
    await expect(loadEstateFile(file)).rejects.toMatchObject({
      problems: [expect.stringMatching(/^not valid JSON/)],
    });
    await expect(loadEstateFile(join(dir, 'missing.json'))).rejects.toMatchObject({
      problems: [expect.stringMatching(/ENOENT.*--estate/)],
    });
  });

  test('defaults are deterministic and fill IDs, ARNs, owners and times', () => {
    const a = parseEstate(SMALL_ESTATE, 'a');
    const b = parseEstate(SMALL_ESTATE, 'b');
    expect(a).toEqual(b);
    const bulk = a.accounts[0]!.regions['eu-west-1']!.fileSystems[0]!;
    expect(bulk.MountTargets[1]!.MountTargetId).toMatch(/^fsmt-[0-9a-f]{17}$/);
    expect(bulk.AccessPoints[0]!.OwnerId).toBe('111111111111');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('the sample estate', () => {
  let estate: Estate;
  const all = () =>
    estate.accounts.flatMap((a) =>
      Object.entries(a.regions).flatMap(([region, r]) =>
        r.fileSystems.map((fs) => ({ account: a, region, r, fs })),
      ),
    );
  const keyOf = (x: ReturnType<typeof all>[number]) => x.r.keys.find((k) => k.Arn === x.fs.KmsKeyId);
  const some = (label: string, predicate: (x: ReturnType<typeof all>[number]) => boolean) =>
    expect(all().filter(predicate).length, label).toBeGreaterThan(0);

  test('loads, and looks like an organisation: 3 accounts, 3+ regions, 25+ file systems, tagged', async () => {
    estate = await loadEstateFile(SAMPLE_ESTATE_PATH);
    expect(estateAccounts(estate)).toHaveLength(3);
    expect(estateRegions(estate).length).toBeGreaterThanOrEqual(3);
    expect(all().length).toBeGreaterThanOrEqual(25);
    for (const { fs } of all()) {
      expect(fs.Tags.map((t) => t.Key)).toEqual(expect.arrayContaining(['Name', 'owner', 'app', 'env']));
    }
  });

  test('covers every case the bot must handle', () => {
    const mounted = (fs: EstateFileSystem) => fs.MountTargets.length > 0;
    some('unencrypted with mount targets', ({ fs }) => !fs.Encrypted && mounted(fs));
    some('unencrypted without mount targets', ({ fs }) => !fs.Encrypted && !mounted(fs));
    some('aws/elasticfilesystem', (x) => keyOf(x)?.Aliases.includes('alias/aws/elasticfilesystem') ?? false);
    some(
      'enabled customer key',
      (x) => keyOf(x)?.KeyManager === 'CUSTOMER' && keyOf(x)?.KeyState === 'Enabled',
    );
    some('disabled customer key', (x) => keyOf(x)?.KeyState === 'Disabled');
    some('pending deletion customer key', (x) => keyOf(x)?.KeyState === 'PendingDeletion');
    some('One Zone', ({ fs }) => fs.AvailabilityZoneName !== undefined);
    some('provisioned', ({ fs }) => fs.ThroughputMode === 'provisioned');
    some('elastic', ({ fs }) => fs.ThroughputMode === 'elastic');
    some('access point with POSIX user', ({ fs }) =>
      fs.AccessPoints.some((ap) => ap.PosixUser !== undefined),
    );
    some('replication', ({ fs }) => fs.Replications.length > 0);
    some('creating', ({ fs }) => fs.LifeCycleState === 'creating');
    some('deleting', ({ fs }) => fs.LifeCycleState === 'deleting');
    expect(estate.accounts.filter((a) => !a.assumable)).toHaveLength(1);
  });
});

describe('generated estates', () => {
  test('1,000 file systems over 5 accounts and 20 regions, the same for the same seed', () => {
    const options = { accounts: 5, regions: 20, fileSystems: 1000, seed: 7 };
    const estate = generateEstate(options);
    expect(estateAccounts(estate)).toHaveLength(5);
    expect(estateRegions(estate)).toHaveLength(20);
    const fileSystems = estate.accounts.flatMap((a) =>
      Object.values(a.regions).flatMap((r) => r.fileSystems),
    );
    expect(fileSystems).toHaveLength(1000);
    expect(
      fileSystems.some((f) => f.MountTargets.length > 0 && f.AccessPoints.length > 0 && f.Encrypted),
    ).toBe(true);
    expect(fileSystems.some((f) => !f.Encrypted)).toBe(true);
    expect(generateEstate(options)).toEqual(estate);
    expect(generateEstate({ ...options, seed: 8 })).not.toEqual(estate);
  });
});
