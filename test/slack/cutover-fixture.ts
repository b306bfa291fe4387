/**
 * An in-memory CutoverPhase for the Slack side's tests: it records every call and answers with
 * values built by the domain itself (consumers, planApplicationCutover, approverRole / approve /
 * reject / waive, change records), with the same once-only rules the real phase has (a verdict
 * once per plan digest, one job per application, refusals as UnauthorizedError).
 */
import type {
  ConsumerReport,
  EcsServiceConsumer,
  LambdaFunctionConsumer,
  LaunchTemplateConsumer,
} from '../../src/domain/consumers.ts';
import type { Clock } from '../../src/domain/clock.ts';
import {
  CutoverOutOfOrderError,
  approve,
  approverRole,
  checkApprovalCovers,
  reject,
  subjectOf,
  type CutoverVerdict,
} from '../../src/domain/cutover-approval.ts';
import { waive, type ChangeRecord, type ConsumerWaiver } from '../../src/domain/cutover-change.ts';
import {
  planApplicationCutover,
  type ApplicationCutoverPlan,
  type ConsumerDescription,
} from '../../src/domain/cutover-plan.ts';
import { UnauthorizedError } from '../../src/domain/errors.ts';
import type { MigrationRecord } from '../../src/domain/migration.ts';
import type { CutoverService } from '../../src/slack/services.ts';
import { createProgressHub, type IoHost } from '../../src/workflow/io-host.ts';
import type {
  ApplicationOwner,
  CutoverPhase,
  CutoverReview,
  CutoverStatus,
  QueuedCutover,
} from '../../src/workflow/cutover/index.ts';
import { AP_SOURCE, MIGRATION, SOURCE, TWIN, apArn, context } from '../fixtures/cutover.ts';
import { MemoryEvents } from './progress-fixture.ts';

export { MIGRATION, SOURCE, TWIN };
export const ACCOUNT_ARN = 'arn:aws:ecs:eu-west-1:111111111111';
export const OWNER = 'U0OWNER01';
export const ADMIN = 'U0ADMIN01';
export const STRANGER = 'U0OTHER01';

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function ecsService(name: string, controller: 'ECS' | 'CODE_DEPLOY' = 'ECS'): ConsumerDescription {
  const td = `${ACCOUNT_ARN}:task-definition/${name}:7`;
  const consumer: EcsServiceConsumer = {
    kind: 'ecs-service',
    id: `${ACCOUNT_ARN}:service/prod/${name}`,
    name,
    tags: { app: 'shop' },
    references: [{ form: 'file-system-id', value: SOURCE, where: 'volume "data"' }],
    clusterArn: `${ACCOUNT_ARN}:cluster/prod`,
    serviceArn: `${ACCOUNT_ARN}:service/prod/${name}`,
    taskDefinitionArn: td,
    deploymentController: controller,
    desiredCount: 2,
    runningCount: 2,
  };
  return {
    kind: 'ecs-service',
    consumer,
    taskDefinition: {
      taskDefinitionArn: td,
      family: name,
      revision: 7,
      volumes: [
        {
          name: 'data',
          efsVolumeConfiguration: {
            fileSystemId: SOURCE,
            transitEncryption: 'ENABLED',
            authorizationConfig: { accessPointId: AP_SOURCE },
          },
        },
      ],
    },
  };
}

export function lambdaFunction(name: string): ConsumerDescription {
  const fn = `arn:aws:lambda:eu-west-1:111111111111:function:${name}`;
  const consumer: LambdaFunctionConsumer = {
    kind: 'lambda-function',
    id: fn,
    name,
    tags: { app: 'shop' },
    references: [],
    functionArn: fn,
    versions: ['$LATEST'],
    aliases: [],
    revisionId: 'rev-1',
  };
  return {
    kind: 'lambda-function',
    consumer,
    latest: {
      FunctionArn: fn,
      FunctionName: name,
      Version: '$LATEST',
      RevisionId: 'rev-1',
      FileSystemConfigs: [{ Arn: apArn(AP_SOURCE), LocalMountPath: '/mnt/data' }],
    },
  };
}

