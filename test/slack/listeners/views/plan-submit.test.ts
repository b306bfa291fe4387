/**
 * The plan flow end to end: the real Bolt app on loopback driven by signed requests, the real
 * decide workflow over the local estate (real SDK clients) and the embedded store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodePlanMetadata,
  planBlockId,
  PLAN_CALLBACK_ID,
  PLAN_KEY_SELECT_ACTION_ID,
  PLAN_OPEN_ACTION_ID,
  PLAN_PAGE_SIZE,
} from '#blocks/plan-modal.ts';
import { parsePolicyRules } from '../../../../src/domain/decision.ts';
import { migrationId } from '../../../../src/domain/inventory.ts';
import { createDecideWorkflow } from '../../../../src/workflow/decide/index.ts';
import { fakeScanService } from '../../../harness/fake-services.ts';
import { startSlackHarness, type SlackHarness } from '../../../harness/slack.ts';
import {
  ACCOUNT,
  FS,
  KEYS,
  REGION,
  startDecideEstate,
  type DecideEstate,
} from '../../../workflow/decide/decide-fixture.ts';

const ADMIN = 'U0ADMIN01';
let env: DecideEstate | undefined;
let harness: SlackHarness | undefined;

afterEach(async () => {
  await harness?.close();
  await env?.close();
  harness = env = undefined;
});

async function start(options: { bulk?: number } = {}) {
  env = await startDecideEstate(options);
  const workflow = createDecideWorkflow({
    keys: env.directories.keys,
    network: env.directories.network,
    migrations: env.store.migrations,
    scans: env.store.scans,
    policy: parsePolicyRules('').rules,
    clock: env.clock,
  });
  harness = await startSlackHarness({
    services: {
      scan: fakeScanService({ result: env.scan }),
      scans: env.store.scans,
      decide: { workflow, keys: env.directories.keys },
    },
    config: { admins: [ADMIN] },
  });
  return { env, harness };
}

const at = (fileSystemId: string) => ({ accountId: ACCOUNT, region: REGION, fileSystemId });

interface Fill {
  scope?: 'in_scope' | 'excluded';
  reason?: string;
  picked?: string;
  typed?: string;
  method?: string;
}

/** `view.state.values` as Slack sends it for the given fields of each file system. */
function values(fills: Record<string, Fill>) {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [fsId, f] of Object.entries(fills)) {
    const fs = at(fsId);
    out[planBlockId('scope', fs)] = {
      scope: { type: 'radio_buttons', selected_option: f.scope ? { value: f.scope } : null },
    };
    out[planBlockId('reason', fs)] = { reason: { type: 'plain_text_input', value: f.reason ?? null } };
    out[planBlockId('key', fs)] = {
      [PLAN_KEY_SELECT_ACTION_ID]: {
        type: 'external_select',
        selected_option: f.picked ? { value: f.picked } : null,
      },
    };
    out[planBlockId('keytyped', fs)] = { keytyped: { type: 'plain_text_input', value: f.typed ?? null } };
    out[planBlockId('method', fs)] = {
      method: { type: 'static_select', selected_option: f.method ? { value: f.method } : null },
    };
  }
  return out;
}

function submit(
  h: SlackHarness,
  scanId: string,
  fills: Record<string, Fill>,
  opts: { userId?: string; page?: number } = {},
) {
  return h.viewSubmission(
    {
      view: {
        callback_id: PLAN_CALLBACK_ID,
        private_metadata: encodePlanMetadata({
          scanId,
          page: opts.page ?? 0,
          channelId: 'C0CHAN01',
          threadTs: '1767225600.000001',
        }),
        blocks: [{ type: 'input', block_id: planBlockId('scope', at(FS.app)) }],
        state: { values: values(fills) },
      },
    },
    { userId: opts.userId ?? ADMIN },
  );
}

const errorsOf = (body: string) =>
  (JSON.parse(body) as { response_action: string; errors: Record<string, string> }).errors;

