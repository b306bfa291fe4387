import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.ts';
import { UnauthorizedError } from '../../../src/domain/errors.ts';
import type { MigrationState } from '../../../src/domain/migration-state.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { createSignOffWorkflow, type SignOffWorkflow } from '../../../src/workflow/signoff/index.ts';
import { createValidateWorkflow } from '../../../src/workflow/validate/index.ts';
import { fileSystem, scanRecord } from '../../harness/scan-fixtures.ts';

/**
 * Sign-off over the embedded store: only the owner (the owner tag resolved as the cutover does) or
 * an admin records it, a refusal is logged in the migration's audit log, and the validation report
 * reads what was recorded: signed off counts toward the goal, concerns keep it unmet.
 */

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const FS_ID = 'fs-0000000000000000a';
const TWIN = 'fs-0000000000000000b';
const OWNER = 'U0OWNER01';
const ADMIN = 'U0ADMIN01';
const STRANGER = 'U0OTHER01';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

let store: Store;
let clock: ManualClock;
let signOff: SignOffWorkflow;

beforeEach(async () => {
  clock = new ManualClock(new Date('2026-04-01T10:00:00Z'));
  store = await openStore({ clock });
  signOff = createSignOffWorkflow({
    migrations: store.migrations,
    cutovers: store.cutovers,
    signOffs: store.signOffs,
    events: store.events,
    // The owner tag is an email; the directory resolves it as users.lookupByEmail would.
    people: {
      owners: {
        resolve: async (tag) =>
          tag === 'ana@example.com' ? { userId: OWNER } : { fallbackReason: 'not found' },
      },
      isAdmin: async (actor) => actor === ADMIN,
    },
    clock,
  });
});

afterEach(async () => {
  await store.close();
});

const source = fileSystem({
  fileSystemId: FS_ID,
  tags: { app: 'billing', owner: 'ana@example.com' },
});

/** A migration as the phases leave it after decommission (source gone), its snapshot kept. */
async function migration(state: MigrationState) {
  const m = await store.migrations.createMigration({
    accountId: ACCOUNT,
    region: REGION,
    fileSystemId: FS_ID,
    state,
    actor: ADMIN,
  });
  await store.migrations.putSnapshot(m.id, { observedAt: clock.now().toISOString(), fileSystem: source });
  return m;
}

async function report() {
  const twin = fileSystem({
    fileSystemId: TWIN,
    encrypted: true,
    kmsKeyArn: KEY_ARN,
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    keyAliases: ['alias/twins'],
    tags: {},
  });
  const validate = createValidateWorkflow({
    scanner: { run: async () => scanRecord([twin]) },
    migrations: store.migrations,
    reports: store.reports,
    signOffs: store.signOffs,
    cutovers: store.cutovers,
    clock,
  });
  return validate.run({ requestedBy: 'U0AUDIT01' });
}

/** Decommissioned with a healthy twin: complete but for sign-off. */
async function completedMigration() {
  const m = await migration('decommissioned');
  await store.migrations.updateMigration(m.id, {
    expectedVersion: m.version,
    actor: ADMIN,
    resources: { targetFileSystemId: TWIN },
  });
  await store.migrations.putDecision(
    m.id,
    {
      targetKmsKeyId: KEY_ARN,
      targetKeyAsGiven: 'alias/twins',
      method: 'datasync',
      decidedBy: ADMIN,
      decidedAt: '2026-03-01T00:00:00.000Z',
    },
    0,
  );
  return m;
}

