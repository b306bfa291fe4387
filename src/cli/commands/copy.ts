import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { clientCheckLine, type ClientCheck } from '../../domain/client-activity.ts';
import { systemClock } from '../../domain/clock.ts';
import type { CopyKind } from '../../domain/copy.ts';
import { BadInputError, EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { QueuedCopy } from '../../workflow/copy/index.ts';
import type { CliContext } from '../cli-io.ts';
import { UsageError } from '../usage-error.ts';
import { progressOutput } from '../output/progress-output.ts';
import { openCommandRuntime } from './command-runtime.ts';
import { resolveMigrations } from './build.ts';
import { heldElsewhere } from './unfinished-job.ts';
import { crashAfterStep } from '../crash-point.ts';
import { waitingScheduler } from '../waiting-scheduler.ts';

/**
 * `efs-encrypt copy start|sync|final|status|record|retry|runbook <fs-id>`: the CLI twin of the
 * thread's Start copy, Sync again, Final sync, Initial copy done / Final sync done (rsync), Retry
 * and Post runbook buttons. Jobs are the same durable `copy` jobs the bot runs; this process runs them to the end,
 * printing progress on stderr.
 */

interface CopyOptions {
  estate?: string;
  demo?: boolean;
  dryRun?: boolean;
  writesStoppedAt?: string;
  pass?: 'initial' | 'final';
  summary?: string;
  actor?: string;
  out?: string;
  force?: boolean;
  quiet?: boolean;
}

export class CopyFailedError extends EfsEncryptError {
  constructor(fileSystemId: string, reason: string) {
    super(
      ErrorCode.AwsCallFailed,
      `The copy of ${fileSystemId} did not finish: ${reason}. Fix the cause, then run efs-encrypt copy retry ${fileSystemId}.`,
    );
  }
}

/** The copy job is held by another live process (or another host's runner): this one did not run it. */
export class CopyHeldElsewhereError extends EfsEncryptError {
  constructor(fileSystemId: string, held: string) {
    super(ErrorCode.VersionConflict, `The copy of ${fileSystemId} runs elsewhere: ${held}.`);
  }
}

/** A verify.sh summary that lists differences: recorded, but the copy is not verified (exit 1). */
export class VerificationDiffersError extends EfsEncryptError {
  constructor(fileSystemId: string, differences: number) {
    super(
      ErrorCode.BadInput,
      `${fileSystemId} is not verified: verify.sh found ${differences} difference(s) (listed above). Run the final pass again with writes stopped, generate the runbook again, and record the summary of its verify.sh.`,
    );
  }
}

const ACTIONS = ['start', 'sync', 'final', 'status', 'record', 'retry', 'runbook'] as const;
type Action = (typeof ACTIONS)[number];
const KIND_OF: Partial<Record<Action, CopyKind>> = { start: 'initial', sync: 'incremental', final: 'final' };

export function registerCopy(program: Command, ctx: CliContext): void {
  program
    .command('copy')
    .description(
      "Copy a built twin's data (DataSync, EFS replication) or record an EC2 + rsync pass, and show its status",
    )
    .addArgument(
      program
        .createArgument('<action>', 'start | sync | final | status | record | retry | runbook')
        .choices(ACTIONS),
    )
    .argument('<fs-id>', 'file system ID (or migration ID FS#account#region#fs-id)')
    .option('--dry-run', 'print the exact AWS calls the copy would make; change nothing')
    .option(
      '--writes-stopped-at <time>',
      'final sync by replication: when writes to the source stopped (ISO 8601, or "now")',
    )
    .option(
      '--force',
      'final sync (and record --pass final): go on although CloudWatch saw clients connected to the source in the last 15 min',
    )
    .addOption(new Option('--pass <pass>', 'record: which rsync pass finished').choices(['initial', 'final']))
    .option('--summary <file>', 'record: the verification summary verify.sh wrote')
    .option(
      '--out <dir>',
      'runbook: write the EC2 + rsync runbook and its scripts (executable) into this directory (default: print the runbook)',
    )
    .addOption(
      new Option('--estate <file>', 'run against a local estate file served in this process').conflicts(
        'demo',
      ),
    )
    .option('--demo', 'run against the bundled sample estate')
    .option('--actor <name>', 'who copies, for the event log (default: cli:<login name>)')
    .option('-q, --quiet', 'no progress on stderr, only warnings and errors')
    .action(async (action: Action, ref: string, opts: CopyOptions) => {
      const config = ctx.config();
      const actor = opts.actor ?? `cli:${userInfo().username}`;
      const summaryText = opts.summary ? await readSummary(opts.summary) : undefined;
      // Loaded on use: DataSync, EC2 and the copy's modules are not needed at start-up.
      const [
        { openCopyPhase },
        { formatCopyPlan, formatCopyStatus },
        { rsyncRunbookFor },
        { createJobRunner, localLeaseHolders },
        { writeRunbookFiles },
        { createStatusQuery },
      ] = await Promise.all([
        import('../phases/copy-phase.ts'),
        import('../../workflow/copy/index.ts'),
        import('../../workflow/copy/rsync/index.ts'),
        import('../../workflow/jobs/index.ts'),
        import('./copy-runbook.ts'),
        import('../../workflow/status/index.ts'),
      ]);
      const runtime = await openCommandRuntime(ctx, config, opts);
      // record prints its result on stdout; its notifications say the same, so they stay silent.
      const progress = progressOutput(ctx.io, { quiet: opts.quiet || action === 'record' });
      const { phase, close } = openCopyPhase(runtime, progress, { pollMs: config.jobs.pollMs });
      const nextStep = async (migrationId: string) =>
        (
          await createStatusQuery({
            migrations: runtime.store.migrations,
            events: runtime.store.events,
            jobs: runtime.store.jobs,
            clock: runtime.clock,
            surface: 'cli',
          }).detail(migrationId, { events: 0 })
        ).next;
      try {
        const [migration] = resolveMigrations(await runtime.store.migrations.listMigrations(), [ref], false);
        const id = migration!.id;
        const kind = KIND_OF[action];
        if (opts.dryRun) {
          if (!kind) throw new UsageError(`--dry-run applies to start, sync and final, not ${action}.`);
          ctx.io.out(formatCopyPlan(migration!.fileSystemId, kind, await phase.plan(id, kind)));
          return;
        }
        if (action === 'runbook') {
          // The same document the thread's Post runbook uploads (rsyncRunbookFor). It stores the
          // new nonce its verify.sh is bound to, and refuses a file system decided for another
          // method, with what to change.
          const runbook = await rsyncRunbookFor(runtime, id, actor);
          if (!opts.out) {
            ctx.io.out(runbook.markdown.endsWith('\n') ? runbook.markdown : `${runbook.markdown}\n`);
            return;
          }
          const written = await writeRunbookFiles(runbook, opts.out);
          ctx.io.out(`${written.map((p) => `wrote ${p}`).join('\n')}\n`);
          return;
        }
        if (action === 'status') {
          ctx.io.out(formatCopyStatus(await phase.status(id), await nextStep(id)));
          return;
        }
        if (action === 'record') {
          if (!opts.pass)
            throw new UsageError(
              'record needs --pass initial|final (and --summary FILE for the final pass).',
            );
          const recorded = await cliGate(() =>
            phase.recordRsyncStatus(id, actor, {
              pass: opts.pass!,
              ...(summaryText ? { summaryText } : {}),
              clientsAcknowledged: opts.force === true,
            }),
          );
          if (recorded.clientCheck) ctx.io.err(clientCheckText(recorded.clientCheck));
          ctx.io.out(`${recorded.message}\n`);
          // Recorded, but it proves nothing: a script must not carry on as if the copy were verified.
          if (recorded.summary && !recorded.summary.clean)
            throw new VerificationDiffersError(migration!.fileSystemId, recorded.summary.differences);
          return;
        }
        let queued: QueuedCopy;
        const confirmation = { clientsAcknowledged: opts.force === true };
        if (action === 'retry') queued = await phase.retry(id, actor);
        else if (kind === 'final' && opts.writesStoppedAt) {
          const t0 = parseTime(opts.writesStoppedAt);
          queued = await cliGate(() => phase.confirmWritesStopped(id, actor, t0, confirmation));
        } else if (kind === 'final')
          queued = await cliGate(() => phase.startCopy(id, actor, { kind: 'final', ...confirmation }));
        else queued = await phase.startCopy(id, actor, { kind: kind! });
        if (queued.clientCheck) ctx.io.err(clientCheckText(queued.clientCheck));
        ctx.io.err(`${queued.created ? 'Queued' : 'Already queued'}: ${queued.jobId}\n`);
        // A copy job whose process was killed on this host is taken at once (its lease names the
        // process): running the same command again resumes it.
        const holders = localLeaseHolders();
        const runner = createJobRunner({
          jobs: runtime.store.jobs,
          handlers: { copy: phase.handler },
          clock: systemClock,
          scheduler: waitingScheduler,
          owner: `cli:${hostname()}:${process.pid}`,
          leaseMs: 5 * 60_000,
          holders,
          io: progress,
          afterCheckpoint: crashAfterStep(config.crashAfterStep),
        });
        await runner.runJob(queued.jobId);
        await runner.resume();
        const status = await phase.status(id);
        ctx.io.out(formatCopyStatus(status, await nextStep(id)));
        if (status.state === 'failed')
          throw new CopyFailedError(
            migration!.fileSystemId,
            status.lastError?.message ?? status.job?.lastError?.message ?? 'its copy job failed',
          );
        const held = heldElsewhere(await runtime.store.jobs.getJob(queued.jobId), holders, systemClock.now());
        if (held) throw new CopyHeldElsewhereError(migration!.fileSystemId, held);
      } finally {
        progress.stop();
        close();
        await runtime.close();
      }
    });
}

/** The final-sync refusal in the CLI's words: the flag that goes on anyway. */
async function cliGate<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (e) {
    // Loaded here, not at start-up: the copy workflow is loaded by the command already.
    const { ClientsStillConnectedError } = await import('../../workflow/copy/index.ts');
    if (e instanceof ClientsStillConnectedError)
      throw new ClientsStillConnectedError(
        e.check,
        'Stop the clients first, or run again with --force to go on anyway.',
      );
    throw e;
  }
}

function clientCheckText(check: ClientCheck): string {
  return `${check.status === 'quiet' ? '' : 'warning: '}${clientCheckLine(check)}\n`;
}

function parseTime(text: string): Date {
  const t = text === 'now' ? new Date() : new Date(text);
  if (Number.isNaN(t.getTime()))
    throw new BadInputError(
      `--writes-stopped-at "${text}" is not a time; give ISO 8601 (2026-06-01T09:00:00Z) or "now".`,
    );
  return t;
}

async function readSummary(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new BadInputError(
      `Cannot read the summary file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`,
      { cause: e },
    );
  }
}
