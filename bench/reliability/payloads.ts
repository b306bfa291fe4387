import fc from 'fast-check';
import { BUILD_ALL_ACTION_ID, BUILD_ONE_ACTION_ID, BUILD_REVIEW_ACTION_ID } from '#blocks/build-review.ts';
import { BUILD_RETRY_ACTION_ID } from '#blocks/build-progress.ts';
import { CLIENTS_ACK_ACTION_ID, COPY_FINAL_ANYWAY_ACTION_ID } from '#blocks/copy-clients.ts';
import { COPY_RSYNC_PASS_CALLBACK_ID, COPY_WRITES_STOPPED_CALLBACK_ID } from '#blocks/copy-modals.ts';
import {
  COPY_FINAL_ACTION_ID,
  COPY_RECORD_FINAL_ACTION_ID,
  COPY_RECORD_INITIAL_ACTION_ID,
  COPY_RETRY_ACTION_ID,
  COPY_REVIEW_ACTION_ID,
  COPY_RUNBOOK_ACTION_ID,
  COPY_START_ACTION_ID,
  COPY_SYNC_ACTION_ID,
  COPY_WRITES_STOPPED_ACTION_ID,
} from '#blocks/copy-progress.ts';
import { PLAN_CALLBACK_ID, PLAN_KEY_SELECT_ACTION_ID, PLAN_OPEN_ACTION_ID } from '#blocks/plan-modal.ts';
import { SCAN_EXPORT_ACTION_ID } from '#blocks/scan-summary.ts';
import { parseCommand } from '../../src/slack/commands.ts';

/**
 * fast-check generators of hostile Slack requests: slash commands with any text, and block actions,
 * view submissions and option requests built from a well-formed payload with members nulled,
 * deleted or swapped for values of the wrong type at any depth.
 */

/** Every action ID the bot registers (blocks/*.ts), so generated clicks reach real listeners. */
export const ACTION_IDS = [
  PLAN_OPEN_ACTION_ID,
  SCAN_EXPORT_ACTION_ID,
  BUILD_REVIEW_ACTION_ID,
  BUILD_ALL_ACTION_ID,
  BUILD_ONE_ACTION_ID,
  BUILD_RETRY_ACTION_ID,
  COPY_START_ACTION_ID,
  COPY_SYNC_ACTION_ID,
  COPY_FINAL_ACTION_ID,
  COPY_FINAL_ANYWAY_ACTION_ID,
  COPY_RETRY_ACTION_ID,
  COPY_REVIEW_ACTION_ID,
  COPY_RUNBOOK_ACTION_ID,
  COPY_WRITES_STOPPED_ACTION_ID,
  COPY_RECORD_INITIAL_ACTION_ID,
  COPY_RECORD_FINAL_ACTION_ID,
  CLIENTS_ACK_ACTION_ID,
] as const;

export const CALLBACK_IDS = [PLAN_CALLBACK_ID, COPY_WRITES_STOPPED_CALLBACK_ID, COPY_RSYNC_PASS_CALLBACK_ID];

/** IDs from the live store (a scan, its file systems), so some values get past the first lookup. */
export interface KnownIds {
  scanId: string;
  migrationIds: string[];
  users: string[];
  teamId: string;
  /** A response_url that answers (the rig's Slack stub). */
  responseUrl: string;
}

export type SweepRequest =
  { kind: 'slash'; text: string; userId: string } | { kind: 'interactive'; payload: unknown; label: string };

const oneOfConst = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** Text as a person, a paste or an attacker might type it: unicode, control characters, megabytes. */
const anyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    // Repeated so that huge strings cost little to generate; past the 1 MB body limit a 413 is expected.
    arbitrary: fc
      .tuple(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1_000, max: 60_000 }),
      )
      .map(([s, n]) => s.repeat(n)),
  },
);

/** A value of any type where the bot expects a specific one. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  anyText,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/**
 * Texts that would start real work (a scan) are left out: the sweep sends malformed requests, and a
 * scan writes its record by design.
 */
export function slashText(known: KnownIds) {
  const verb = fc.constantFrom('plan', 'build', 'status', 'export', 'report', 'help', 'BUILD', 'Plan');
  const arg = fc.oneof(
    anyText,
    fc.constant(known.scanId),
    oneOfConst(known.migrationIds),
    fc.constant('all'),
  );
  return fc
    .oneof(
      anyText,
      fc.tuple(verb, fc.array(arg, { maxLength: 4 })).map(([v, args]) => [v, ...args].join(' ')),
    )
    .filter((text) => {
      const parsed = parseCommand(text);
      return !(parsed.kind === 'command' && parsed.command.name === 'scan');
    });
}

/** Every path (list of keys) inside a JSON value, the root included. */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      out.push(...pathsOf(v, [...at, Array.isArray(value) ? Number(k) : k]));
  return out;
}

type Mutation = { at: number; how: 'null' | 'delete' | 'replace'; by: unknown };

/** Applies each mutation at the path its index picks (mod the number of paths): the input is copied. */
export function mutate(payload: unknown, mutations: Mutation[]): unknown {
  let root = structuredClone(payload);
  for (const m of mutations) {
    const paths = pathsOf(root).slice(1);
    if (paths.length === 0) break;
    const path = paths[m.at % paths.length]!;
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], root) as Record<string | number, unknown>;
    const key = path.at(-1)!;
    if (m.how === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else parent[key] = m.how === 'null' ? null : m.by;
  }
  if (root === undefined) root = null;
  return root;
}

