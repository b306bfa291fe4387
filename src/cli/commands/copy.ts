import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { systemClock } from '../../domain/clock.ts';
import type { CopyKind } from '../../domain/copy.ts';
import { BadInputError, EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { QueuedCopy } from '../../workflow/copy/index.ts';
import type { Scheduler } from '../../workflow/jobs/index.ts';
import type { CliContext } from '../cli-io.ts';
import { progressOutput } from '../output/progress-output.ts';
import { openCommandRuntime } from './command-runtime.ts';
import { resolveMigrations } from './build.ts';

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
  quiet?: boolean;
}

/** Real timers, kept referenced: a copy being polled must keep the process alive. */
const waitingScheduler: Scheduler = {
  schedule(delayMs, fn) {
    const timer = setTimeout(fn, delayMs);
    return () => clearTimeout(timer);
  },
};

export class CopyFailedError extends EfsEncryptError {
  constructor(fileSystemId: string, reason: string) {
    super(
      ErrorCode.AwsCallFailed,
      `The copy of ${fileSystemId} did not finish: ${reason}. Fix the cause, then run efs-encrypt copy retry ${fileSystemId}.`,
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
        { createJobRunner },
        { writeRunbookFiles },
      ] = await Promise.all([
        import('../phases/copy-phase.ts'),
        import('../../workflow/copy/index.ts'),
        import('../../workflow/copy/rsync/index.ts'),
        import('../../workflow/jobs/index.ts'),
        import('./copy-runbook.ts'),
      ]);
      const runtime = await openCommandRuntime(ctx, config, opts);
      const progress = progressOutput(ctx.io, { quiet: opts.quiet });
      const { phase, close } = openCopyPhase(runtime, progress);
      try {
        const [migration] = resolveMigrations(await runtime.store.migrations.listMigrations(), [ref], false);
        const id = migration!.id;
        const kind = KIND_OF[action];
        if (opts.dryRun) {
          if (!kind) throw new BadInputError(`--dry-run applies to start, sync and final, not ${action}.`);
          ctx.io.out(formatCopyPlan(migration!.fileSystemId, kind, await phase.plan(id, kind)));
          return;
        }
        if (action === 'runbook') {
          // The same document the thread's Post runbook uploads (rsyncRunbookFor); reads only.
          // It refuses a file system decided for another method, with what to change.
          const runbook = await rsyncRunbookFor(runtime, id);
          if (!opts.out) {
            ctx.io.out(runbook.markdown.endsWith('\n') ? runbook.markdown : `${runbook.markdown}\n`);
            return;
          }
          const written = await writeRunbookFiles(runbook, opts.out);
          ctx.io.out(`${written.map((p) => `wrote ${p}`).join('\n')}\n`);
          return;
        }
        if (action === 'status') {
          ctx.io.out(formatCopyStatus(await phase.status(id)));
          return;
        }
        if (action === 'record') {
          if (!opts.pass)
            throw new BadInputError(
              'record needs --pass initial|final (and --summary FILE for the final pass).',
            );
          ctx.io.out(
            `${(await phase.recordRsyncStatus(id, actor, { pass: opts.pass, ...(summaryText ? { summaryText } : {}) })).message}\n`,
          );
          return;
        }
        let queued: QueuedCopy;
        if (action === 'retry') queued = await phase.retry(id, actor);
        else if (kind === 'final' && opts.writesStoppedAt)
          queued = await phase.confirmWritesStopped(id, actor, parseTime(opts.writesStoppedAt));
        else queued = await phase.startCopy(id, actor, { kind: kind! });
        ctx.io.err(`${queued.created ? 'Queued' : 'Already queued'}: ${queued.jobId}\n`);
        const runner = createJobRunner({
          jobs: runtime.store.jobs,
          handlers: { copy: phase.handler },
          clock: systemClock,
          scheduler: waitingScheduler,
          owner: `cli:${hostname()}:${process.pid}`,
          leaseMs: 5 * 60_000,
        });
        await runner.runJob(queued.jobId);
        await runner.resume();
        const status = await phase.status(id);
        ctx.io.out(formatCopyStatus(status));
        if (status.state === 'failed')
          throw new CopyFailedError(migration!.fileSystemId, status.lastError?.message ?? 'see above');
      } finally {
        progress.stop();
        close();
        await runtime.close();
      }
    });
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
