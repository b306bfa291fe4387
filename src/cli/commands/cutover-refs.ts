import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import type { CliContext } from '../cli-io.ts';
import { openCommandRuntime } from './command-runtime.ts';
import { resolveMigrations } from './build.ts';

/** Some service could not be read: the report was printed and stored, but it is not whole (exit 1). */
export class ConsumerReportIncompleteError extends EfsEncryptError {
  constructor(fileSystemId: string, unreadable: string[]) {
    super(
      ErrorCode.AwsCallFailed,
      `The consumer report of ${fileSystemId} is incomplete: could not read ${unreadable.join(', ')}. ` +
        'Grant the read permissions the README lists (Cut over: find consumers) and run it again.',
    );
  }
}

interface RefsOptions {
  estate?: string;
  demo?: boolean;
  json?: boolean;
  actor?: string;
}

/**
 * `efs-encrypt cutover refs FS_ID [--json]`: asks ECS, Lambda, EC2 and Auto Scaling now who
 * mounts the source, stores the report in the migration and prints it (the thread's Find
 * consumers button does the same). An unreadable service is printed and makes the exit code 1:
 * the report is then incomplete, and nobody should act on it as if it were whole.
 */
export function registerCutoverRefs(cutover: Command, ctx: CliContext): void {
  cutover
    .command('refs')
    .description(
      "Find every consumer of a migration's source file system (ECS, Lambda, launch templates, Auto Scaling) and what to check by hand",
    )
    .argument('<fs-id>', 'source file system ID (or migration ID FS#account#region#fs-id)')
    .option('--json', 'print the report as JSON')
    .addOption(
      new Option('--estate <file>', 'run against a local estate file served in this process').conflicts(
        'demo',
      ),
    )
    .option('--demo', 'run against the bundled sample estate')
    .option('--actor <name>', 'who asks, for the event log (default: cli:<login name>)')
    .action(async (ref: string, opts: RefsOptions) => {
      const config = ctx.config();
      const actor = opts.actor ?? `cli:${userInfo().username}`;
      // Loaded on use: the four SDK clients and the discovery are not needed at start-up.
      const [{ openConsumerDiscovery }, { formatConsumerReport }] = await Promise.all([
        import('../phases/consumers-phase.ts'),
        import('../../workflow/consumers/index.ts'),
      ]);
      const runtime = await openCommandRuntime(ctx, config, opts);
      const { discovery, close } = openConsumerDiscovery(runtime);
      try {
        const [migration] = resolveMigrations(await runtime.store.migrations.listMigrations(), [ref], false);
        const report = await discovery.discoverConsumers(migration!.id, { actor });
        const snapshot = await runtime.store.migrations.getSnapshot(migration!.id);
        ctx.io.out(
          opts.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : formatConsumerReport(report, snapshot?.fileSystem.tags ?? {}),
        );
        if (report.unreadable.length > 0)
          throw new ConsumerReportIncompleteError(
            migration!.fileSystemId,
            report.unreadable.map((u) => `${u.service}:${u.operation} (${u.code})`),
          );
      } finally {
        close();
        await runtime.close();
      }
    });
}
