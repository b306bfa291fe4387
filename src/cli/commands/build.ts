import { hostname, userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { systemClock } from '../../domain/clock.ts';
import { BadInputError, EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { MigrationRecord } from '../../domain/migration.ts';
import type { BuildStatus } from '../../workflow/provision/index.ts';
import type { IoHost } from '../../workflow/io-host.ts';
import type { LeaseHolderProbe } from '../../workflow/jobs/index.ts';
import type { CliContext } from '../cli-io.ts';
import { UsageError } from '../usage-error.ts';
import { progressOutput } from '../output/progress-output.ts';
import type { Runtime } from '../runtime.ts';
import { openCommandRuntime } from './command-runtime.ts';
import { readDecisionFile } from './plan.ts';
import { heldElsewhere } from './unfinished-job.ts';
import { crashAfterStep } from '../crash-point.ts';
import { waitingScheduler } from '../waiting-scheduler.ts';

/**
 * `efs-encrypt build`: the CLI twin of the Slack Review build / Build buttons. The dry run prints
 * the exact calls per file system; the build queues the same durable jobs the bot runs and runs
 * them in this process, resuming any unfinished build in the store first.
 */

interface BuildOptions {
  dryRun?: boolean;
  all?: boolean;
  estate?: string;
  demo?: boolean;
  decisions?: string;
  actor?: string;
  quiet?: boolean;
}

/** Builds that did not reach target_ready, each with its cause (its error, or who holds its job). */
export class BuildFailedError extends EfsEncryptError {
  constructor(readonly failed: { fileSystemId: string; reason: string }[]) {
    super(
      ErrorCode.AwsCallFailed,
      `${failed.length} build(s) did not finish:\n${failed.map((f) => `  ${f.fileSystemId}: ${f.reason}`).join('\n')}\nRun the build again once the cause is fixed: it resumes from the last completed step.`,
    );
  }
}

/** Why a build is not target_ready: its recorded error, its job's, or who holds its job. */
function whyNotBuilt(status: BuildStatus, holders: LeaseHolderProbe, now: Date): string {
  const e = status.lastError ?? status.job?.lastError;
  if (e) return `${status.state}: ${e.code}: ${e.message}`;
  const held = heldElsewhere(status.job, holders, now);
  if (held) return `${status.state}: ${held}`;
  if (!status.job) return `${status.state}: no build job was queued (only a decided file system is built)`;
  return `${status.state}: its job ${status.job.jobId} is ${status.job.status}`;
}

/** File system IDs (or full migration IDs) to the stored migrations they name. */
export function resolveMigrations(
  all: MigrationRecord[],
  refs: string[],
  everyDecided: boolean,
): MigrationRecord[] {
  if (everyDecided) return all.filter((m) => m.state === 'decided' || m.state === 'target_creating');
  const problems: string[] = [];
  const picked = refs.flatMap((ref) => {
    const matches = all.filter((m) => m.id === ref || m.fileSystemId === ref);
    if (matches.length === 1) return matches;
    problems.push(
      matches.length === 0
        ? `${ref}: no migration for this file system; scan and decide it first (efs-encrypt plan)`
        : `${ref}: in several accounts or regions; give the migration ID (${matches.map((m) => m.id).join(', ')})`,
    );
    return [];
  });
  if (problems.length) throw new BadInputError(problems.join('\n'));
  return picked;
}

export function registerBuild(program: Command, ctx: CliContext): void {
  program
    .command('build')
    .description(
      'Build the encrypted twins of decided file systems (file system, mount targets, access points, policies)',
    )
    .argument('[fs-id...]', 'file system IDs (or migration IDs FS#account#region#fs-id) to build')
    .option(
      '--dry-run',
      'print the exact AWS calls per file system and what differs from the source; change nothing',
    )
    .option('--all', 'every decided file system')
    .addOption(
      new Option('--estate <file>', 'run against a local estate file served in this process').conflicts(
        'demo',
      ),
    )
    .option('--demo', 'run against the bundled sample estate')
    .option('--decisions <file>', 'record this decision file first (as efs-encrypt plan --decisions does)')
    .option('--actor <name>', 'who builds, for the event log (default: cli:<login name>)')
    .option('-q, --quiet', 'no progress on stderr, only warnings and errors')
    .action(async (ids: string[], opts: BuildOptions) => {
      if (!opts.all && ids.length === 0) throw new UsageError('build needs file system IDs or --all.');
      if (opts.all && ids.length > 0) throw new UsageError('give either file system IDs or --all, not both.');
      const config = ctx.config();
      const actor = opts.actor ?? `cli:${userInfo().username}`;
      // Loaded on use: the build's modules are not needed at start-up for every command.
      const [
        { openBuildPhase },
        { formatBuildPlans, formatMapping },
        { createJobRunner, localLeaseHolders },
      ] = await Promise.all([
        import('../phases/build-phase.ts'),
        import('../../workflow/provision/index.ts'),
        import('../../workflow/jobs/index.ts'),
      ]);
      const runtime = await openCommandRuntime(ctx, config, opts);
      const progress = progressOutput(ctx.io, { quiet: opts.quiet });
      try {
        if (opts.decisions)
          await recordDecisions(runtime, opts.decisions, actor, (t) => ctx.io.err(t), progress);
        const phase = openBuildPhase(runtime, progress, { pollMs: config.jobs.pollMs });
        const migrations = resolveMigrations(
          await runtime.store.migrations.listMigrations(),
          ids,
          opts.all === true,
        );
        if (opts.dryRun) {
          ctx.io.out(
            formatBuildPlans(
              // A named excluded one is planned too, so the phase says why it will not be built.
              await phase.planBuild(
                migrations
                  .filter((m) => m.state === 'decided' || (!opts.all && m.state === 'excluded'))
                  .map((m) => m.id),
              ),
            ),
          );
          return;
        }
        // Decided ones are queued; a failed build is retried (a new job generation resumes it).
        const queued = [
          ...(await phase.requestBuild(
            migrations
              .filter(
                (m) => m.state !== 'failed' && m.state !== 'target_ready' && m.state !== 'target_creating',
              )
              .map((m) => m.id),
            actor,
          )),
          ...(await Promise.all(
            migrations.filter((m) => m.state === 'failed').map((m) => phase.retry(m.id, actor)),
          )),
        ];
        for (const q of queued) ctx.io.err(`${q.created ? 'Queued' : 'Already queued'}: ${q.jobId}\n`);
        // A job whose process was killed on this host is taken at once (its lease names the
        // process); one held by a live process, or by another host until its lease ends, is left.
        const holders = localLeaseHolders();
        const runner = createJobRunner({
          jobs: runtime.store.jobs,
          handlers: { build: phase.handler },
          clock: systemClock,
          scheduler: waitingScheduler,
          owner: `cli:${hostname()}:${process.pid}`,
          leaseMs: 5 * 60_000,
          holders,
          io: progress,
          afterCheckpoint: crashAfterStep(config.crashAfterStep),
        });
        await runner.resume();
        const failed: { fileSystemId: string; reason: string }[] = [];
        for (const m of migrations) {
          const status = await phase.status(m.id);
          if (status.state === 'target_ready') ctx.io.out(formatMapping(status.mapping));
          else
            failed.push({
              fileSystemId: m.fileSystemId,
              reason: whyNotBuilt(status, holders, systemClock.now()),
            });
        }
        if (failed.length) throw new BuildFailedError(failed);
      } finally {
        progress.stop();
        await runtime.close();
      }
    });
}

async function recordDecisions(
  runtime: Runtime,
  path: string,
  actor: string,
  err: (t: string) => void,
  progress: IoHost,
): Promise<void> {
  const file = await readDecisionFile(path);
  const [{ openDecidePhase }, { formatProblems }] = await Promise.all([
    import('../phases/decide-phase.ts'),
    import('../../workflow/decide/index.ts'),
  ]);
  const decide = openDecidePhase(runtime);
  try {
    if (!file.scanId && !(await runtime.store.scans.getLatestScan())) {
      err('No stored scan yet: scanning first.\n');
      await runtime.scanWorkflow(progress).run({ requestedBy: actor });
    }
    const result = await decide.workflow.record(file.choices, actor, { scanId: file.scanId });
    if (!result.ok)
      throw new BadInputError(
        `Problems in ${path}; nothing was stored or built:\n${formatProblems(result.invalid).join('\n')}`,
      );
  } finally {
    decide.directories.destroy();
  }
}
