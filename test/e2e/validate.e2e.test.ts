import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Block } from '#blocks/limits.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import { slackServices } from '../../src/cli/slack-services.ts';
import type { SlackServices } from '../../src/slack/services.ts';
import { silentIoHost } from '../../src/workflow/io-host.ts';
import { decideWithManagedKey, demoRuntime } from './demo-runtime.ts';
import { startSlackHarness, type SlackHarness } from '../harness/slack.ts';

/**
 * `/efs-encrypt validate` as `efs-encrypt serve --demo` wires it (src/cli/slack-services.ts): the
 * sample estate, the embedded store, the real receiver. Before any decision every unencrypted file
 * system is an exception; once one is decided it moves in scope, with the next step `status` gives.
 */
const ADMIN = 'U0ADMIN01';
const CHANNEL = 'C0OPS001';

describe('validate end to end on the sample estate', () => {
  const demo = demoRuntime();
  let runtime: Runtime;
  let services: SlackServices;
  let slack: SlackHarness | undefined;

  beforeAll(async () => {
    runtime = await demo.open();
    services = slackServices(runtime);
    slack = await startSlackHarness({ services, config: { admins: [ADMIN] } });
  }, 60_000);

  afterAll(async () => {
    await slack?.close();
    await demo.close();
  });

  const verdictAfter = async (n: number) => {
    await slack!.slashCommand('validate', { userId: 'U0AUDIT01', channelId: CHANNEL });
    const updates = () =>
      slack!.recorder
        .callsTo('chat.update')
        .filter((c) => String(c.body.text).startsWith('Validation report:'));
    await slack!.waitForCall('chat.update', () => updates().length >= n, 30_000);
    const blocks = updates()[n - 1]!.body.blocks as Block[];
    const reportId = (blocks.find((b) => b.type === 'actions') as { elements: { value: string }[] })
      .elements[0]!.value;
    return services.validate!.get(reportId);
  };

  it('every unencrypted file system is an exception before any decision; a decided one moves in scope with its next step', async () => {
    const scan = await runtime.scanWorkflow(silentIoHost).run({ requestedBy: ADMIN });
    const unencrypted = scan.fileSystems.filter((f) => !f.encrypted);

    const before = await verdictAfter(1);
    expect(before.requestedBy).toBe('U0AUDIT01');
    expect(before.verdict.goalMet).toBe(false);
    expect(before.verdict.counts.exception).toBe(unencrypted.length);

    const decided = unencrypted.find((f) => f.numberOfMountTargets > 0)!;
    expect(await decideWithManagedKey(services, scan, decided, 'datasync', ADMIN)).toBe(true);
    const after = await verdictAfter(2);
    expect(after.verdict.counts.exception).toBe(unencrypted.length - 1);
    const row = after.rows.find((r) => r.fileSystemId === decided.fileSystemId)!;
    expect(row).toMatchObject({ category: 'in_scope', complete: false, signOff: 'pending' });
    expect(row.migration).toMatchObject({ state: 'decided', nextStepWho: 'admins' });
    expect(row.outstanding).toContain('no twin built yet');
    expect(row.outstanding).toContain('Build the encrypted twin');
  }, 90_000);
});
