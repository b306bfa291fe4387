import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_DETAIL_EVENTS } from '../../domain/migration.ts';
import type { CliContext } from '../cli-io.ts';
import { openCommandRuntime } from './command-runtime.ts';

/**
 * `efs-encrypt status [fs-id]`: the CLI twin of `/efs-encrypt status`. It reads the store only
 * (no AWS call, no credentials needed); `--estate`/`--demo` matter only where the store is the
 * in-memory embedded one, which then starts empty.
 */

interface StatusOptions {
  json?: boolean;
  events: number;
  estate?: string;
  demo?: boolean;
}

function eventCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number of events, 0 or more.');
  return n;
}

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      'Show where each migration stands, or everything about one file system (from the store; no AWS call)',
    )
    .argument('[fs-id]', 'file system ID (or migration ID FS#account#region#fs-id); omit for every migration')
    .option('--json', 'print the status as JSON')
    .option('--events <n>', 'audit log events to show for one file system', eventCount, DEFAULT_DETAIL_EVENTS)
    .addOption(
      new Option('--estate <file>', 'run against a local estate file served in this process').conflicts(
        'demo',
      ),
    )
    .option('--demo', 'run against the bundled sample estate')
    .action(async (ref: string | undefined, opts: StatusOptions) => {
      const config = ctx.config();
      // Loaded on use (it reaches the build and copy phases for their job kinds, and so the SDK).
      const { createStatusQuery, formatDetail, formatOverview } =
        await import('../../workflow/status/index.ts');
      const runtime = await openCommandRuntime(ctx, config, opts);
      try {
        const query = createStatusQuery({
          migrations: runtime.store.migrations,
          events: runtime.store.events,
          jobs: runtime.store.jobs,
          clock: runtime.clock,
          surface: 'cli',
        });
        const result = ref ? await query.detail(ref, { events: opts.events }) : await query.overview();
        if (opts.json) ctx.io.out(`${JSON.stringify(result, null, 2)}\n`);
        else ctx.io.out('line' in result ? formatDetail(result) : formatOverview(result));
      } finally {
        await runtime.close();
      }
    });
}
