import { summariseAwsError } from '../../aws/aws-errors.ts';
import type { Clock } from '../../domain/clock.ts';
import {
  fillPlaceholders,
  fillPlaceholdersInText,
  isPlaceholder,
  type ConsumerChangePlan,
  type CutoverCall,
} from '../../domain/cutover-calls.ts';
import type { ChangeRecord } from '../../domain/cutover-change.ts';
import type { ApplicationCutoverPlan } from '../../domain/cutover-plan.ts';
import type { CutoverRepository } from '../../domain/cutover-records.ts';
import { BadInputError, isEfsEncryptError } from '../../domain/errors.ts';
import { LeaseLostError } from '../../domain/job.ts';
import type { MigrationEventLog, MigrationRepository } from '../../domain/migration.ts';
import type { IoHost } from '../io-host.ts';
import type { JobContext, JobHandler } from '../jobs/index.ts';
import { executeCall, recoverStartedCall, waitForLambdaUpdate, type CallEnv } from './call-executor.ts';
import { CutoverChangeFailedError, CutoverRolledBackError } from './cutover-errors.ts';
import {
  CutoverMessageCodes,
  type CutoverApplicationProgress,
  type CutoverChangeProgress,
} from './cutover-phase.ts';
import {
  CutoverKeys,
  outcomeOf,
  requestOf,
  writeResources,
  type ApplicationOutcome,
} from './cutover-requests.ts';
import type { ConsumerDiscovery, CutoverClients } from './ports.ts';
import { settleMigration } from './settle-migration.ts';
import { watchChange } from './watch-change.ts';

/**
 * The `cutover` job: applies one application's approved plan, consumer by consumer in plan order,
 * or rolls it back. Each consumer's change is recorded `planned` with its inverse before its first
 * call; before each call the record says the call started, after it what it produced, so a job
 * resumed after a crash continues after the last finished call and checks whether a started call
 * took effect (call-executor.ts recoverStartedCall) instead of making it twice. A change that fails
 * (or whose watch fails) rolls the whole application back, inverses in reverse order.
 */
export interface CutoverJobDeps {
  migrations: MigrationRepository;
  events: MigrationEventLog;
  cutovers: CutoverRepository;
  clients: CutoverClients;
  discovery?: ConsumerDiscovery;
  clock: Clock;
  io: IoHost;
  /** Between polls of a deployment or an update (default 15 s). */
  pollMs?: number;
  /** Upper bound on one watch (default 30 min). */
  maxWaitMs?: number;
}

const started = (i: number) => `#started:${i}`;
const produced = (i: number) => `#call:${i}`;
const auditDetail = (i: number) => `#audit:${i}`;
/** A rollback's inverse call j: when it was sent, and what it did (set once it answered). */
const inverseStarted = (j: number) => `#rollback-started:${j}`;
const inverseDone = (j: number) => `#rollback-done:${j}`;

