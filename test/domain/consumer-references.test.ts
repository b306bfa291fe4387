import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consumerChecklist,
  consumerReport,
  groupByApplication,
  referencesInEcsVolumes,
  referencesInLambdaFileSystemConfigs,
  referencesInText,
} from '../../src/domain/consumer-references.ts';
import type { Consumer, SourceIdentity } from '../../src/domain/consumers.ts';

const source: SourceIdentity = {
  accountId: '111122223333',
  region: 'eu-west-1',
  fileSystemId: 'fs-0a1',
  dnsName: 'fs-0a1.efs.eu-west-1.amazonaws.com',
  accessPointIds: ['fsap-0b2', 'fsap-0c3'],
  accessPointArns: [
    'arn:aws:elasticfilesystem:eu-west-1:111122223333:access-point/fsap-0b2',
    'arn:aws:elasticfilesystem:eu-west-1:111122223333:access-point/fsap-0c3',
  ],
  mountTargetIps: ['10.0.1.5', '10.0.2.7'],
};

const forms = (text: string) => referencesInText(text, source).map((r) => [r.form, r.value, r.where]);

describe('referencesInText', () => {
  it('finds every form a mount uses, with its line', () => {
    const userData = [
      '#!/bin/bash',
      'mount -t efs -o tls fs-0a1:/ /mnt/a',
      'mount -t nfs4 fs-0a1.efs.eu-west-1.amazonaws.com:/ /mnt/b',
      'mount -t nfs4 eu-west-1a.fs-0a1.efs.eu-west-1.amazonaws.com:/ /mnt/c',
      'mount -t nfs4 10.0.2.7:/ /mnt/d',
      'echo "fs-0a1::fsap-0c3 /mnt/e efs _netdev,tls 0 0" >> /etc/fstab',
      'mount -t efs -o tls,accesspoint=fsap-0b2 fs-0a1 /mnt/f',
    ].join('\n');
    expect(forms(userData)).toEqual([
      ['file-system-id', 'fs-0a1', 'user data line 2'],
      ['dns-name', 'fs-0a1.efs.eu-west-1.amazonaws.com', 'user data line 3'],
      ['dns-name', 'eu-west-1a.fs-0a1.efs.eu-west-1.amazonaws.com', 'user data line 4'],
      ['mount-target-ip', '10.0.2.7', 'user data line 5'],
      ['file-system-and-access-point', 'fs-0a1::fsap-0c3', 'user data line 6'],
      ['access-point', 'accesspoint=fsap-0b2', 'user data line 7'],
      ['file-system-id', 'fs-0a1', 'user data line 7'],
    ]);
    const ap = referencesInText(userData, source).filter((r) => r.accessPointId);
    expect(ap.map((r) => r.accessPointId)).toEqual(['fsap-0c3', 'fsap-0b2']);
  });

  it('ignores near-misses: longer IDs, other file systems, other IPs, other access points', () => {
    const text = [
      'mount fs-0a12:/ /a',
      'mount xfs-0a1:/ /b',
      'mount fs-0a1b.efs.eu-west-1.amazonaws.com:/ /c',
      'mount 110.0.1.5:/ /d',
      'mount 10.0.1.50:/ /e',
      'mount 10.0.1.5.9:/ /f',
      'mount fs-0a1::fsap-0b22 /g',
      'accesspoint=fsap-0b2x',
    ].join('\n');
    // Line 7's fs-0a1 is the file system (the access point is not the source's): found as the ID.
    expect(forms(text)).toEqual([['file-system-id', 'fs-0a1', 'user data line 7']]);
  });

  it('reads the DNS name of another region as the ID only', () => {
    expect(forms('fs-0a1.efs.us-east-1.amazonaws.com')).toEqual([
      ['file-system-id', 'fs-0a1', 'user data line 1'],
    ]);
  });

  it('finds an ID embedded anywhere in random text, once per occurrence (property)', () => {
    const noise = fc.string({ unit: fc.constantFrom(...' \t:/=,;"\'()[]{}<>'.split('')), maxLength: 6 });
    const words = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz '.split('')),
      maxLength: 20,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(words, noise, noise), { minLength: 1, maxLength: 8 }), (parts) => {
        const text = parts.map(([w, before, after]) => `${w}${before} fs-0a1${after} ${w}`).join('\n');
        const refs = referencesInText(text, source);
        expect(refs).toHaveLength(parts.length);
        expect(refs.every((r) => r.form === 'file-system-id' && r.value === 'fs-0a1')).toBe(true);
        expect(refs.map((r) => r.where)).toEqual(parts.map((_, i) => `user data line ${i + 1}`));
      }),
      { seed: 14, numRuns: 200 },
    );
  });

  it('never matches an ID or IP extended by one more character (property)', () => {
    const idChar = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
    const digit = fc.constantFrom(...'0123456789'.split(''));
    fc.assert(
      fc.property(idChar, digit, fc.string({ maxLength: 10 }), (c, d, filler) => {
        const clean = filler.replace(/[^a-z ]/g, ' ');
        const text = `${clean} fs-0a1${c} ${clean} fsap-0b2${c} ${d}10.0.1.5 10.0.1.5${d} ${clean}`;
        expect(referencesInText(text, source)).toEqual([]);
      }),
      { seed: 14, numRuns: 200 },
    );
  });
});

