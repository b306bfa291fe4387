import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  FS,
  KEYS,
  OTHER_REGION,
  REGION,
  startDecideEstate,
  type DecideEstate,
} from '../workflow/decide/decide-fixture.ts';

let env: DecideEstate;
beforeAll(async () => {
  env = await startDecideEstate();
}, 30_000);
afterAll(async () => {
  await env?.close();
});

const here = { accountId: ACCOUNT, region: REGION };

describe('KeyDirectory against the local estate', () => {
  it.each([
    KEYS.good.id,
    KEYS.good.arn,
    KEYS.good.alias,
    `arn:aws:kms:${REGION}:${ACCOUNT}:${KEYS.good.alias}`,
  ])('resolves %s to the key with its alias', async (ref) => {
    const found = await env.directories.keys.lookup(ref, here);
    expect(found).toMatchObject({
      kind: 'found',
      key: {
        arn: KEYS.good.arn,
        keyState: 'Enabled',
        keySpec: 'SYMMETRIC_DEFAULT',
        keyManager: 'CUSTOMER',
        aliases: [KEYS.good.alias],
      },
    });
  });

  it('reads the asymmetric key’s spec and usage', async () => {
    expect(await env.directories.keys.lookup(KEYS.asymmetric.alias, here)).toMatchObject({
      kind: 'found',
      key: { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' },
    });
  });

  it('looks a key ARN up in the ARN’s region', async () => {
    expect(await env.directories.keys.lookup(KEYS.otherRegion.arn, here)).toMatchObject({
      kind: 'found',
      key: { region: OTHER_REGION, accountId: ACCOUNT },
    });
  });

  it('tells a missing alias from the AWS-managed key, which DescribeKey creates before EFS first uses it', async () => {
    expect(await env.directories.keys.lookup('alias/nope', here)).toMatchObject({
      kind: 'not-found',
      region: REGION,
    });
    // KMS's DescribeKey documentation: a predefined AWS alias with no key gets its AWS-managed key.
    expect(await env.directories.keys.lookup('alias/aws/elasticfilesystem', here)).toMatchObject({
      kind: 'found',
      key: {
        keyManager: 'AWS',
        keyState: 'Enabled',
        arn: expect.stringMatching(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/`),
      },
    });
  });

  it('lists the customer-managed keys with alias and state, not the AWS-managed one', async () => {
    const keys = await env.directories.keys.listCustomerKeys(here);
    expect(keys.map((k) => [k.aliases[0], k.keyState])).toEqual([
      ['alias/app-efs', 'Enabled'],
      ['alias/doomed', 'PendingDeletion'],
      ['alias/old-efs', 'Disabled'],
      ['alias/signing', 'Enabled'],
    ]);
  });
});

describe('NetworkDirectory against the local estate', () => {
  it('reads mount targets, subnets and inbound rules live', async () => {
    const facts = await env.directories.network.describe({ ...here, fileSystemId: FS.app });
    expect(facts.mountTargets.map((m) => [m.availabilityZone, m.lifeCycleState, m.securityGroupIds])).toEqual(
      [
        ['eu-west-1a', 'available', ['sg-0a00000000000a0f1']],
        ['eu-west-1b', 'available', ['sg-0a00000000000a0f1']],
      ],
    );
    expect(
      Object.values(facts.subnets)
        .map((s) => s.cidr)
        .sort(),
    ).toEqual(['10.1.0.0/20', '10.1.16.0/20']);
    expect(facts.securityGroups['sg-0a00000000000a0f1']?.ingress).toEqual([
      { protocol: 'tcp', fromPort: 2049, toPort: 2049, cidrs: ['10.1.0.0/16'], groupIds: [] },
    ]);
  });

  it('answers a file system without mount targets with no EC2 call', async () => {
    const before = env.server.stats().byOperation['ec2:DescribeSubnets'] ?? 0;
    const facts = await env.directories.network.describe({ ...here, fileSystemId: FS.scratch });
    expect(facts.mountTargets).toEqual([]);
    expect(env.server.stats().byOperation['ec2:DescribeSubnets'] ?? 0).toBe(before);
  });
});
