import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.ts';
import { approve, reject, subjectOf } from '../../src/domain/cutover-approval.ts';
import { planApplicationCutover } from '../../src/domain/cutover-plan.ts';
import { RecordAlreadyExistsError, VersionConflictError } from '../../src/domain/migration.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { MIGRATION, SOURCE, context } from '../fixtures/cutover.ts';

const TD = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/web:7';
const SERVICE = 'arn:aws:ecs:eu-west-1:111111111111:service/prod/web';

const plan = (revision: number, app = 'shop') =>
  planApplicationCutover({
    context,
    group: { app },
    revision,
    plannedAt: '2026-02-01T10:00:00.000Z',
    descriptions: [
      {
        kind: 'ecs-service',
        consumer: {
          kind: 'ecs-service',
          id: `${SERVICE}-${app}`,
          name: `web-${app}`,
          tags: {},
          references: [],
          clusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/prod',
          serviceArn: `${SERVICE}-${app}`,
          taskDefinitionArn: TD,
          deploymentController: 'ECS',
          desiredCount: 1,
          runningCount: 1,
        },
        taskDefinition: {
          taskDefinitionArn: TD,
          family: 'web',
          volumes: [{ name: 'd', efsVolumeConfiguration: { fileSystemId: SOURCE } }],
        },
      },
    ],
  });

