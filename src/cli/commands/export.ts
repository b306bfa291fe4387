import { Option, type Command } from 'commander';
import { counted, writeInventoryStream } from '../output/write-inventory.ts';
import { inventoryCsvPieces, inventoryJsonPieces } from '../../domain/inventory-export.ts';
import type { CliContext } from '../cli-io.ts';
import { openCommandRuntime } from './command-runtime.ts';

/**
 * `efs-encrypt export [scan-id]`: a stored scan's inventory, without scanning again (the CLI twin
 * of `/efs-encrypt export` and the Export button). `--list` shows the stored scans to pick from.
 */

interface ExportOptions {
  json?: boolean;
  csv?: boolean;
  out?: string;
  list?: boolean;
}

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('Print or write the inventory of a stored scan (default: the latest) as CSV or JSON')
    .argument('[scan-id]', 'the scan to export (see --list); omit for the latest')
    .addOption(new Option('--csv', 'one CSV row per file system (the default)').conflicts('json'))
    .addOption(new Option('--json', 'the full stored record (one object per file system)').conflicts('csv'))
    .option('--out <file>', 'write the output to a file instead of stdout')
    .addOption(
      new Option('--list', 'list the stored scans, newest first, instead').conflicts(['json', 'out']),
    )
    .action(async (scanId: string | undefined, opts: ExportOptions) => {
      const config = ctx.config();
      const { findStoredScan } = await import('../../workflow/scan/index.ts');
      const runtime = await openCommandRuntime(ctx, config, {});
      try {
        const scans = runtime.store.scans;
        if (opts.list) {
          const listed = await scans.listScans();
          if (listed.length === 0) ctx.io.out('No stored scans. Run `efs-encrypt scan` first.\n');
          for (const s of listed)
            ctx.io.out(
              `${s.scanId}  ${s.finishedAt}  ${s.stats.fileSystems} file system(s), ${s.stats.unencrypted} unencrypted, ` +
                `${s.failures.length} failure(s)${s.requestedBy ? `, by ${s.requestedBy}` : ''}\n`,
            );
          return;
        }
        // Streamed from the store: a large inventory is never held whole.
        const stored = await findStoredScan(scans, scanId);
        const { items, count } = counted(stored.fileSystems());
        const pieces = opts.json
          ? inventoryJsonPieces({ ...stored.summary, fileSystems: 'streamed' }, items)
          : inventoryCsvPieces(items);
        await writeInventoryStream(ctx.io, stored.summary.scanId, pieces, count, opts.out);
      } finally {
        await runtime.close();
      }
    });
}