export function launchTemplate(id: string): ConsumerDescription {
  const consumer: LaunchTemplateConsumer = {
    kind: 'launch-template',
    id,
    name: 'workers',
    tags: {},
    references: [],
    launchTemplateId: id,
    defaultVersion: 3,
    latestVersion: 3,
    versionsReferencing: [3],
    autoScalingGroups: [
      { name: 'workers-asg', version: '$Default', instancesOnReferencingVersion: ['i-0abc'] },
    ],
  };
  return {
    kind: 'launch-template',
    consumer,
    versions: [{ VersionNumber: 3, UserData: b64(`#!/bin/bash\nmount -t efs ${SOURCE}:/ /data\n`) }],
  };
}

export function planOf(
  app: string,
  descriptions: ConsumerDescription[],
  ownerTag?: string,
  revision = 1,
): ApplicationCutoverPlan {
  return planApplicationCutover({
    context,
    group: { app, ...(ownerTag ? { ownerTag } : {}) },
    descriptions,
    checklist: [
      { id: 'fstab', title: 'fstab on running instances', detail: `Look for ${SOURCE} in /etc/fstab.` },
      { id: 'eks-persistent-volumes', title: 'EKS PersistentVolumes', detail: `volumeHandle ${SOURCE}::…` },
    ],
    revision,
    plannedAt: '2026-02-01T10:00:00.000Z',
  });
}

export interface FakeCutoverOptions {
  clock: Clock;
  plans: ApplicationCutoverPlan[];
  owners: ApplicationOwner[];
  admins?: string[];
  /** apply refuses with CutoverOutOfOrderError for these applications. */
  outOfOrder?: Record<string, string>;
}

export interface Call {
  method: keyof CutoverPhase;
  migrationId: string;
  input?: unknown;
}

export type FakeCutoverPhase = CutoverPhase & {
  calls: Call[];
  verdicts: Map<string, CutoverVerdict>;
  jobs: QueuedCutover[];
  changes: ChangeRecord[];
  waivers: ConsumerWaiver[];
};