const mutations = fc.array(
  fc.record({
    at: fc.nat(),
    how: fc.constantFrom('null' as const, 'delete' as const, 'replace' as const),
    by: wrongValue,
  }),
  { maxLength: 4 },
);

function envelope(known: KnownIds, userId: string) {
  return {
    user: { id: userId, username: userId.toLowerCase(), team_id: known.teamId },
    api_app_id: 'A0SWEEP01',
    token: 'legacy-verification-token',
    team: { id: known.teamId, domain: 'efs-encrypt-sweep' },
    trigger_id: '1767225600.trigger',
  };
}

export function sweepRequests(known: KnownIds): fc.Arbitrary<SweepRequest> {
  const user = oneOfConst(known.users);
  const actionId = fc.oneof(
    { weight: 9, arbitrary: oneOfConst(ACTION_IDS) },
    { weight: 1, arbitrary: anyText },
  );
  const value = fc.oneof(
    fc.constant(known.scanId),
    oneOfConst(known.migrationIds),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    anyText,
  );
  const metadata = fc.oneof(
    anyText,
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc
      .record({
        scanId: fc.oneof(fc.constant(known.scanId), wrongValue),
        channelId: wrongValue,
        migrationId: wrongValue,
      })
      .map((v) => JSON.stringify(v)),
  );
  const stateValues = fc.dictionary(
    fc.oneof(anyText, fc.constantFrom('writes_stopped', 'summary', 'client_check', 'scope', 'key', 'method')),
    fc.dictionary(
      fc.oneof(anyText, fc.constantFrom('at', 'text', PLAN_KEY_SELECT_ACTION_ID)),
      fc.record(
        {
          type: fc.oneof(
            fc.constantFrom(
              'plain_text_input',
              'static_select',
              'external_select',
              'datetimepicker',
              'checkboxes',
            ),
            wrongValue,
          ),
          value: wrongValue,
          selected_option: wrongValue,
          selected_options: wrongValue,
          selected_date_time: wrongValue,
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 3 },
    ),
    { maxKeys: 4 },
  );

  const slash = fc
    .record({ text: slashText(known), userId: user })
    .map((r): SweepRequest => ({ kind: 'slash', ...r }));

  const blockAction = fc
    .record({ userId: user, actionId, value, type: fc.oneof(fc.constant('button'), anyText), mutations })
    .map((r): SweepRequest => ({
      kind: 'interactive',
      label: `block_actions ${String(r.actionId).slice(0, 40)}`,
      payload: mutate(
        {
          type: 'block_actions',
          ...envelope(known, r.userId),
          channel: { id: 'C0CHAN01', name: 'platform-ops' },
          container: {
            type: 'message',
            message_ts: '1767225600.000001',
            channel_id: 'C0CHAN01',
            is_ephemeral: false,
          },
          message: { type: 'message', ts: '1767225600.000001', thread_ts: '1767225600.000001', text: '' },
          response_url: known.responseUrl,
          actions: [
            {
              type: r.type,
              action_id: r.actionId,
              block_id: 'b',
              value: r.value,
              action_ts: '1767225601.000001',
            },
          ],
        },
        r.mutations,
      ),
    }));

  const viewSubmission = fc
    .record({
      userId: user,
      callbackId: fc.oneof(
        { weight: 9, arbitrary: oneOfConst(CALLBACK_IDS) },
        { weight: 1, arbitrary: anyText },
      ),
      metadata,
      values: stateValues,
      mutations,
    })
    .map((r): SweepRequest => ({
      kind: 'interactive',
      label: `view_submission ${String(r.callbackId).slice(0, 40)}`,
      payload: mutate(
        {
          type: 'view_submission',
          ...envelope(known, r.userId),
          view: {
            id: 'V00000001',
            team_id: known.teamId,
            type: 'modal',
            callback_id: r.callbackId,
            private_metadata: r.metadata,
            state: { values: r.values },
            hash: '1767225600.hash',
          },
          response_urls: [],
        },
        r.mutations,
      ),
    }));

  const optionsRequest = fc
    .record({
      userId: user,
      actionId: fc.oneof(
        { weight: 4, arbitrary: fc.constant(PLAN_KEY_SELECT_ACTION_ID) },
        { weight: 1, arbitrary: anyText },
      ),
      query: anyText,
      metadata,
      mutations,
    })
    .map((r): SweepRequest => ({
      kind: 'interactive',
      label: `block_suggestion ${String(r.actionId).slice(0, 40)}`,
      payload: mutate(
        {
          type: 'block_suggestion',
          ...envelope(known, r.userId),
          action_id: r.actionId,
          block_id: 'key',
          value: r.query,
          container: { type: 'view', view_id: 'V00000001' },
          view: {
            id: 'V00000001',
            type: 'modal',
            callback_id: PLAN_CALLBACK_ID,
            private_metadata: r.metadata,
            state: { values: {} },
          },
        },
        r.mutations,
      ),
    }));

  return fc.oneof(slash, blockAction, viewSubmission, optionsRequest);
}