describe('referencesInEcsVolumes', () => {
  it('matches the file system ID and a source access point, naming the volume', () => {
    const refs = referencesInEcsVolumes(
      [
        {
          name: 'data',
          efsVolumeConfiguration: {
            fileSystemId: 'fs-0a1',
            authorizationConfig: { accessPointId: 'fsap-0b2' },
          },
        },
        { name: 'other', efsVolumeConfiguration: { fileSystemId: 'fs-0a12' } },
        { name: 'host' },
      ],
      source,
    );
    expect(refs).toEqual([
      { form: 'file-system-id', value: 'fs-0a1', where: 'volume "data" fileSystemId' },
      {
        form: 'access-point',
        value: 'fsap-0b2',
        where: 'volume "data" authorizationConfig.accessPointId',
        accessPointId: 'fsap-0b2',
      },
    ]);
  });
});

describe('referencesInLambdaFileSystemConfigs', () => {
  it('matches only the source access point ARNs of its account and region', () => {
    const refs = referencesInLambdaFileSystemConfigs(
      [
        { Arn: source.accessPointArns[1], LocalMountPath: '/mnt/data' },
        {
          Arn: 'arn:aws:elasticfilesystem:eu-west-1:111122223333:access-point/fsap-0b22',
          LocalMountPath: '/mnt/x',
        },
        {
          Arn: 'arn:aws:elasticfilesystem:us-east-1:111122223333:access-point/fsap-0b2',
          LocalMountPath: '/mnt/y',
        },
      ],
      source,
    );
    expect(refs).toEqual([
      {
        form: 'access-point',
        value: source.accessPointArns[1],
        where: 'FileSystemConfigs[0] (/mnt/data)',
        accessPointId: 'fsap-0c3',
      },
    ]);
  });
});

const consumer = (
  id: string,
  tags: Record<string, string>,
  kind: 'ecs-task-definition' = 'ecs-task-definition',
): Consumer => ({
  kind,
  id,
  name: id,
  tags,
  references: [],
  taskDefinitionArn: id,
  family: 'f',
  revision: 1,
});

describe('groupByApplication', () => {
  it("groups by the consumer's app tag, else the file system's, else unassigned, owners likewise", () => {
    const groups = groupByApplication(
      [
        consumer('a', { app: 'billing', owner: 'U123' }),
        consumer('b', { Application: 'billing' }),
        consumer('c', {}),
        consumer('d', { app: 'search' }),
      ],
      { app: 'shared', owner: 'team-storage' },
    );
    expect(groups.map((g) => [g.app, g.ownerTag, g.consumers.map((c) => c.id)])).toEqual([
      ['billing', 'U123', ['a', 'b']],
      ['search', 'team-storage', ['d']],
      ['shared', 'team-storage', ['c']],
    ]);
    expect(groupByApplication([consumer('c', {})], {}).map((g) => [g.app, g.ownerTag])).toEqual([
      ['unassigned', undefined],
    ]);
  });
});

describe('the checklist', () => {
  it('names the source IDs, the pinned revisions found and the twin', () => {
    const items = consumerChecklist(source, [consumer('arn:td/app:3', {})], 'fs-0twin');
    expect(items.map((i) => i.id)).toEqual([
      'fstab',
      'eks-persistent-volumes',
      'pinned-task-definitions',
      'on-premises',
    ]);
    const text = items.map((i) => i.detail).join('\n');
    for (const s of ['fs-0a1', 'fs-0a1::fsap-0b2', '10.0.1.5', 'arn:td/app:3', 'fs-0twin', source.dnsName])
      expect(text).toContain(s);
  });

  it('is part of every report, consumers sorted', () => {
    const report = consumerReport({
      migrationId: 'FS#1#r#fs-0a1',
      source,
      discoveredAt: '2026-01-01T00:00:00.000Z',
      consumers: [consumer('b', {}), consumer('a', {})],
      unreadable: [],
    });
    expect(report.consumers.map((c) => c.id)).toEqual(['a', 'b']);
    expect(report.checklist).toHaveLength(4);
  });
});
