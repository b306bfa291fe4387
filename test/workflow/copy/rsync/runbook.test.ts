import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSystemRecord, MountTargetRecord } from '../../../../src/domain/inventory.ts';
import type { MigrationDecision } from '../../../../src/domain/migration.ts';
import { BadInputError } from '../../../../src/domain/errors.ts';
import {
  copyInstanceClientToken,
  generateRsyncRunbook,
  rsyncScripts,
  shellQuote,
  type RsyncRunbookInput,
} from '../../../../src/workflow/copy/rsync/index.ts';
import { limitBreaches } from '#blocks/limits.ts';
import { rsyncRunbookMessage } from '#blocks/rsync-runbook.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const SRC = 'fs-0a1b2c3d4e5f60718';
const DST = 'fs-0fedcba9876543210';
const NONCE = '0123456789abcdef0123456789abcdef';

function mt(
  id: string,
  zone: string,
  subnet: string,
  sg: string,
  extra: Partial<MountTargetRecord> = {},
): MountTargetRecord {
  return {
    mountTargetId: id,
    availabilityZoneName: `eu-west-1${zone}`,
    availabilityZoneId: `euw1-az${'abc'.indexOf(zone) + 1}`,
    subnetId: subnet,
    vpcId: 'vpc-1',
    ipAddress: '10.0.0.10',
    lifeCycleState: 'available',
    securityGroups: [sg],
    ...extra,
  };
}

function source(over: Partial<FileSystemRecord> = {}): FileSystemRecord {
  return {
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: SRC,
    name: 'shared-home',
    lifeCycleState: 'available',
    sizeInBytes: 3 * 2 ** 40,
    numberOfMountTargets: 2,
    encrypted: false,
    keyAliases: [],
    tags: {},
    lifecyclePolicies: [],
    replications: [],
    mountTargets: [mt('fsmt-s-a', 'a', 'subnet-a', 'sg-src'), mt('fsmt-s-b', 'b', 'subnet-b', 'sg-src')],
    accessPoints: [],
    vpcIds: ['vpc-1'],
    classification: 'unencrypted',
    flags: [],
    errors: [],
    ...over,
  };
}

const decision: MigrationDecision = {
  targetKmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  targetKeyAsGiven: 'alias/efs-data',
  method: 'rsync',
  decidedBy: 'U123',
  decidedAt: '2026-01-01T00:00:00Z',
  constraints: { maintenanceWindow: 'Sat 02:00-06:00 UTC' },
};

function input(over: Partial<RsyncRunbookInput> = {}): RsyncRunbookInput {
  return {
    migration: {
      id: `FS#${ACCOUNT}#${REGION}#${SRC}`,
      accountId: ACCOUNT,
      region: REGION,
      fileSystemId: SRC,
    },
    source: source(),
    // The twin only has a mount target in b and c: b is the one zone with both.
    target: {
      fileSystemId: DST,
      mountTargets: [mt('fsmt-t-c', 'c', 'subnet-c', 'sg-dst'), mt('fsmt-t-b', 'b', 'subnet-b', 'sg-dst')],
    },
    decision,
    verifyNonce: NONCE,
    ...over,
  };
}

