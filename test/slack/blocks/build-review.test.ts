import { describe, expect, it } from 'vitest';
import {
  BUILD_ONE_ACTION_ID,
  buildButtonsBlock,
  buildReviewMessages,
  chunkEscaped,
} from '#blocks/build-review.ts';
import { limitBreaches, type Block } from '#blocks/limits.ts';
import { planSummaryMessages } from '#blocks/plan-summary.ts';
import { planBuild, type BuildPlan } from '../../../src/domain/build-plan.ts';
import type { FileSystemRecord } from '../../../src/domain/inventory.ts';
import type { PlanSummary } from '../../../src/workflow/decide/index.ts';

const ACCOUNT = '777777777777';
const REGION = 'eu-west-1';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/77777777-0000-4000-8000-000000000001`;

function fileSystem(n: number, extra: Partial<FileSystemRecord> = {}): FileSystemRecord {
  const id = `fs-07${String(n).padStart(15, '0')}`;
  return {
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: id,
    name: `fs-${n}`,
    encrypted: false,
    tags: { env: 'prod', 'aws:cloudformation:stack-name': 'stack' },
    mountTargets: [
      {
        mountTargetId: `fsmt-07${String(n).padStart(15, '0')}`,
        subnetId: 'subnet-07',
        availabilityZoneName: 'eu-west-1a',
        securityGroups: ['sg-07'],
        ipAddress: '10.7.0.9',
      },
    ],
    accessPoints: [],
    lifecyclePolicies: [],
    replications: [],
    errors: [],
    sizeInBytes: 1024,
    performanceMode: 'generalPurpose',
    throughputMode: 'bursting',
    backupPolicyStatus: 'ENABLED',
    ...extra,
  } as unknown as FileSystemRecord;
}

function plan(n: number, extra: Partial<FileSystemRecord> = {}): BuildPlan {
  const fs = fileSystem(n, extra);
  return planBuild({
    migrationId: `FS#${ACCOUNT}#${REGION}#${fs.fileSystemId}`,
    fileSystem: fs,
    decision: {
      targetKmsKeyId: KEY_ARN,
      method: 'datasync',
      decidedBy: 'U0ADMIN01',
      decidedAt: '2026-05-01T09:00:00Z',
    },
  });
}

const allText = (blocks: Block[]) =>
  blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : '')).join('\n');

describe('build review builders', () => {
  it('show every call with its exact input, what differs and why, and a Build button per file system', () => {
    const [message] = buildReviewMessages([plan(1)]);
    expect(limitBreaches(message!.blocks)).toEqual([]);
    const text = allText(message!.blocks);
    expect(text).toContain('*CreateFileSystem* _create-file-system_');
    expect(text).toContain(
      JSON.stringify(plan(1).createFileSystem).replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    );
    expect(text).toContain('tag aws:cloudformation:stack-name: dropped');
    expect(text).toContain('10.7.0.9 → chosen by AWS');
    const buttons = message!.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    expect(buttons).toMatchObject([{ action_id: BUILD_ONE_ACTION_ID, value: plan(1).migrationId }]);
  });

  it('say what the twin costs while both exist: storage billed again, provisioned throughput billed again', () => {
    const provisioned = plan(2, {
      sizeInBytes: 100 * 1024 ** 3,
      throughputMode: 'provisioned',
      provisionedThroughputInMibps: 512,
    });
    expect(provisioned.whileBothExist).toMatchObject({
      storageBytes: 100 * 1024 ** 3,
      storageClass: 'Standard',
      storageUsdPerMonth: 30,
      provisionedMibps: 512,
    });
    const [message] = buildReviewMessages([provisioned]);
    expect(limitBreaches(message!.blocks)).toEqual([]);
    const text = allText(message!.blocks);
    expect(text).toContain('*While both exist* _(estimate, us-east-1 list prices)_');
    expect(text).toContain('Storage: 100.0 GiB metered at the scan, billed again on the twin');
    expect(text).toContain('about $30 a month');
    expect(text).toContain('Provisioned throughput: 512 MiB/s, billed again on the twin');
    // Elastic and bursting: what the copy costs instead of a fixed throughput charge.
    expect(plan(3, { throughputMode: 'elastic' }).whileBothExist.lines[1]).toContain(
      'billed per GB read and written',
    );
    expect(plan(4).whileBothExist.lines[1]).toContain("spends the source's burst credits");
    // One Zone: quantities only, no price that was not verified.
    const oneZone = plan(5, { availabilityZoneName: 'eu-west-1a', sizeInBytes: 5 * 1024 ** 3 });
    expect(oneZone.whileBothExist.storageUsdPerMonth).toBeUndefined();
    expect(oneZone.whileBothExist.lines[0]).toContain(
      '5.00 GiB metered at the scan, billed again on the twin (One Zone)',
    );
  });

  it('page dozens of file systems within the block limit without losing one', () => {
    const plans = Array.from({ length: 30 }, (_, i) => plan(i));
    const messages = buildReviewMessages(plans);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(limitBreaches(m.blocks)).toEqual([]);
    const values = messages
      .flatMap((m) => m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])))
      .map((e) => ('value' in e ? e.value : ''));
    expect(values).toEqual(plans.map((p) => p.migrationId));
    expect(messages[1]!.text).toMatch(/\(2\/\d+\)$/);
  });

  it('split an input longer than a section across sections instead of cutting it', () => {
    const tags = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`team-tag-${i}`, 'x'.repeat(200)]));
    const big = plan(1, { tags });
    const messages = buildReviewMessages([big]);
    for (const m of messages) expect(limitBreaches(m.blocks)).toEqual([]);
    const text = messages.map((m) => allText(m.blocks)).join('\n');
    expect(text).toContain('(continued 2/');
    const pieces = [...text.matchAll(/```([^`]*)```/g)].map((m) => m[1]);
    expect(pieces.join('')).toContain(JSON.stringify(big.createFileSystem));
  });

  it('chunk escaped text without splitting an entity', () => {
    const chunks = chunkEscaped('<'.repeat(10), 9);
    expect(chunks).toEqual(['&lt;&lt;', '&lt;&lt;', '&lt;&lt;', '&lt;&lt;', '&lt;&lt;']);
  });

  it('put Review build and Build all on a plan summary only when something is decided', () => {
    const summary = (decided: number): PlanSummary =>
      ({
        scanId: 'scan-1',
        basis: 'scan scan-1',
        unread: [],
        candidates: 2,
        decided: Array.from({ length: decided }, (_, i) => ({
          fileSystem: fileSystem(i),
          migrationId: `m${i}`,
          decision: {
            migrationId: `m${i}`,
            version: 1,
            updatedAt: '',
            decision: { targetKmsKeyId: KEY_ARN, method: 'datasync', decidedBy: 'U0ADMIN01', decidedAt: '' },
          },
        })),
        excluded: [],
        undecided: [],
        started: [],
      }) as PlanSummary;
    const withButtons = planSummaryMessages(summary(1))[0]!.blocks;
    expect(withButtons).toContainEqual(buildButtonsBlock('scan-1'));
    expect(limitBreaches(withButtons)).toEqual([]);
    expect(planSummaryMessages(summary(0))[0]!.blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});
