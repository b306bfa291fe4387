import { afterEach, describe, expect, it } from 'vitest';
import { SCAN_EXPORT_ACTION_ID } from '#blocks/scan-summary.ts';
import { INVENTORY_CSV_COLUMNS } from '../../../../src/domain/inventory-export.ts';
import type { ScanRecord } from '../../../../src/domain/inventory.ts';
import { fakeServices } from '../../../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../../../harness/scan-fixtures.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const CHANNEL = 'C0OPS001';
/** Not an admin: exporting reads the store only and is open to everyone, as scanning is. */
const VIEWER = 'U0VIEWER1';

function twoFileSystems(): ScanRecord {
  return scanRecord([
    fileSystem({ fileSystemId: 'fs-00000000000000001', name: 'payroll, "main"', sizeInBytes: 3 * 1024 ** 4 }),
    fileSystem({
      fileSystemId: 'fs-00000000000000002',
      encrypted: true,
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
      kmsKeyId: 'k1',
    }),
  ]);
}

const click = (value: string, messageTs: string) =>
  buttonClick(SCAN_EXPORT_ACTION_ID, value, { channel: CHANNEL, messageTs });

/** Each uploaded file's name and content, joined through the file IDs Slack handed out. */
function uploads(h: SlackHarness): Record<string, string> {
  const asked = h.recorder.callsTo('files.getUploadURLExternal');
  const sent = h.recorder.callsTo('file_upload');
  return Object.fromEntries(
    asked.map((a: RecordedCall) => {
      const fileId = String(a.response.file_id);
      const body = sent.find((s) => s.body.fileId === fileId);
      return [String(a.body.filename), String(body?.body.content)];
    }),
  );
}

async function startWith(scan: ScanRecord) {
  const services = fakeServices({ result: scan });
  await services.scans.saveScan(scan);
  harness = await startSlackHarness({ services });
  return harness;
}

describe('Export CSV + JSON on a scan summary', () => {
  it("uploads that scan's inventory into the summary's thread as a CSV and the full JSON record", async () => {
    const scan = twoFileSystems();
    const h = await startWith(scan);
    const summaryTs = '1767225600.000042';
    const res = await h.blockAction(click(scan.scanId, summaryTs), { userId: VIEWER, channelId: CHANNEL });
    expect(res.status).toBe(200);

    const completed = await h.waitForCall('files.completeUploadExternal');
    expect(completed.body).toMatchObject({ channel_id: CHANNEL, thread_ts: summaryTs });
    expect(String(completed.body.initial_comment)).toContain(`<@${VIEWER}> exported scan \`${scan.scanId}\``);
    expect(String(completed.body.initial_comment)).toContain('2 file systems');

    const files = uploads(h);
    expect(Object.keys(files).sort()).toEqual([
      `efs-inventory-${scan.scanId}.csv`,
      `efs-inventory-${scan.scanId}.json`,
    ]);
    const csv = files[`efs-inventory-${scan.scanId}.csv`]!.trimEnd().split('\n');
    expect(csv[0]).toBe(INVENTORY_CSV_COLUMNS.join(','));
    expect(csv).toHaveLength(3);
    // RFC 4180 quoting survives the upload.
    expect(csv[1]).toContain('"payroll, ""main"""');
    const json = JSON.parse(files[`efs-inventory-${scan.scanId}.json`]!) as ScanRecord;
    expect(json.scanId).toBe(scan.scanId);
    expect(json.fileSystems.map((f) => f.fileSystemId)).toEqual([
      'fs-00000000000000001',
      'fs-00000000000000002',
    ]);
    expect(h.recorder.callsTo('response_url')).toHaveLength(0);
  });

  it('answers privately, uploading nothing, when the scan is no longer stored', async () => {
    const h = await startWith(twoFileSystems());
    await h.blockAction(click('scan-gone', '1767225600.000042'), { userId: VIEWER, channelId: CHANNEL });
    const reply = await h.waitForCall('response_url');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(reply.body)).toContain('Scan scan-gone was not found');
    expect(h.recorder.callsTo('files.getUploadURLExternal')).toHaveLength(0);
  });
});

describe('/efs-encrypt export', () => {
  it('uploads the latest scan into the channel', async () => {
    const scan = twoFileSystems();
    const h = await startWith(scan);
    await h.slashCommand('export', { userId: VIEWER, channelId: CHANNEL });
    const completed = await h.waitForCall('files.completeUploadExternal');
    expect(completed.body.channel_id).toBe(CHANNEL);
    expect(completed.body.thread_ts).toBeUndefined();
    expect(Object.keys(uploads(h))).toContain(`efs-inventory-${scan.scanId}.csv`);
  });

  it('says what to do when the named scan does not exist, or there is none yet', async () => {
    const h = await startWith(twoFileSystems());
    await h.slashCommand('export scan-nope', { userId: VIEWER, channelId: CHANNEL });
    const reply = await h.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.body)).toContain('Scan scan-nope was not found');

    await harness!.close();
    harness = await startSlackHarness({ services: fakeServices({ result: twoFileSystems() }) });
    await harness.slashCommand('export', { userId: VIEWER, channelId: CHANNEL });
    const none = await harness.waitForCall('response_url');
    expect(JSON.stringify(none.body)).toContain('There is no finished scan yet. Run a scan first.');
    expect(harness.recorder.callsTo('files.getUploadURLExternal')).toHaveLength(0);
  });
});
