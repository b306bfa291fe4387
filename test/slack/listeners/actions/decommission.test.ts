/**
 * Decommission through the real Bolt receiver (signed requests, test/harness/slack.ts) over the
 * local estate: an admin's Decommission… opens the typed-confirmation modal, filled in with every
 * guard read live; a wrong ID is refused next to the field; the exact ID queues the deletion, whose
 * progress is edited in place in the thread; non-admins are refused; `/efs-encrypt decommission`
 * opens the same modal; a guard that refuses at submission deletes nothing.
 */
import type { View } from '@slack/types';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DECOMMISSION_CALLBACK_ID,
  DECOMMISSION_INPUT_ACTION_ID,
  DECOMMISSION_INPUT_BLOCK_ID,
  DECOMMISSION_OPEN_ACTION_ID,
} from '#blocks/decommission.ts';
import { DECOMMISSION_JOB_KIND } from '../../../../src/domain/decommission.ts';
import type { SlackServices } from '../../../../src/slack/services.ts';
import { createProgressHub } from '../../../../src/workflow/io-host.ts';
import { fakeScanService } from '../../../harness/fake-services.ts';
import { backgroundJobs, skipAheadRunner } from '../../../harness/job-runners.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';
import { waitFor } from '../../../harness/wait-for.ts';
import {
  SOURCE,
  TWIN,
  exists,
  start,
  type Setup,
} from '../../../workflow/decommission/decommission-fixture.ts';

const ADMIN = 'U0ADMIN01';
const OTHER = 'U0OTHER01';
const CHANNEL = 'C0CHAN01';
const THREAD = '1767225600.000001';

let setup: Setup | undefined;
let harness: SlackHarness | undefined;
let stopRunner: (() => Promise<void>) | undefined;
afterEach(async () => {
  await harness?.close();
  await stopRunner?.();
  await setup?.close();
  harness = setup = stopRunner = undefined;
});

async function bot() {
  setup = await start();
  const hub = createProgressHub();
  const phase = setup.phase(undefined, undefined, hub.io);
  const runner = skipAheadRunner({
    jobs: setup.estate.store.jobs,
    clock: setup.estate.clock,
    kind: DECOMMISSION_JOB_KIND,
    handler: phase.handler,
    owner: 'bot',
    leaseMs: 60_000,
  });
  const jobs = backgroundJobs(runner);
  stopRunner = () => runner.stop();
  const services: SlackServices = {
    scan: fakeScanService({}),
    scans: setup.estate.store.scans,
    requests: setup.estate.store.requests,
    decommission: {
      phase,
      events: setup.estate.store.events,
      attachProgress: hub.attach,
      runNow: jobs.runNow,
    },
  };
  harness = await startSlackHarness({ services, config: { admins: [ADMIN] }, clock: setup.estate.clock });
  return { s: setup, h: harness, jobs };
}

const textOf = (c: RecordedCall) => JSON.stringify(c.body.blocks ?? c.body.text);
const click = (value: string) =>
  buttonClick(DECOMMISSION_OPEN_ACTION_ID, value, { channel: CHANNEL, threadTs: THREAD, messageTs: THREAD });

/** The modal once views.update filled in the guards. */
async function filledModal(h: SlackHarness): Promise<View> {
  const updated = await h.waitForCall('views.update');
  return updated.body.view as View;
}

async function submit(h: SlackHarness, view: View, typed: string, userId = ADMIN) {
  const res = await h.viewSubmission(
    {
      view: {
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            [DECOMMISSION_INPUT_BLOCK_ID]: {
              [DECOMMISSION_INPUT_ACTION_ID]: { type: 'plain_text_input', value: typed },
            },
          },
        },
      },
    },
    { userId },
  );
  return res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
}