describe('application sign-off', () => {
  it('refuses someone who is neither the owner nor an admin, and logs the refusal', async () => {
    const m = await migration('cut_over');
    await expect(
      signOff.record({ migrationId: m.id, app: 'billing', actor: STRANGER, decision: 'signed_off' }),
    ).rejects.toThrow(UnauthorizedError);
    await expect(
      signOff.record({ migrationId: m.id, app: 'billing', actor: STRANGER, decision: 'signed_off' }),
    ).rejects.toThrow(/Only the owner of billing \(<@U0OWNER01>\) or an admin/);
    expect(await store.signOffs.listSignOffs(m.id)).toEqual([]);
    const refused = (await store.events.listEvents(m.id)).filter((e) => e.kind === 'refused');
    expect(refused[0]).toMatchObject({ actor: STRANGER });
    expect(refused[0]?.detail).toContain('sign-off of billing refused');
  });

  it('records the owner, as owner, and an admin, as admin; each logged', async () => {
    const m = await migration('cut_over');
    const first = await signOff.record({
      migrationId: m.id,
      app: 'billing',
      actor: OWNER,
      decision: 'concerns',
      text: 'p99 latency doubled on month-end batch',
      components: ['batch-runner', 'api'],
    });
    expect(first).toMatchObject({ role: 'owner', decision: 'concerns', components: ['batch-runner', 'api'] });
    clock.advance(60_000);
    await signOff.record({ migrationId: m.id, app: 'billing', actor: ADMIN, decision: 'signed_off' });
    expect((await store.signOffs.listSignOffs(m.id)).map((r) => [r.role, r.decision])).toEqual([
      ['owner', 'concerns'],
      ['admin', 'signed_off'],
    ]);
    const kinds = (await store.events.listEvents(m.id)).map((e) => e.kind);
    expect(kinds).toContain('sign_off_concerns');
    expect(kinds).toContain('sign_off');
    expect(await signOff.applications(m.id)).toEqual([
      { app: 'billing', ownerTag: 'ana@example.com', ownerUserId: OWNER, state: 'signed-off' },
    ]);
  });

  it.each([
    { state: 'cutover_pending' as const, refused: /once it is cut over/ },
    { state: 'cut_over' as const, app: 'search', refused: /search is not an application/ },
  ])('refuses $state / $app with what to do', async ({ state, app, refused }) => {
    const m = await migration(state);
    await expect(
      signOff.record({ migrationId: m.id, app: app ?? 'billing', actor: OWNER, decision: 'signed_off' }),
    ).rejects.toThrow(refused);
  });

  it('refuses concerns without a text', async () => {
    const m = await migration('cut_over');
    await expect(
      signOff.record({ migrationId: m.id, app: 'billing', actor: OWNER, decision: 'concerns', text: '  ' }),
    ).rejects.toThrow(/Concerns need a text/);
  });
});

describe('sign-off in the validation report', () => {
  it('a complete migration awaiting sign-off keeps the goal unmet; the owner signing off meets it', async () => {
    const m = await completedMigration();
    const before = await report();
    expect(before.rows[0]).toMatchObject({ fileSystemId: FS_ID, complete: true, signOff: 'pending' });
    expect(before.verdict.goalMet).toBe(false);
    expect(before.verdict.reasons).toContain('1 in-scope file system(s) awaiting application sign-off');

    await signOff.record({ migrationId: m.id, app: 'billing', actor: OWNER, decision: 'signed_off' });
    const after = await report();
    expect(after.rows[0]).toMatchObject({
      signOff: 'signed-off',
      applications: [{ app: 'billing', state: 'signed-off', by: OWNER }],
    });
    expect(after.verdict).toMatchObject({ goalMet: true, reasons: [] });
  });

  it('concerns keep the goal unmet and are listed as outstanding work with the file system', async () => {
    const m = await completedMigration();
    await signOff.record({
      migrationId: m.id,
      app: 'billing',
      actor: OWNER,
      decision: 'concerns',
      text: 'backups not running on the new file system',
      components: ['backup-plan'],
    });
    const r = await report();
    expect(r.verdict.goalMet).toBe(false);
    expect(r.verdict.reasons).toContain('1 in-scope file system(s) with application concerns');
    expect(r.rows[0]).toMatchObject({
      fileSystemId: FS_ID,
      signOff: 'concerns',
      concerns: [
        { app: 'billing', text: 'backups not running on the new file system', components: ['backup-plan'] },
      ],
    });
    expect(r.rows[0]?.outstanding).toContain(
      'concerns from billing: backups not running on the new file system (backup-plan)',
    );
  });
});
