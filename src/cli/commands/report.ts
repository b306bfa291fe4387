import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import { UsageError } from '../usage-error.ts';
import { openCommandRuntime } from './command-runtime.ts';

/**
 * `efs-encrypt report`: the validation report (issue 16 §1). Without an ID it runs a fresh scan of
 * every configured account and region, judges it against the stored migrations and decisions,
 * stores the report and prints it; with an ID it prints a stored one; `--list` lists them.
 *
 * Exit code: 0 when the goal is met, 1 when not (or when the command fails), 2 on bad usage, so a
 * CI job can gate on it. The report goes to stdout (or --out), the "goal not met" line to stderr.
 */

interface ReportOptions {
  json?: boolean;
  csv?: boolean;
  md?: boolean;
  out?: string;
  list?: boolean;
  estate?: string;
  demo?: boolean;
  quiet?: boolean;
}

/** The goal is not met: the command did its job, and says so through its exit code (1). */
export class GoalNotMetError extends EfsEncryptError {
  constructor(line: string) {
    super(ErrorCode.GoalNotMet, line);
  }
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description(
      'Build the validation report (every file system encrypted with its intended key, or excluded); exit 1 when the goal is not met',
    )
    .argument('[report-id]', 'print this stored report instead of building a fresh one')
    .addOption(new Option('--json', 'print the report as JSON').conflicts(['csv', 'md']))
    .addOption(new Option('--csv', 'print one CSV row per file system').conflicts(['json', 'md']))
    .addOption(new Option('--md', 'print the report as Markdown').conflicts(['json', 'csv']))
    .option('--out <file>', 'write the output to a file (its SHA-256 is printed on stderr)')
    .option('--list', 'list the stored reports, newest first')
    .addOption(
      new Option('--estate <file>', 'scan a local estate file served in this process').conflicts('demo'),
    )
    .option('--demo', 'scan the bundled sample estate')
    .option('-q, --quiet', 'no progress on stderr, only warnings and errors')
    .addHelpText(
      'after',
      '\nCategories: exception (unencrypted, no decision covers it; listed first), in scope (twin encrypted with\n' +
        'the intended key ARN, key Enabled, twin available, old one deleted), excluded (reason, who), encrypted\n' +
        'not migrated (a disabled or pending-deletion key is a finding). The goal is met when there is no\n' +
        'exception, no finding and every in-scope migration is complete.\n' +
        'Exit codes: 0 goal met, 1 goal not met or the command failed, 2 bad usage or configuration.\n' +
        'Every stored report records the SHA-256 of its CSV, JSON and Markdown exports: --md/--csv/--json of a\n' +
        'stored report prints exactly those bytes.\n',
    )
    .action(async (reportId: string | undefined, opts: ReportOptions) => {
      if (opts.list && reportId)
        throw new UsageError('--list lists every report: give no report ID with it.');
      const config = ctx.config();
      // Loaded on use: the SDK, the store and the workflows are not needed for --help.
      const [{ createValidateWorkflow }, exporter, { progressOutput }] = await Promise.all([
        import('../../workflow/validate/index.ts'),
        import('../../domain/validation-export.ts'),
        import('../output/progress-output.ts'),
      ]);
      const runtime = await openCommandRuntime(ctx, config, opts);
      try {
        const progress = progressOutput(ctx.io, { quiet: opts.quiet });
        const validate = createValidateWorkflow({
          scanner: runtime.scanWorkflow(progress),
          migrations: runtime.store.migrations,
          jobs: runtime.store.jobs,
          reports: runtime.store.reports,
          signOffs: runtime.store.signOffs,
          cutovers: runtime.store.cutovers,
          clock: runtime.clock,
          surface: 'cli',
        });
        if (opts.list) {
          progress.stop();
          const reports = await validate.list(50);
          const text = reports.length
            ? reports
                .map(
                  (r) =>
                    `${r.reportId}  ${r.generatedAt}  ${r.verdict.goalMet ? 'met    ' : 'NOT MET'}  by ${r.requestedBy}  json sha256 ${r.exports.json.sha256}`,
                )
                .join('\n') + '\n'
            : 'No validation report is stored yet: run efs-encrypt report to build one.\n';
          return await write(text);
        }
        const report = reportId
          ? await validate.get(reportId)
          : await validate.run({ requestedBy: 'cli', io: progress }).finally(() => progress.stop());
        const format = opts.json ? 'json' : opts.csv ? 'csv' : opts.md ? 'md' : undefined;
        if (format) {
          const e = exporter.reportExport(report, format);
          await write(e.content);
          if (opts.out)
            ctx.io.err(`sha256 ${e.sha256}  ${opts.out} (recorded in report ${report.reportId})\n`);
        } else {
          await write(exporter.reportText(report));
          if (opts.out) ctx.io.err(`Wrote report ${report.reportId} to ${opts.out}.\n`);
        }
        if (!report.verdict.goalMet) throw new GoalNotMetError(report.verdict.line);
      } finally {
        await runtime.close();
      }

      async function write(text: string) {
        if (!opts.out) return ctx.io.out(text);
        const { writeFile } = await import('node:fs/promises');
        await writeFile(opts.out, text);
      }
    });
}