describe('generateRsyncRunbook', () => {
  it('puts the instance in the one zone where both file systems have a mount target, and opens NFS on both', () => {
    const rb = generateRsyncRunbook(input());
    expect(rb.network).toMatchObject({
      availabilityZone: 'euw1-az2',
      subnetId: 'subnet-b',
      mountTargetSecurityGroupIds: ['sg-src', 'sg-dst'],
    });
    expect(rb.network.sourceMountTarget.mountTargetId).toBe('fsmt-s-b');
    expect(rb.network.targetMountTarget.mountTargetId).toBe('fsmt-t-b');
    for (const sg of ['sg-src', 'sg-dst'])
      expect(rb.markdown).toContain(
        `authorize-security-group-ingress --region eu-west-1 --group-id ${sg} --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,`,
      );
    expect(rb.markdown).toContain('--subnet-id subnet-b');
    expect(rb.warnings).toEqual([]);
  });

  it('launches idempotently, with a dry run first, and an instance role that cannot write the source', () => {
    const rb = generateRsyncRunbook(input());
    const token = copyInstanceClientToken(`FS#${ACCOUNT}#${REGION}#${SRC}`);
    expect(token.length).toBeLessThanOrEqual(64);
    expect(token).toBe(generateRsyncRunbook(input()).instance.clientToken);
    expect(token).not.toBe(copyInstanceClientToken(`FS#${ACCOUNT}#${REGION}#fs-other`));
    expect(rb.markdown.indexOf(`aws ec2 run-instances --region eu-west-1 --dry-run`)).toBeGreaterThan(0);
    expect(rb.markdown.indexOf('--dry-run')).toBeLessThan(
      rb.markdown.indexOf(`aws ec2 run-instances --region eu-west-1 \\`),
    );
    expect(rb.markdown).toContain(`--client-token ${token}`);
    expect(rb.markdown).toContain(
      '--image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    );
    expect(rb.markdown).toContain('HttpTokens=required');

    const policyLine = rb.markdown.split('\n').find((l) => l.startsWith('aws iam put-role-policy'))!;
    const policy = JSON.parse(/--policy-document '(.*)'$/.exec(policyLine)![1]!) as {
      Statement: { Action: string[]; Resource: string }[];
    };
    const onSource = policy.Statement.filter((s) => s.Resource.endsWith(SRC)).flatMap((s) => s.Action);
    const onTarget = policy.Statement.filter((s) => s.Resource.endsWith(DST)).flatMap((s) => s.Action);
    expect(onSource.sort()).toEqual(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess']);
    expect(onTarget).toContain('elasticfilesystem:ClientWrite');
    expect(policy.Statement.find((s) => s.Resource.endsWith(SRC))!.Resource).toBe(
      `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/${SRC}`,
    );
  });

  it('orders the commands on the instance: mount, initial, incremental, final dry run, final, verify', () => {
    const rb = generateRsyncRunbook(input({ options: { jobs: 32 } }));
    const c = rb.commands;
    expect(c.mount).toBe(
      `/root/efs-encrypt/mount-efs.sh --source-dir /mnt/efs-src --target-dir /mnt/efs-dst ${SRC} ${DST}`,
    );
    expect(c.initial).toBe(
      '/root/efs-encrypt/copy.sh --jobs 32 --log-dir /root/efs-encrypt/logs --require-mounts initial /mnt/efs-src /mnt/efs-dst',
    );
    expect(c.finalDryRun).toContain('--dry-run final');
    const at = (s: string) => rb.markdown.indexOf(s);
    expect(at(c.mount)).toBeLessThan(at(c.initial));
    expect(at(c.initial)).toBeLessThan(at(c.incremental));
    expect(at(c.incremental)).toBeLessThan(at(c.finalDryRun));
    expect(at(c.finalDryRun)).toBeLessThan(at(`${c.final}\n`));
    expect(at(`${c.final}\n`)).toBeLessThan(at(c.verify));
    expect(rb.markdown).toContain('Sat 02:00-06:00 UTC');
  });

  it('ships the tested scripts unchanged but for the binding of verify.sh: the here-documents recreate them byte for byte', () => {
    const rb = generateRsyncRunbook(input({ options: { workDir: '/opt/efs copy' } }));
    const work = fs.mkdtempSync(join(tmpdir(), 'efs-heredoc-'));
    try {
      const blocks = [...rb.markdown.matchAll(/```bash\n(cat > [\s\S]*?)\n```/g)].map((m) =>
        m[1]!.replaceAll('/opt/efs copy', work),
      );
      expect(blocks).toHaveLength(3);
      const r = spawnSync('bash', ['-euc', blocks.join('\n')], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      for (const script of rb.scripts) {
        expect(fs.readFileSync(join(work, script.name), 'utf8')).toBe(script.content);
        expect(fs.statSync(join(work, script.name)).mode & 0o777).toBe(0o755);
      }
      // mount-efs.sh and copy.sh are the shipped files; verify.sh differs from its template only
      // in the four binding lines.
      const shipped = rsyncScripts();
      expect(rb.scripts.slice(0, 2)).toEqual(shipped.slice(0, 2));
      const changed = (a: string, b: string) => {
        const [x, y] = [a.split('\n'), b.split('\n')];
        return x.map((l, i) => (l === y[i] ? undefined : `${l} -> ${y[i]}`)).filter(Boolean);
      };
      expect(changed(shipped[2]!.content, rb.scripts[2]!.content)).toEqual([
        `EFS_ENCRYPT_MIGRATION_ID='' -> EFS_ENCRYPT_MIGRATION_ID='FS#${ACCOUNT}#${REGION}#${SRC}'`,
        `EFS_ENCRYPT_SOURCE_FILE_SYSTEM_ID='' -> EFS_ENCRYPT_SOURCE_FILE_SYSTEM_ID='${SRC}'`,
        `EFS_ENCRYPT_TARGET_FILE_SYSTEM_ID='' -> EFS_ENCRYPT_TARGET_FILE_SYSTEM_ID='${DST}'`,
        `EFS_ENCRYPT_NONCE='' -> EFS_ENCRYPT_NONCE='${NONCE}'`,
      ]);
      expect(rb.verifyNonce).toBe(NONCE);
      expect(rb.scripts.map((s) => s.name)).toEqual(['mount-efs.sh', 'copy.sh', 'verify.sh']);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("uses the decision's network path and security groups when it names them", () => {
    const rb = generateRsyncRunbook(
      input({
        decision: {
          ...decision,
          networkPath: {
            availabilityZone: 'eu-west-1b',
            subnetId: 'subnet-b2',
            securityGroupIds: ['sg-copy'],
          },
        },
      }),
    );
    expect(rb.network.subnetId).toBe('subnet-b2');
    expect(rb.markdown).toContain('--security-group-ids sg-copy');
    expect(rb.markdown).not.toContain('create-security-group');
  });

  it('says exactly what is missing when no zone has both mount targets, or the decision points elsewhere', () => {
    const noCommon = input({
      target: { fileSystemId: DST, mountTargets: [mt('fsmt-t-c', 'c', 'subnet-c', 'sg-dst')] },
    });
    expect(() => generateRsyncRunbook(noCommon)).toThrow(
      `No Availability Zone has mount targets of both ${SRC} (eu-west-1a, eu-west-1b) and ${DST} (eu-west-1c). Create a mount target of ${DST} in one of eu-west-1a, eu-west-1b`,
    );
    const creating = input({
      target: {
        fileSystemId: DST,
        mountTargets: [mt('fsmt-t-b', 'b', 'subnet-b', 'sg-dst', { lifeCycleState: 'creating' })],
      },
    });
    expect(() => generateRsyncRunbook(creating)).toThrow(/has no available mount target yet/);
    const elsewhere = input({
      decision: {
        ...decision,
        networkPath: { availabilityZone: 'eu-west-1a', subnetId: 'subnet-x', securityGroupIds: ['sg-1'] },
      },
    });
    expect(() => generateRsyncRunbook(elsewhere)).toThrow(
      /The decision puts the copy in eu-west-1a, where .* do not both have a mount target \(both have one in: eu-west-1b\)/,
    );
    expect(() => generateRsyncRunbook(input({ decision: { ...decision, method: 'datasync' } }))).toThrow(
      BadInputError,
    );
    expect(() => generateRsyncRunbook(input({ options: { jobs: 0 } }))).toThrow(
      'jobs must be a whole number from 1 to 256, not 0.',
    );
  });

  it('warns about file system policies that would refuse a root mount, and about different VPCs', () => {
    const policy = JSON.stringify({
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'elasticfilesystem:ClientMount',
          Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'true' } },
        },
      ],
    });
    const rb = generateRsyncRunbook(
      input({
        source: source({ fileSystemPolicy: policy }),
        target: {
          fileSystemId: DST,
          mountTargets: [
            mt('fsmt-t-b', 'b', 'subnet-b', 'sg-dst', { vpcId: 'vpc-2', ipAddress: '10.1.0.5' }),
          ],
        },
      }),
    );
    expect(rb.warnings.join('\n')).toContain('different VPCs (vpc-1, vpc-2)');
    expect(rb.warnings.join('\n')).toContain('10.1.0.5');
    expect(rb.warnings.join('\n')).toContain(
      `The file system policy of source ${SRC} conditions access on an access point`,
    );
    expect(rb.markdown).toContain('## Check first');
  });

  it('tells how to record each pass in Slack and on the command line, and refuses to run without a nonce', () => {
    const rb = generateRsyncRunbook(input());
    expect(rb.markdown).toContain(`efs-encrypt copy record ${SRC} --pass initial`);
    expect(rb.markdown).toContain(`efs-encrypt copy record ${SRC} --pass final --summary`);
    expect(rb.markdown).toContain('**Initial copy done**');
    expect(rb.markdown).toContain('one-time nonce');
    expect(() => generateRsyncRunbook(input({ verifyNonce: '' }))).toThrow(/one-time verification nonce/);
    expect(() => generateRsyncRunbook(input({ verifyNonce: "abc'; rm -rf /" }))).toThrow(BadInputError);
  });

  it('quotes shell arguments only when needed', () => {
    expect(shellQuote('/mnt/efs-src')).toBe('/mnt/efs-src');
    expect(shellQuote("/mnt/it's here")).toBe(`'/mnt/it'\\''s here'`);
  });
});

describe('rsyncRunbookMessage', () => {
  it('renders a valid summary with the commands, and attaches the runbook and the scripts', () => {
    const rb = generateRsyncRunbook(
      input({
        target: {
          fileSystemId: DST,
          mountTargets: [mt('fsmt-t-b', 'b', 'subnet-b', 'sg-dst', { vpcId: 'vpc-2' })],
        },
      }),
    );
    const post = rsyncRunbookMessage(rb);
    expect(limitBreaches(post.message.blocks)).toEqual([]);
    const text = JSON.stringify(post.message.blocks);
    expect(text).toContain(rb.commands.initial);
    expect(text).toContain(rb.commands.verify);
    expect(text).toContain('Check first');
    expect(post.files.map((f) => f.filename)).toEqual([
      `efs-encrypt-rsync-runbook-${SRC}.md`,
      'mount-efs.sh',
      'copy.sh',
      'verify.sh',
    ]);
    expect(post.files[0]!.content).toBe(rb.markdown);
    expect(post.message.text).toContain(`${SRC} → ${DST}`);
  });
});
