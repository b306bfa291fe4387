import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONSUMERS_FIND_ACTION_ID } from '#blocks/consumers.ts';
import { limitBreaches, type Block } from '#blocks/limits.ts';
import { ManualClock } from '../../../../src/domain/clock.ts';
import { openStore, type Store } from '../../../../src/store/index.ts';
import { createConsumerDiscovery } from '../../../../src/workflow/consumers/index.ts';
import type { ConsumerService } from '../../../../src/slack/services.ts';
import {
  fakeConsumerReaders,
  seedConsumerMigration,
  SOURCE_FS,
  type FakeReaders,
} from '../../../harness/consumer-fakes.ts';
import { fakeServices } from '../../../harness/fake-services.ts';
import { buttonClick, startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';

/**
 * Find consumers in a migration's thread, through the real Bolt receiver (signed requests), the
 * real discovery workflow and the embedded store; the four AWS readers are in-memory doubles of
 * the workflow's ports.
 */
const CHANNEL = 'C0OPS001';
const THREAD = '1767225600.000100';
const ADMIN = 'U0ADMIN01';
const VIEWER = 'U0VIEWER1';

let harness: SlackHarness | undefined;
let store: Store;
let readers: FakeReaders;
let migrationId: string;
const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));

beforeEach(async () => {
  store = await openStore({ clock });
  migrationId = await seedConsumerMigration(store, clock.now().toISOString());
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await store.close();
});

async function start(options: Parameters<typeof fakeConsumerReaders>[0] = {}) {
  readers = fakeConsumerReaders(options);
  const discovery = createConsumerDiscovery({
    migrations: store.migrations,
    events: store.events,
    reports: store.consumers,
    readers,
    clock,
  });
  const consumers: ConsumerService = {
    discoverConsumers: (id, o) => discovery.discoverConsumers(id, o),
    fileSystemTags: async (id) => (await store.migrations.getSnapshot(id))?.fileSystem.tags ?? {},
    exists: async (id) => (await store.migrations.getMigration(id)) !== undefined,
    events: store.events,
  };
  harness = await startSlackHarness({
    services: { ...fakeServices({}), consumers },
    config: { admins: [ADMIN] },
  });
  return harness;
}

const click = (value: string) =>
  buttonClick(CONSUMERS_FIND_ACTION_ID, value, {
    channel: CHANNEL,
    messageTs: '1767225600.000200',
    threadTs: THREAD,
  });

const textOf = (c: RecordedCall) =>
  [
    String(c.body.text ?? ''),
    ...((c.body.blocks as Block[] | undefined) ?? []).map((b) => JSON.stringify(b)),
  ].join('\n');

describe('Find consumers', () => {
  it('lets an admin find the consumers and posts the report in the thread, stored and logged first', async () => {
    const h = await start();
    const res = await h.blockAction(click(migrationId), { userId: ADMIN, channelId: CHANNEL });
    expect(res.status).toBe(200);
    const posted = await h.waitForCall('chat.postMessage');
    expect(posted.body).toMatchObject({ channel: CHANNEL, thread_ts: THREAD });
    expect(posted.body.text).toBe(`Consumers of ${SOURCE_FS}: 5 consumers in 3 applications`);
    const text = textOf(posted);
    expect(text).toContain('*storefront* — owner <@U0WEBOWNER>');
    expect(text).toContain('*ledger-jobs* — owner jobs@example.com');
    expect(text).toContain('dns-name');
    expect(text).toContain('EKS PersistentVolumes');
    expect(limitBreaches(posted.body.blocks as Block[])).toEqual([]);

    const stored = await store.consumers.getConsumerReport(migrationId);
    expect(stored?.consumers).toHaveLength(5);
    const event = (await store.events.listEvents(migrationId)).find((e) => e.kind === 'consumers');
    expect(event).toMatchObject({ actor: ADMIN });
    expect(event?.correlationId).toBeTruthy();
  });

  it('says in the thread what it could not read', async () => {
    const h = await start({ denied: ['ec2'] });
    await h.blockAction(click(migrationId), { userId: ADMIN, channelId: CHANNEL });
    const posted = await h.waitForCall('chat.postMessage');
    expect(posted.body.text).toContain('(incomplete: 1 source unreadable)');
    expect(textOf(posted)).toContain('ec2:DescribeLaunchTemplates');
  });

  it('refuses a non-admin privately, records the refusal, and asks AWS nothing', async () => {
    const h = await start();
    await h.blockAction(click(migrationId), { userId: VIEWER, channelId: CHANNEL });
    const reply = await h.waitForCall('response_url');
    expect(textOf(reply)).toContain('may cutover');
    expect(readers.calls).toEqual([]);
    expect(h.recorder.callsTo('chat.postMessage')).toHaveLength(0);
    const refused = (await store.events.listEvents(migrationId)).find((e) => e.kind === 'refused');
    expect(refused).toMatchObject({ actor: VIEWER, detail: 'find consumers refused: not an admin' });
  });

  it('answers a forged or unknown migration privately, asking AWS nothing', async () => {
    const h = await start();
    await h.blockAction(click('not-a-migration'), { userId: ADMIN, channelId: CHANNEL });
    expect(textOf(await h.waitForCall('response_url'))).toContain('not a file system migration');
    await h.blockAction(click('FS#111111111111#eu-west-1#fs-00000000000dead0'), {
      userId: ADMIN,
      channelId: CHANNEL,
    });
    expect(
      textOf(await h.waitForCall('response_url', (c) => textOf(c).includes('fs-00000000000dead0'))),
    ).toContain('not a file system the bot tracks');
    expect(readers.calls).toEqual([]);
  });
});