describe('plan modal', () => {
  it('opens from the Plan button with every candidate, prefilled from stored decisions', async () => {
    const { env, harness } = await start();
    await env.store.migrations.createMigration({ ...at(FS.scratch), actor: ADMIN });
    const m = (await env.store.migrations.getMigration(migrationId(ACCOUNT, REGION, FS.scratch)))!;
    await env.store.migrations.transitionMigration(m.id, {
      expectedVersion: m.version,
      to: 'excluded',
      facts: { exclusionReason: 'scratch' },
      actor: ADMIN,
    });

    const res = await harness.blockAction(
      {
        actions: [
          {
            type: 'button',
            action_id: PLAN_OPEN_ACTION_ID,
            block_id: 'scan_plan',
            value: env.scan.scanId,
            action_ts: '1',
          },
        ],
      },
      { userId: ADMIN },
    );
    expect(res.status).toBe(200);
    const open = await harness.waitForCall('views.open');
    const view = open.body.view as {
      blocks: {
        block_id?: string;
        element?: { initial_option?: { value: string }; initial_value?: string };
      }[];
      private_metadata: string;
    };
    const scopes = view.blocks.filter((b) => b.block_id?.startsWith('scope|')).map((b) => b.block_id);
    expect(scopes).toEqual([FS.app, FS.cache, FS.scratch].map((id) => planBlockId('scope', at(id))));
    expect(
      view.blocks.find((b) => b.block_id === planBlockId('scope', at(FS.scratch)))?.element?.initial_option
        ?.value,
    ).toBe('excluded');
    expect(
      view.blocks.find((b) => b.block_id === planBlockId('reason', at(FS.scratch)))?.element?.initial_value,
    ).toBe('scratch');
    expect(JSON.parse(view.private_metadata)).toMatchObject({
      scanId: env.scan.scanId,
      page: 0,
      channelId: 'C0CHAN01',
    });
  }, 30_000);

  it('stores valid choices and posts the summary in the thread', async () => {
    const { env, harness } = await start();
    const res = await submit(harness, env.scan.scanId, {
      [FS.app]: { scope: 'in_scope', picked: KEYS.good.arn, method: 'datasync' },
      [FS.scratch]: { scope: 'excluded', reason: 'scratch data' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(await env.store.migrations.getDecision(migrationId(ACCOUNT, REGION, FS.app))).toMatchObject({
      decision: { targetKmsKeyId: KEYS.good.arn, decidedBy: ADMIN },
    });
    const post = await harness.waitForCall('chat.postMessage');
    expect(post.body).toMatchObject({ channel: 'C0CHAN01', thread_ts: '1767225600.000001' });
    const text = JSON.stringify(post.body.blocks);
    expect(text).toContain('Decided (1)');
    expect(text).toContain('scratch data');
    expect(text).toContain(`Still needs a decision (1)`);
  }, 30_000);

  it.each([
    [
      'a disabled key',
      { picked: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEYS.disabled.id}` },
      'key',
      'is disabled',
    ],
    ['an asymmetric key', { typed: KEYS.asymmetric.alias }, 'keytyped', 'asymmetric key (RSA_2048)'],
    [
      'a key in another region',
      { typed: KEYS.otherRegion.arn },
      'keytyped',
      'is in us-east-1 but the file system is in eu-west-1',
    ],
  ])(
    'refuses %s next to the key field and stores nothing',
    async (_name, key, block, reason) => {
      const { env, harness } = await start();
      const res = await submit(harness, env.scan.scanId, {
        [FS.app]: { scope: 'in_scope', method: 'replication', ...key },
      });
      const errors = errorsOf(res.body);
      expect(Object.keys(errors)).toEqual([planBlockId(block as 'key', at(FS.app))]);
      expect(Object.values(errors)[0]).toContain(reason);
      expect(await env.store.migrations.getMigration(migrationId(ACCOUNT, REGION, FS.app))).toBeUndefined();
    },
    30_000,
  );

  it('asks for the exclusion reason next to its field', async () => {
    const { env, harness } = await start();
    const res = await submit(harness, env.scan.scanId, { [FS.cache]: { scope: 'excluded' } });
    expect(errorsOf(res.body)).toEqual({
      [planBlockId('reason', at(FS.cache))]: expect.stringContaining('needs a reason'),
    });
  }, 30_000);

  it('refuses a non-admin, for the command and for a submission', async () => {
    const { env, harness } = await start();
    await harness.slashCommand('plan', { userId: 'U0NOBODY1' });
    const reply = await harness.waitForCall('response_url');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(reply.body)).toContain(`Only the admins (<@${ADMIN}>) may plan`);
    expect(harness.recorder.callsTo('views.open')).toHaveLength(0);

    const res = await submit(
      harness,
      env.scan.scanId,
      { [FS.scratch]: { scope: 'excluded', reason: 'x' } },
      { userId: 'U0NOBODY1' },
    );
    expect(Object.values(errorsOf(res.body))[0]).toContain('Only the admins');
    expect(await env.store.migrations.getMigration(migrationId(ACCOUNT, REGION, FS.scratch))).toBeUndefined();
  }, 30_000);

  it('refuses a form whose metadata names no scan, saying what to do, and records nothing', async () => {
    const { env, harness } = await start();
    const res = await submit(harness, 'ARBITRARY#x', { [FS.scratch]: { scope: 'excluded', reason: 'x' } });
    expect(Object.values(errorsOf(res.body))[0]).toContain(
      'This plan form names `ARBITRARY#x`, not a scan ID',
    );
    expect(await env.store.migrations.getMigration(migrationId(ACCOUNT, REGION, FS.scratch))).toBeUndefined();
  }, 30_000);

  it('records exactly one decision event for a double submit', async () => {
    const { env, harness } = await start();
    const fills = { [FS.app]: { scope: 'in_scope' as const, typed: KEYS.good.alias, method: 'replication' } };
    const [a, b] = await Promise.all([
      submit(harness, env.scan.scanId, fills),
      submit(harness, env.scan.scanId, fills),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body, b.body]).toEqual(['', '']);
    const events = await env.store.events.listEvents(migrationId(ACCOUNT, REGION, FS.app));
    expect(events.filter((e) => e.kind === 'decision')).toHaveLength(1);
  }, 30_000);

  it('offers the account and region’s keys with alias and state in the key select', async () => {
    const { harness } = await start();
    const payload = {
      type: 'block_suggestion',
      user: { id: ADMIN },
      team: { id: 'T0TEST01' },
      api_app_id: 'A0TEST01',
      token: 'legacy-verification-token',
      action_id: PLAN_KEY_SELECT_ACTION_ID,
      block_id: planBlockId('key', at(FS.app)),
      value: 'efs',
      view: { id: 'V1', type: 'modal', callback_id: PLAN_CALLBACK_ID, private_metadata: '' },
    };
    const ask = async (value: string) => {
      const res = await harness.post(
        new URLSearchParams({ payload: JSON.stringify({ ...payload, value }) }).toString(),
      );
      return (JSON.parse(res.body) as { options: { text: { text: string }; value: string }[] }).options;
    };
    const all = await ask('');
    expect(all.map((o) => o.text.text)).toEqual([
      'aws/elasticfilesystem · AWS managed',
      'app-efs · Enabled',
      'doomed · PendingDeletion',
      'old-efs · Disabled',
      'signing · Enabled · RSA_2048',
    ]);
    expect(all[1]!.value).toBe(KEYS.good.arn);
    expect((await ask('efs')).map((o) => o.text.text)).toEqual(['app-efs · Enabled', 'old-efs · Disabled']);
  }, 30_000);

  it('lists no account’s keys for someone who may not plan, or for a block that names no plan file system', async () => {
    const { harness } = await start();
    const ask = async (userId: string, blockId: string) => {
      const res = await harness.post(
        new URLSearchParams({
          payload: JSON.stringify({
            type: 'block_suggestion',
            user: { id: userId },
            team: { id: 'T0TEST01' },
            api_app_id: 'A0TEST01',
            token: 'legacy-verification-token',
            action_id: PLAN_KEY_SELECT_ACTION_ID,
            block_id: blockId,
            value: '',
            view: { id: 'V1', type: 'modal', callback_id: PLAN_CALLBACK_ID, private_metadata: '' },
          }),
        }).toString(),
      );
      return (JSON.parse(res.body) as { options: { text: { text: string } }[] }).options.map(
        (o) => o.text.text,
      );
    };
    expect(await ask('U0NOBODY1', planBlockId('key', at(FS.app)))).toEqual([
      'aws/elasticfilesystem · AWS managed',
    ]);
    expect(await ask(ADMIN, 'key|ARBITRARY#x')).toEqual(['aws/elasticfilesystem · AWS managed']);
    expect(harness.logs.filter((l) => String(l.msg).startsWith('key options'))).toMatchObject([
      { level: 40, userId: 'U0NOBODY1' },
      { level: 40 },
    ]);
    expect((await ask(ADMIN, planBlockId('key', at(FS.app)))).length).toBeGreaterThan(1);
  }, 30_000);

  it('answers a malformed key options request (null block ID, a value that is no string) with the default key only, at WARN', async () => {
    const { harness } = await start();
    for (const broken of [{ block_id: null }, { value: { not: 'a string' } }, { block_id: 7 }]) {
      const res = await harness.post(
        new URLSearchParams({
          payload: JSON.stringify({
            type: 'block_suggestion',
            user: { id: ADMIN },
            team: { id: 'T0TEST01' },
            api_app_id: 'A0TEST01',
            token: 'legacy-verification-token',
            action_id: PLAN_KEY_SELECT_ACTION_ID,
            block_id: planBlockId('key', at(FS.app)),
            value: '',
            view: { id: 'V1', type: 'modal', callback_id: PLAN_CALLBACK_ID, private_metadata: '' },
            ...broken,
          }),
        }).toString(),
      );
      expect(res.status).toBe(200);
      const options = (JSON.parse(res.body) as { options: { text: { text: string } }[] }).options;
      expect(options.map((o) => o.text.text)).toEqual(['aws/elasticfilesystem · AWS managed']);
    }
    expect(harness.logs.filter((l) => l.msg === 'key options request malformed: refused')).toHaveLength(3);
    expect(harness.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  }, 30_000);

  it('pages dozens of candidates and moves to the next page after saving one', async () => {
    const { env, harness } = await start({ bulk: 12 });
    const res = await submit(harness, env.scan.scanId, { [FS.app]: { scope: 'excluded', reason: 'later' } });
    const body = JSON.parse(res.body) as {
      response_action: string;
      view: { title: { text: string }; blocks: { block_id?: string }[]; private_metadata: string };
    };
    expect(body.response_action).toBe('update');
    expect(body.view.title.text).toBe('EFS plan 2/2');
    expect(body.view.blocks.length).toBeLessThanOrEqual(100);
    expect(body.view.blocks.filter((b) => b.block_id?.startsWith('scope|'))).toHaveLength(
      15 - PLAN_PAGE_SIZE,
    );
    expect(JSON.parse(body.view.private_metadata)).toMatchObject({ page: 1 });
    expect((await env.store.migrations.getMigration(migrationId(ACCOUNT, REGION, FS.app)))?.state).toBe(
      'excluded',
    );
  }, 30_000);
});
