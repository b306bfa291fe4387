import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicyRules } from '../../../src/domain/decision.ts';
import { migrationId } from '../../../src/domain/inventory.ts';
import {
  createDecideWorkflow,
  formatPlanSummary,
  type DecideWorkflow,
} from '../../../src/workflow/decide/index.ts';
import { ACCOUNT, FS, KEYS, REGION, startDecideEstate, type DecideEstate } from './decide-fixture.ts';

let env: DecideEstate;
let decide: DecideWorkflow;
const ADMIN = 'U0ADMIN01';
const id = (fsId: string) => migrationId(ACCOUNT, REGION, fsId);

function workflow(policy = '') {
  return createDecideWorkflow({
    keys: env.directories.keys,
    network: env.directories.network,
    migrations: env.store.migrations,
    scans: env.store.scans,
    policy: parsePolicyRules(policy).rules,
    clock: env.clock,
  });
}

beforeEach(async () => {
  env = await startDecideEstate();
  decide = workflow();
}, 30_000);
afterEach(async () => {
  await env.close();
});

const valid = {
  fileSystemId: FS.app,
  scope: 'in_scope' as const,
  targetKey: KEYS.good.alias,
  method: 'datasync' as const,
};

describe('record', () => {
  it('stores a decision and an exclusion through the state machine, with events', async () => {
    const result = await decide.record(
      [
        { ...valid, constraints: { maintenanceWindow: 'Sat 02:00-06:00 UTC', notes: '  ' } },
        { fileSystemId: FS.scratch, scope: 'excluded', exclusionReason: 'scratch data, deleted in Q3' },
      ],
      ADMIN,
    );
    expect(result).toMatchObject({
      ok: true,
      recorded: [
        { outcome: 'decided', state: 'decided' },
        { outcome: 'excluded', state: 'excluded' },
      ],
    });

    const decision = await env.store.migrations.getDecision(id(FS.app));
    expect(decision?.decision).toEqual({
      targetKmsKeyId: KEYS.good.arn,
      targetKeyAsGiven: KEYS.good.alias,
      keyManager: 'CUSTOMER',
      method: 'datasync',
      constraints: { maintenanceWindow: 'Sat 02:00-06:00 UTC' },
      networkPath: {
        availabilityZone: 'eu-west-1a',
        subnetId: 'subnet-0a00000000000a001',
        securityGroupIds: ['sg-0a00000000000a0f1'],
      },
      decidedBy: ADMIN,
      decidedAt: '2026-01-05T09:00:00.000Z',
    });
    const events = await env.store.events.listEvents(id(FS.app));
    // Sorted: the frozen test clock gives every event the same timestamp, so the log's order ties.
    expect(events.map((e) => `${e.kind} ${e.to ?? ''}`.trim()).sort()).toEqual([
      'created discovered',
      'decision',
      'transition decided',
      'transition in_scope',
    ]);
    expect(events.find((e) => e.kind === 'decision')?.actor).toBe(ADMIN);
    expect((await env.store.migrations.getMigration(id(FS.scratch)))?.facts.exclusionReason).toBe(
      'scratch data, deleted in Q3',
    );
    expect((await env.store.migrations.getSnapshot(id(FS.app)))?.scanId).toBe(env.scan.scanId);
  });

  it('stores nothing when any choice is invalid, and says why per field', async () => {
    const result = await decide.record(
      [
        valid,
        { ...valid, fileSystemId: FS.cache, targetKey: KEYS.disabled.alias, method: 'replication' },
        { ...valid, fileSystemId: FS.scratch, targetKey: KEYS.asymmetric.alias, method: 'replication' },
        { fileSystemId: 'fs-0a0000000000000ff', scope: 'excluded', exclusionReason: 'gone' },
      ],
      ADMIN,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.invalid.map((v) => [v.choice.fileSystemId, Object.keys(v.errors)])).toEqual([
      [FS.cache, ['targetKey']],
      [FS.scratch, ['targetKey']],
      ['fs-0a0000000000000ff', ['fileSystem']],
    ]);
    expect(result.invalid[0]!.errors.targetKey).toContain('is disabled');
    expect(result.invalid[1]!.errors.targetKey).toContain('asymmetric key (RSA_2048)');
    expect(await env.store.migrations.getMigration(id(FS.app))).toBeUndefined();
  });

  it('refuses a key in another region, one pending deletion, and a missing exclusion reason', async () => {
    const [region, pending, reason] = await decide.validateAll([
      { ...valid, targetKey: KEYS.otherRegion.arn },
      { ...valid, fileSystemId: FS.cache, method: 'replication', targetKey: KEYS.pendingDeletion.id },
      { fileSystemId: FS.scratch, scope: 'excluded' },
    ]);
    expect(region!.errors.targetKey).toContain('is in us-east-1 but the file system is in eu-west-1');
    expect(pending!.errors.targetKey).toContain('pending deletion (on 2026-02-01)');
    expect(reason!.errors).toEqual({ exclusionReason: expect.stringContaining('needs a reason') });
  });

  it('flags a missing NFS path for DataSync and rsync, not for replication', async () => {
    const [datasync, rsync, scratch] = await decide.validateAll([
      { ...valid, fileSystemId: FS.cache },
      { ...valid, fileSystemId: FS.scratch, method: 'rsync' },
      { ...valid, fileSystemId: FS.app, method: 'rsync' },
    ]);
    const replication = await decide.validate({ ...valid, fileSystemId: FS.cache, method: 'replication' });
    expect(datasync!.errors.method).toMatch(
      /eu-west-1a: sg-0a00000000000a0f2 of fsmt-\S+ admit no TCP 2049 from 10\.1\.0\.0\/20/,
    );
    expect(rsync!.errors.method).toContain('it has no mount targets');
    expect(scratch!.ok).toBe(true);
    expect(replication.errors).toEqual({});
  });

  it("checks a page's network paths with one EC2 read per kind and no EFS call, from the mount targets the scan recorded", async () => {
    env.server.resetStats();
    const [app, cache] = await decide.validateAll([
      valid,
      { ...valid, fileSystemId: FS.cache, method: 'rsync' },
    ]);
    expect(app!.ok).toBe(true);
    expect(cache!.errors.method).toMatch(/admit no TCP 2049/);
    const calls = env.server.stats().byOperation;
    expect(calls['ec2:DescribeSubnets']).toBe(1);
    expect(calls['ec2:DescribeSecurityGroups']).toBe(1);
    expect(Object.keys(calls).filter((op) => op.startsWith('efs:'))).toEqual([]);
  });

  it('reads mount targets live for a file system whose scan could not read them', async () => {
    const scan = await env.store.scans.getLatestScan();
    const app = scan!.fileSystems.find((f) => f.fileSystemId === FS.app)!;
    app.mountTargets = [];
    app.errors = [
      { operation: 'DescribeMountTargets', code: 'ThrottlingException', message: 'Rate exceeded' },
    ];
    await env.store.scans.saveScan(scan!);
    env.server.resetStats();
    const [checked] = await decide.validateAll([valid]);
    expect(checked!.ok).toBe(true);
    expect(checked!.decision?.networkPath?.subnetId).toBe('subnet-0a00000000000a001');
    expect(env.server.stats().byOperation['efs:DescribeMountTargets']).toBe(1);
  });

  it('enforces config policy: env=prod requires a customer-managed key', async () => {
    const strict = workflow('env=prod:require-cmk');
    const [aws, dev] = await strict.validateAll([
      { ...valid, targetKey: 'alias/aws/elasticfilesystem' },
      { ...valid, fileSystemId: FS.cache, targetKey: 'alias/aws/elasticfilesystem', method: 'replication' },
    ]);
    expect(aws!.errors.targetKey).toContain('env=prod:require-cmk');
    expect(dev!.ok).toBe(true);
    expect(dev!.decision).toMatchObject({
      keyManager: 'AWS',
      // The AWS-managed key's own ARN: DescribeKey on its alias creates it if EFS has not yet.
      targetKmsKeyId: expect.stringMatching(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/`),
    });
  });

  it('asks KMS once for a key that several choices of one account and region name', async () => {
    const asked: string[] = [];
    const keys = env.directories.keys;
    const counting = createDecideWorkflow({
      keys: { ...keys, lookup: (ref, where) => (asked.push(ref), keys.lookup(ref, where)) },
      network: env.directories.network,
      migrations: env.store.migrations,
      scans: env.store.scans,
      policy: [],
      clock: env.clock,
    });
    const result = await counting.record(
      [valid, { ...valid, fileSystemId: FS.cache, method: 'replication' }],
      ADMIN,
    );
    expect(result.ok).toBe(true);
    expect(asked).toEqual([KEYS.good.alias]);
    const decisions = await Promise.all(
      [FS.app, FS.cache].map((f) => env.store.migrations.getDecision(id(f))),
    );
    expect(decisions.map((d) => d?.decision?.targetKmsKeyId)).toEqual([KEYS.good.arn, KEYS.good.arn]);
  });

  it('records exactly one decision event for a double submit', async () => {
    const [a, b] = await Promise.all([decide.record([valid], ADMIN), decide.record([valid], ADMIN)]);
    expect(a.ok && b.ok).toBe(true);
    const again = await decide.record([valid], ADMIN);
    expect(again).toMatchObject({ ok: true, recorded: [{ outcome: 'unchanged' }] });
    const events = await env.store.events.listEvents(id(FS.app));
    expect(events.filter((e) => e.kind === 'decision')).toHaveLength(1);
    expect((await env.store.migrations.getMigration(id(FS.app)))?.state).toBe('decided');
  });

  it('changes a decision until the build starts, then refuses with the state machine’s reason', async () => {
    await decide.record([valid], ADMIN);
    env.clock.advance(60_000);
    await decide.record([{ ...valid, method: 'replication' }], 'U0OTHER01');
    const changed = await env.store.migrations.getDecision(id(FS.app));
    expect(changed).toMatchObject({
      version: 2,
      decision: { method: 'replication', decidedBy: 'U0OTHER01' },
    });

    const m = (await env.store.migrations.getMigration(id(FS.app)))!;
    await env.store.migrations.transitionMigration(id(FS.app), {
      expectedVersion: m.version,
      to: 'target_creating',
      actor: 'builder',
    });
    const refused = await decide.record(
      [{ fileSystemId: FS.app, scope: 'excluded', exclusionReason: 'changed my mind' }],
      ADMIN,
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.invalid[0]!.errors.scope).toContain(
        'Cannot move a migration from target_creating to excluded',
      );
    expect((await env.store.migrations.getDecision(id(FS.app)))?.version).toBe(2);
  });

  it('moves an excluded file system back into scope', async () => {
    await decide.record([{ fileSystemId: FS.app, scope: 'excluded', exclusionReason: 'later' }], ADMIN);
    const back = await decide.record([valid], ADMIN);
    expect(back).toMatchObject({ ok: true, recorded: [{ outcome: 'decided', state: 'decided' }] });
  });
});

describe('summary', () => {
  it('lists decisions, exclusions with reasons, and what still needs a decision', async () => {
    await decide.record(
      [valid, { fileSystemId: FS.scratch, scope: 'excluded', exclusionReason: 'scratch' }],
      ADMIN,
    );
    const plan = await decide.summary();
    expect(plan.candidates).toBe(3);
    expect(plan.decided.map((s) => s.fileSystem.fileSystemId)).toEqual([FS.app]);
    expect(plan.excluded.map((s) => [s.fileSystem.fileSystemId, s.exclusionReason, s.updatedBy])).toEqual([
      [FS.scratch, 'scratch', ADMIN],
    ]);
    expect(plan.undecided.map((s) => s.fileSystem.fileSystemId)).toEqual([FS.cache]);
    const text = formatPlanSummary(plan);
    expect(text).toContain(
      `${FS.app} (app-data) ${ACCOUNT} ${REGION}: AWS DataSync to ${KEYS.good.alias}; by ${ADMIN}`,
    );
    expect(text).toContain(`Still needs a decision:\n  ${FS.cache} (build-cache)`);
  });
});