describe('Decommission… in Slack', () => {
  it('an admin sees every guard and what will be deleted, types the ID, and the deletion runs with progress in place', async () => {
    const { s, h, jobs } = await bot();
    await h.blockAction(click(s.id), { userId: ADMIN });
    const opened = await h.waitForCall('views.open');
    expect((opened.body.view as View).callback_id).toBe(DECOMMISSION_CALLBACK_ID);
    const view = await filledModal(h);
    const shown = JSON.stringify(view.blocks);
    expect(shown).toContain('Idle for 24 h after the cutover');
    expect(shown).toContain('ClientConnections Sum peak 0');
    expect(shown).toContain('DeleteMountTarget');
    expect(shown).toContain('no way back');

    expect(await submit(h, view, TWIN)).toMatchObject({
      response_action: 'errors',
      errors: { [DECOMMISSION_INPUT_BLOCK_ID]: expect.stringContaining(`Type exactly ${SOURCE}`) },
    });
    expect(await s.estate.store.jobs.listJobsForMigration(s.id)).toEqual([]);

    expect(await submit(h, view, SOURCE)).toEqual({});
    await h.waitForCall('chat.postEphemeral', (c) => textOf(c).includes('queued'));
    // A second submission (double confirm) queues nothing new.
    expect(await submit(h, view, SOURCE)).toEqual({});
    await h.waitForCall('chat.postEphemeral', (c) => textOf(c).includes('already confirmed'));
    await jobs.idle();
    await waitFor(() =>
      h.recorder.calls.some(
        (c) =>
          (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
          String(c.body.text).includes('is decommissioned'),
      ),
    );
    const progress = h.recorder.calls.filter(
      (c) =>
        (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
        String(c.body.text).includes(SOURCE),
    );
    expect(progress[0]!.method).toBe('chat.postMessage');
    expect(progress[0]!.body.thread_ts).toBe(THREAD);
    expect(progress.at(-1)!.method).toBe('chat.update');
    expect(textOf(progress.at(-1)!)).toContain('DeleteFileSystem');
    expect(await exists(s, SOURCE)).toBe(false);
    expect(await exists(s, TWIN)).toBe(true);
    expect(await s.estate.store.jobs.listJobsForMigration(s.id)).toHaveLength(1);
  });

  it('refuses a non-admin: no modal, and a forged submission is refused next to the field', async () => {
    const { s, h } = await bot();
    await h.blockAction(click(s.id), { userId: OTHER });
    await h.waitForCall('response_url', (c) => textOf(c).includes('decommission'));
    expect(h.recorder.callsTo('views.open')).toEqual([]);
    const view = {
      callback_id: DECOMMISSION_CALLBACK_ID,
      private_metadata: JSON.stringify({
        migrationId: s.id,
        fileSystemId: SOURCE,
        channel: CHANNEL,
        threadTs: THREAD,
      }),
    } as View;
    expect(await submit(h, view, SOURCE, OTHER)).toMatchObject({ response_action: 'errors' });
    expect(await s.estate.store.jobs.listJobsForMigration(s.id)).toEqual([]);
    expect(
      (await s.estate.store.events.listEvents(s.id)).some((e) => e.kind === 'refused' && e.actor === OTHER),
    ).toBe(true);
  });

  it('/efs-encrypt decommission opens the same modal; a consumer found at submission deletes nothing', async () => {
    const { s, h } = await bot();
    await h.slashCommand(`decommission ${SOURCE}`, { userId: ADMIN, channelId: CHANNEL });
    const view = await filledModal(h);
    s.discovered.push({
      ...s.discovered[0]!,
      consumers: [
        {
          kind: 'ecs-service',
          id: 'arn:svc',
          name: 'ledger-api',
          tags: {},
          references: [],
          clusterArn: 'c',
          serviceArn: 'arn:svc',
          taskDefinitionArn: 'td',
          deploymentController: 'ECS',
          desiredCount: 1,
          runningCount: 1,
        },
      ],
    });
    expect(await submit(h, view, SOURCE)).toEqual({});
    const refused = await h.waitForCall('chat.postEphemeral', (c) => textOf(c).includes('was not deleted'));
    expect(textOf(refused)).toContain('ledger-api');
    expect(await s.estate.store.jobs.listJobsForMigration(s.id)).toEqual([]);
    expect(await exists(s, SOURCE)).toBe(true);
  });
});