export function createCutoverHandler(deps: CutoverJobDeps): JobHandler {
  const pollMs = deps.pollMs ?? 15_000;
  const maxWaitMs = deps.maxWaitMs ?? 30 * 60_000;

  return async (ctx: JobContext) => {
    const { migrationId, generation, jobId } = ctx.job;
    const record = await deps.migrations.getMigration(migrationId);
    if (!record) throw new BadInputError(`${migrationId} was not found.`);
    const request = requestOf(record, generation);
    if (!request)
      throw new BadInputError(`Job ${jobId} has no cutover request recorded on ${migrationId}; ask again.`);
    const stored = await deps.cutovers.getPlan(migrationId, request.app);
    if (!stored) throw new BadInputError(`${request.app} has no cutover plan; review the cutover first.`);
    const plan = stored.plan;
    const actor = ctx.job.requestedBy;
    const { accountId, region } = record;
    let consumerName = '';
    let consumerId = '';
    const env: CallEnv = {
      clients: deps.clients,
      accountId,
      region,
      wait: (ms) => ctx.sleep(ms),
      pollMs,
      maxWaitMs,
      now: () => deps.clock.now().getTime(),
      progress: (detail) => notifyChange(consumerId, consumerName, 'applying', detail),
    };

    async function notifyChange(id: string, name: string, status: ChangeRecord['status'], detail: string) {
      const data: CutoverChangeProgress = {
        migrationId,
        app: plan.app,
        consumerId: id,
        name,
        status,
        detail,
      };
      await deps.io.notify({
        level: status === 'failed' ? 'error' : 'info',
        code: CutoverMessageCodes.change,
        message: `${plan.app} · ${name}: ${status}: ${detail}`,
        data,
        time: deps.clock.now(),
      });
    }
    async function finishApplication(outcome: ApplicationOutcome) {
      await writeResources(
        deps.migrations,
        migrationId,
        { [CutoverKeys.app(plan.app)]: JSON.stringify(outcome) },
        {
          actor,
          detail: `cutover of ${plan.app}: ${outcome.status}: ${outcome.detail}`,
          correlationId: jobId,
        },
      );
      const data: CutoverApplicationProgress = {
        migrationId,
        app: plan.app,
        status: outcome.status,
        detail: outcome.detail,
      };
      await deps.io.notify({
        level: outcome.status === 'cut_over' ? 'info' : 'warn',
        code: CutoverMessageCodes.application,
        message: `${plan.app}: ${outcome.status}: ${outcome.detail}`,
        data,
        time: deps.clock.now(),
      });
    }
    async function audit(
      change: ChangeRecord,
      call: CutoverCall,
      detail: string,
      requestIds: string[],
      callIndex?: number,
    ) {
      await deps.events.appendEvent(migrationId, {
        actor,
        kind: 'aws_call',
        detail: `${call.service} ${call.operation} for ${change.name} (${plan.app}): ${detail}`,
        ...(requestIds.length ? { awsRequestIds: requestIds } : {}),
        correlationId: jobId,
        data: {
          consumerId: change.consumerId,
          app: plan.app,
          operation: call.operation,
          ...(callIndex !== undefined ? { planDigest: plan.digest, call: callIndex } : {}),
        },
      });
    }
    /**
     * A job that died between recording a call done and writing its audit line: the line is
     * written now, once (the calls already in the log are found by consumer, plan and index).
     */
    async function auditMissedCalls(change: ChangeRecord) {
      if (change.callsDone === 0) return;
      const logged = new Set(
        (await deps.events.listEvents(migrationId))
          .filter(
            (e) =>
              e.kind === 'aws_call' &&
              e.data?.consumerId === change.consumerId &&
              e.data.planDigest === plan.digest,
          )
          .map((e) => e.data?.call),
      );
      for (let i = 0; i < change.callsDone; i++) {
        const detail = change.outputs[auditDetail(i)];
        if (logged.has(i) || detail === undefined) continue;
        await audit(change, change.calls[i]!, detail, [], i);
      }
    }
    /**
     * Persists a change record; `step` names a persisted call (started or done), which is the job's
     * checkpoint: a resumed job continues from exactly there (and the crash-point sweep kills the
     * process right after it).
     */
    const update = async (
      change: ChangeRecord,
      patch: Parameters<CutoverRepository['updateChange']>[3],
      step?: string,
    ) => {
      const next = await deps.cutovers.updateChange(
        migrationId,
        change.consumerId,
        change.version,
        patch,
        actor,
      );
      if (step) await ctx.checkpoint(step);
      else await ctx.heartbeat();
      return next;
    };
    const callStep = (change: ChangeRecord, i: number, what: 'started' | 'done') =>
      `${change.name}:${i + 1}:${change.calls[i]!.operation}:${what}`;

    /** Placeholder values (`<…>` names) produced by this plan's changes of the application. */
    async function producedInApplication(current: ChangeRecord): Promise<Record<string, string>> {
      const changes = await deps.cutovers.listChanges(migrationId, plan.app);
      return Object.fromEntries(
        changes
          .filter((c) => c.planDigest === plan.digest && c.consumerId !== current.consumerId)
          .flatMap((c) => Object.entries(c.outputs).filter(([name]) => isPlaceholder(name))),
      );
    }

    /** One consumer: record, call, watch. Returns the change as it ended (verified or applied). */
    async function applyChange(planned: ConsumerChangePlan): Promise<ChangeRecord> {
      consumerId = planned.consumerId;
      consumerName = planned.name;
      const planned0 = await deps.cutovers.planChange({
        migrationId,
        app: plan.app,
        planDigest: plan.digest,
        change: planned,
        actor,
      });
      let change = planned0.record;
      if (planned0.created)
        await notifyChange(
          change.consumerId,
          change.name,
          'planned',
          `${change.calls.length} call(s), inverse recorded`,
        );
      if (change.status === 'verified' || change.status === 'rolled_back') return change;
      if (change.status === 'failed')
        throw new CutoverChangeFailedError(
          change.consumerId,
          change.lastError?.message ?? `${change.name} failed`,
        );
      if (change.status === 'planned') change = await update(change, { status: 'applying' });
      if (change.status === 'applying') {
        await auditMissedCalls(change);
        for (let i = change.callsDone; i < change.calls.length; i++) {
          const call = change.calls[i]!;
          // A revision registered once for several services is produced by the first change only:
          // the others fill its placeholder from the values their application's changes produced.
          const values = { ...(await producedInApplication(change)), ...change.outputs };
          const filled = { ...call, input: fillPlaceholders(call.input, values) };
          const wasStarted = change.outputs[started(i)] !== undefined;
          let outcome = wasStarted
            ? await recoverStartedCall(env, filled, change.outputs[started(i)])
            : undefined;
          if (!outcome) {
            if (!wasStarted)
              change = await update(
                change,
                { outputs: { [started(i)]: deps.clock.now().toISOString() } },
                callStep(change, i, 'started'),
              );
            outcome = await executeCall(env, filled, change.consumerId);
          }
          const value = outcome.produced;
          change = await update(
            change,
            {
              callsDone: i + 1,
              outputs: {
                ...(value !== undefined
                  ? { [produced(i)]: value, ...(call.produces ? { [call.produces]: value } : {}) }
                  : {}),
                // Kept with the call, so a job resumed before the audit below writes the same line.
                [auditDetail(i)]: outcome.detail,
              },
              awsRequestIds: outcome.requestIds,
            },
            callStep(change, i, 'done'),
          );
          await audit(change, call, outcome.detail, outcome.requestIds, i);
          await notifyChange(
            change.consumerId,
            change.name,
            'applying',
            `${call.operation}: ${outcome.detail}`,
          );
        }
        change = await update(change, { status: 'applied' });
        await notifyChange(change.consumerId, change.name, 'applied', 'every call made; watching');
      }
      // What the owner is told names what was made (the registered revision's ARN, the new
      // launch template version), and keeps the plan's notes (instances still on the old version).
      const told = (lines: string[]) => lines.map((t) => fillPlaceholdersInText(t, change.outputs));
      const watched = await watchChange(env, change, told(planned.instructions));
      if (watched.status === 'verified')
        change = await update(change, { status: 'verified', lastError: null });
      await notifyChange(
        change.consumerId,
        change.name,
        change.status,
        [watched.detail, ...told(planned.notes)].join('\n'),
      );
      return change;
    }

    /** Undoes every change of the application that is not undone yet, last change first. */
    async function rollBack(why: string): Promise<string[]> {
      const problems: string[] = [];
      const byId = new Map(
        (await deps.cutovers.listChanges(migrationId, plan.app)).map((c) => [c.consumerId, c]),
      );
      const order = [...plan.changes].reverse();
      for (const planned of order) {
        let change = byId.get(planned.consumerId);
        if (!change || change.status === 'rolled_back' || change.planDigest !== plan.digest) continue;
        consumerId = change.consumerId;
        consumerName = change.name;
        try {
          for (const [j, inverse] of change.inverse.entries()) {
            if (!forwardTouched(change, inverse)) continue;
            // Made before a restart: sent again it could fail (a Lambda RevisionId moved on) or
            // start a second instance refresh.
            if (change.outputs[inverseDone(j)] !== undefined) continue;
            const filled = await fillInverse(change, inverse);
            // Sent before a restart but never answered: AWS may have made it. Look first, as the
            // forward calls do; send it only when what it sets is not there.
            const startedAt = change.outputs[inverseStarted(j)];
            let outcome =
              startedAt !== undefined ? await recoverStartedCall(env, filled, startedAt) : undefined;
            if (!outcome) {
              if (startedAt === undefined)
                change = await update(change, {
                  outputs: { [inverseStarted(j)]: deps.clock.now().toISOString() },
                });
              outcome = await executeCall(env, filled, change.consumerId);
            }
            change = await update(change, {
              awsRequestIds: outcome.requestIds,
              outputs: { [inverseDone(j)]: outcome.detail },
            });
            await audit(change, inverse, `rollback: ${outcome.detail}`, outcome.requestIds);
            if (inverse.service === 'lambda' && inverse.operation === 'UpdateFunctionConfiguration')
              await waitForLambdaUpdate(env, String(inverse.input.FunctionName), change.consumerId);
            await notifyChange(
              change.consumerId,
              change.name,
              change.status,
              `rollback ${inverse.operation}: ${outcome.detail}`,
            );
          }
          if (change.status === 'planned') change = await update(change, { status: 'applying' });
          change = await update(change, { status: 'rolled_back' });
          await notifyChange(change.consumerId, change.name, 'rolled_back', why);
        } catch (e) {
          if (e instanceof LeaseLostError) throw e;
          const message = messageOf(e);
          problems.push(`${change.name}: ${message}`);
          await notifyChange(change.consumerId, change.name, change.status, `rollback failed: ${message}`);
        }
      }
      return problems;
    }

    /** Placeholders of the forward calls; a RevisionId never produced is read fresh instead. */
    async function fillInverse(change: ChangeRecord, inverse: CutoverCall): Promise<CutoverCall> {
      const input = { ...inverse.input };
      if (
        inverse.service === 'lambda' &&
        typeof input.RevisionId === 'string' &&
        input.RevisionId.startsWith('<')
      ) {
        const name = input.RevisionId.slice(1, -1);
        if (change.outputs[name] === undefined) {
          const lambda = await deps.clients.lambdaFor(accountId, region);
          const now = await lambda.getFunctionConfiguration(String(input.FunctionName));
          if (now?.RevisionId) input.RevisionId = now.RevisionId;
          else delete input.RevisionId;
        }
      }
      return { ...inverse, input: fillPlaceholders(input, change.outputs) };
    }

    if (request.action === 'rollback') {
      const problems = await rollBack(
        `rolled back by ${actor}${request.reason ? `: ${request.reason}` : ''}`,
      );
      const outcome: ApplicationOutcome = {
        status: problems.length ? 'failed' : 'rolled_back',
        planDigest: plan.digest,
        at: deps.clock.now().toISOString(),
        detail: problems.length ? `rollback incomplete: ${problems.join('; ')}` : `rolled back by ${actor}`,
      };
      await finishApplication(outcome);
      await settleMigration(deps, migrationId, { actor, correlationId: jobId, after: 'rollback' });
      if (problems.length) throw new CutoverRolledBackError(plan.app, outcome.detail);
      return { migrationId, app: plan.app, outcome: outcome.status };
    }

    if (plan.digest !== request.planDigest)
      throw new BadInputError(
        `${plan.app} was reviewed again after this cutover was approved; approve the new plan.`,
      );
    // Recorded once: a job resumed after a crash finds it (and the audit log keeps one line).
    const recorded = outcomeOf(record, plan.app);
    if (!(recorded?.status === 'applying' && recorded.planDigest === plan.digest))
      await finishApplication({
        status: 'applying',
        planDigest: plan.digest,
        at: deps.clock.now().toISOString(),
        detail: `started by ${actor}`,
      });
    const pending: string[] = [];
    try {
      for (const planned of plan.changes) {
        const change = await applyChange(planned);
        const first = planned.instructions[0]?.split('\n')[0];
        if (change.status === 'applied')
          pending.push(
            `${change.name}: ${first ? fillPlaceholdersInText(first, change.outputs) : 'owner action'}`,
          );
      }
    } catch (e) {
      if (e instanceof LeaseLostError) throw e;
      const message = messageOf(e);
      const failed = (await deps.cutovers.listChanges(migrationId, plan.app)).find(
        (c) => c.consumerId === consumerId && c.planDigest === plan.digest,
      );
      if (failed && (failed.status === 'applying' || failed.status === 'applied'))
        await deps.cutovers.updateChange(
          migrationId,
          failed.consumerId,
          failed.version,
          {
            status: 'failed',
            lastError: {
              code: isEfsEncryptError(e) ? e.code : summariseAwsError(e).code,
              message,
              at: deps.clock.now().toISOString(),
            },
          },
          actor,
        );
      await notifyChange(consumerId, consumerName, 'failed', message);
      await deps.io.notify({
        level: 'warn',
        code: CutoverMessageCodes.autoRollback,
        message: `${plan.app}: ${consumerName} failed (${message}); rolling the application back`,
        // The names the thread's warning reads (src/slack/cutover-progress.ts AutoRollbackData).
        data: {
          migrationId,
          app: plan.app,
          consumerId,
          name: consumerName,
          detail: message,
          reason: message,
        },
        time: deps.clock.now(),
      });
      const problems = await rollBack(`automatic rollback: ${message}`);
      const detail = problems.length
        ? `${consumerName} failed (${message}); the automatic rollback is incomplete: ${problems.join('; ')}. Roll back again.`
        : `${consumerName} failed (${message}); rolled back automatically`;
      await finishApplication({
        status: problems.length ? 'failed' : 'rolled_back',
        planDigest: plan.digest,
        at: deps.clock.now().toISOString(),
        detail,
      });
      await settleMigration(deps, migrationId, { actor, correlationId: jobId, after: 'rollback' });
      throw new CutoverRolledBackError(plan.app, detail);
    }
    const detail = pending.length
      ? `every call made; waiting on the owner for ${pending.join('; ')} (confirm, or an admin waives)`
      : 'every consumer moved and verified';
    await finishApplication({
      status: 'cut_over',
      planDigest: plan.digest,
      at: deps.clock.now().toISOString(),
      detail,
    });
    const settled = await settleMigration(deps, migrationId, { actor, correlationId: jobId, after: 'apply' });
    return { migrationId, app: plan.app, outcome: 'cut_over', state: settled.state, pending };
  };
}

/**
 * Whether the forward call an inverse undoes was made (or may have been): an inverse whose
 * operation no finished or started forward call shares undoes nothing and is skipped.
 */
function forwardTouched(change: ChangeRecord, inverse: CutoverCall): boolean {
  return change.calls.some(
    (c, i) =>
      c.service === inverse.service &&
      c.operation === inverse.operation &&
      (i < change.callsDone || change.outputs[started(i)] !== undefined),
  );
}

function messageOf(e: unknown): string {
  return isEfsEncryptError(e) ? e.userMessage : summariseAwsError(e).message;
}

export type { ApplicationCutoverPlan };
