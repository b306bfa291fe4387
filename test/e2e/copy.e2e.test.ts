import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COPY_FINAL_ACTION_ID,
  COPY_REVIEW_ACTION_ID,
  COPY_START_ACTION_ID,
  COPY_SYNC_ACTION_ID,
} from '#blocks/copy-progress.ts';
import type { Block } from '#blocks/limits.ts';
import type { Runtime } from '../../src/cli/runtime.ts';
import { slackServices } from '../../src/cli/slack-services.ts';
import { scaleTiming } from '../../src/estate/timing.ts';
import { migrationId } from '../../src/domain/inventory.ts';
import { BuildThreads } from '../../src/slack/build-threads.ts';
import type { SlackServices } from '../../src/slack/services.ts';
import { silentIoHost } from '../../src/workflow/io-host.ts';
import { decideWithManagedKey, demoRuntime } from './demo-runtime.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../harness/slack.ts';

/**
 * The copy as `efs-encrypt serve --demo` wires it: the real composition root (embedded store,
 * sample estate on its timeline made 50 times faster, the build and copy services of
 * src/cli/slack-services.ts sharing ONE job runner), the real Bolt receiver. A built twin's
 * message offers Start copy for its DataSync decision; the click copies it through DataSync,
 * shown in one message that ends with Sync again and Final sync.
 */
const ADMIN = 'U0ADMIN01';
const CHANNEL = 'C0OPS001';
const THREAD = '1767225600.000001';
/** The estate runs 50 times faster; the build and the copy poll it every 20 ms to keep up. */
const SPEED = 50;
const POLL_MS = 20;

describe('Copy end to end on the sample estate', () => {
  const demo = demoRuntime();
  let runtime: Runtime;
  let slack: SlackHarness | undefined;
  let services: SlackServices;
  let picked: { id: string; fileSystemId: string; accountId: string; region: string } | undefined;

  beforeAll(async () => {
    // The sample estate's timeline SPEED times faster (scaleTiming: durations divided, rates
    // multiplied): the same phases and the same real path, without 15 s of real waiting.
    runtime = await demo.open(scaleTiming(SPEED));
    const scan = await runtime.scanWorkflow(silentIoHost).run({ requestedBy: ADMIN });
    services = slackServices(runtime, { pollMs: POLL_MS });
    // The smallest unencrypted file system the decide rules accept for DataSync (a network path exists).
    const candidates = scan.fileSystems
      .filter((f) => !f.encrypted && f.numberOfMountTargets > 0)
      .sort((a, b) => a.sizeInBytes - b.sizeInBytes);
    for (const fs of candidates) {
      if (await decideWithManagedKey(services, scan, fs, 'datasync', ADMIN)) {
        picked = {
          id: migrationId(fs.accountId, fs.region, fs.fileSystemId),
          fileSystemId: fs.fileSystemId,
          accountId: fs.accountId,
          region: fs.region,
        };
        break;
      }
    }
    expect(picked).toBeDefined();
  }, 60_000);

  afterAll(async () => {
    await slack?.close();
    await demo.close();
  });

  it('the built twin offers Start copy; the click copies by DataSync on the shared runner, in one message', async () => {
    const { id, fileSystemId, accountId, region } = picked!;
    await new BuildThreads(runtime.store.events).record(id, { channel: CHANNEL, threadTs: THREAD }, ADMIN);
    await services.build!.phase.requestBuild([id], ADMIN);
    slack = await startSlackHarness({ services, config: { admins: [ADMIN] } });

    const built = await slack.waitForCall(
      'chat.update',
      (c) => c.body.text === `Encrypted twin of ${fileSystemId}: ready`,
      30_000,
    );
    const start = (built.body.blocks as Block[])
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .find((e) => 'action_id' in e && e.action_id === COPY_START_ACTION_ID);
    expect(start).toMatchObject({ text: { text: 'Start copy' }, value: id });

    const res = await slack.blockAction(
      buttonClick(COPY_START_ACTION_ID, id, {
        channel: CHANNEL,
        threadTs: THREAD,
        messageTs: built.body.ts as string,
      }),
      { userId: ADMIN, channelId: CHANNEL },
    );
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(3000);

    const done = await slack.waitForCall(
      'chat.update',
      (c) => c.body.text === `Copy of ${fileSystemId}: done`,
      45_000,
    );
    const buttons = (done.body.blocks as Block[])
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .map((e) => ('action_id' in e ? e.action_id : ''));
    expect(buttons).toEqual([COPY_SYNC_ACTION_ID, COPY_FINAL_ACTION_ID, COPY_REVIEW_ACTION_ID]);
    const post = slack.recorder.callsTo('chat.postMessage').find((c) => c.response.ts === done.body.ts);
    expect(post?.body).toMatchObject({ channel: CHANNEL, thread_ts: THREAD });
    const status = await services.copy!.phase.status(id);
    expect(status.state).toBe('synced');
    const control = runtime.estate!.server.control;
    const twinId = (await runtime.store.migrations.getMigration(id))!.resources.targetFileSystemId!;
    expect(control.fileSystem({ accountId, region, fileSystemId: twinId })!.content).toEqual(
      control.fileSystem({ accountId, region, fileSystemId })!.content,
    );
  }, 90_000);
});