describe('DynamoCutoverRepository (embedded store)', () => {
  let store: Store;
  const clock = new ManualClock(new Date('2026-02-01T10:00:00Z'));

  beforeAll(async () => {
    store = await openStore({ clock });
  });
  afterAll(async () => {
    await store.close();
  });

  it('stores the plan per application with its digest, each new revision conditional on the last', async () => {
    const first = await store.cutovers.putPlan(MIGRATION, plan(1), 0);
    expect(first).toMatchObject({ app: 'shop', version: 1, digest: plan(1).digest });
    expect(await store.cutovers.getPlan(MIGRATION, 'shop')).toEqual(first);
    const conflict = await store.cutovers.putPlan(MIGRATION, plan(1), 0).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(VersionConflictError);
    expect((conflict as VersionConflictError<unknown>).current).toEqual(first);
    const second = await store.cutovers.putPlan(MIGRATION, plan(2), 1);
    expect((await store.cutovers.getPlan(MIGRATION, 'shop'))?.digest).toBe(second.digest);
    await store.cutovers.putPlan(MIGRATION, plan(1, 'billing'), 0);
    expect((await store.cutovers.listPlans(MIGRATION)).map((p) => p.app).sort()).toEqual(['billing', 'shop']);
  });

  it('records one verdict per plan: a double click approves once and finds the first', async () => {
    const subject = subjectOf(plan(2));
    const a = await store.cutovers.recordVerdict(
      approve(subject, 'U0OWNER', 'owner', '2026-02-01T10:05:00.000Z'),
    );
    const b = await store.cutovers.recordVerdict(
      approve(subject, 'U0ADMIN', 'admin', '2026-02-01T10:05:01.000Z'),
    );
    expect(a.created).toBe(true);
    expect(b).toEqual({ verdict: a.verdict, created: false });
    const late = await store.cutovers.recordVerdict(
      reject(subject, 'U0ADMIN', 'admin', '2026-02-01T10:06:00.000Z', 'too late'),
    );
    expect(late).toEqual({ verdict: a.verdict, created: false });
    expect(await store.cutovers.getVerdict(MIGRATION, 'shop', subject.planDigest)).toEqual(a.verdict);
    const approvals = (await store.events.listEvents(MIGRATION)).filter((e) => e.kind === 'cutover_approved');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ actor: 'U0OWNER', data: { verdict: a.verdict } });
  });

  it('refuses a stored rejection without a reason', async () => {
    const subject = subjectOf(plan(1, 'billing'));
    await expect(
      store.cutovers.recordVerdict({
        ...subject,
        decision: 'rejected',
        approver: 'U0X',
        role: 'admin',
        at: 't',
        reason: '',
      }),
    ).rejects.toThrow(/needs a reason/);
    expect(await store.cutovers.listVerdicts(MIGRATION, 'billing')).toEqual([]);
  });

  it('records each change planned with its inverse, then moves it on its version only along allowed edges', async () => {
    const p = plan(2);
    const change = p.changes[0]!;
    const input = { migrationId: MIGRATION, app: 'shop', planDigest: p.digest, change, actor: 'job' };
    const planned = await store.cutovers.planChange(input);
    expect(planned.created).toBe(true);
    expect(planned.record).toMatchObject({
      status: 'planned',
      version: 1,
      inverse: change.inverse,
      callsDone: 0,
    });
    expect(planned.record.inverse[0]?.input.taskDefinition).toBe(TD);
    expect(await store.cutovers.planChange(input)).toEqual({ record: planned.record, created: false });

    const applying = await store.cutovers.updateChange(
      MIGRATION,
      change.consumerId,
      1,
      { status: 'applying' },
      'job',
    );
    await expect(
      store.cutovers.updateChange(MIGRATION, change.consumerId, 1, { status: 'applying' }, 'job-2'),
    ).rejects.toBeInstanceOf(VersionConflictError);
    const applied = await store.cutovers.updateChange(
      MIGRATION,
      change.consumerId,
      applying.version,
      {
        status: 'applied',
        callsDone: 2,
        outputs: { 'new revision of web:7': `${TD.slice(0, -1)}8` },
        awsRequestIds: ['r-1'],
      },
      'job',
    );
    expect(applied).toMatchObject({ version: 3, callsDone: 2, awsRequestIds: ['r-1'] });
    await expect(
      store.cutovers.updateChange(MIGRATION, change.consumerId, 3, { status: 'planned' }, 'job'),
    ).rejects.toThrow(/cannot move from applied to planned/);

    // A newer plan may not take over a change in flight, only one rolled back.
    const next = plan(3);
    const newer = { ...input, planDigest: next.digest, change: next.changes[0]! };
    await expect(store.cutovers.planChange(newer)).rejects.toBeInstanceOf(RecordAlreadyExistsError);
    await store.cutovers.updateChange(MIGRATION, change.consumerId, 3, { status: 'rolled_back' }, 'job');
    const again = await store.cutovers.planChange(newer);
    expect(again.record).toMatchObject({
      status: 'planned',
      version: 5,
      planDigest: next.digest,
      outputs: {},
    });
    expect((await store.cutovers.listChanges(MIGRATION, 'shop')).map((c) => c.consumerId)).toEqual([
      change.consumerId,
    ]);
    expect(await store.cutovers.listChanges(MIGRATION, 'billing')).toEqual([]);
  });

  it('keeps the order on its version, and one waiver per consumer, with the reason', async () => {
    const order = { apps: ['shop', 'billing'], chosenBy: 'U0ADMIN', chosenAt: '2026-02-01T10:00:00.000Z' };
    expect(await store.cutovers.putOrder(MIGRATION, order, 0)).toMatchObject({ version: 1 });
    await expect(store.cutovers.putOrder(MIGRATION, order, 0)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store.cutovers.getOrder(MIGRATION)).toMatchObject({ apps: ['shop', 'billing'], version: 1 });

    const waiver = {
      migrationId: MIGRATION,
      consumerId: 'lt-0abc',
      waivedBy: 'U0ADMIN',
      reason: 'retired',
      at: 't1',
    };
    const first = await store.cutovers.waiveConsumer(waiver);
    const second = await store.cutovers.waiveConsumer({ ...waiver, reason: 'other', at: 't2' });
    expect(second).toEqual({ waiver: first.waiver, created: false });
    await expect(store.cutovers.waiveConsumer({ ...waiver, consumerId: 'x', reason: '' })).rejects.toThrow(
      /needs a reason/,
    );
    expect(await store.cutovers.listWaivers(MIGRATION)).toEqual([first.waiver]);
  });
});
