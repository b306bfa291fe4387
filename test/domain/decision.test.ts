import { describe, expect, it } from 'vitest';
import {
  checkNetworkPath,
  cidrContains,
  evaluateChoice,
  keyProblems,
  parseBandwidthLimit,
  parseKeyReference,
  parsePolicyRules,
  policyProblems,
  type KeyFacts,
  type NetworkFacts,
} from '../../src/domain/decision.ts';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/domain/errors.ts';
import { fileSystem } from '../harness/scan-fixtures.ts';

const FS = { accountId: '111111111111', region: 'eu-west-1' };
const key = (over: Partial<KeyFacts> = {}): KeyFacts => ({
  keyId: '11111111-2222-3333-4444-555555555555',
  arn: 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555',
  accountId: '111111111111',
  region: 'eu-west-1',
  keyState: 'Enabled',
  keySpec: 'SYMMETRIC_DEFAULT',
  keyUsage: 'ENCRYPT_DECRYPT',
  keyManager: 'CUSTOMER',
  aliases: ['alias/payments'],
  ...over,
});

describe('parseKeyReference', () => {
  it.each([
    ['11111111-2222-3333-4444-555555555555', 'key-id'],
    ['mrk-0123456789abcdef0123456789abcdef', 'key-id'],
    ['alias/payments-efs', 'alias'],
    ['arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555', 'key-arn'],
    ['arn:aws:kms:eu-west-1:111111111111:alias/payments-efs', 'alias-arn'],
  ])('reads %s as a %s', (ref, kind) => {
    expect(parseKeyReference(ref)).toMatchObject({ kind });
  });

  it('says what is wrong with a bare alias and a foreign ARN', () => {
    expect(parseKeyReference('payments-efs')).toEqual({
      error: expect.stringContaining('did you mean alias/payments-efs'),
    });
    expect(parseKeyReference('arn:aws:s3:::bucket')).toEqual({
      error: expect.stringContaining('not a KMS key or alias ARN'),
    });
    expect(parseKeyReference('  ')).toEqual({ error: expect.stringContaining('Choose a key') });
  });
});

