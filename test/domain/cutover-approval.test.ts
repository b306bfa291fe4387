import { describe, expect, it } from 'vitest';
import {
  ApprovalMismatchError,
  approve,
  approverRole,
  checkApprovalCovers,
  checkCutoverOrder,
  checkMayStart,
  nextApplication,
  reject,
  subjectOf,
  type CutoverOrder,
} from '../../src/domain/cutover-approval.ts';
import { fillPlaceholders } from '../../src/domain/cutover-calls.ts';
import { checkChangeTransition, consumersRemaining, waive } from '../../src/domain/cutover-change.ts';
import {
  planApplicationCutover,
  planDigest,
  type ConsumerDescription,
} from '../../src/domain/cutover-plan.ts';
import type { EcsServiceConsumer } from '../../src/domain/consumers.ts';
import { ErrorCode } from '../../src/domain/errors.ts';
import { SOURCE, context } from '../fixtures/cutover.ts';

const td = (arn: string) => ({
  taskDefinitionArn: arn,
  family: 'web',
  volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: SOURCE } }],
});
const svc = (name: string, taskDefinitionArn: string): ConsumerDescription => {
  const consumer: EcsServiceConsumer = {
    kind: 'ecs-service',
    id: `arn:aws:ecs:eu-west-1:111111111111:service/prod/${name}`,
    name,
    tags: { app: 'shop' },
    references: [],
    clusterArn: 'arn:aws:ecs:eu-west-1:111111111111:cluster/prod',
    serviceArn: `arn:aws:ecs:eu-west-1:111111111111:service/prod/${name}`,
    taskDefinitionArn,
    deploymentController: 'ECS',
    desiredCount: 1,
    runningCount: 1,
  };
  return { kind: 'ecs-service', consumer, taskDefinition: td(taskDefinitionArn) };
};
const TD = 'arn:aws:ecs:eu-west-1:111111111111:task-definition/web:7';
const plan = (revision = 1, descriptions = [svc('web-b', TD), svc('web-a', TD)]) =>
  planApplicationCutover({
    context,
    group: { app: 'shop', ownerTag: 'U0OWNER' },
    descriptions,
    revision,
    plannedAt: '2026-02-01T10:00:00.000Z',
  });

describe('planApplicationCutover', () => {
  it('orders consumers stably and registers a shared revision once', () => {
    const p = plan();
    expect(p.changes.map((c) => c.name)).toEqual(['web-a', 'web-b']);
    expect(p.changes.map((c) => c.calls.map((x) => x.operation))).toEqual([
      ['RegisterTaskDefinition', 'UpdateService'],
      ['UpdateService'],
    ]);
    expect(p.changes[0]!.calls[0]!.produces).toBe('new revision of web:7');
    expect(p.changes[1]!.calls[0]!.input.taskDefinition).toBe('<new revision of web:7>');
  });

  it('fills the placeholders apply learns from earlier answers, and refuses to send an unfilled one', () => {
    const update = plan().changes[1]!.calls[0]!;
    expect(fillPlaceholders(update.input, { 'new revision of web:7': `${TD.slice(0, -1)}8` })).toEqual({
      ...update.input,
      taskDefinition: `${TD.slice(0, -1)}8`,
    });
    expect(() => fillPlaceholders(update.input, {})).toThrow(
      /needs <new revision of web:7>, which no earlier call produced/,
    );
  });

  it('digests the whole plan: same input, same digest; any change or a new revision, another', () => {
    expect(plan().digest).toBe(plan().digest);
    expect(plan().digest).toMatch(/^[0-9a-f]{64}$/);
    expect(planDigest(plan())).toBe(plan().digest);
    expect(plan(2).digest).not.toBe(plan().digest);
    expect(plan(1, [svc('web-a', TD)]).digest).not.toBe(plan().digest);
  });
});

