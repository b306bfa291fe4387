import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { limitBreaches, type Block } from '#blocks/limits.ts';
import { statusOverviewMessage, STATUS_LINES_SHOWN } from '#blocks/status.ts';
import { ManualClock } from '../../../../src/domain/clock.ts';
import { openStore, type Store } from '../../../../src/store/index.ts';
import { createStatusQuery, type StatusOverview } from '../../../../src/workflow/status/index.ts';
import { fakeServices } from '../../../harness/fake-services.ts';
import { scanRecord } from '../../../harness/scan-fixtures.ts';
import { startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import type { RecordedCall } from '../../../harness/slack-recorder.ts';
import {
  BUILD_REQUEST_ID,
  FAILURE,
  FS,
  OTHER_ACCOUNT,
  OTHER_REGION,
  seedStatusStore,
  TWIN,
  VERIFICATION,
} from '../../../workflow/status/status-fixture.ts';

/**
 * `/efs-encrypt status` through the real receiver (signed requests) against a store seeded with
 * migrations in several states through the real repositories.
 */

const clock = new ManualClock(new Date('2026-05-02T10:00:00Z'));
let store: Store;
let harness: SlackHarness | undefined;

beforeAll(async () => {
  store = await openStore({ clock });
  await seedStatusStore(store);
});
afterAll(async () => {
  await store.close();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const USER = 'U0READER1';

async function start() {
  const status = createStatusQuery({
    migrations: store.migrations,
    events: store.events,
    jobs: store.jobs,
    clock,
  });
  harness = await startSlackHarness({
    services: { ...fakeServices({ result: scanRecord([]) }), status },
    config: { admins: ['U0ADMIN01'] },
    clock,
  });
  return harness;
}

const blocksOf = (call: RecordedCall) => (call.body.blocks ?? []) as Block[];
const shown = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? []);

describe('/efs-encrypt status', () => {
  it('answers anyone privately with the counts and one line per migration, the failed first', async () => {
    const h = await start();
    const res = await h.slashCommand('status', { userId: USER });
    expect(res.status).toBe(200);
    const reply = await h.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(limitBreaches(blocksOf(reply))).toEqual([]);
    expect(reply.body.text).toBe('Migrations: 5 (discovered 1, excluded 1, decided 1, synced 1, failed 1)');
    const text = shown(reply);
    expect(text).toContain('*By state:* discovered 1 · excluded 1 · decided 1 · synced 1 · failed 1');
    expect(text).toContain(`${OTHER_ACCOUNT} ${OTHER_REGION}: 1 (excluded 1)`);
    expect(text.indexOf(FS.broken)).toBeLessThan(text.indexOf(FS.synced));
    expect(text.indexOf(FS.synced)).toBeLessThan(text.indexOf(FS.excluded));
    expect(text).toContain(`twin \`${TWIN.broken}\``);
    expect(text).toContain(FAILURE.code);
    expect(text).toContain(VERIFICATION);
    // Nothing was posted to the channel: status never spams it.
    expect(h.recorder.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('shows one file system in detail: decision, twin, error, events with AWS request IDs, next step and who', async () => {
    const h = await start();
    await h.slashCommand(`status ${FS.broken}`, { userId: USER });
    const reply = await h.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(limitBreaches(blocksOf(reply))).toEqual([]);
    expect(blocksOf(reply)[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `${FS.broken} (media)` },
    });
    const text = shown(reply);
    expect(text).toContain('failed (from target_creating)');
    expect(text).toContain(`\`${FS.broken}\` → \`${TWIN.broken}\``);
    expect(text).toContain(`*${FAILURE.code}*`);
    expect(text).toContain('Retry the build');
    expect(text).toContain('who: admins');
    expect(text).toContain(`AWS request \`${BUILD_REQUEST_ID}\``);
    expect(text).toContain('<@U0ADMIN01>');
    expect(reply.body.text).toContain(`${FS.broken}: failed. Next:`);
  });

  it('says clearly when the file system is not tracked, naming what is', async () => {
    const h = await start();
    await h.slashCommand('status fs-ffffffffffffffff', { userId: USER });
    const reply = await h.waitForCall('response_url');
    expect(reply.body.response_type).toBe('ephemeral');
    const text = shown(reply);
    expect(text).toContain('fs-ffffffffffffffff is not tracked. Tracked file systems (5)');
    expect(text).toContain(FS.excluded);
    expect(text).not.toContain('stack');
  });

  it('escapes mrkdwn from stored values', async () => {
    const h = await start();
    await h.slashCommand(`status ${FS.fresh}`, { userId: USER });
    const reply = await h.waitForCall('response_url');
    expect(shown(reply)).toContain('scratch');
    const message = statusOverviewMessage({
      generatedAt: 'now',
      total: 1,
      byState: [{ state: 'failed', count: 1 }],
      byPlace: [],
      migrations: [
        {
          migrationId: 'FS#1#r#fs-1',
          fileSystemId: 'fs-1',
          name: '<!channel> & co',
          accountId: '1',
          region: 'r',
          state: 'failed',
          lastError: { code: 'X', message: '<@U1> broke', at: 't' },
        },
      ],
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('&lt;!channel&gt; &amp; co');
    expect(text).toContain('&lt;@U1&gt; broke');
    expect(text).not.toContain('<!channel>');
  });
});

describe('status overview message', () => {
  it('stays within Slack limits for a large estate, saying how many more the CLI lists', () => {
    const places = Array.from({ length: 40 }, (_, i) => ({
      accountId: String(100000000000 + i),
      region: 'eu-west-1',
      total: 50,
      byState: [{ state: 'decided' as const, count: 50 }],
    }));
    const overview: StatusOverview = {
      generatedAt: '2026-05-02T10:00:00.000Z',
      total: 2000,
      byState: [{ state: 'decided', count: 2000 }],
      byPlace: places,
      migrations: Array.from({ length: 2000 }, (_, i) => ({
        migrationId: `FS#1#eu-west-1#fs-${i}`,
        fileSystemId: `fs-${String(i).padStart(17, '0')}`,
        name: 'n'.repeat(300),
        accountId: '111111111111',
        region: 'eu-west-1',
        state: 'decided' as const,
        method: 'datasync' as const,
        targetKey: `arn:aws:kms:eu-west-1:111111111111:key/${'k'.repeat(36)}`,
        lastError: { code: 'E', message: 'm'.repeat(2000), at: 't' },
        lastChange: { actor: 'U0ADMIN01', at: '2026-05-01T09:00:00.000Z', kind: 'transition' },
      })),
    };
    const message = statusOverviewMessage(overview);
    expect(limitBreaches(message.blocks)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(`and ${2000 - STATUS_LINES_SHOWN} more — \`efs-encrypt status\` lists all`);
    expect(text).toContain('…and 30 more accounts/regions');
    expect(text).toContain('fs-00000000000000024');
    expect(text).not.toContain('fs-00000000000000025');
  });
});
