import {
  approve as approveVerdict,
  approverRole,
  checkApprovalCovers,
  checkCutoverOrder,
  checkMayStart,
  reject as rejectVerdict,
  subjectOf,
  type ApplicationCutoverStatus,
  type CutoverOrder,
} from '../../domain/cutover-approval.ts';
import { waive as makeWaiver } from '../../domain/cutover-change.ts';
import { planApplicationCutover, type CutoverContext } from '../../domain/cutover-plan.ts';
import { buildMappingOf } from '../../domain/build-plan.ts';
import type { Clock } from '../../domain/clock.ts';
import type { CutoverRepository } from '../../domain/cutover-records.ts';
import { BadInputError, UnauthorizedError } from '../../domain/errors.ts';
import { isOpen, type JobRecord, type JobRepository } from '../../domain/job.ts';
import {
  VersionConflictError,
  type MigrationEventLog,
  type MigrationRecord,
  type MigrationRepository,
} from '../../domain/migration.ts';
import type { IoHost } from '../io-host.ts';
import type { JobHandler } from '../jobs/index.ts';
import { groupByApplication } from './application-groups.ts';
import { createCutoverHandler } from './cutover-job.ts';
import {
  CutoverMessageCodes,
  type ApplicationOwner,
  type ApplicationStatus,
  type CutoverApplicationProgress,
  type CutoverPhase,
  type CutoverReview,
  type QueuedCutover,
} from './cutover-phase.ts';
import {
  CUTOVER_JOB_KIND,
  CutoverKeys,
  outcomeOf,
  requestOf,
  type CutoverRequest,
} from './cutover-requests.ts';
import { describeConsumer } from './describe-consumers.ts';
import type { ConsumerDiscovery, CutoverClients, OwnerDirectory, TwinMountTargets } from './ports.ts';
import { remainingConsumers, settleMigration } from './settle-migration.ts';

export interface CutoverPhaseDeps {
  migrations: MigrationRepository;
  events: MigrationEventLog;
  cutovers: CutoverRepository;
  jobs: JobRepository;
  clients: CutoverClients;
  /** Optional until the consumers workflow is wired: review then needs a stored report. */
  discovery?: ConsumerDiscovery;
  owners: OwnerDirectory;
  isAdmin(actor: string): boolean | Promise<boolean>;
  twinMountTargets?: TwinMountTargets;
  clock: Clock;
  io: IoHost;
  pollMs?: number;
  maxWaitMs?: number;
}

/** The phase, plus the `cutover` job handler for createJobRunner({ handlers: { cutover: handler } }). */
export type CutoverPhaseWithHandler = CutoverPhase & { handler: JobHandler };

const REVIEWABLE = ['verified', 'cutover_pending', 'rolled_back', 'cut_over'];

