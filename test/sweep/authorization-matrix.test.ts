import { migrationId } from '../../src/domain/inventory.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_RETRY_ACTION_ID } from '#blocks/build-progress.ts';
import { BUILD_ALL_ACTION_ID, BUILD_ONE_ACTION_ID } from '#blocks/build-review.ts';
import {
  COPY_FINAL_ACTION_ID,
  COPY_RECORD_FINAL_ACTION_ID,
  COPY_RECORD_INITIAL_ACTION_ID,
  COPY_RUNBOOK_ACTION_ID,
  COPY_START_ACTION_ID,
  COPY_SYNC_ACTION_ID,
} from '#blocks/copy-progress.ts';
import { PLAN_CALLBACK_ID } from '#blocks/plan-modal.ts';
import { SCAN_EXPORT_ACTION_ID } from '#blocks/scan-summary.ts';
import { RIG_ADMIN, RIG_TEAM, RIG_USER, startRig, type Rig } from '../../bench/reliability/rig.ts';

/**
 * Issue 18's authorisation matrix: each mutating action (and the open ones) × an admin, another user
 * of the workspace, and a user of another workspace, through the real listeners. DESIGN.md: admins
 * plan, build and copy; anyone scans, exports and reads status; another workspace reaches no listener.
 */
const OTHER_TEAM = 'T0ELSEWHERE';
type Who = 'admin' | 'user' | 'other workspace';
type Verdict = 'allowed' | 'refused' | 'workspace refused';

interface Case {
  name: string;
  adminOnly: boolean;
  send(rig: Rig, userId: string, teamId: string): Promise<{ status: number; body: string }>;
}

const click =
  (actionId: string, value: (rig: Rig) => string): Case['send'] =>
  (rig, userId, teamId) =>
    rig.interactive({
      type: 'block_actions',
      user: { id: userId, username: userId.toLowerCase(), team_id: teamId },
      team: { id: teamId, domain: 'sweep' },
      api_app_id: 'A0SWEEP01',
      token: 'legacy-verification-token',
      trigger_id: '1767225600.trigger',
      channel: { id: 'C0CHAN01', name: 'platform-ops' },
      container: {
        type: 'message',
        message_ts: '1767225600.000001',
        channel_id: 'C0CHAN01',
        is_ephemeral: false,
      },
      message: { type: 'message', ts: '1767225600.000001', thread_ts: '1767225600.000001', text: '' },
      response_url: rig.stub.responseUrl('matrix'),
      actions: [
        { type: 'button', action_id: actionId, block_id: 'b', value: value(rig), action_ts: '1767225601.1' },
      ],
    });

const migration = (rig: Rig) => {
  const fs = rig.scan.fileSystems.find((f) => !f.encrypted)!;
  return migrationId(fs.accountId, fs.region, fs.fileSystemId);
};

const CASES: Case[] = [
  {
    name: 'plan submit',
    adminOnly: true,
    send: (rig, userId, teamId) =>
      rig.interactive({
        type: 'view_submission',
        user: { id: userId, username: userId.toLowerCase(), team_id: teamId },
        team: { id: teamId, domain: 'sweep' },
        api_app_id: 'A0SWEEP01',
        token: 'legacy-verification-token',
        trigger_id: '1767225600.trigger',
        view: {
          id: 'V00000001',
          team_id: teamId,
          type: 'modal',
          callback_id: PLAN_CALLBACK_ID,
          blocks: [
            {
              type: 'input',
              block_id: 'scope',
              element: { type: 'plain_text_input', action_id: 'x' },
              label: { type: 'plain_text', text: 'x' },
            },
          ],
          private_metadata: JSON.stringify({ scanId: rig.scan.scanId }),
          state: { values: {} },
          hash: '1767225600.hash',
        },
      }),
  },
  { name: 'build one', adminOnly: true, send: click(BUILD_ONE_ACTION_ID, migration) },
  { name: 'build all', adminOnly: true, send: click(BUILD_ALL_ACTION_ID, (rig) => rig.scan.scanId) },
  { name: 'build retry', adminOnly: true, send: click(BUILD_RETRY_ACTION_ID, migration) },
  { name: 'copy start', adminOnly: true, send: click(COPY_START_ACTION_ID, migration) },
  { name: 'copy sync', adminOnly: true, send: click(COPY_SYNC_ACTION_ID, migration) },
  { name: 'copy final', adminOnly: true, send: click(COPY_FINAL_ACTION_ID, migration) },
  { name: 'copy record initial', adminOnly: true, send: click(COPY_RECORD_INITIAL_ACTION_ID, migration) },
  { name: 'copy record final', adminOnly: true, send: click(COPY_RECORD_FINAL_ACTION_ID, migration) },
  { name: 'copy runbook', adminOnly: true, send: click(COPY_RUNBOOK_ACTION_ID, migration) },
  { name: 'export (button)', adminOnly: false, send: click(SCAN_EXPORT_ACTION_ID, (rig) => rig.scan.scanId) },
  {
    name: 'status (command)',
    adminOnly: false,
    send: (rig, userId, teamId) => rig.slashCommand('status', { userId, teamId }),
  },
  {
    name: 'build (command)',
    adminOnly: true,
    send: (rig, userId, teamId) => rig.slashCommand(`build ${migration(rig)}`, { userId, teamId }),
  },
];

const WHO: Record<Who, { userId: string; teamId: string }> = {
  admin: { userId: RIG_ADMIN, teamId: RIG_TEAM },
  user: { userId: RIG_USER, teamId: RIG_TEAM },
  'other workspace': { userId: 'U0STRANGER', teamId: OTHER_TEAM },
};

function expected(c: Case, who: Who): Verdict {
  if (who === 'other workspace') return 'workspace refused';
  return c.adminOnly && who === 'user' ? 'refused' : 'allowed';
}

/** What the logs say happened to a request: an authorisation refusal, a workspace refusal, or neither. */
function verdictFrom(lines: Record<string, unknown>[]): Verdict {
  if (lines.some((l) => l.msg === 'request from another workspace or organisation refused'))
    return 'workspace refused';
  const unauthorised = lines.some(
    (l) =>
      (l.err as { type?: string } | undefined)?.type === 'UnauthorizedError' ||
      /not an admin/.test(String(l.msg)),
  );
  return unauthorised ? 'refused' : 'allowed';
}

describe('the authorisation matrix through the real listeners', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  const rows = CASES.flatMap((c) => (Object.keys(WHO) as Who[]).map((who) => [c, who] as const));
  it.each(rows.map(([c, who]) => ({ c, who, name: `${c.name} by ${who}` })))(
    '$name: as DESIGN.md says',
    async ({ c, who }) => {
      const { userId, teamId } = WHO[who];
      const from = rig.logs.length;
      const callsBefore = rig.stub.calls;
      const res = await c.send(rig, userId, teamId);
      await rig.slack.tasks.drain();
      const lines = rig.logs.slice(from);
      expect(res.status).toBe(200);
      expect(verdictFrom(lines)).toBe(expected(c, who));
      // The listener ran and answered (Slack called, or a modal error in the ack) unless the workspace
      // guard stopped it first.
      const answered = rig.stub.calls > callsBefore || res.body !== '';
      expect(answered).toBe(who !== 'other workspace');
      // Every refusal is logged with who asked.
      if (expected(c, who) !== 'allowed')
        expect(lines.some((l) => (l.userId === userId || l.userId === undefined) && l.level === 40)).toBe(
          true,
        );
    },
  );
});
