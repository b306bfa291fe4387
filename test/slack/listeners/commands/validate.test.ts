import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Block } from '#blocks/limits.ts';
import { limitBreaches } from '#blocks/limits.ts';
import { VALIDATION_EXPORT_ACTION_ID, validationSummaryMessage } from '#blocks/validation-report.ts';
import { ManualClock } from '../../../../src/domain/clock.ts';
import { exportDigests } from '../../../../src/domain/validation-export.ts';
import { buildValidationReport } from '../../../../src/domain/validation-report.ts';
import { openStore, type Store } from '../../../../src/store/index.ts';
import { createValidateWorkflow } from '../../../../src/workflow/validate/index.ts';
import { fakeServices } from '../../../harness/fake-services.ts';
import { fileSystem, largeEstate, scanRecord } from '../../../harness/scan-fixtures.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';

/**
 * `/efs-encrypt validate` through the real Bolt receiver: the validate workflow over the embedded
 * store and a scan that returns a fixed inventory; the Export button uploads the stored report.
 */

let harness: SlackHarness | undefined;
let store: Store | undefined;
afterEach(async () => {
  await harness?.close();
  await store?.close();
  harness = undefined;
  store = undefined;
});

const CHANNEL = 'C0OPS001';
/** Not an admin: the report only reads. */
const VIEWER = 'U0VIEWER1';

const SCAN = scanRecord([
  fileSystem({ fileSystemId: 'fs-00000000000000001', name: 'payroll' }),
  fileSystem({
    fileSystemId: 'fs-00000000000000002',
    name: 'logs',
    encrypted: true,
    keyManager: 'CUSTOMER',
    keyState: 'PendingDeletion',
    keyAliases: ['alias/old'],
    kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555',
  }),
]);

async function start() {
  const clock = new ManualClock(new Date('2026-04-01T10:00:00Z'));
  store = await openStore({ clock });
  const base = fakeServices({ result: SCAN });
  const workflow = createValidateWorkflow({
    scanner: { run: async ({ requestedBy }) => ({ ...SCAN, requestedBy }) },
    migrations: store.migrations,
    jobs: store.jobs,
    reports: store.reports,
    clock,
  });
  harness = await startSlackHarness({ services: { ...base, validate: workflow }, clock });
  return harness;
}

function uploads(h: SlackHarness): Record<string, string> {
  const asked = h.recorder.callsTo('files.getUploadURLExternal');
  const sent = h.recorder.callsTo('file_upload');
  return Object.fromEntries(
    asked.map((a: RecordedCall) => {
      const body = sent.find((s) => s.body.fileId === String(a.response.file_id));
      return [String(a.body.filename), String(body?.body.content)];
    }),
  );
}

describe('/efs-encrypt validate', () => {
  it('acks, says it is building the report, then replaces that message with the verdict and an Export button', async () => {
    const h = await start();
    const res = await h.slashCommand('validate', { userId: VIEWER, channelId: CHANNEL });
    expect(res.status).toBe(200);

    const root = await h.waitForCall('chat.postMessage', (c) => c.body.thread_ts === undefined);
    expect(root.body.channel).toBe(CHANNEL);
    expect(String(root.body.text)).toBe('Building the validation report…');
    const update = await h.waitForCall('chat.update', (c) =>
      String(c.body.text).startsWith('Validation report:'),
    );
    expect(update.body.ts).toBe(root.response.ts);
    const blocks = update.body.blocks as Block[];
    expect(limitBreaches(blocks)).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('Validation report: goal not met');
    expect(text).toContain('Exceptions: unencrypted, no decision covers them (1)');
    expect(text).toContain('fs-00000000000000001');
    expect(text).toContain('key-pending-deletion');
    const button = blocks.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string }[];
    };
    expect(button.elements[0]!.action_id).toBe(VALIDATION_EXPORT_ACTION_ID);
    const reportId = button.elements[0]!.value;

    // Stored before it was shown, with who asked.
    const stored = await store!.reports.getReport(reportId);
    expect(stored?.requestedBy).toBe(VIEWER);
    expect(stored?.verdict.goalMet).toBe(false);
  });

  it('Export uploads CSV, JSON and Markdown into the thread, each matching the SHA-256 recorded with the report', async () => {
    const h = await start();
    await h.slashCommand('validate', { userId: VIEWER, channelId: CHANNEL });
    const update = await h.waitForCall('chat.update', (c) =>
      String(c.body.text).startsWith('Validation report:'),
    );
    const blocks = update.body.blocks as Block[];
    const reportId = (blocks.find((b) => b.type === 'actions') as { elements: { value: string }[] })
      .elements[0]!.value;
    const messageTs = String(update.body.ts);

    await h.blockAction(buttonClick(VALIDATION_EXPORT_ACTION_ID, reportId, { channel: CHANNEL, messageTs }), {
      userId: VIEWER,
      channelId: CHANNEL,
    });
    const completed = await h.waitForCall('files.completeUploadExternal');
    expect(completed.body).toMatchObject({ channel_id: CHANNEL, thread_ts: messageTs });
    const stored = (await store!.reports.getReport(reportId))!;
    const files = uploads(h);
    expect(Object.keys(files).sort()).toEqual(
      ['csv', 'json', 'md'].map((f) => `efs-validation-${reportId}.${f}`),
    );
    for (const format of ['csv', 'json', 'md'] as const) {
      const content = files[`efs-validation-${reportId}.${format}`]!;
      expect(createHash('sha256').update(content, 'utf8').digest('hex')).toBe(stored.exports[format].sha256);
      expect(String(completed.body.initial_comment)).toContain(stored.exports[format].sha256);
    }
    expect(files[`efs-validation-${reportId}.md`]).toContain('## Verdict: goal not met');
  });

  it('refuses an Export button that names no report, privately', async () => {
    const h = await start();
    await h.blockAction(
      buttonClick(VALIDATION_EXPORT_ACTION_ID, 'FS#evil', {
        channel: CHANNEL,
        messageTs: '1767225600.000001',
      }),
      { userId: VIEWER, channelId: CHANNEL },
    );
    const reply = await h.waitForCall('response_url');
    expect(String(reply.body.text)).toContain('not a validation report');
    expect(h.recorder.callsTo('files.completeUploadExternal')).toHaveLength(0);
  });
});

describe('validation summary blocks', () => {
  it('stay within Slack limits for a large estate, saying the exports hold everything', () => {
    const fileSystems = largeEstate(3000);
    const report = buildValidationReport({
      reportId: 'val-20260401-100000-abcdef',
      generatedAt: '2026-04-01T10:00:00.000Z',
      requestedBy: VIEWER,
      scan: { scanId: 's', accounts: [], regions: [], fileSystems, failures: [] },
      migrations: [],
    });
    const message = validationSummaryMessage({ ...report, exports: exportDigests(report) });
    expect(limitBreaches(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('all in the export');
  });
});
