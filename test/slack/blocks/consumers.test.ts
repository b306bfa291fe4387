import { describe, expect, it } from 'vitest';
import { CUTOVER_REVIEW_ACTION_ID } from '#blocks/cutover-review.ts';
import { consumerReportMessage, CONSUMERS_FIND_ACTION_ID } from '#blocks/consumers.ts';
import { copyProgressMessage, type CopyProgressState } from '#blocks/copy-progress.ts';
import { limitBreaches, SlackLimits, type Block } from '#blocks/limits.ts';
import { consumerReport } from '../../../src/domain/consumer-references.ts';
import { sourceIdentityOf, type Consumer } from '../../../src/domain/consumers.ts';
import { consumerSource } from '../../harness/consumer-fakes.ts';

const source = sourceIdentityOf(consumerSource());

function service(i: number): Consumer {
  return {
    kind: 'ecs-service',
    id: `arn:aws:ecs:eu-west-1:111111111111:service/prod/worker-${i}`,
    name: `worker-${i}`,
    tags: {
      app: `application-${String(i % 60).padStart(2, '0')}`,
      owner: i % 2 ? 'U0OWNER01' : 'team <payments>',
    },
    references: Array.from({ length: 5 }, (_, r) => ({
      form: 'file-system-id' as const,
      value: source.fileSystemId,
      where: `volume "v${r}" fileSystemId`,
    })),
    clusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/prod',
    serviceArn: `arn:aws:ecs:eu-west-1:111111111111:service/prod/worker-${i}`,
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111111111111:task-definition/worker:1',
    deploymentController: 'ECS',
    desiredCount: 1,
    runningCount: 1,
  };
}

const report = (n: number) =>
  consumerReport({
    migrationId: 'FS#111111111111#eu-west-1#fs-0c0c5e0000000001',
    source,
    discoveredAt: '2026-06-01T09:00:00.000Z',
    consumers: Array.from({ length: n }, (_, i) => service(i)),
    unreadable: [
      { service: 'lambda', operation: 'ListFunctions', code: 'AccessDeniedException', message: 'denied' },
    ],
  });

const json = (blocks: Block[]) => JSON.stringify(blocks);

describe('the consumer report message', () => {
  it('stays within 50 blocks for 500 consumers in 60 applications, and says where the rest are', () => {
    const message = consumerReportMessage(report(500), {});
    expect(message.blocks.length).toBeLessThanOrEqual(SlackLimits.blocksPerMessage);
    expect(limitBreaches(message.blocks)).toEqual([]);
    expect(json(message.blocks)).toContain('efs-encrypt cutover refs fs-0c0c5e0000000001');
    expect(json(message.blocks)).toContain('Could not read');
    expect(json(message.blocks)).toContain('Check by hand');
    expect(message.text).toBe(
      'Consumers of fs-0c0c5e0000000001: 500 consumers in 60 applications (incomplete: 1 source unreadable)',
    );
  });

  it('shows a few references per consumer, mentions Slack owners and escapes the rest', () => {
    const message = consumerReportMessage(report(2), {});
    const text = json(message.blocks);
    expect(text).toContain('<@U0OWNER01>');
    expect(text).toContain('team &lt;payments&gt;');
    expect(text).toContain('_and 2 more references_');
  });
});

describe('a verified copy message', () => {
  const state: CopyProgressState = {
    migrationId: 'FS#111111111111#eu-west-1#fs-0c0c5e0000000001',
    sourceFileSystemId: 'fs-0c0c5e0000000001',
    accountId: '111111111111',
    region: 'eu-west-1',
    method: 'datasync',
    kind: 'final',
    status: 'done',
    actions: [],
    startedAt: new Date(0),
    updatedAt: new Date(1000),
  };
  const buttons = (blocks: Block[]) =>
    blocks.flatMap((b) =>
      b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? e.action_id : '')) : [],
    );

  it('offers Find consumers and Review cutover once verified, not before', () => {
    expect(buttons(copyProgressMessage({ ...state, state: 'verified' }).blocks)).toEqual([
      CONSUMERS_FIND_ACTION_ID,
      CUTOVER_REVIEW_ACTION_ID,
    ]);
    expect(buttons(copyProgressMessage({ ...state, state: 'synced' }).blocks)).toEqual([]);
  });
});
