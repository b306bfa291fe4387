import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { EfsEncryptError, ErrorCode } from '../../domain/errors.ts';
import { MAX_SCAN_PAIRS_AT_ONCE } from '../../domain/scan-scope.ts';
import type { CaptureResult } from '../../capture/index.ts';
import type { EstateServer } from '../../estate/index.ts';
import { SAMPLE_ESTATE_PATH } from '../../estate/samples/index.ts';
import { waitForShutdownSignal } from '../wait-for-signal.ts';

export interface EstateServeOptions {
  estate: string;
  port: number;
  latencyMs?: number;
  tps?: number;
  burst?: number;
  /** Time runs this many times faster (creations, replication, DataSync executions). */
  speed?: number;
  /** Where to write the calls the estate answered (JSON) when it stops. */
  statsFile?: string;
}

function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${flag} takes a number of 0 or more, not "${value}".`);
    return n;
  };
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${flag} takes a number above 0, not "${value}".`);
    return n;
  };
}

/** Starts the estate and prints how to point the SDK (and so the bot) at it. */
export async function serveEstate(
  options: EstateServeOptions,
  out: (text: string) => void,
): Promise<EstateServer> {
  // Loaded on use: the estate's models and server are not needed at start-up for every command.
  const [{ startEstateServer, estateAccounts, estateRegions, scaleTiming }, { loadEstate }] =
    await Promise.all([import('../../estate/index.ts'), import('../estate-file.ts')]);
  const estate = await loadEstate(options.estate);
  const server = await startEstateServer({
    estate,
    port: options.port,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.tps !== undefined && options.tps > 0 ? { tps: options.tps } : {}),
    ...(options.burst !== undefined ? { burst: options.burst } : {}),
    ...(options.speed !== undefined && options.speed !== 1 ? { timing: scaleTiming(options.speed) } : {}),
  });
  out(
    [
      `Estate ${options.estate} on ${server.endpoint}`,
      `  accounts: ${estateAccounts(estate).join(', ')} (base credentials act as ${estate.callerAccountId})`,
      `  regions:  ${estateRegions(estate).join(', ')}`,
      `Point the SDK at it:`,
      `  export AWS_ENDPOINT_URL=${server.endpoint} AWS_REGION=${estateRegions(estate)[0] ?? 'us-east-1'} AWS_ACCESS_KEY_ID=AKIAESTATELOCAL00001 AWS_SECRET_ACCESS_KEY=estate`,
      `and the bot at its accounts and regions:`,
      `  export EFS_ENCRYPT_ACCOUNTS=${estateAccounts(estate).join(',')} EFS_ENCRYPT_REGIONS=${estateRegions(estate).join(',')}`,
      `Ctrl-C stops it.`,
      '',
    ].join('\n'),
  );
  return server;
}

/**
 * Stops the estate, first writing what it answered to `statsFile` if one was given: calls and
 * throttles in all, per operation and per throttling bucket, and when the first and last call came
 * (a benchmark outside the process reads them; the control surface stays in-process).
 */
export async function stopEstate(server: EstateServer, options: Pick<EstateServeOptions, 'statsFile'>) {
  try {
    if (options.statsFile) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(options.statsFile, `${JSON.stringify(server.stats(), null, 2)}\n`);
    }
  } finally {
    await server.close();
  }
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
    .option(
      '--speed <n>',
      "run the estate's clock this many times faster (e.g. 60 for rehearsals)",
      positiveNumber('--speed'),
    )
    .option(
      '--stats-file <file>',
      'on Ctrl-C or SIGTERM, write the calls it answered (per operation and per throttling bucket, JSON) to FILE',
    )
    .action(async (options: EstateServeOptions) => {
      const server = await serveEstate(options, ctx.io.out);
      await waitForShutdownSignal();
      await stopEstate(server, options);
    });
  estate
    .command('capture')
    .description('Write the configured real accounts into an estate file with read-only calls')
    .requiredOption('--out <file>', 'estate JSON file to write')
    .option(
      '--accounts <ids>',
      'comma-separated account IDs (default: EFS_ENCRYPT_ACCOUNTS, else your own)',
      listOf('--accounts', ACCOUNT_ID),
    )
    .option(
      '--regions <names>',
      'comma-separated regions (default: EFS_ENCRYPT_REGIONS, else AWS_REGION)',
      listOf('--regions', REGION),
    )
    .option('--force', 'replace --out if it exists')
    .addHelpText(
      'after',
      '\nOnly Describe, List and Get calls (and STS AssumeRole) are made, through EFS_ENCRYPT_ROLE_NAME, with the\n' +
        "scan's rate limit. Serve the result with `efs-encrypt estate serve --estate FILE` or `scan --estate FILE`.\n",
    )
    .action(async (options: EstateCaptureOptions) => {
      await captureToFile(options, ctx);
    });
}

const ACCOUNT_ID = { pattern: /^\d{12}$/, example: '123456789012' };
const REGION = { pattern: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, example: 'eu-west-1' };

function listOf(flag: string, item: { pattern: RegExp; example: string }) {
  return (value: string): string[] => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((i) => !item.pattern.test(i));
    if (items.length === 0 || bad.length > 0)
      throw new InvalidArgumentError(
        `${flag} takes a comma-separated list such as ${item.example}${bad.length ? `; not: ${bad.join(', ')}` : ''}.`,
      );
    return [...new Set(items)];
  };
}

export interface EstateCaptureOptions {
  out: string;
  accounts?: string[];
  regions?: string[];
  force?: boolean;
}

/** Captures the configured (or given) accounts and regions into `options.out`; progress and notices on stderr. */
export async function captureToFile(options: EstateCaptureOptions, ctx: CliContext): Promise<CaptureResult> {
  const config = ctx.config();
  const [{ createAccountClients }, { captureEstate, sdkCaptureSource, writeCapture }] = await Promise.all([
    import('../../aws/account-clients.ts'),
    import('../../capture/index.ts'),
  ]);
  const accounts = createAccountClients({
    accounts: options.accounts ?? config.aws.accounts,
    regions: options.regions ?? config.aws.regions,
    roleName: config.aws.roleName,
    externalId: config.aws.externalId,
    rateLimitPerSecond: config.aws.rateLimitPerSecond,
  });
  const source = sdkCaptureSource(accounts);
  try {
    const result = await captureEstate({
      source,
      concurrency: config.aws.scanConcurrency ?? MAX_SCAN_PAIRS_AT_ONCE,
      notice: (line) => ctx.io.err(`capture: ${line}\n`),
    });
    await writeCapture(options.out, result.file, { force: options.force });
    const calls = accounts.stats.snapshot();
    ctx.io.err(
      `Wrote ${result.fileSystems} file systems and ${result.keys} keys from ${result.accounts.length} account(s) in ` +
        `${result.regions.length} region(s) to ${options.out} (${calls.apiCalls} calls, ${calls.throttles} throttled).\n`,
    );
    if (result.problems.length > 0)
      throw new EfsEncryptError(
        ErrorCode.EstateInvalid,
        `${options.out} was written but does not load as an estate; fix these by hand (or report them):\n` +
          result.problems.map((p) => `  - ${p}`).join('\n'),
      );
    if (result.failedRegions.length > 0)
      throw new EfsEncryptError(
        ErrorCode.AwsCallFailed,
        `${options.out} was written without ${result.failedRegions.length} region(s) that could not be read: ` +
          result.failedRegions.map((f) => `${f.accountId} ${f.region} (${f.code})`).join(', ') +
          ". Check the role's permissions there and capture again.",
      );
    return result;
  } finally {
    source.destroy();
    accounts.destroy();
  }
}
