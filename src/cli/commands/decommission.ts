import { hostname, userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { UsageError } from '../usage-error.ts';
import { progressOutput } from '../output/progress-output.ts';
import { openCommandRuntime } from './command-runtime.ts';
import { crashAfterStep } from '../crash-point.ts';
import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import { waitingScheduler } from '../waiting-scheduler.ts';

/**
 * `efs-encrypt decommission`: the CLI twin of the Slack Decommission… button. `check` reads every
 * guard (read only); `decommission FS_ID --confirm FS_ID` re-checks them, takes the backup and
 * deletes the source in order as a durable job run in this process; `log` prints the
 * decommissioning log from the store. Heavy modules load inside the actions (--help stays fast).
 */

interface EstateOpts {
  estate?: string;
  demo?: boolean;
}
interface RunOptions extends EstateOpts {
  confirm?: string;
  dryRun?: boolean;
  actor?: string;
  quiet?: boolean;
}

export class DecommissionFailedError extends EfsEncryptError {
  constructor(fileSystemId: string, reason: string) {
    super(
      ErrorCode.AwsCallFailed,
      `${fileSystemId} was not decommissioned: ${reason}\nIt stays decommission_pending; run the same command again to retry (it resumes at the step it stopped).`,
    );
  }
}

const estateOptions = (c: Command) =>
  c
    .addOption(
      new Option('--estate <file>', 'run against a local estate file served in this process').conflicts(
        'demo',
      ),
    )
    .option('--demo', 'run against the bundled sample estate');

export function registerDecommission(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('decommission')
    .description(
      'Delete the unencrypted source of a cut over migration, after every guard passes and a backup (admins)',
    )
    .argument('[fs-id]', 'the source file system ID (or migration ID)')
    .option('--confirm <fs-id>', 'type the same file system ID to confirm the deletion')
    .option('--dry-run', 'print the guards and the exact calls; delete nothing')
    .option('--actor <name>', 'who confirms, for the log (default: cli:<login name>)')
    .option('-q, --quiet', 'no progress on stderr, only warnings and errors');
  estateOptions(cmd);
  cmd.action(async (ref: string | undefined, opts: RunOptions) => {
    if (!ref) throw new UsageError('decommission needs a file system ID (or: decommission check|log).');
    if (!opts.dryRun && opts.confirm === undefined)
      throw new UsageError(
        `decommission deletes ${ref}: confirm with --confirm ${ref} (or look first with --dry-run).`,
      );
    if (opts.confirm !== undefined && opts.confirm.trim() !== ref)
      throw new UsageError(
        `--confirm must repeat the same file system ID (${ref}); "${opts.confirm}" was given. Nothing was deleted.`,
      );
    const config = ctx.config();
    const actor = opts.actor ?? `cli:${userInfo().username}`;
    const [{ openDecommissionPhase }, text, { formatGuards }, { createJobRunner, localLeaseHolders }] =
      await Promise.all([
        import('../phases/decommission-phase.ts'),
        import('../../workflow/decommission/index.ts'),
        import('../../domain/decommission.ts'),
        import('../../workflow/jobs/index.ts'),
      ]);
    const runtime = await openCommandRuntime(ctx, config, opts);
    const progress = progressOutput(ctx.io, { quiet: opts.quiet });
    try {
      const { phase, close } = openDecommissionPhase(runtime, progress, { pollMs: config.jobs.pollMs });
      try {
        const migration = await phase.resolve(ref);
        if (opts.dryRun) {
          const check = await phase.check(migration.id, opts.confirm);
          ctx.io.out(`${formatGuards(check.guards)}\n\n`);
          ctx.io.out(text.formatDeletionCalls(migration.fileSystemId, await phase.plan(migration.id)));
          return;
        }
        const queued = await phase.request(migration.id, actor, opts.confirm!);
        ctx.io.err(`${queued.created ? 'Queued' : 'Already queued'}: ${queued.jobId}\n`);
        const runner = createJobRunner({
          jobs: runtime.store.jobs,
          handlers: { decommission: phase.handler },
          clock: runtime.clock,
          scheduler: waitingScheduler,
          owner: `cli:${hostname()}:${process.pid}`,
          leaseMs: 5 * 60_000,
          holders: localLeaseHolders(),
          io: progress,
          // Test-only (EFS_ENCRYPT_TEST_HOOKS=1): the crash-point sweep's kill after each step.
          afterCheckpoint: crashAfterStep(config.crashAfterStep),
        });
        await runner.resume();
        const [entry] = await phase.log(migration.id);
        if (entry?.state !== 'decommissioned') {
          const job = await phase.latestJob(migration.id);
          const e = job?.lastError;
          throw new DecommissionFailedError(
            migration.fileSystemId,
            e
              ? `${e.code}: ${e.message}${e.awsRequestId ? ` (AWS request ID ${e.awsRequestId})` : ''}`
              : `its job is ${job?.status ?? 'missing'}`,
          );
        }
        ctx.io.out(text.formatDecommissionLog([entry]));
      } finally {
        close();
      }
    } finally {
      progress.stop();
      await runtime.close();
    }
  });

  estateOptions(
    cmd
      .command('check')
      .description('Read every decommission guard for a file system, with the figures read (read only)')
      .argument('<fs-id>', 'the source file system ID (or migration ID)')
      .option('--json', 'print the guards as JSON'),
  ).action(async (ref: string, opts: EstateOpts & { json?: boolean }) => {
    const config = ctx.config();
    const [{ openDecommissionPhase }, { formatGuards }, { silentIoHost }] = await Promise.all([
      import('../phases/decommission-phase.ts'),
      import('../../domain/decommission.ts'),
      import('../../workflow/io-host.ts'),
    ]);
    const runtime = await openCommandRuntime(ctx, config, opts);
    try {
      const { phase, close } = openDecommissionPhase(runtime, silentIoHost);
      try {
        const check = await phase.check((await phase.resolve(ref)).id);
        if (opts.json) ctx.io.out(`${JSON.stringify(check.guards, null, 2)}\n`);
        else
          ctx.io.out(
            `${formatGuards(check.guards)}\n${check.ready ? `Ready: confirm with efs-encrypt decommission ${check.migration.fileSystemId} --confirm ${check.migration.fileSystemId}` : 'Not ready: see the failed guards above.'}\n`,
          );
      } finally {
        close();
      }
    } finally {
      await runtime.close();
    }
  });

  estateOptions(
    cmd
      .command('log')
      .description('Print the decommissioning log (from the store; no AWS call)')
      .argument('[fs-id]', 'only this file system')
      .addOption(new Option('--json', 'as JSON').conflicts('csv'))
      .option('--csv', 'as CSV, one row per deletion step'),
  ).action(async (ref: string | undefined, opts: EstateOpts & { json?: boolean; csv?: boolean }) => {
    const config = ctx.config();
    const [{ readDecommissionLog, formatDecommissionLog }, { decommissionLogCsv }] = await Promise.all([
      import('../../workflow/decommission/index.ts'),
      import('../../domain/decommission.ts'),
    ]);
    const runtime = await openCommandRuntime(ctx, config, opts);
    try {
      const entries = await readDecommissionLog(runtime.store, ref);
      if (opts.json) ctx.io.out(`${JSON.stringify(entries, null, 2)}\n`);
      else if (opts.csv) ctx.io.out(decommissionLogCsv(entries));
      else ctx.io.out(formatDecommissionLog(entries));
    } finally {
      await runtime.close();
    }
  });
}
