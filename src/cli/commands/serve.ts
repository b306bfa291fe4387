import { Option, type Command } from 'commander';
import { ConfigError } from '../../domain/errors.ts';
import type { CliContext } from '../cli-io.ts';
import { installProcessGuards } from '../process-guards.ts';

interface ServeOptions {
  estate?: string;
  demo?: boolean;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Run the Slack bot (Socket Mode, HTTP or Lambda receiver, from SLACK_MODE)')
    .addOption(
      new Option('--estate <file>', 'run against a local estate file served in this process').conflicts(
        'demo',
      ),
    )
    .option('--demo', 'run against the bundled sample estate')
    .action(async (opts: ServeOptions) => {
      const config = ctx.config();
      // Missing or unusable settings: a configuration problem (exit 2), reported together.
      const problems = [
        ...(config.slack.botToken
          ? []
          : [
              'SLACK_BOT_TOKEN: serve needs the bot token (xoxb-…), and SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP.',
            ]),
        ...(config.slack.mode === 'lambda'
          ? [
              'SLACK_MODE: lambda runs inside AWS Lambda through its handler, not through `serve`; use socket or http here.',
            ]
          : []),
      ];
      if (problems.length) throw new ConfigError(problems);
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
      const logger = createLogger(config.logLevel);
      installProcessGuards(logger);
      const runtime = await openRuntime({
        config,
        env: ctx.io.env,
        logger,
        estate: opts.estate || opts.demo ? { file: opts.estate, demo: opts.demo } : undefined,
      });
      const slack = createSlackApp({ config, services: slackServices(runtime), logger });
      try {
        const started = await slack.start();
        ctx.io.err(
          started.mode === 'http'
            ? `efs-encrypt is listening for Slack on ${started.url}. Ctrl-C stops it.\n`
            : `efs-encrypt is connected to Slack (Socket Mode). Try /efs-encrypt scan. Ctrl-C stops it.\n`,
        );
        const signal = await waitForShutdownSignal();
        ctx.io.err(`${signal}: finishing running work, then stopping.\n`);
      } finally {
        await slack.stop();
        await runtime.close();
      }
    });
}
