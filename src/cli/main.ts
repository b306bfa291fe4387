import { Command, CommanderError } from 'commander';
import { ConfigError, isEfsEncryptError } from '../domain/errors.ts';
import { SETTINGS_HELP } from '../config.ts';
import { registerServe } from './commands/serve.ts';
import { registerDemo } from './commands/demo.ts';
import { registerScan } from './commands/scan.ts';
import { registerReport } from './commands/report.ts';
import { registerGuardrail } from './commands/guardrail.ts';
import { registerEstate } from './commands/estate.ts';
import { registerPlan } from './commands/plan.ts';
import { registerBuild } from './commands/build.ts';
import { registerCopy } from './commands/copy.ts';
import { registerStatus } from './commands/status.ts';
import { registerExport } from './commands/export.ts';
import { registerCutover } from './commands/cutover.ts';
import { registerDecommission } from './commands/decommission.ts';
import { registerManifest } from './commands/manifest.ts';
import { cliContext, processIo, type CliIo } from './cli-io.ts';
import { UsageError } from './usage-error.ts';

/** Exit codes: 0 ok, 1 the command failed, 2 bad configuration or usage. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;

export function buildProgram(io: CliIo): Command {
  const program = new Command()
    .name('efs-encrypt')
    .description('Find unencrypted Amazon EFS file systems and migrate them to encrypted twins, from Slack.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run efs-encrypt --help for usage)')
    .addHelpText(
      'after',
      `\nSettings (environment variables):\n${SETTINGS_HELP.map(([k, v]) => `  ${k.padEnd(30)} ${v}`).join('\n')}\n`,
    );
  const ctx = cliContext(io);
  // Every command runs on a valid configuration: a bad one stops here with exit code 2.
  program.hook('preAction', () => {
    ctx.config();
  });
  registerServe(program, ctx);
  registerDemo(program, ctx);
  registerScan(program, ctx);
  registerReport(program, ctx);
  registerGuardrail(program, ctx);
  registerEstate(program, ctx);
  registerPlan(program, ctx);
  registerBuild(program, ctx);
  registerCopy(program, ctx);
  registerStatus(program, ctx);
  registerExport(program, ctx);
  registerCutover(program, ctx);
  registerDecommission(program, ctx);
  registerManifest(program, ctx);
  return program;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with code 0.
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (e instanceof ConfigError) {
      for (const p of e.problems) io.err(`config: ${p}\n`);
      return ExitCode.Usage;
    }
    if (e instanceof UsageError) {
      io.err(`efs-encrypt: ${e.userMessage}\n(run efs-encrypt ${argv[2] ?? ''} --help for usage)\n`);
      return ExitCode.Usage;
    }
    if (isEfsEncryptError(e)) {
      io.err(`efs-encrypt: ${e.userMessage}\n`);
      return ExitCode.Failed;
    }
    io.err(`efs-encrypt: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.Failed;
  }
}