describe('keyProblems', () => {
  it('accepts an enabled symmetric key of the same account and region', () => {
    expect(keyProblems({ kind: 'found', key: key() }, FS)).toEqual([]);
  });
  it('accepts the AWS-managed key before its first use', () => {
    expect(
      keyProblems(
        {
          kind: 'aws-managed-not-yet-created',
          aliasArn: 'arn:aws:kms:eu-west-1:111111111111:alias/aws/elasticfilesystem',
        },
        FS,
      ),
    ).toEqual([]);
  });
  it('refuses a disabled key and says how to enable it', () => {
    expect(keyProblems({ kind: 'found', key: key({ keyState: 'Disabled' }) }, FS)).toEqual([
      expect.stringContaining('is disabled. Enable it'),
    ]);
  });
  it('refuses a key pending deletion with its date', () => {
    const [p] = keyProblems(
      { kind: 'found', key: key({ keyState: 'PendingDeletion', deletionDate: '2026-02-01T00:00:00Z' }) },
      FS,
    );
    expect(p).toContain('pending deletion (on 2026-02-01)');
  });
  it('refuses an asymmetric signing key on both counts', () => {
    const problems = keyProblems(
      { kind: 'found', key: key({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }) },
      FS,
    );
    expect(problems).toEqual([
      expect.stringContaining('asymmetric key (RSA_2048)'),
      expect.stringContaining('SIGN_VERIFY'),
    ]);
  });
  it('refuses a key in another region', () => {
    expect(keyProblems({ kind: 'found', key: key({ region: 'us-east-1' }) }, FS)).toEqual([
      expect.stringContaining('is in us-east-1 but the file system is in eu-west-1'),
    ]);
  });
  it('refuses another account’s key unless its policy grants use', () => {
    const foreign = key({ accountId: '222222222222' });
    expect(keyProblems({ kind: 'found', key: foreign }, FS)).toEqual([
      expect.stringContaining('belongs to account 222222222222'),
    ]);
    expect(keyProblems({ kind: 'found', key: { ...foreign, crossAccountAccess: true } }, FS)).toEqual([]);
  });
  it('reports a missing key with where it looked', () => {
    expect(
      keyProblems(
        { kind: 'not-found', ref: 'alias/nope', accountId: '111111111111', region: 'eu-west-1' },
        FS,
      )[0],
    ).toContain('alias/nope was not found in account 111111111111 eu-west-1');
  });
  it('says where a key ARN of another account and region is, and where the file system is', () => {
    const arn = 'arn:aws:kms:us-east-1:222222222222:key/0b7c1f52-8e8a-4a0e-9d7e-3c8f1e2a9b01';
    const [missing] = keyProblems(
      { kind: 'not-found', ref: arn, accountId: '222222222222', region: 'us-east-1' },
      FS,
    );
    expect(missing).toContain(
      'the key is in account 222222222222 region us-east-1; the file system is in account 111111111111 region eu-west-1.',
    );
    expect(missing).toMatch(/needs a key in the file system's region \(eu-west-1\)/);
    expect(missing).toMatch(/allow account 111111111111 in its key policy/);
    const [found] = keyProblems(
      {
        kind: 'found',
        key: key({ accountId: '222222222222', region: 'us-east-1', crossAccountAccess: true }),
      },
      FS,
    );
    expect(found).toContain(
      'the key is in account 222222222222 region us-east-1; the file system is in account 111111111111 region eu-west-1.',
    );
  });
});

describe('policy rules', () => {
  it('parses the documented syntax and names bad entries', () => {
    expect(parsePolicyRules('env=prod:require-cmk, data-classification=restricted:no-exclusion')).toEqual({
      rules: [
        { tagKey: 'env', tagValue: 'prod', requirement: 'require-cmk' },
        { tagKey: 'data-classification', tagValue: 'restricted', requirement: 'no-exclusion' },
      ],
      problems: [],
    });
    expect(parsePolicyRules('env=prod:encrypt-twice').problems).toEqual([
      expect.stringContaining('"env=prod:encrypt-twice"'),
    ]);
  });
  it('is a validated setting', () => {
    expect(loadConfig({ EFS_ENCRYPT_POLICY_RULES: 'env=prod:require-cmk' }).policy.rules).toHaveLength(1);
    expect(() => loadConfig({ EFS_ENCRYPT_POLICY_RULES: 'prod' })).toThrow(ConfigError);
  });
  it('requires a customer-managed key where the tag matches (case-insensitive key)', () => {
    const rules = parsePolicyRules('ENV=prod:require-cmk').rules;
    expect(
      policyProblems(rules, { tags: { env: 'prod' } }, { scope: 'in_scope', keyManager: 'AWS' }).targetKey,
    ).toContain('must use a customer-managed key');
    expect(
      policyProblems(rules, { tags: { env: 'prod' } }, { scope: 'in_scope', keyManager: 'CUSTOMER' }),
    ).toEqual({});
    expect(policyProblems(rules, { tags: { env: 'dev' } }, { scope: 'in_scope', keyManager: 'AWS' })).toEqual(
      {},
    );
  });
  it('forbids excluding where no-exclusion matches', () => {
    const rules = parsePolicyRules('env=prod:no-exclusion').rules;
    expect(policyProblems(rules, { tags: { env: 'prod' } }, { scope: 'excluded' }).scope).toContain(
      'cannot be excluded',
    );
  });
});

describe('checkNetworkPath', () => {
  const facts = (over: Partial<NetworkFacts> = {}): NetworkFacts => ({
    mountTargets: [
      {
        mountTargetId: 'fsmt-a',
        subnetId: 'subnet-a',
        availabilityZone: 'eu-west-1a',
        lifeCycleState: 'available',
        securityGroupIds: ['sg-nfs'],
      },
    ],
    subnets: { 'subnet-a': { cidr: '10.1.0.0/20', availabilityZone: 'eu-west-1a', vpcId: 'vpc-1' } },
    securityGroups: {
      'sg-nfs': {
        ingress: [{ protocol: 'tcp', fromPort: 2049, toPort: 2049, cidrs: ['10.1.0.0/16'], groupIds: [] }],
      },
    },
    ...over,
  });

  it('finds a path when the mount target group admits NFS from the subnet CIDR', () => {
    expect(checkNetworkPath('datasync', facts())).toEqual({
      ok: true,
      path: { availabilityZone: 'eu-west-1a', subnetId: 'subnet-a', securityGroupIds: ['sg-nfs'] },
      problems: [],
    });
  });
  it('finds a path through a self-referencing group rule', () => {
    const f = facts({
      securityGroups: {
        'sg-nfs': {
          ingress: [{ protocol: 'tcp', fromPort: 2049, toPort: 2049, cidrs: [], groupIds: ['sg-nfs'] }],
        },
      },
    });
    expect(checkNetworkPath('rsync', f).ok).toBe(true);
  });
  it('flags a group that admits another port only, naming the AZ, group and CIDR', () => {
    const f = facts({
      securityGroups: {
        'sg-nfs': {
          ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0'], groupIds: [] }],
        },
      },
    });
    const verdict = checkNetworkPath('datasync', f);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toMatch(
      /eu-west-1a: sg-nfs of fsmt-a admit no TCP 2049 from 10\.1\.0\.0\/20/,
    );
  });
  it('flags a file system without mount targets', () => {
    expect(checkNetworkPath('rsync', facts({ mountTargets: [] })).problems[0]).toContain(
      'it has no mount targets',
    );
  });
  it('needs no NFS path for replication', () => {
    expect(checkNetworkPath('replication', facts({ mountTargets: [] })).ok).toBe(true);
  });
  it('contains CIDRs by prefix', () => {
    expect(cidrContains('10.1.0.0/16', '10.1.16.0/20')).toBe(true);
    expect(cidrContains('10.1.0.0/20', '10.1.16.0/20')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '192.168.0.0/24')).toBe(true);
    expect(cidrContains('10.1.0.0/24', '10.1.0.0/16')).toBe(false);
  });
});

