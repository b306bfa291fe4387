import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPY_RUNBOOK_ACTION_ID } from '#blocks/copy-progress.ts';
import { PLAN_CALLBACK_ID, PLAN_KEY_SELECT_ACTION_ID } from '#blocks/plan-modal.ts';
import { RIG_ADMIN, RIG_TEAM, startRig, type Rig } from '../../bench/reliability/rig.ts';

/**
 * Issue 18: the members Bolt 5.1 dereferences before any listener of ours (src/slack/
 * payload-envelope.ts lists them) broken in real payloads of every kind Bolt routes: the request
 * guard answers 400 and logs the member, never a 5xx, the process keeps serving, and the store gains
 * nothing.
 */
const SEED = 1818;
const RUNS = 80;

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const user = { id: RIG_ADMIN, username: 'u0admin01', team_id: RIG_TEAM };
const team = { id: RIG_TEAM, domain: 'efs-encrypt-sweep' };
const common = { user, team, api_app_id: 'A0SWEEP01', token: 'legacy-verification-token' };
const channel = { id: 'C0CHAN01', name: 'platform-ops' };

/** Well-formed payloads of each interactive kind, as Slack sends them (trimmed to what matters). */
const BASES: Record<string, Record<string, unknown>> = {
  block_actions: {
    type: 'block_actions',
    ...common,
    trigger_id: '1767225600.trigger',
    channel,
    container: { type: 'message', message_ts: '1767225600.000001', channel_id: 'C0CHAN01' },
    message: { type: 'message', ts: '1767225600.000001', text: '' },
    actions: [
      { type: 'button', action_id: COPY_RUNBOOK_ACTION_ID, block_id: 'b', value: 'x', action_ts: '1' },
    ],
  },
  view_submission: {
    type: 'view_submission',
    ...common,
    trigger_id: '1767225600.trigger',
    view: {
      id: 'V00000001',
      type: 'modal',
      callback_id: PLAN_CALLBACK_ID,
      private_metadata: '{}',
      state: { values: {} },
    },
  },
  view_closed: {
    type: 'view_closed',
    ...common,
    view: { id: 'V00000001', type: 'modal', callback_id: PLAN_CALLBACK_ID, private_metadata: '{}' },
    is_cleared: false,
  },
  block_suggestion: {
    type: 'block_suggestion',
    ...common,
    action_id: PLAN_KEY_SELECT_ACTION_ID,
    block_id: 'key',
    value: 'alias',
    view: { id: 'V00000001', type: 'modal', callback_id: PLAN_CALLBACK_ID, private_metadata: '{}' },
  },
  shortcut: { type: 'shortcut', ...common, callback_id: 'efs_shortcut', trigger_id: '1.t' },
  message_action: {
    type: 'message_action',
    ...common,
    callback_id: 'efs_message_shortcut',
    trigger_id: '1.t',
    channel,
    message: { type: 'message', ts: '1.1', text: '' },
  },
  event_callback: {
    type: 'event_callback',
    team_id: RIG_TEAM,
    api_app_id: 'A0SWEEP01',
    event: { type: 'app_mention', user: RIG_ADMIN, channel: 'C0CHAN01', text: 'hi', ts: '1.1' },
    authorizations: [{ team_id: RIG_TEAM, user_id: 'U0BOT', is_bot: true, enterprise_id: null }],
    event_id: 'Ev1',
    event_time: 1,
  },
};

const INTERACTIVE = [
  'block_actions',
  'view_submission',
  'view_closed',
  'block_suggestion',
  'shortcut',
  'message_action',
];

/** Where each kind breaks Bolt (or the listeners' typed reads), and how. */
const BREAKABLE: Record<string, string[][]> = {
  ...Object.fromEntries(INTERACTIVE.map((k) => [k, [['user'], ['user', 'id'], ['team'], ['response_urls']]])),
  block_actions: [
    ['user'],
    ['user', 'id'],
    ['team'],
    ['channel'],
    ['actions'],
    ['actions', '0'],
    ['actions', '0', 'action_id'],
  ],
  view_submission: [['user'], ['team'], ['view'], ['view', 'callback_id'], ['response_urls']],
  view_closed: [['user'], ['team'], ['view'], ['view', 'callback_id']],
  message_action: [['user'], ['team'], ['channel']],
  event_callback: [
    ['event'],
    ['event', 'user'],
    ['event', 'channel'],
    ['event', 'type'],
    ['authorizations', '0'],
  ],
};

