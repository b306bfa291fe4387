import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../cli-io.ts';
import { installProcessGuards } from '../process-guards.ts';
import { scanSummaryText } from '../output/scan-summary-text.ts';
import { progressOutput } from '../output/progress-output.ts';

const HOW_TO_CONNECT_SLACK = `
To run this in Slack:
  1. Create an app from manifest.yml at https://api.slack.com/apps ("From an app manifest").
  2. Install it to your workspace; copy the Bot token (xoxb-…) and create an app-level token (xapp-…)
     with the connections:write scope.
  3. SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… npm run demo
  4. In a channel, invite @efs-encrypt and type /efs-encrypt scan
`;

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('Start the embedded store and sample estate and run the bot on them')
    .option('--estate <file>', 'use this estate file instead of the bundled sample')
    .option('--sandbox', 'run the bot behind a local Slack-like page in your browser (no Slack account)')
    .option('--port <port>', "the sandbox page's port (default: any free one)", (v) => Number(v))
    .option(
      '--clock-speed <n>',
      "with --sandbox: run the sample estate's timeline n times faster (creations, DataSync, deployments; default 1)",
      parseClockSpeed,
    )
    .option(
      '--scan-only',
      'without Slack: only scan and print the summary (skip the migration of one sample file system)',
    )
    .action(
      async (opts: {
        estate?: string;
        sandbox?: boolean;
        port?: number;
        scanOnly?: boolean;
        clockSpeed?: number;
      }) => {
        const config = ctx.config();
        const withSlack = Boolean(config.slack.botToken) && !opts.sandbox;
        // The terminal demo plays one migration on a clock it can skip ahead over the decommission's
        // idle window, on the sample estate sped up; the bot in Slack or the sandbox keeps real time.
        const walk = !withSlack && !opts.sandbox && !opts.scanOnly && !opts.estate;
        // Loaded on use: Bolt, the SDK and the store are not needed at start-up for every command.
        const [
          { createSlackApp },
          { createLogger },
          { openRuntime },
          { slackServices },
          { waitForShutdownSignal },
        ] = await Promise.all([
          import('../../slack/app.ts'),
          import('../logger.ts'),
          import('../runtime.ts'),
          import('../slack-services.ts'),
          import('../wait-for-signal.ts'),
        ]);
        const walkSetup = walk ? await demoWalkSetup() : undefined;
        const sandboxSetup = opts.sandbox ? await sandboxClockSetup(opts.clockSpeed) : undefined;
        const logger = createLogger(withSlack ? config.logLevel : 'warn');
        const runtime = await openRuntime({
          config,
          env: ctx.io.env,
          logger,
          estate: opts.estate
            ? { file: opts.estate }
            : {
                demo: true,
                ...((walkSetup ?? sandboxSetup)?.timing
                  ? { timing: (walkSetup ?? sandboxSetup)!.timing }
                  : {}),
              },
          ...((walkSetup ?? sandboxSetup) ? { clock: (walkSetup ?? sandboxSetup)!.clock } : {}),
        });
        try {
          const where = `${runtime.estate?.source} on ${runtime.estate?.server.endpoint}`;
          ctx.io.err(
            `Local AWS estate: ${where}\nState: ${config.store.tableName ?? `embedded DynamoDB-compatible store on ${runtime.store.endpoint}`}\n`,
          );
          if (opts.sandbox) {
            const { startSandbox } = await import('../../sandbox/start-sandbox.ts');
            const sandbox = await startSandbox({
              config,
              services: slackServices(runtime, sandboxSetup?.pollMs ? { pollMs: sandboxSetup.pollMs } : {}),
              logger,
              port: opts.port,
              ...(sandboxSetup ? { clock: sandboxSetup.clock } : {}),
            });
            const removeGuards = installProcessGuards(logger);
            try {
              ctx.io.err(
                `Sandbox: open ${sandbox.url} in a browser and type /efs-encrypt scan. Ctrl-C stops the demo.\n`,
              );
              await waitForShutdownSignal();
            } finally {
              await sandbox.close();
              removeGuards();
            }
            return;
          }
          if (withSlack) {
            const slack = createSlackApp({ config, services: slackServices(runtime), logger });
            const removeGuards = installProcessGuards(logger);
            try {
              await slack.start();
              ctx.io.err(
                'Connected to Slack. Type /efs-encrypt scan in a channel the bot is in. Ctrl-C stops the demo.\n',
              );
              await waitForShutdownSignal();
            } finally {
              await slack.stop();
              removeGuards();
            }
            return;
          }
          ctx.io.err('No SLACK_BOT_TOKEN: running the scan here and printing what Slack would show.\n\n');
          const progress = progressOutput(ctx.io);
          const scan = await runtime
            .scanWorkflow(progress)
            .run({ requestedBy: 'demo' })
            .finally(() => progress.stop());
          ctx.io.out(`\n${scanSummaryText(scan)}`);
          // An in-memory store ends with this process: then the way to a CSV is another scan.
          const exportHint = config.store.dataDir
            ? `npx efs-encrypt export ${scan.scanId} --out inventory.csv`
            : 'npx efs-encrypt scan --demo --csv --out inventory.csv (set EFS_ENCRYPT_DATA_DIR to keep scans, then npx efs-encrypt export)';
          ctx.io.out(`\nThe scan is stored as ${scan.scanId}. Export it with: ${exportHint}\n`);
          if (walkSetup) {
            const walkProgress = progressOutput(ctx.io);
            await walkSetup
              .play({
                runtime,
                clock: walkSetup.clock,
                scan,
                out: (t) => ctx.io.out(t),
                progress: walkProgress,
              })
              .finally(() => walkProgress.stop());
          }
          ctx.io.out('\nTo try the bot in a browser, with no Slack account: npm run demo -- --sandbox\n');
          ctx.io.out(HOW_TO_CONNECT_SLACK);
        } finally {
          await runtime.close();
        }
      },
    );
}

function parseClockSpeed(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError(`expected a number from 1 to 1000 (how many times faster), got ${v}`);
  return n;
}

/**
 * The sandbox's clock, which its page can skip past the decommission's idle window (as the terminal
 * walk does), and with --clock-speed the estate's timeline sped up, the jobs polling as often.
 */
async function sandboxClockSetup(speed: number | undefined) {
  const [{ JumpableClock }, { scaleTiming }] = await Promise.all([
    import('../demo/jumpable-clock.ts'),
    import('../../estate/index.ts'),
  ]);
  const fast = speed !== undefined && speed > 1;
  return {
    clock: new JumpableClock(),
    timing: fast ? scaleTiming(speed) : undefined,
    // The default 2 s poll would hide a sped-up estate: poll about as often as it moves.
    pollMs: fast ? Math.max(20, Math.round(2000 / speed)) : undefined,
  };
}

/** The walk's module, its clock and the sped-up estate timing; loaded only when the walk runs. */
async function demoWalkSetup() {
  const [{ playDemoMigration, DEMO_ESTATE_SPEED }, { JumpableClock }, { scaleTiming }] = await Promise.all([
    import('../demo/demo-walk.ts'),
    import('../demo/jumpable-clock.ts'),
    import('../../estate/index.ts'),
  ]);
  return { play: playDemoMigration, clock: new JumpableClock(), timing: scaleTiming(DEMO_ESTATE_SPEED) };
}
