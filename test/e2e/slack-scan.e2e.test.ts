import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/cli/runtime.ts';
import { slackServices } from '../../src/cli/slack-services.ts';
import { demoRuntime } from './demo-runtime.ts';
import { startSlackHarness, type SlackHarness } from '../harness/slack.ts';

/**
 * The whole assessment path as `efs-encrypt serve --demo` wires it: the real composition root (embedded
 * store, sample estate, real SDK clients), the real Bolt receiver driven by a signed `/efs-encrypt scan`,
 * and the Web API recorded. Nothing is faked between the slash command and the AWS wire protocols.
 */
describe('/efs-encrypt scan end to end on the sample estate', () => {
  const demo = demoRuntime();
  let runtime: Runtime;
  let slack: SlackHarness;

  beforeAll(async () => {
    runtime = await demo.open();
    slack = await startSlackHarness({ services: slackServices(runtime) });
  });

  afterAll(async () => {
    await slack?.close();
    await demo.close();
  });

  it('acks at once, then turns the root message into the summary of the stored scan', async () => {
    const ack = await slack.slashCommand('scan', { channelId: 'C0OPS001' });
    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3000);

    const root = await slack.waitForCall(
      'chat.postMessage',
      (c) => c.body.channel === 'C0OPS001' && !c.body.thread_ts,
    );
    const rootTs = root.response.ts as string;
    const thread = await slack.waitForCall('chat.postMessage', (c) => c.body.thread_ts === rootTs);
    expect(thread.body.channel).toBe('C0OPS001');

    const summary = await slack.waitForCall(
      'chat.update',
      (c) => c.body.ts === rootTs && JSON.stringify(c.body.blocks ?? '').includes('nencrypted'),
      15_000,
    );
    const stored = await runtime.store.scans.getLatestScan();
    expect(stored).toBeDefined();
    const text = JSON.stringify(summary.body.blocks);
    const largestCandidate = stored!.fileSystems
      .filter((f) => !f.encrypted)
      .sort((a, b) => b.sizeInBytes - a.sizeInBytes)[0]!;
    expect(text).toContain(largestCandidate.fileSystemId);
    expect(text).toContain(String(stored!.stats.unencrypted));
    // The account whose role cannot be assumed is reported in Slack, not hidden.
    expect(text).toContain(stored!.failures[0]!.accountId);
  });

  it('refuses a scan of an account that is not configured privately, before posting anything, and logs no error', async () => {
    const before = slack.recorder.callsTo('chat.postMessage').length;
    const errorsBefore = slack.logs.filter((l) => (l.level as number) >= 50).length;
    await slack.slashCommand('scan 999988887777', { channelId: 'C0OPS001', responseUrlId: 'outside' });
    const reply = await slack.waitForCall('response_url', (c) => c.responseUrlId === 'outside');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    const text = JSON.stringify(reply.body.blocks);
    expect(text).toContain('999988887777 is not a configured account (EFS_ENCRYPT_ACCOUNTS)');
    expect(text).toContain('or add it to the configuration');
    await slack.slack.tasks.drain();
    expect(slack.recorder.callsTo('chat.postMessage')).toHaveLength(before);
    expect(slack.logs.filter((l) => (l.level as number) >= 50)).toHaveLength(errorsBefore);
    expect(slack.logs.filter((l) => l.msg === 'command refused or failed')).toMatchObject([{ level: 40 }]);
  });

  it('a scan redelivered by Slack (x-slack-retry-num) runs once: one root message, one stored scan', async () => {
    await slack.slack.tasks.drain();
    const scansBefore = (await runtime.store.scans.listScans(100)).length;
    const rootsBefore = slack.recorder.callsTo('chat.postMessage').filter((c) => !c.body.thread_ts).length;
    const send = (retryNum?: number) =>
      slack.slashCommand('scan', {
        channelId: 'C0OPS001',
        triggerId: '1767225600.scan-trigger',
        ...(retryNum ? { retryNum } : {}),
      });
    await send();
    await send(1);
    await slack.slack.tasks.drain();
    expect(slack.recorder.callsTo('chat.postMessage').filter((c) => !c.body.thread_ts)).toHaveLength(
      rootsBefore + 1,
    );
    expect(await runtime.store.scans.listScans(100)).toHaveLength(scansBefore + 1);
    expect(slack.logs.filter((l) => l.msg === 'redelivered request already handled: ignored')).toMatchObject([
      { retryNum: 1, level: 30 },
    ]);
  }, 30_000);
});