describe('approval', () => {
  it('allows the owner, an admin or a CLI operator, and refuses anyone else naming who may', () => {
    expect(approverRole({ approver: 'U0OWNER', app: 'shop', ownerUserId: 'U0OWNER', isAdmin: false })).toBe(
      'owner',
    );
    expect(approverRole({ approver: 'U0ADMIN', app: 'shop', ownerUserId: 'U0OWNER', isAdmin: true })).toBe(
      'admin',
    );
    expect(approverRole({ approver: 'cli:alice', app: 'shop', isAdmin: false })).toBe('cli');
    const refuse = (approver: string, ownerUserId?: string) => () =>
      approverRole({ approver, app: 'shop', isAdmin: false, ...(ownerUserId ? { ownerUserId } : {}) });
    expect(refuse('U0OTHER', 'U0OWNER')).toThrow(/Only the owner of shop \(<@U0OWNER>\) or an admin/);
    expect(refuse('U0OTHER')).toThrow(/could not be resolved to a Slack user, so only an admin/);
    expect(refuse('cli:')).toThrow(/is not a Slack user ID or cli:<name>/);
  });

  it('binds an approval to migration, file systems, application and plan digest: no replay', () => {
    const current = plan(2);
    const ok = approve(subjectOf(current), 'U0OWNER', 'owner', '2026-02-01T10:05:00.000Z');
    expect(checkApprovalCovers(ok, current)).toBe(ok);
    const older = approve(subjectOf(plan(1)), 'U0OWNER', 'owner', '2026-02-01T10:01:00.000Z');
    const otherApp = { ...ok, app: 'billing' };
    const otherMigration = { ...ok, migrationId: 'FS#1#eu-west-1#fs-1', targetFileSystemId: 'fs-2' };
    for (const stale of [older, otherApp, otherMigration]) {
      expect(() => checkApprovalCovers(stale, current)).toThrow(ApprovalMismatchError);
    }
    expect(() => checkApprovalCovers(older, current)).toThrow(/planDigest is [0-9a-f]{64}, the plan has/);
    expect(() => checkApprovalCovers(otherMigration, current)).toThrow(/migrationId .*; targetFileSystemId/);
    expect(() => checkApprovalCovers(undefined, current)).toThrow(/no approval is recorded/);
    const no = reject(subjectOf(current), 'U0OWNER', 'owner', '2026-02-01T10:06:00.000Z', 'peak hours');
    expect(() => checkApprovalCovers(no, current)).toThrow(/rejected by U0OWNER: peak hours/);
  });

  it('needs a reason to reject', () => {
    expect(() => reject(subjectOf(plan()), 'U0OWNER', 'owner', 't', '  ')).toThrow(
      expect.objectContaining({ code: ErrorCode.ReasonRequired }),
    );
  });
});

describe('phased cutover', () => {
  const order: CutoverOrder = { apps: ['shop', 'billing', 'reports'], chosenBy: 'U0ADMIN', chosenAt: 't' };

  it('checks the chosen order names every application once', () => {
    expect(() => checkCutoverOrder(order.apps, ['billing', 'reports', 'shop'])).not.toThrow();
    expect(() => checkCutoverOrder(['shop', 'shop', 'x'], ['shop', 'billing'])).toThrow(
      /shop is listed twice; x is not an application of this migration; billing is missing/,
    );
  });

  it('one application at a time, in the chosen order', () => {
    expect(() => checkMayStart('shop', order, {})).not.toThrow();
    expect(() => checkMayStart('billing', order, {})).toThrow(/billing comes after shop/);
    expect(() => checkMayStart('billing', order, { shop: 'cut_over' })).not.toThrow();
    expect(() => checkMayStart('reports', order, { shop: 'cut_over', billing: 'applying' })).toThrow(
      /billing is being cut over \(applying\); one application at a time/,
    );
    expect(() => checkMayStart('extra', order, {})).toThrow(
      /not in the cutover order shop → billing → reports/,
    );
    expect(nextApplication(order, { shop: 'cut_over', billing: 'rejected' })).toBe('billing');
    expect(
      nextApplication(order, { shop: 'cut_over', billing: 'cut_over', reports: 'cut_over' }),
    ).toBeUndefined();
  });
});

describe('change records and waivers', () => {
  it.each([
    ['planned', 'applying', true],
    ['applying', 'applied', true],
    ['applied', 'verified', true],
    ['applied', 'failed', true],
    ['failed', 'rolled_back', true],
    ['verified', 'rolled_back', true],
    ['planned', 'applied', false],
    ['rolled_back', 'applying', false],
    ['verified', 'applying', false],
  ] as const)('%s → %s allowed: %s', (from, to, ok) => {
    const run = () => checkChangeTransition('svc', from, to);
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ code: ErrorCode.InvalidChangeTransition }));
  });

  it('counts what is neither verified nor waived; a waiver needs a reason', () => {
    expect(
      consumersRemaining(
        ['a', 'b', 'c', 'd'],
        [
          { consumerId: 'a', status: 'verified' },
          { consumerId: 'b', status: 'applied' },
        ],
        [{ consumerId: 'c' }],
      ),
    ).toEqual(['b', 'd']);
    expect(() =>
      waive({ migrationId: 'm', consumerId: 'c', waivedBy: 'U0ADMIN', reason: ' ', at: 't' }),
    ).toThrow(/needs a reason/);
  });
});
