import { describe, expect, it } from 'vitest';
import { limitBreaches, SlackLimits } from '#blocks/limits.ts';
import {
  keyOptions,
  planModal,
  PLAN_OPEN_ACTION_ID,
  PLAN_PAGE_SIZE,
  readPlanSubmission,
} from '#blocks/plan-modal.ts';
import { planSummaryMessages } from '#blocks/plan-summary.ts';
import { SCAN_EXPORT_ACTION_ID, scanSummaryMessage } from '#blocks/scan-summary.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import { fileSystem, scanRecord } from '../../harness/scan-fixtures.ts';

const many = Array.from({ length: 40 }, (_, i) =>
  fileSystem({
    fileSystemId: `fs-${String(i).padStart(17, '0')}`,
    name: 'n'.repeat(200),
    tags: { env: 'e'.repeat(300), owner: 'o'.repeat(300) },
  }),
);

describe('plan modal builder', () => {
  it('keeps every page within the modal block limit and the title within 24 characters', () => {
    for (let page = 0; page < 4; page++) {
      const view = planModal({ metadata: { scanId: 'scan-1', page }, candidates: many, statuses: [] });
      expect(limitBreaches(view.blocks as never, SlackLimits.blocksPerModal)).toEqual([]);
      expect(view.title.text.length).toBeLessThanOrEqual(24);
      expect(view.private_metadata!.length).toBeLessThan(3000);
    }
    // Ten blocks a file system (the DataSync bandwidth limit is the tenth): nine fit a page.
    expect(PLAN_PAGE_SIZE).toBe(9);
  });

  it('reopens a decision made with a 250-character alias: the option value is the key ARN (Slack allows 150)', () => {
    const fs = many[0]!;
    const id = migrationId(fs.accountId, fs.region, fs.fileSystemId);
    const alias = `alias/${'k'.repeat(244)}`;
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const view = planModal({
      metadata: { scanId: 'scan-1', page: 0 },
      candidates: [fs],
      statuses: [
        {
          fileSystem: fs,
          migrationId: id,
          state: 'decided',
          decision: {
            migrationId: id,
            version: 1,
            updatedAt: '2026-12-01T00:00:00Z',
            decision: {
              targetKmsKeyId: arn,
              targetKeyAsGiven: alias,
              method: 'datasync',
              decidedBy: 'U0ADMIN1',
              decidedAt: '2026-12-01T00:00:00Z',
            },
          },
        },
      ],
    });
    expect(limitBreaches(view.blocks as never, SlackLimits.blocksPerModal)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain(`"value":"${arn}"`);
  });

  it('leaves blank file systems undecided and asks for a scope when other fields are filled', () => {
    const page = many.slice(0, 2);
    const read = readPlanSubmission(
      {
        [`method|111111111111:eu-west-1:${page[1]!.fileSystemId}`]: {
          method: { selected_option: { value: 'rsync' } },
        },
      },
      page,
    );
    expect(read.choices).toEqual([]);
    expect(Object.values(read.errors)).toEqual([expect.stringContaining('Choose in scope or excluded')]);
  });

  it('reads the DataSync bandwidth limit with the constraints and puts its problem next to its field', () => {
    const fs = many[0]!;
    const id = (part: string) => `${part}|111111111111:eu-west-1:${fs.fileSystemId}`;
    const view = planModal({ metadata: { scanId: 'scan-1', page: 0 }, candidates: [fs], statuses: [] });
    expect(view.blocks.some((b) => b.block_id === id('bandwidth'))).toBe(true);
    const read = readPlanSubmission(
      {
        [id('scope')]: { scope: { selected_option: { value: 'in_scope' } } },
        [id('bandwidth')]: { bandwidth: { value: '50 MiB/s' } },
      },
      [fs],
    );
    expect(read.choices[0]!.constraints).toMatchObject({ bandwidthLimit: '50 MiB/s' });
    expect(read.blockFor(fs.fileSystemId, 'bandwidthLimit')).toBe(id('bandwidth'));
  });

  it('caps key options at 100 with the AWS-managed key first', () => {
    const keys = Array.from({ length: 150 }, (_, i) => ({
      arn: `arn:aws:kms:eu-west-1:111111111111:key/k${i}`,
      keyId: `k${i}`,
      aliases: [],
      keyState: 'Enabled',
    }));
    const options = keyOptions(keys, '');
    expect(options).toHaveLength(100);
    expect(options[0]!.value).toBe('alias/aws/elasticfilesystem');
  });

  it('puts a Plan button on a scan summary with candidates, carrying the scan ID, beside Export', () => {
    const message = scanSummaryMessage(scanRecord(many.slice(0, 3), { scanId: 'scan-42' }));
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [
        { action_id: PLAN_OPEN_ACTION_ID, value: 'scan-42' },
        { action_id: SCAN_EXPORT_ACTION_ID, value: 'scan-42' },
      ],
    });
  });

  it('offers only Export on a scan with nothing to plan', () => {
    const encrypted = many
      .slice(0, 2)
      .map((f) => ({ ...f, encrypted: true, classification: 'encrypted' as const }));
    for (const scan of [scanRecord(encrypted, { scanId: 'scan-7' }), scanRecord([], { scanId: 'scan-7' })]) {
      const actions = scanSummaryMessage(scan).blocks.filter((b) => b.type === 'actions');
      expect(actions).toMatchObject([{ elements: [{ action_id: SCAN_EXPORT_ACTION_ID, value: 'scan-7' }] }]);
    }
  });

  it('pages a long plan summary at 50 blocks per message', () => {
    const statuses = many.map((fs) => ({
      fileSystem: fs,
      migrationId: fs.fileSystemId,
      state: 'excluded' as const,
      exclusionReason: 'r'.repeat(400),
      updatedBy: 'U1',
    }));
    const messages = planSummaryMessages({
      scanId: 's',
      basis: 'scan s',
      unread: [],
      candidates: 40,
      decided: [],
      excluded: [...statuses, ...statuses, ...statuses, ...statuses, ...statuses, ...statuses],
      undecided: [],
      started: [],
    });
    for (const m of messages) expect(limitBreaches(m.blocks)).toEqual([]);
  });
});