export function fakeCutoverPhase(o: FakeCutoverOptions): FakeCutoverPhase {
  const admins = new Set(o.admins ?? [ADMIN]);
  const calls: Call[] = [];
  const verdicts = new Map<string, CutoverVerdict>();
  const jobs: QueuedCutover[] = [];
  const changes: ChangeRecord[] = [];
  const waivers: ConsumerWaiver[] = [];
  const planOfApp = (app: string) => {
    const plan = o.plans.find((p) => p.app === app);
    if (!plan) throw new Error(`no plan for ${app}`);
    return plan;
  };
  const ownerOf = (app: string) => o.owners.find((x) => x.app === app) ?? { app };
  const role = (actor: string, app: string) =>
    approverRole({
      approver: actor,
      app,
      ...(ownerOf(app).ownerUserId ? { ownerUserId: ownerOf(app).ownerUserId } : {}),
      isAdmin: admins.has(actor),
    });
  const now = () => o.clock.now().toISOString();
  const report: ConsumerReport = {
    migrationId: MIGRATION,
    accountId: '111111111111',
    region: 'eu-west-1',
    fileSystemId: SOURCE,
    discoveredAt: '2026-02-01T09:59:00.000Z',
    consumers: [],
    checklist: o.plans[0]?.checklist ?? [],
    unreadable: [],
  };
  const queue = (migrationId: string, app: string, kind: 'apply' | 'rollback'): QueuedCutover => {
    const found = jobs.find((j) => j.app === app && j.kind === kind);
    if (found) return { ...found, created: false };
    const job = { jobId: `cutover:${jobs.length + 1}:${migrationId}`, migrationId, app, kind, created: true };
    jobs.push(job);
    return job;
  };

  const phase: CutoverPhase = {
    async consumers(migrationId) {
      calls.push({ method: 'consumers', migrationId });
      return report;
    },
    async review(migrationId, input) {
      calls.push({ method: 'review', migrationId, input });
      const review: CutoverReview = {
        migrationId,
        sourceFileSystemId: SOURCE,
        targetFileSystemId: TWIN,
        report,
        groups: o.plans.map((p) => ({
          app: p.app,
          ...(p.ownerTag ? { ownerTag: p.ownerTag } : {}),
          consumers: [],
        })),
        plans: o.plans,
        owners: o.plans.map((p) => ownerOf(p.app)),
      };
      return review;
    },
    async setOrder(migrationId, input) {
      calls.push({ method: 'setOrder', migrationId, input });
      return { apps: input.apps, chosenBy: input.actor, chosenAt: now() };
    },
    async approve(migrationId, input) {
      calls.push({ method: 'approve', migrationId, input });
      const plan = planOfApp(input.app);
      const r = role(input.actor, input.app);
      const first = verdicts.get(input.planDigest);
      if (first) return { verdict: first, created: false };
      const verdict = approve(subjectOf(plan), input.actor, r, now());
      verdicts.set(input.planDigest, verdict);
      return { verdict, created: true };
    },
    async reject(migrationId, input) {
      calls.push({ method: 'reject', migrationId, input });
      const plan = planOfApp(input.app);
      const r = role(input.actor, input.app);
      const first = verdicts.get(input.planDigest);
      if (first) return { verdict: first, created: false };
      const verdict = reject(subjectOf(plan), input.actor, r, now(), input.reason);
      verdicts.set(input.planDigest, verdict);
      return { verdict, created: true };
    },
    async apply(migrationId, input) {
      calls.push({ method: 'apply', migrationId, input });
      const plan = planOfApp(input.app);
      checkApprovalCovers(verdicts.get(input.planDigest), plan);
      const blocked = o.outOfOrder?.[input.app];
      if (blocked) throw new CutoverOutOfOrderError(blocked);
      return queue(migrationId, input.app, 'apply');
    },
    async rollback(migrationId, input) {
      calls.push({ method: 'rollback', migrationId, input });
      role(input.actor, input.app);
      return queue(migrationId, input.app, 'rollback');
    },
    async waive(migrationId, input) {
      calls.push({ method: 'waive', migrationId, input });
      if (!admins.has(input.actor))
        throw new UnauthorizedError(`Only the admins may waive a consumer of the cutover.`);
      const found = waivers.find((w) => w.consumerId === input.consumerId);
      if (found) return { waiver: found, created: false };
      const waiver = waive({
        migrationId,
        consumerId: input.consumerId,
        waivedBy: input.actor,
        at: now(),
        reason: input.reason,
      });
      waivers.push(waiver);
      return { waiver, created: true };
    },
    async status(migrationId) {
      calls.push({ method: 'status', migrationId });
      const status: CutoverStatus = {
        migrationId,
        fileSystemId: SOURCE,
        targetFileSystemId: TWIN,
        state: 'cutover_pending',
        applications: o.plans.map((p) => ({
          app: p.app,
          status: 'applying',
          owner: ownerOf(p.app),
          plan: { revision: p.revision, digest: p.digest, plannedAt: p.plannedAt },
          changes: changes.filter((c) => c.app === p.app),
        })),
        waivers,
        consumersRemaining: 0,
      };
      return status;
    },
  };
  return Object.assign(phase, { calls, verdicts, jobs, changes, waivers });
}

/** A change record as the phase stores it, for the application summary. */
export function changeRecord(
  plan: ApplicationCutoverPlan,
  index: number,
  status: ChangeRecord['status'],
): ChangeRecord {
  const c = plan.changes[index]!;
  return {
    migrationId: plan.migrationId,
    app: plan.app,
    consumerId: c.consumerId,
    kind: c.kind,
    name: c.name,
    planDigest: plan.digest,
    status,
    version: 2,
    calls: c.calls,
    inverse: c.inverse,
    outputs: {},
    callsDone: 0,
    awsRequestIds: [],
    updatedAt: '2026-02-01T10:10:00.000Z',
    updatedBy: 'efs-encrypt',
  };
}

export function fakeCutoverService(phase: FakeCutoverPhase): CutoverService & {
  events: MemoryEvents;
  ran: string[];
  io: IoHost;
} {
  const hub = createProgressHub();
  const ran: string[] = [];
  const migration: MigrationRecord = {
    id: MIGRATION,
    accountId: '111111111111',
    region: 'eu-west-1',
    fileSystemId: SOURCE,
    state: 'verified',
    version: 9,
    facts: {},
    resources: { targetFileSystemId: TWIN },
    createdAt: '2026-01-20T09:00:00.000Z',
    updatedAt: '2026-02-01T09:00:00.000Z',
    updatedBy: ADMIN,
  };
  return {
    phase,
    events: new MemoryEvents(),
    listMigrations: async () => [migration],
    attachProgress: (io) => hub.attach(io),
    runNow: (ids) => void ran.push(...ids),
    ran,
    io: hub.io,
  };
}