/** A value of the wrong type for an object or string member (a team may be null: org-wide installs). */
const breakingValue = (path: string[]) =>
  fc.oneof(
    fc.constant<unknown>(undefined),
    fc.constant<unknown>(null),
    fc.integer(),
    fc.boolean(),
    fc.constant<unknown>([]),
    path.at(-1) === 'id' || path.at(-1)?.endsWith('_id') || path.at(-1) === 'type'
      ? fc.constant<unknown>({})
      : fc.constant<unknown>(''),
  );

function breakAt(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let parent = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** Breaks that Slack itself may send and Bolt handles: kept out of the "must be refused" set. */
function isHarmless(kind: string, path: string[], value: unknown): boolean {
  const last = path.join('.');
  if (last === 'team' && (value === null || value === undefined)) return true;
  if ((last === 'channel' || last === 'response_urls') && value === undefined) return true;
  if (last === 'response_urls' && Array.isArray(value) && value.length === 0) return true;
  if (last === 'event.user' && (value === undefined || typeof value === 'string')) return true;
  if (last === 'event.channel' && (value === undefined || typeof value === 'string')) return true;
  if (last === 'authorizations.0' && value === undefined) return true;
  return false;
}

const breakage = fc
  .constantFrom(...Object.keys(BREAKABLE))
  .chain((kind) =>
    fc
      .constantFrom(...BREAKABLE[kind]!)
      .chain((path) => breakingValue(path).map((value) => ({ kind, path, value }))),
  )
  .filter(({ kind, path, value }) => !isHarmless(kind, path, value));

const refusals = () => rig.logs.filter((l) => String(l.msg).startsWith('request refused before Bolt'));

describe('payloads whose members Bolt dereferences are null, missing or of the wrong type', () => {
  it('answers a view submission whose user is null with 400 and a logged reason (was a 500 from Bolt)', async () => {
    const before = refusals().length;
    const res = await rig.interactive({ ...BASES.view_submission, user: null });
    expect(res.status).toBe(400);
    expect(
      refusals()
        .slice(before)
        .map((l) => l.msg),
    ).toEqual([
      "request refused before Bolt: the view_submission payload's `user` is null: Invalid input: expected object, received null",
    ]);
  });

  it.each([
    ['view', null],
    ['team', 42],
    ['actions', 'abc'],
  ])('answers a block action or view whose %s is %j with 400', async (member, value) => {
    const base = member === 'actions' ? BASES.block_actions! : BASES.view_submission!;
    const res = await rig.interactive({ ...base, [member]: value });
    expect(res.status).toBe(400);
  });

  it('refuses a slash command whose user_id is missing or repeated, naming it', async () => {
    const fields = { command: '/efs-encrypt', text: 'help', channel_id: 'C0CHAN01', team_id: RIG_TEAM };
    const missing = await rig.post(new URLSearchParams(fields).toString());
    const repeated = await rig.post(`${new URLSearchParams(fields).toString()}&user_id=U1&user_id=U2`);
    expect([missing.status, repeated.status]).toEqual([400, 400]);
    expect(refusals().at(-1)?.msg).toContain("the slash_command payload's `user_id` is an array");
  });

  it('still routes the org-wide form (team null, the team in user.team_id) to Bolt', async () => {
    const res = await rig.interactive({ ...BASES.view_closed, team: null });
    expect(res.status).toBeLessThan(500);
    expect(res.status).not.toBe(400);
  });

  it(`answers ${RUNS} generated breakages of real payloads with 400, keeps serving, writes nothing`, async () => {
    const before = await rig.storeItems();
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(breakage, async ({ kind, path, value }) => {
        const body = breakAt(BASES[kind]!, path, value);
        const res =
          kind === 'event_callback'
            ? await rig.post(JSON.stringify(body), 'application/json')
            : await rig.interactive(body);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status, `${kind} ${path.join('.')}=${JSON.stringify(value)}`).toBe(400);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(statuses).toEqual({ 400: RUNS });
    // The process kept serving: a well-formed command is answered.
    expect((await rig.slashCommand('help')).status).toBe(200);
    await rig.slack.tasks.drain();
    const after = await rig.storeItems();
    const gained = [...after.keys()].filter(
      (k) => !before.has(k) && !/^REQUEST#[0-9a-f]{64}\|CLAIM$/.test(k),
    );
    expect(gained).toEqual([]);
  }, 60_000);
});