export function createCutoverPhase(deps: CutoverPhaseDeps): CutoverPhaseWithHandler {
  const handler = createCutoverHandler(deps);
  const now = () => deps.clock.now().toISOString();

  async function load(migrationId: string): Promise<MigrationRecord> {
    const record = await deps.migrations.getMigration(migrationId);
    if (!record)
      throw new BadInputError(`${migrationId} was not found; scan, decide, build and copy it first.`);
    return record;
  }
  async function requireAdmin(actor: string, what: string) {
    if (actor.startsWith('cli:')) return;
    if (!(await deps.isAdmin(actor))) throw new UnauthorizedError(`Only an admin can ${what}.`);
  }
  async function ownerOf(app: string, ownerTag?: string): Promise<ApplicationOwner> {
    const resolved = await deps.owners.resolve(ownerTag);
    return {
      app,
      ...(ownerTag ? { ownerTag } : {}),
      ...(resolved.userId ? { ownerUserId: resolved.userId } : {}),
      ...(resolved.fallbackReason
        ? { fallbackReason: resolved.fallbackReason }
        : !resolved.userId
          ? {
              fallbackReason: ownerTag
                ? `${ownerTag} is not a Slack user; admins approve`
                : 'no owner tag; admins approve',
            }
          : {}),
    };
  }
  async function plansOf(migrationId: string, app: string) {
    const stored = await deps.cutovers.getPlan(migrationId, app);
    if (!stored)
      throw new BadInputError(`${app} has no cutover plan for ${migrationId}; review the cutover first.`);
    return stored;
  }
  async function jobsOf(migrationId: string): Promise<JobRecord[]> {
    return deps.jobs.listJobsForMigration(migrationId, CUTOVER_JOB_KIND);
  }

  /** Each application's status, from its plan, verdict, latest job and recorded outcome. */
  async function statuses(migrationId: string, record: MigrationRecord) {
    const plans = await deps.cutovers.listPlans(migrationId);
    const jobs = await jobsOf(migrationId);
    const out: Record<string, { status: ApplicationCutoverStatus; job?: JobRecord }> = {};
    for (const { app, plan } of plans) {
      const job = [...jobs].reverse().find((j) => requestOf(record, j.generation)?.app === app);
      const outcome = outcomeOf(record, app);
      const verdict = await deps.cutovers.getVerdict(migrationId, app, plan.digest);
      let status: ApplicationCutoverStatus =
        verdict?.decision === 'approved' ? 'approved' : verdict ? 'rejected' : 'planned';
      if (outcome && outcome.planDigest === plan.digest) status = outcome.status;
      if (job && isOpen(job)) status = 'applying';
      out[app] = { status, ...(job ? { job } : {}) };
    }
    return out;
  }

  async function enqueue(
    migrationId: string,
    actor: string,
    request: CutoverRequest,
  ): Promise<QueuedCutover> {
    for (let attempt = 0; ; attempt++) {
      const record = await load(migrationId);
      const latest = (await jobsOf(migrationId)).at(-1);
      const latestRequest = latest && requestOf(record, latest.generation);
      const same =
        latestRequest?.app === request.app &&
        latestRequest.action === request.action &&
        latestRequest.planDigest === request.planDigest;
      if (latest && isOpen(latest)) {
        if (same)
          return { jobId: latest.jobId, migrationId, app: request.app, kind: request.action, created: false };
        throw new BadInputError(
          `The ${latestRequest?.action ?? 'previous'} of ${latestRequest?.app ?? 'another application'} is running; one at a time. Wait for it to finish.`,
        );
      }
      const generation = (latest?.generation ?? 0) + 1;
      const key = CutoverKeys.request(generation);
      const recorded = record.resources[key];
      if (!recorded) {
        try {
          await deps.migrations.updateMigration(migrationId, {
            expectedVersion: record.version,
            resources: { [key]: JSON.stringify(request) },
            actor,
            detail: `cutover ${request.action} of ${request.app} requested (job generation ${generation})`,
          });
        } catch (e) {
          if (e instanceof VersionConflictError && attempt < 3) continue;
          throw e;
        }
      } else if (recorded !== JSON.stringify(request)) {
        throw new BadInputError(
          `Someone else just asked for another cutover step on ${record.fileSystemId}; look at its status.`,
        );
      }
      const { job, created } = await deps.jobs.createJob({
        kind: CUTOVER_JOB_KIND,
        migrationId,
        generation,
        requestedBy: actor,
      });
      return { jobId: job.jobId, migrationId, app: request.app, kind: request.action, created };
    }
  }

  const phase: CutoverPhaseWithHandler = {
    handler,

    async consumers(migrationId) {
      return deps.discovery?.latest(migrationId);
    },

    async review(migrationId, input) {
      let record = await load(migrationId);
      if (!REVIEWABLE.includes(record.state))
        throw new BadInputError(
          `${record.fileSystemId} is ${record.state}; a cutover is reviewed once the final sync is verified.`,
        );
      const snapshot = await deps.migrations.getSnapshot(migrationId);
      if (!snapshot)
        throw new BadInputError(`${record.fileSystemId} has no inventory snapshot; scan it again.`);
      const fs = snapshot.fileSystem;
      let report = input.rediscover ? undefined : await deps.discovery?.latest(migrationId);
      if (!report) {
        if (!deps.discovery)
          throw new BadInputError(
            'Finding consumers is not available in this build of efs-encrypt; nothing can be planned yet.',
          );
        report = await deps.discovery.discover(migrationId);
      }
      const mapping = buildMappingOf(record);
      const twinMountTargets =
        mapping.targetFileSystemId && deps.twinMountTargets
          ? await deps.twinMountTargets.list(record.accountId, record.region, mapping.targetFileSystemId)
          : [];
      const context: CutoverContext = {
        migrationId,
        mapping,
        sourceAccessPointIds: fs.accessPoints.map((a) => a.accessPointId),
        sourceMountTargets: fs.mountTargets.flatMap((m) =>
          m.ipAddress && m.availabilityZoneName
            ? [{ availabilityZone: m.availabilityZoneName, ipAddress: m.ipAddress }]
            : [],
        ),
        twinMountTargets,
      };
      const groups = groupByApplication(report, fs.tags).filter((g) => !input.app || g.app === input.app);
      if (input.app && !groups.length)
        throw new BadInputError(`No consumer of ${record.fileSystemId} belongs to ${input.app}.`);
      const plans = [];
      for (const group of groups) {
        const descriptions = [];
        for (const consumer of group.consumers)
          descriptions.push(
            await describeConsumer(
              deps.clients,
              record,
              consumer,
              input.instanceRefresh ? { instanceRefresh: true } : {},
            ),
          );
        const previous = await deps.cutovers.getPlan(migrationId, group.app);
        const plan = planApplicationCutover({
          context,
          group,
          descriptions,
          checklist: report.checklist,
          revision: (previous?.version ?? 0) + 1,
          plannedAt: now(),
        });
        await deps.cutovers.putPlan(migrationId, plan, previous?.version ?? 0);
        plans.push(plan);
      }
      if (record.state === 'verified' || record.state === 'rolled_back')
        record = await deps.migrations.transitionMigration(migrationId, {
          expectedVersion: record.version,
          to: 'cutover_pending',
          actor: input.actor,
          detail: `cutover reviewed: ${plans.map((p) => `${p.app} plan ${p.revision}`).join(', ') || 'no consumer'}`,
        });
      const owners = await Promise.all(groups.map((g) => ownerOf(g.app, g.ownerTag)));
      const order = await deps.cutovers.getOrder(migrationId);
      const review: CutoverReview = {
        migrationId,
        sourceFileSystemId: record.fileSystemId,
        targetFileSystemId: mapping.targetFileSystemId ?? '',
        report,
        groups,
        plans,
        owners,
        ...(order ? { order } : {}),
      };
      return review;
    },

    async setOrder(migrationId, input) {
      await requireAdmin(input.actor, 'choose the cutover order');
      const plans = await deps.cutovers.listPlans(migrationId);
      checkCutoverOrder(
        input.apps,
        plans.map((p) => p.app),
      );
      const previous = await deps.cutovers.getOrder(migrationId);
      const order: CutoverOrder = { apps: input.apps, chosenBy: input.actor, chosenAt: now() };
      const stored = await deps.cutovers.putOrder(migrationId, order, previous?.version ?? 0);
      return { apps: stored.apps, chosenBy: stored.chosenBy, chosenAt: stored.chosenAt };
    },

    async approve(migrationId, input) {
      const { plan } = await plansOf(migrationId, input.app);
      if (plan.digest !== input.planDigest)
        throw new BadInputError(
          `The plan of ${input.app} changed since it was shown (reviewed again); approve the current plan.`,
        );
      const owner = await ownerOf(plan.app, plan.ownerTag);
      const role = approverRole({
        approver: input.actor,
        app: plan.app,
        ...(owner.ownerUserId ? { ownerUserId: owner.ownerUserId } : {}),
        isAdmin: await deps.isAdmin(input.actor),
      });
      return deps.cutovers.recordVerdict(approveVerdict(subjectOf(plan), input.actor, role, now()));
    },

    async reject(migrationId, input) {
      const { plan } = await plansOf(migrationId, input.app);
      if (plan.digest !== input.planDigest)
        throw new BadInputError(
          `The plan of ${input.app} changed since it was shown (reviewed again); look at the current plan.`,
        );
      const owner = await ownerOf(plan.app, plan.ownerTag);
      const role = approverRole({
        approver: input.actor,
        app: plan.app,
        ...(owner.ownerUserId ? { ownerUserId: owner.ownerUserId } : {}),
        isAdmin: await deps.isAdmin(input.actor),
      });
      return deps.cutovers.recordVerdict(
        rejectVerdict(subjectOf(plan), input.actor, role, now(), input.reason),
      );
    },

    async apply(migrationId, input) {
      const record = await load(migrationId);
      const { plan } = await plansOf(migrationId, input.app);
      // The approval must name this exact plan: an older digest, another app or migration is refused.
      const verdict = await deps.cutovers.getVerdict(migrationId, input.app, input.planDigest);
      checkApprovalCovers(verdict, plan);
      const request: CutoverRequest = { app: input.app, action: 'apply', planDigest: plan.digest };
      const current = await statuses(migrationId, record);
      const mine = current[input.app];
      const latest = (await jobsOf(migrationId)).at(-1);
      if (mine?.status === 'cut_over' && latest && requestOf(record, latest.generation)?.app === input.app)
        return { jobId: latest.jobId, migrationId, app: input.app, kind: 'apply', created: false };
      if (mine?.status === 'applying' && mine.job)
        return { jobId: mine.job.jobId, migrationId, app: input.app, kind: 'apply', created: false };
      if (mine?.status === 'rolled_back' || mine?.status === 'failed')
        throw new BadInputError(
          `${input.app} was ${mine.status === 'failed' ? 'left failed' : 'rolled back'} under this plan; ${mine.status === 'failed' ? 'roll it back, then ' : ''}review the cutover again and approve the new plan.`,
        );
      if (record.state !== 'cutover_pending')
        throw new BadInputError(`${record.fileSystemId} is ${record.state}; review the cutover first.`);
      const stored = await deps.cutovers.getOrder(migrationId);
      const order: CutoverOrder = stored ?? {
        apps: Object.keys(current).sort(),
        chosenBy: 'default (applications by name)',
        chosenAt: record.updatedAt,
      };
      checkMayStart(
        input.app,
        order,
        Object.fromEntries(Object.entries(current).map(([a, s]) => [a, s.status])),
      );
      return enqueue(migrationId, input.actor, request);
    },

    async rollback(migrationId, input) {
      const { plan } = await plansOf(migrationId, input.app);
      const owner = await ownerOf(plan.app, plan.ownerTag);
      if (
        !input.actor.startsWith('cli:') &&
        input.actor !== owner.ownerUserId &&
        !(await deps.isAdmin(input.actor))
      )
        throw new UnauthorizedError(`Only the owner of ${plan.app} or an admin can roll its cutover back.`);
      const changes = (await deps.cutovers.listChanges(migrationId, input.app)).filter(
        (c) => c.planDigest === plan.digest && c.status !== 'rolled_back',
      );
      const latest = (await jobsOf(migrationId)).at(-1);
      const record = await load(migrationId);
      const latestRequest = latest && requestOf(record, latest.generation);
      if (!changes.length && !(latest && isOpen(latest) && latestRequest?.action === 'rollback'))
        throw new BadInputError(`${input.app} has no change to roll back.`);
      return enqueue(migrationId, input.actor, {
        app: input.app,
        action: 'rollback',
        planDigest: plan.digest,
        ...(input.reason ? { reason: input.reason } : {}),
      });
    },

    async waive(migrationId, input) {
      await requireAdmin(input.actor, 'waive a consumer');
      const result = await deps.cutovers.waiveConsumer(
        makeWaiver({
          migrationId,
          consumerId: input.consumerId,
          waivedBy: input.actor,
          reason: input.reason,
          at: now(),
        }),
      );
      const before = (await load(migrationId)).state;
      const settled = await settleMigration(deps, migrationId, { actor: input.actor, after: 'apply' });
      // The waiver was the last thing missing: say so where the application's progress is shown
      // (the thread then offers the next step).
      if (before !== 'cut_over' && settled.state === 'cut_over') {
        const app = (await deps.cutovers.getChange(migrationId, input.consumerId))?.app ?? 'unassigned';
        const data: CutoverApplicationProgress = {
          migrationId,
          app,
          status: 'cut_over',
          detail: `${input.consumerId} waived by ${input.actor}: every consumer is cut over or waived`,
        };
        await deps.io.notify({
          level: 'info',
          code: CutoverMessageCodes.application,
          message: `${app}: cut_over: ${data.detail}`,
          data,
          time: deps.clock.now(),
        });
      }
      return result;
    },

    async status(migrationId) {
      const record = await load(migrationId);
      const plans = await deps.cutovers.listPlans(migrationId);
      const current = await statuses(migrationId, record);
      const applications: ApplicationStatus[] = [];
      for (const { app, plan } of plans) {
        const verdict = await deps.cutovers.getVerdict(migrationId, app, plan.digest);
        applications.push({
          app,
          status: current[app]!.status,
          owner: await ownerOf(app, plan.ownerTag),
          plan: { revision: plan.revision, digest: plan.digest, plannedAt: plan.plannedAt },
          ...(verdict ? { verdict } : {}),
          changes: await deps.cutovers.listChanges(migrationId, app),
          ...(current[app]!.job ? { job: current[app]!.job } : {}),
        });
      }
      const order = await deps.cutovers.getOrder(migrationId);
      const report = await deps.discovery?.latest(migrationId);
      const mapping = buildMappingOf(record);
      return {
        migrationId,
        fileSystemId: record.fileSystemId,
        ...(mapping.targetFileSystemId ? { targetFileSystemId: mapping.targetFileSystemId } : {}),
        state: record.state,
        applications,
        waivers: await deps.cutovers.listWaivers(migrationId),
        consumersRemaining: (await remainingConsumers(deps.cutovers, deps.discovery, migrationId)).length,
        ...(order ? { order: { apps: order.apps, chosenBy: order.chosenBy, chosenAt: order.chosenAt } } : {}),
        ...(report ? { discoveredAt: report.discoveredAt } : {}),
      };
    },
  };
  return phase;
}
