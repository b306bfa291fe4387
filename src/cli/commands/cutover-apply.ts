import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { BadInputError, EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { CutoverStatus } from '../../workflow/cutover/index.ts';
import type { CliContext } from '../cli-io.ts';
import { UsageError } from '../usage-error.ts';
import { progressOutput } from '../output/progress-output.ts';
import { openCommandRuntime } from './command-runtime.ts';
import { resolveMigrations } from './build.ts';
import { crashAfterStep } from '../crash-point.ts';

/**
 * `efs-encrypt cutover plan|apply|rollback|status|waive|order FS_ID`: the CLI twin of the thread's
 * Review cutover, Approve, Roll back and the admin's order and waiver. `apply` records the approval
 * as `cli:<--approved-by>` (role cli), queues the same durable `cutover` job the bot runs and runs
 * it to the end here, printing each consumer's progress on stderr.
 */
interface CutoverOptions {
  estate?: string;
  demo?: boolean;
  dryRun?: boolean;
  app?: string;
  approvedBy?: string;
  reason?: string;
  json?: boolean;
  consumer?: string;
  apps?: string;
  quiet?: boolean;
  instanceRefresh?: boolean;
}

const ACTIONS = ['plan', 'apply', 'rollback', 'status', 'waive', 'order'] as const;
type Action = (typeof ACTIONS)[number];

export class CutoverNotDoneError extends EfsEncryptError {
  constructor(message: string) {
    super(ErrorCode.AwsCallFailed, message);
  }
}

/** Adds the apply-side subcommands to the `cutover` command (the discovery side adds `refs`). */
export function registerCutoverApplyCommands(cutover: Command, ctx: CliContext): void {
  for (const action of ACTIONS)
    cutover
      .command(action)
      .description(DESCRIPTIONS[action])
      .argument('<fs-id>', 'file system ID (or migration ID FS#account#region#fs-id)')
      .option('--app <name>', 'the application (required for apply and rollback when there are several)')
      .option('--dry-run', 'apply: print the exact calls in order; change nothing')
      .option(
        '--instance-refresh',
        "plan, apply --dry-run: also replace the Auto Scaling groups' instances (capacity drops meanwhile)",
      )
      .option('--approved-by <name>', 'apply: who approved, recorded as cli:<name>')
      .option('--reason <text>', 'rollback and waive: why')
      .option('--consumer <id>', 'waive: the consumer ID (ARN or launch template ID)')
      .option('--apps <list>', 'order: applications in cutover order, comma-separated')
      .option('--json', 'print JSON')
      .option('--estate <file>', 'run against a local estate file served in this process')
      .option('--demo', 'run against the bundled sample estate')
      .option('-q, --quiet', 'no progress on stderr')
      .action((ref: string, opts: CutoverOptions) => runCutover(ctx, action, ref, opts));
}

const DESCRIPTIONS: Record<Action, string> = {
  plan: 'review: describe each consumer fresh and print, per application, the exact calls in order and the checklist',
  apply: 'apply one approved application (needs --approved-by) and watch it to the end',
  rollback: "roll an application's changes back (inverses in reverse order)",
  status: 'per application: plan, approval, each change, waivers, consumers remaining',
  waive: 'count a consumer as done without changing it (needs --consumer and --reason)',
  order: 'choose the order applications are cut over in (--apps a,b,c)',
};

async function runCutover(ctx: CliContext, action: Action, ref: string, opts: CutoverOptions): Promise<void> {
  const config = ctx.config();
  const operator = `cli:${userInfo().username}`;
  const [{ openCutoverPhase }, { createJobRunner, localLeaseHolders }, { callsInOrder }] = await Promise.all([
    import('../phases/cutover-phase.ts'),
    import('../../workflow/jobs/index.ts'),
    import('../../domain/cutover-plan.ts'),
  ]);
  const runtime = await openCommandRuntime(ctx, config, opts);
  const progress = progressOutput(ctx.io, { quiet: opts.quiet === true });
  const { phase, close } = openCutoverPhase(runtime, progress, { actor: operator });
  const print = (value: unknown, text: () => string) =>
    ctx.io.out(opts.json ? `${JSON.stringify(value, null, 2)}\n` : text());
  try {
    const [migration] = resolveMigrations(await runtime.store.migrations.listMigrations(), [ref], false);
    const id = migration!.id;
    const appOf = async () => {
      if (opts.app) return opts.app;
      const apps = (await phase.status(id)).applications.map((a) => a.app);
      if (apps.length === 1) return apps[0]!;
      throw new UsageError(
        `${migration!.fileSystemId} has ${apps.length ? `several applications (${apps.join(', ')})` : 'no plan'}; name one with --app.`,
      );
    };
    if (opts.instanceRefresh && action !== 'plan' && !(action === 'apply' && opts.dryRun))
      throw new UsageError(
        `--instance-refresh is part of the plan: run efs-encrypt cutover plan ${migration!.fileSystemId} --instance-refresh, then apply the new plan.`,
      );
    if (action === 'plan' || (action === 'apply' && opts.dryRun)) {
      const review = await phase.review(id, {
        actor: operator,
        ...(opts.app ? { app: opts.app } : {}),
        // Replacing instances drops capacity while it runs: only when asked for (issue #14 §3).
        ...(opts.instanceRefresh ? { instanceRefresh: true } : {}),
      });
      print(
        review,
        () =>
          review.plans
            .map((plan) => {
              const owner = review.owners.find((o) => o.app === plan.app);
              const lines = [
                `${plan.app} (plan ${plan.revision}, digest ${plan.digest.slice(0, 12)}; owner ${owner?.ownerUserId ?? `${owner?.ownerTag ?? 'none'}: ${owner?.fallbackReason ?? ''}`})`,
                ...callsInOrder(plan).map(
                  (c, i) =>
                    `  ${i + 1}. ${c.service} ${c.operation} ${JSON.stringify(c.input).slice(0, 300)}\n     ${c.purpose}`,
                ),
                ...plan.changes.flatMap((c) =>
                  [...c.instructions, ...c.notes].map((t) => `  - ${c.name}: ${t}`),
                ),
                ...plan.checklist.map((item) => `  [ ] ${item.title}: ${item.detail}`),
              ];
              return lines.join('\n');
            })
            .join('\n\n') + '\n',
      );
      return;
    }
    if (action === 'apply') {
      if (!opts.approvedBy?.trim())
        throw new UsageError('apply needs --approved-by NAME: who approved this cutover (recorded).');
      const app = await appOf();
      const stored = await runtime.store.cutovers.getPlan(id, app);
      if (!stored)
        throw new BadInputError(
          `${app} has no plan; run efs-encrypt cutover plan ${migration!.fileSystemId} first.`,
        );
      const actor = `cli:${opts.approvedBy.trim()}`;
      await phase.approve(id, { actor, app, planDigest: stored.digest });
      const queued = await phase.apply(id, { actor, app, planDigest: stored.digest });
      ctx.io.err(`${queued.created ? 'Queued' : 'Already queued'}: ${queued.jobId}\n`);
      const runner = createJobRunner({
        jobs: runtime.store.jobs,
        handlers: { cutover: phase.handler },
        clock: runtime.clock,
        scheduler: {
          schedule(ms, fn) {
            const t = setTimeout(fn, ms);
            return () => clearTimeout(t);
          },
        },
        owner: `cli:${hostname()}:${process.pid}`,
        leaseMs: 5 * 60_000,
        holders: localLeaseHolders(),
        io: progress,
        // Test-only (EFS_ENCRYPT_TEST_HOOKS=1): the crash-point sweep's kill after each recorded call.
        afterCheckpoint: crashAfterStep(config.crashAfterStep),
      });
      const job = await runner.runJob(queued.jobId);
      const status = await phase.status(id);
      print(status, () => statusText(status));
      if (job?.status !== 'succeeded')
        throw new CutoverNotDoneError(
          `The cutover of ${app} did not finish: ${job?.lastError?.message ?? job?.status ?? 'unknown'}.`,
        );
      return;
    }
    if (action === 'rollback') {
      const app = await appOf();
      const queued = await phase.rollback(id, {
        actor: operator,
        app,
        ...(opts.reason ? { reason: opts.reason } : {}),
      });
      const runner = createJobRunner({
        jobs: runtime.store.jobs,
        handlers: { cutover: phase.handler },
        clock: runtime.clock,
        scheduler: {
          schedule: (ms, fn) => {
            const t = setTimeout(fn, ms);
            return () => clearTimeout(t);
          },
        },
        owner: `cli:${hostname()}:${process.pid}`,
        leaseMs: 5 * 60_000,
        io: progress,
      });
      const job = await runner.runJob(queued.jobId);
      const status = await phase.status(id);
      print(status, () => statusText(status));
      if (job?.status !== 'succeeded')
        throw new CutoverNotDoneError(
          `The rollback of ${app} did not finish: ${job?.lastError?.message ?? job?.status}.`,
        );
      return;
    }
    if (action === 'waive') {
      if (!opts.consumer || !opts.reason)
        throw new UsageError('waive needs --consumer ID and --reason TEXT.');
      const { waiver } = await phase.waive(id, {
        actor: operator,
        consumerId: opts.consumer,
        reason: opts.reason,
      });
      print(waiver, () => `Waived ${waiver.consumerId} (${waiver.reason}) by ${waiver.waivedBy}\n`);
      return;
    }
    if (action === 'order') {
      if (!opts.apps) throw new UsageError('order needs --apps a,b,c.');
      const order = await phase.setOrder(id, {
        actor: operator,
        apps: opts.apps.split(',').map((a) => a.trim()),
      });
      print(order, () => `Cutover order: ${order.apps.join(' → ')}\n`);
      return;
    }
    const status = await phase.status(id);
    print(status, () => statusText(status));
  } finally {
    progress.stop();
    close();
    await runtime.close();
  }
}

function statusText(status: CutoverStatus): string {
  const lines = [
    `${status.fileSystemId} → ${status.targetFileSystemId ?? '?'}: ${status.state}; ${status.consumersRemaining} consumer(s) remaining`,
  ];
  for (const a of status.applications) {
    lines.push(
      `  ${a.app}: ${a.status}${a.verdict ? ` (${a.verdict.decision} by ${a.verdict.approver})` : ''}`,
    );
    for (const c of a.changes)
      lines.push(`    ${c.name}: ${c.status}${c.lastError ? ` (${c.lastError.message})` : ''}`);
  }
  for (const w of status.waivers) lines.push(`  waived ${w.consumerId} by ${w.waivedBy}: ${w.reason}`);
  return `${lines.join('\n')}\n`;
}
