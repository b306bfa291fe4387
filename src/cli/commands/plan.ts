import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { BadInputError } from '../../domain/errors.ts';
import { DECISION_FILE_HELP } from '../../domain/decision-file-help.ts';
import type { DecisionFile } from '../../workflow/decide/index.ts';
import type { CliContext } from '../cli-io.ts';
import { UsageError } from '../usage-error.ts';
import { progressOutput } from '../output/progress-output.ts';
import { openCommandRuntime } from './command-runtime.ts';

interface PlanOptions {
  decisions?: string;
  show?: boolean;
  scan?: string;
  estate?: string;
  demo?: boolean;
  actor?: string;
}

/** Reads and parses a decision file (its format from the extension); unreadable files say why. */
export async function readDecisionFile(path: string): Promise<DecisionFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BadInputError(
      `Cannot read the decision file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`,
      { cause: e },
    );
  }
  const { formatOf, parseDecisionFile } = await import('../../workflow/decide/index.ts');
  return parseDecisionFile(text, formatOf(path), path);
}

export function registerPlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description(
      'Apply a JSON/YAML decision file (scope, target key, method per file system), or show the plan',
    )
    .option(
      '--decisions <file>',
      'decision file to validate against the live estate and store (all or nothing)',
    )
    .option('--show', 'print every decision, exclusion and what still needs a decision')
    .option(
      '--scan <scan-id>',
      "only the file systems of this scan (default: the file's scanId, else each account and region as its newest scan saw it)",
    )
    .addOption(
      new Option('--estate <file>', 'run against a local estate file served in this process').conflicts(
        'demo',
      ),
    )
    .option('--demo', 'run against the bundled sample estate')
    .option('--actor <name>', 'who decides, for the event log (default: cli:<login name>)')
    .addHelpText(
      'after',
      `\nWith no stored scan (e.g. the in-memory embedded store), plan scans first.\n\n${DECISION_FILE_HELP}\n`,
    )
    .action(async (opts: PlanOptions) => {
      if (!opts.decisions && !opts.show)
        throw new UsageError('plan needs --decisions FILE, --show, or both.');
      const file = opts.decisions ? await readDecisionFile(opts.decisions) : undefined;
      const config = ctx.config();
      // Loaded on use (the decide workflow, YAML): not at start-up for every command.
      const [{ openDecidePhase }, { formatPlanSummary, formatProblems, formatRecorded }] = await Promise.all([
        import('../phases/decide-phase.ts'),
        import('../../workflow/decide/index.ts'),
      ]);
      const runtime = await openCommandRuntime(ctx, config, opts);
      const phase = openDecidePhase(runtime);
      try {
        const scanId = opts.scan ?? file?.scanId;
        if (!scanId && !(await runtime.store.scans.getLatestScan())) {
          ctx.io.err('No stored scan yet: scanning first.\n');
          const progress = progressOutput(ctx.io);
          await runtime
            .scanWorkflow(progress)
            .run({ requestedBy: 'cli' })
            .finally(() => progress.stop());
        }
        if (file) {
          const actor = opts.actor ?? `cli:${userInfo().username}`;
          const result = await phase.workflow.record(file.choices, actor, { scanId });
          if (!result.ok) {
            const problems = formatProblems(result.invalid);
            throw new BadInputError(
              `${problems.length} problem(s) in ${opts.decisions}; nothing was stored:\n${problems.join('\n')}`,
            );
          }
          for (const r of result.recorded) ctx.io.out(`${formatRecorded(r)}\n`);
        }
        if (opts.show) ctx.io.out(formatPlanSummary(await phase.workflow.summary({ scanId })));
      } finally {
        phase.directories.destroy();
        await runtime.close();
      }
    });
}
