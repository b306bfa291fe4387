import { afterEach, describe, expect, it } from 'vitest';
import {
  CONCERNS_ACTION_ID,
  CONCERNS_COMPONENTS_BLOCK_ID,
  CONCERNS_TEXT_BLOCK_ID,
  SIGN_OFF_CONCERNS_ACTION_ID,
  SIGN_OFF_CONCERNS_CALLBACK_ID,
  SIGN_OFF_OK_ACTION_ID,
  signOffRequestMessage,
  signOffValue,
} from '#blocks/sign-off.ts';
import { limitBreaches } from '#blocks/limits.ts';
import { ManualClock } from '../../../../src/domain/clock.ts';
import { openStore, type Store } from '../../../../src/store/index.ts';
import { createSignOffWorkflow } from '../../../../src/workflow/signoff/index.ts';
import { fakeServices } from '../../../harness/fake-services.ts';
import { fileSystem, scanRecord } from '../../../harness/scan-fixtures.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';

/**
 * Sign-off through the real Bolt receiver: Signed off and Concerns on the request in the
 * migration's thread, with the sign-off workflow over the embedded store. The owner tag is a
 * Slack user ID here (the cutover's owner directory resolves it as is).
 */

const OWNER = 'U0OWNER01';
const STRANGER = 'U0OTHER01';
const CHANNEL = 'C0MIGR001';
const THREAD = '1767225600.000100';
const FS_ID = 'fs-0000000000000000a';

let harness: SlackHarness | undefined;
let store: Store | undefined;
afterEach(async () => {
  await harness?.close();
  await store?.close();
  harness = store = undefined;
});

async function start() {
  const clock = new ManualClock(new Date('2026-04-01T10:00:00Z'));
  store = await openStore({ clock });
  const m = await store.migrations.createMigration({
    accountId: '111111111111',
    region: 'eu-west-1',
    fileSystemId: FS_ID,
    state: 'cut_over',
    actor: 'U0ADMIN01',
  });
  await store.migrations.putSnapshot(m.id, {
    observedAt: clock.now().toISOString(),
    fileSystem: fileSystem({ fileSystemId: FS_ID, tags: { app: 'billing', owner: OWNER } }),
  });
  const signOff = createSignOffWorkflow({
    migrations: store.migrations,
    cutovers: store.cutovers,
    signOffs: store.signOffs,
    events: store.events,
    people: {
      owners: { resolve: async (tag) => (tag?.startsWith('U') ? { userId: tag } : {}) },
      isAdmin: async () => false,
    },
    clock,
  });
  harness = await startSlackHarness({
    services: { ...fakeServices({ result: scanRecord([]) }), signOff },
    clock,
  });
  return { h: harness, migrationId: m.id, s: store };
}

const on = { channel: CHANNEL, messageTs: '1767225600.000200', threadTs: THREAD };

describe('application sign-off in Slack', () => {
  it('the request mentions the owner and stays within limits', () => {
    const message = signOffRequestMessage({
      migrationId: 'FS#111111111111#eu-west-1#fs-0000000000000000a',
      fileSystemId: FS_ID,
      app: 'billing',
      ownerUserId: OWNER,
    });
    expect(message.text).toContain(`<@${OWNER}>`);
    expect(limitBreaches(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toMatch(/functional.*performance.*backups.*monitoring/);
  });

  it('refuses Signed off from someone who is not the owner, privately, and logs it', async () => {
    const { h, migrationId, s } = await start();
    await h.blockAction(buttonClick(SIGN_OFF_OK_ACTION_ID, signOffValue(migrationId, 'billing'), on), {
      userId: STRANGER,
      channelId: CHANNEL,
    });
    const reply = await h.waitForCall('response_url');
    expect(String(reply.body.text)).toContain('Only the owner of billing');
    expect(await s.signOffs.listSignOffs(migrationId)).toEqual([]);
    expect(
      (await s.events.listEvents(migrationId)).some((e) => e.kind === 'refused' && e.actor === STRANGER),
    ).toBe(true);
  });

  it("records the owner's Signed off and says so in the migration's thread", async () => {
    const { h, migrationId, s } = await start();
    await h.blockAction(buttonClick(SIGN_OFF_OK_ACTION_ID, signOffValue(migrationId, 'billing'), on), {
      userId: OWNER,
      channelId: CHANNEL,
    });
    const post = await h.waitForCall('chat.postMessage', (c) => c.body.thread_ts === THREAD);
    expect(String(post.body.text)).toBe('billing: signed off');
    expect(await s.signOffs.listSignOffs(migrationId)).toMatchObject([
      { app: 'billing', decision: 'signed_off', by: OWNER, role: 'owner' },
    ]);
  });

  it('Concerns opens the modal; its submission records the text and components', async () => {
    const { h, migrationId, s } = await start();
    await h.blockAction(buttonClick(SIGN_OFF_CONCERNS_ACTION_ID, signOffValue(migrationId, 'billing'), on), {
      userId: OWNER,
      channelId: CHANNEL,
    });
    const opened = await h.waitForCall('views.open');
    const view = opened.body.view as { private_metadata: string; callback_id: string };
    expect(view.callback_id).toBe(SIGN_OFF_CONCERNS_CALLBACK_ID);
    const submit = (text: string | null) =>
      h.viewSubmission(
        {
          view: {
            callback_id: SIGN_OFF_CONCERNS_CALLBACK_ID,
            private_metadata: view.private_metadata,
            state: {
              values: {
                [CONCERNS_TEXT_BLOCK_ID]: { [CONCERNS_ACTION_ID]: { type: 'plain_text_input', value: text } },
                [CONCERNS_COMPONENTS_BLOCK_ID]: {
                  [CONCERNS_ACTION_ID]: { type: 'plain_text_input', value: 'api, batch-runner\nmetrics' },
                },
              },
            },
          },
        },
        { userId: OWNER },
      );
    const blank = await submit('   ');
    expect(JSON.parse(blank.body)).toMatchObject({ response_action: 'errors' });
    await submit('nightly backup job fails');
    const post = await h.waitForCall('chat.postMessage', (c) => c.body.thread_ts === THREAD);
    expect(String(post.body.text)).toBe('billing: concerns');
    expect(await s.signOffs.listSignOffs(migrationId)).toMatchObject([
      {
        decision: 'concerns',
        text: 'nightly backup job fails',
        components: ['api', 'batch-runner', 'metrics'],
      },
    ]);
  });
});
