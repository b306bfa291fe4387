import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { NotImplementedError } from '../../domain/errors.ts';
import { loadEstateFile } from '../../estate/load.ts';
import { startEstateServer, type EstateServer } from '../../estate/server.ts';
import { estateAccounts, estateRegions } from '../../estate/types.ts';
import { SAMPLE_ESTATE_PATH } from '../../estate/samples/index.ts';

export interface EstateServeOptions {
  estate: string;
  port: number;
  latencyMs?: number;
  tps?: number;
  burst?: number;
}

function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${flag} takes a number of 0 or more, not "${value}".`);
    return n;
  };
}

/** Starts the estate and prints how to point the SDK (and so the bot) at it. */
export async function serveEstate(
  options: EstateServeOptions,
  out: (text: string) => void,
): Promise<EstateServer> {
  const estate = await loadEstateFile(options.estate);
  const server = await startEstateServer({
    estate,
    port: options.port,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.tps !== undefined && options.tps > 0 ? { tps: options.tps } : {}),
    ...(options.burst !== undefined ? { burst: options.burst } : {}),
  });
  out(
    [
      `Estate ${options.estate} on ${server.endpoint}`,
      `  accounts: ${estateAccounts(estate).join(', ')} (base credentials act as ${estate.callerAccountId})`,
      `  regions:  ${estateRegions(estate).join(', ')}`,
      `Point the SDK at it:`,
      `  export AWS_ENDPOINT_URL=${server.endpoint} AWS_REGION=${estateRegions(estate)[0] ?? 'us-east-1'} AWS_ACCESS_KEY_ID=AKIAESTATELOCAL00001 AWS_SECRET_ACCESS_KEY=estate`,
      `Ctrl-C stops it.`,
      '',
    ].join('\n'),
  );
  return server;
}

export function registerEstate(program: Command, ctx: CliContext): void {
  const estate = program
    .command('estate')
    .description('Run or capture a local AWS estate (a stateful AWS double)');
  estate
    .command('serve')
    .description('Serve an estate file on loopback for the real AWS SDK clients (AWS_ENDPOINT_URL)')
    .option('--estate <file>', 'estate JSON file (format: src/estate/ESTATE_FORMAT.md)', SAMPLE_ESTATE_PATH)
    .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', nonNegativeNumber('--port'), 4566)
    .option('--latency-ms <n>', 'delay added to every answer', nonNegativeNumber('--latency-ms'))
    .option(
      '--tps <n>',
      'calls per second per account, region and operation before ThrottlingException',
      nonNegativeNumber('--tps'),
    )
    .option(
      '--burst <n>',
      'token bucket size for --tps (default: the --tps value)',
      nonNegativeNumber('--burst'),
    )
    .action(async (options: EstateServeOptions) => {
      const server = await serveEstate(options, ctx.io.out);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
  estate
    .command('capture')
    .description('Write the configured real accounts into an estate file with read-only calls')
    .action(() => {
      throw new NotImplementedError('efs-encrypt estate capture');
    });
}
