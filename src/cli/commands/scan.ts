import { keepHeapNearLive } from '../batch-heap.ts';
import { Option, type Command } from 'commander';
import { counted, writeInventoryStream } from '../output/write-inventory.ts';
import { parseScanScope } from '../../domain/scan-scope.ts';
import type { CliContext } from '../cli-io.ts';
import { InternalError } from '../../domain/errors.ts';
import type { FileSystemRecord, ScanRecord } from '../../domain/inventory.ts';
import { inventoryCsvPieces, inventoryJsonPieces } from '../../domain/inventory-export.ts';
import { scanSummaryTextBuilder } from '../output/scan-summary-text.ts';
import { progressOutput } from '../output/progress-output.ts';

interface ScanOptions {
  json?: boolean;
  csv?: boolean;
  out?: string;
  estate?: string;
  demo?: boolean;
  quiet?: boolean;
}

export function registerScan(program: Command, ctx: CliContext): void {
  program
    .command('scan')
    .description('Inventory every EFS file system in the configured accounts and regions')
    .argument('[scope...]', 'only these of the configured account IDs and regions (default: all of them)')
    .addOption(
      new Option('--json', 'print the full stored record (one object per file system)').conflicts('csv'),
    )
    .addOption(new Option('--csv', 'print one CSV row per file system').conflicts('json'))
    .option('--out <file>', 'write the output to a file instead of stdout')
    .addOption(
      new Option('--estate <file>', 'scan a local estate file served in this process').conflicts('demo'),
    )
    .option('--demo', 'scan the bundled sample estate')
    .option('-q, --quiet', 'no progress on stderr, only warnings and errors')
    .addHelpText(
      'after',
      '\nWithout --estate or --demo it scans real AWS: EFS_ENCRYPT_ACCOUNTS through EFS_ENCRYPT_ROLE_NAME in\n' +
        "EFS_ENCRYPT_REGIONS, with the SDK's usual credentials. With an estate, the estate's accounts and regions\n" +
        'are scanned unless those settings name others. The scan is stored (EFS_ENCRYPT_TABLE or the embedded store).\n',
    )
    .action(async (scopeArgs: string[], opts: ScanOptions) => {
      // Checked before anything starts: a typo must not turn into a scan of everything.
      const scope = parseScanScope(scopeArgs);
      const config = ctx.config();
      keepHeapNearLive();
      // Loaded on use: the SDK and the store are not needed at start-up for every command.
      const [{ createLogger }, { openRuntime }] = await Promise.all([
        import('../logger.ts'),
        import('../runtime.ts'),
      ]);
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
      const runtime = await openRuntime({
        config,
        env: ctx.io.env,
        logger,
        estate: opts.estate || opts.demo ? { file: opts.estate, demo: opts.demo } : undefined,
      });
      try {
        const progress = progressOutput(ctx.io, { quiet: opts.quiet });
        // Each pair's file systems go to the store as it finishes; the output is then streamed
        // back from the store, so the inventory is never held whole (let alone twice).
        const summary = await runtime
          .scanWorkflow(progress)
          .runStored({ requestedBy: 'cli', ...scope })
          .finally(() => progress.stop());
        const stored = await runtime.store.scans.openScan(summary.scanId);
        if (!stored) throw new InternalError(`scan ${summary.scanId} finished but is not in the store`);
        const { items, count } = counted(stored.fileSystems());
        const { failures, stats, ...head } = summary;
        const pieces = opts.json
          ? inventoryJsonPieces({ ...head, fileSystems: 'streamed', failures, stats }, items)
          : opts.csv
            ? inventoryCsvPieces(items)
            : summaryPieces(summary, items);
        await writeInventoryStream(ctx.io, summary.scanId, pieces, count, opts.out);
      } finally {
        await runtime.close();
      }
    });
}

/** The summary text, once every file system has been read. */
async function* summaryPieces(
  summary: Omit<ScanRecord, 'fileSystems'>,
  fileSystems: AsyncIterable<FileSystemRecord>,
): AsyncGenerator<string> {
  const text = scanSummaryTextBuilder();
  for await (const fs of fileSystems) text.add(fs);
  yield text.render(summary);
}