describe('evaluateChoice', () => {
  const fs = fileSystem({ fileSystemId: 'fs-1', accountId: FS.accountId, region: FS.region });
  it('needs a reason to exclude', () => {
    const verdict = evaluateChoice(
      { fileSystemId: 'fs-1', scope: 'excluded', exclusionReason: '  ' },
      { fileSystem: fs, policy: [] },
    );
    expect(verdict.errors).toEqual({ exclusionReason: expect.stringContaining('needs a reason') });
  });
  it('needs a key and a method in scope', () => {
    const verdict = evaluateChoice(
      { fileSystemId: 'fs-1', scope: 'in_scope' },
      { fileSystem: fs, policy: [] },
    );
    expect(Object.keys(verdict.errors).sort()).toEqual(['method', 'targetKey']);
  });
  it('passes a complete valid choice and returns the network path', () => {
    const verdict = evaluateChoice(
      { fileSystemId: 'fs-1', scope: 'in_scope', targetKey: 'alias/payments', method: 'replication' },
      { fileSystem: fs, key: { kind: 'found', key: key() }, policy: [] },
    );
    expect(verdict).toMatchObject({ ok: true, errors: {} });
  });
  it('refuses replication for a file system already replicating', () => {
    const replicating = fileSystem({
      fileSystemId: 'fs-2',
      replications: [
        {
          role: 'source',
          sourceFileSystemId: 'fs-2',
          sourceFileSystemRegion: 'eu-west-1',
          destinations: [{ fileSystemId: 'fs-9', region: 'eu-central-1', status: 'ENABLED' }],
        },
      ],
    });
    const verdict = evaluateChoice(
      { fileSystemId: 'fs-2', scope: 'in_scope', targetKey: 'alias/payments', method: 'replication' },
      { fileSystem: replicating, key: { kind: 'found', key: key() }, policy: [] },
    );
    expect(verdict.errors.method).toContain('already replicates to fs-9 in eu-central-1');
  });
  it('limits constraint text', () => {
    const verdict = evaluateChoice(
      {
        fileSystemId: 'fs-1',
        scope: 'in_scope',
        targetKey: 'k',
        method: 'replication',
        constraints: { notes: 'x'.repeat(1001) },
      },
      { fileSystem: fs, key: { kind: 'found', key: key() }, policy: [] },
    );
    expect(verdict.errors).toEqual({ notes: expect.stringContaining('under 1000') });
  });
});

describe('bandwidth limit', () => {
  it('reads binary units per second into bytes per second', () => {
    expect(parseBandwidthLimit('50 MiB/s')).toEqual({ bytesPerSecond: 52_428_800 });
    expect(parseBandwidthLimit(' 1.5 gib / s ')).toEqual({ bytesPerSecond: 1_610_612_736 });
    expect(parseBandwidthLimit('800KiB/s')).toEqual({ bytesPerSecond: 819_200 });
    expect(parseBandwidthLimit('1048576 B/s')).toEqual({ bytesPerSecond: 1_048_576 });
  });

  it('says what to write instead of what it cannot read', () => {
    expect(parseBandwidthLimit('50 MB/s')).toEqual({
      error:
        '"50 MB/s" is ambiguous (DataSync counts 1 MB as 1,048,576 bytes): write MiB/s, e.g. "50 MiB/s".',
    });
    expect(parseBandwidthLimit('fast')).toEqual({
      error: '"fast" is not a bandwidth limit: write a number and KiB/s, MiB/s or GiB/s, e.g. "50 MiB/s".',
    });
    expect(parseBandwidthLimit('50 MiB')).toHaveProperty('error');
    expect(parseBandwidthLimit('0 MiB/s')).toEqual({
      error: expect.stringContaining('would stop the copy'),
    });
  });

  it('is checked with the decision, and only for DataSync', () => {
    const fs = fileSystem({ fileSystemId: 'fs-1', accountId: FS.accountId, region: FS.region });
    const facts = { fileSystem: fs, key: { kind: 'found' as const, key: key() }, policy: [] };
    const choice = (method: 'replication' | 'datasync', bandwidthLimit: string) =>
      evaluateChoice(
        {
          fileSystemId: 'fs-1',
          scope: 'in_scope',
          targetKey: 'alias/payments',
          method,
          constraints: { bandwidthLimit },
        },
        facts,
      );
    expect(choice('replication', '50 MiB/s').errors).toEqual({
      bandwidthLimit: expect.stringContaining('applies to DataSync copies'),
    });
    expect(choice('replication', '12 furlongs').errors.bandwidthLimit).toContain('is not a bandwidth limit');
    expect(choice('replication', '  ').errors).toEqual({});
  });
});
