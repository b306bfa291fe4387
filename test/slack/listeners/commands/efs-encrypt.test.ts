import { afterEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../../src/domain/errors.ts';
import { fakeServices } from '../../../harness/fake-services.ts';
import { fileSystem, largeEstate, scanRecord } from '../../../harness/scan-fixtures.ts';
import { startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';

let harness: SlackHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The recorder numbers ts in call order; in a fresh harness the scan's root is the first post. */
const ROOT_TS = '1767225600.000001';

const blocksText = (call: RecordedCall): string => JSON.stringify(call.body.blocks ?? []);

const PROGRESS = [
  { level: 'progress' as const, code: 'scan.started', message: 'Scanning 2 accounts in 2 regions' },
  { level: 'progress' as const, code: 'scan.region.done', message: '111111111111 eu-west-1: 2 file systems' },
  {
    level: 'warn' as const,
    code: 'scan.region.failed',
    message: '222222222222 us-east-1: AccessDenied on DescribeFileSystems',
  },
  { level: 'progress' as const, code: 'scan.region.done', message: '111111111111 us-east-1: 1 file system' },
];

function smallScan() {
  return scanRecord(
    [
      fileSystem({ fileSystemId: 'fs-00000000000000001', name: 'payroll', sizeInBytes: 3 * 1024 ** 4 }),
      fileSystem({
        fileSystemId: 'fs-00000000000000002',
        encrypted: true,
        keyManager: 'CUSTOMER',
        keyState: 'Enabled',
        kmsKeyId: 'k1',
      }),
      fileSystem({
        fileSystemId: 'fs-00000000000000003',
        region: 'us-east-1',
        encrypted: true,
        keyManager: 'CUSTOMER',
        keyState: 'Disabled',
        kmsKeyId: 'k2',
      }),
    ],
    {
      failures: [
        {
          accountId: '222222222222',
          region: 'us-east-1',
          operation: 'DescribeFileSystems',
          code: 'AccessDenied',
          message: 'not authorised',
        },
      ],
    },
  );
}

describe('/efs-encrypt help', () => {
  it.each([[''], ['help'], ['  HELP  ']])('answers %j privately with every command', async (text) => {
    harness = await startSlackHarness({ services: fakeServices({ result: smallScan() }) });
    const res = await harness.slashCommand(text);
    expect(res.status).toBe(200);
    const reply = await harness.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    const shown = blocksText(reply);
    for (const name of ['scan', 'plan', 'build', 'status', 'export', 'validate', 'digest', 'help'])
      expect(shown).toContain(`/efs-encrypt ${name}`);
    expect(shown).not.toContain('(coming)');
    expect(harness.recorder.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('says an unknown subcommand does not exist and lists what does', async () => {
    harness = await startSlackHarness({ services: fakeServices({ result: smallScan() }) });
    await harness.slashCommand('encrypt-everything now');
    const reply = await harness.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.text).toContain("I don't know `encrypt-everything`");
    expect(reply.body.text).toMatch(
      /scan, plan, build, cutover, status, export, validate, decommission, digest, help/,
    );
  });

  it('says so when digests are not set up in this deployment', async () => {
    harness = await startSlackHarness({ services: fakeServices({ result: smallScan() }) });
    await harness.slashCommand('digest');
    const reply = await harness.waitForCall('response_url');
    expect(reply.body.text).toContain('Digests are not available in this deployment');
    expect(harness.recorder.callsTo('chat.postMessage')).toHaveLength(0);
  });
});

describe('/efs-encrypt scan', () => {
  it.each([true, false])(
    'acks within 3 s while the scan is still running (processBeforeResponse %s), then posts the summary with progress in its thread',
    async (processBeforeResponse) => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const services = fakeServices({ progress: PROGRESS, result: smallScan(), gate });
      harness = await startSlackHarness({ services, processBeforeResponse });

      const res = await harness.slashCommand('scan', { userId: 'U0ALICE1', channelId: 'C0OPS001' });
      expect(res.status).toBe(200);
      expect(res.elapsedMs).toBeLessThan(3000);
      // The scan is held open by the gate: the ack did not wait for it.
      expect(harness.slack.tasks.size).toBe(1);

      const root = await harness.waitForCall('chat.postMessage', (c) => c.body.thread_ts === undefined);
      expect(root.body.channel).toBe('C0OPS001');
      expect(blocksText(root)).toContain('<@U0ALICE1> started an EFS scan');
      const rootTs = String(root.response.ts);

      const progress = await harness.waitForCall('chat.postMessage', (c) => c.body.thread_ts === rootTs);
      expect(blocksText(progress)).toContain('Scanning 2 accounts');
      const progressTs = String(progress.response.ts);
      release();

      const summary = await harness.waitForCall('chat.update', (c) => c.body.ts === rootTs);
      const summaryText = blocksText(summary);
      expect(summary.body.text).toBe('EFS scan: 1 unencrypted of 3 file systems.');
      expect(summaryText).toContain('fs-00000000000000001');
      expect(summaryText).toContain('3.0 TiB');
      expect(summaryText).toContain('env=prod app=billing owner=team-payments');
      expect(summaryText).toContain('vpc-0aaa');
      expect(summaryText).toContain('key is at risk');
      expect(summaryText).toContain('AccessDenied');
      expect(summaryText.indexOf('fs-00000000000000001')).toBeLessThan(
        summaryText.indexOf('fs-00000000000000003'),
      );

      await harness.slack.tasks.drain();
      const updates = harness.recorder.callsTo('chat.update').filter((c) => c.body.ts === progressTs);
      expect(updates.length).toBeGreaterThanOrEqual(1);
      const last = updates.at(-1)!;
      expect(blocksText(last)).toContain('Scan finished: 3 file systems, 1 unencrypted');
      expect(blocksText(last)).toContain('AccessDenied on DescribeFileSystems');
      expect(blocksText(last)).toContain('1 warning');
      // One progress message per thread: every later state is an edit of it.
      expect(
        harness.recorder.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === rootTs),
      ).toHaveLength(1);
      expect(services.scan.requests).toEqual(['U0ALICE1']);
    },
  );

  it('puts the complete lists of thousands of file systems in the thread, 50 blocks at most per message', async () => {
    harness = await startSlackHarness({ services: fakeServices({ result: scanRecord(largeEstate(3000)) }) });
    await harness.slashCommand('scan');
    await harness.waitForCall('chat.update', (c) => c.body.ts === ROOT_TS);
    await harness.slack.tasks.drain();
    const posts = harness.recorder.callsTo('chat.postMessage');
    const pages = posts.filter((c) => String(c.body.text).includes('complete lists'));
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) {
      expect(p.body.thread_ts).toBe(ROOT_TS);
      expect((p.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);
    }
    const listed = pages.map(blocksText).join('');
    for (const fs of largeEstate(3000).filter((f) => !f.encrypted)) expect(listed).toContain(fs.fileSystemId);
  });

  it('shows a failed scan with its user message and a correlation ID, never a stack', async () => {
    const boom = new Error('socket hang up at Object.<anonymous> (/app/src/aws/efs.ts:12:3)');
    harness = await startSlackHarness({
      services: fakeServices({ progress: PROGRESS.slice(0, 1), error: boom }),
    });
    await harness.slashCommand('scan');
    const failed = await harness.waitForCall('chat.update', (c) => c.body.ts === ROOT_TS);
    const shown = blocksText(failed);
    expect(shown).toContain('EFS scan failed');
    expect(shown).toContain('Something unexpected went wrong');
    expect(shown).not.toContain('efs.ts');
    expect(shown).not.toMatch(/\bat\s+\S+\s+\(/);
    const correlationId = /Correlation ID `([0-9a-f]{8})`/.exec(shown)?.[1];
    expect(correlationId).toBeDefined();
    await harness.slack.tasks.drain();
    const logged = harness.logs.find((l) => l.msg === 'scan failed');
    expect(logged?.correlationId).toBe(correlationId);
    expect(JSON.stringify(logged?.err)).toContain('efs.ts');
  });

  it('passes on the fix from our own errors', async () => {
    const err = new BadInputError(
      'EFS_ENCRYPT_ACCOUNTS lists no account this role can assume. Check the role trust policy.',
    );
    harness = await startSlackHarness({ services: fakeServices({ error: err }) });
    await harness.slashCommand('scan');
    const failed = await harness.waitForCall('chat.update', (c) => c.body.ts === ROOT_TS);
    expect(blocksText(failed)).toContain('Check the role trust policy.');
  });

  it('tells the requester privately when it cannot post in the channel', async () => {
    harness = await startSlackHarness({ services: fakeServices({ result: smallScan() }) });
    harness.recorder.failNext('chat.postMessage', 'not_in_channel');
    await harness.slashCommand('scan');
    const reply = await harness.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(blocksText(reply)).toContain('/invite @efs-encrypt');
    await harness.slack.tasks.drain();
    expect(harness.slack.tasks.size).toBe(0);
  });

  it('scans only the accounts and regions named, and says so on the root message', async () => {
    const services = fakeServices({ result: smallScan() });
    harness = await startSlackHarness({ services });
    await harness.slashCommand('scan 111111111111, eu-west-1', { userId: 'U0ALICE1', channelId: 'C0OPS001' });
    const root = await harness.waitForCall('chat.postMessage', (c) => c.body.thread_ts === undefined);
    expect(blocksText(root)).toContain('<@U0ALICE1> started an EFS scan of 111111111111 in eu-west-1');
    await harness.slack.tasks.drain();
    expect(services.scan.scopes).toEqual([{ accounts: ['111111111111'], regions: ['eu-west-1'] }]);
  });

  it('answers a mistyped scope privately and scans nothing', async () => {
    const services = fakeServices({ result: smallScan() });
    harness = await startSlackHarness({ services });
    await harness.slashCommand('scan eu-wst-1a', { userId: 'U0ALICE1', channelId: 'C0OPS001' });
    const reply = await harness.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply.body)).toContain(
      '`eu-wst-1a` is neither an AWS account ID (12 digits) nor a region name',
    );
    expect(services.scan.requests).toEqual([]);
    expect(harness.recorder.callsTo('chat.postMessage')).toHaveLength(0);
  });
});

describe('/efs-encrypt scan when Slack refuses the summary', () => {
  it('tells the requester privately, with the scan ID and a correlation ID', async () => {
    harness = await startSlackHarness({ services: fakeServices({ result: smallScan() }) });
    // No progress was reported, so the only chat.update is the summary replacing the root.
    harness.recorder.failNext('chat.update', 'invalid_blocks');
    await harness.slashCommand('scan');
    const reply = await harness.waitForCall('response_url');
    const shown = JSON.stringify(reply.body.blocks);
    expect(shown).toContain('scan-20260101-0001 finished, but its summary could not be posted');
    expect(shown).toContain('Slack refused the message layout');
    expect(shown).toMatch(/Correlation ID `[0-9a-f]{8}`/);
  });
});
